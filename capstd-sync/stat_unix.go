//go:build linux || darwin || freebsd

package capstdsync

import (
	"github.com/capwasi/capwasi/common"
	"golang.org/x/sys/unix"
)

// filetypeOfMode returns the preview1 type of a stat mode. A FIFO is
// FiletypeUnknown: preview1 has no type for pipes.
func filetypeOfMode(mode uint32) common.Filetype {
	switch mode & unix.S_IFMT {
	case unix.S_IFREG:
		return common.FiletypeRegularFile
	case unix.S_IFDIR:
		return common.FiletypeDirectory
	case unix.S_IFLNK:
		return common.FiletypeSymbolicLink
	case unix.S_IFCHR:
		return common.FiletypeCharacterDevice
	case unix.S_IFBLK:
		return common.FiletypeBlockDevice
	case unix.S_IFSOCK:
		return common.FiletypeSocketStream
	}
	return common.FiletypeUnknown
}

// fdFilestat returns the attributes of an open descriptor (fstat(2)).
func fdFilestat(fd int) (common.Filestat, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return common.Filestat{}, wasiErr(err)
	}
	return common.Filestat{
		Dev:      common.Device(st.Dev),
		Ino:      common.Inode(st.Ino),
		Filetype: filetypeOfMode(uint32(st.Mode)),
		Nlink:    common.Linkcount(st.Nlink),
		Size:     common.Filesize(st.Size),
		Atim:     common.Timestamp(st.Atim.Nano()),
		Mtim:     common.Timestamp(st.Mtim.Nano()),
		Ctim:     common.Timestamp(st.Ctim.Nano()),
	}, nil
}
