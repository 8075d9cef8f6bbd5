package capstd

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// direntIno is the offset of the inode number in freebsd's struct dirent.
const direntIno = unsafe.Offsetof(unix.Dirent{}.Fileno)
