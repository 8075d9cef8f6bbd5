//go:build linux || darwin || freebsd

package capstd

import (
	"io/fs"
	"syscall"
)

// statOfFileInfo returns the device and inode of an os.Lstat result.
func statOfFileInfo(fi fs.FileInfo) Stat {
	sys := fi.Sys().(*syscall.Stat_t)
	return Stat{Dev: uint64(sys.Dev), Ino: uint64(sys.Ino)}
}
