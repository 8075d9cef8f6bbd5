//go:build linux || darwin || freebsd

package capstd

import (
	"io/fs"

	"golang.org/x/sys/unix"
)

// specialModes pairs the io/fs and the system spelling of the mode bits
// beyond the permissions.
var specialModes = [...]struct {
	fs  fs.FileMode
	sys uint32
}{
	{fs.ModeSetuid, unix.S_ISUID},
	{fs.ModeSetgid, unix.S_ISGID},
	{fs.ModeSticky, unix.S_ISVTX},
}

// sysMode translates a permission for open(2) and mkdir(2).
func sysMode(perm fs.FileMode) uint32 {
	m := uint32(perm.Perm())
	for _, b := range specialModes {
		if perm&b.fs != 0 {
			m |= b.sys
		}
	}
	return m
}

// statOf converts a stat(2) result.
func statOf(s *unix.Stat_t) Stat {
	mode := uint32(s.Mode)
	perm := fs.FileMode(mode & 0o777)
	for _, b := range specialModes {
		if mode&b.sys != 0 {
			perm |= b.fs
		}
	}
	return Stat{
		Dev:   uint64(s.Dev),
		Ino:   uint64(s.Ino),
		Type:  typeOfMode(mode),
		Perm:  perm,
		Nlink: uint64(s.Nlink),
		Size:  int64(s.Size),
		Atime: Timespec{Sec: int64(s.Atim.Sec), Nsec: int64(s.Atim.Nsec)},
		Mtime: Timespec{Sec: int64(s.Mtim.Sec), Nsec: int64(s.Mtim.Nsec)},
		Ctime: Timespec{Sec: int64(s.Ctim.Sec), Nsec: int64(s.Ctim.Nsec)},
	}
}

// typeOfMode returns the file type in a st_mode.
func typeOfMode(mode uint32) FileType {
	switch mode & unix.S_IFMT {
	case unix.S_IFREG:
		return TypeRegular
	case unix.S_IFDIR:
		return TypeDir
	case unix.S_IFLNK:
		return TypeSymlink
	case unix.S_IFCHR:
		return TypeCharDevice
	case unix.S_IFBLK:
		return TypeBlockDevice
	case unix.S_IFIFO:
		return TypeFIFO
	case unix.S_IFSOCK:
		return TypeSocket
	}
	return TypeUnknown
}

// sysTimes translates SetTimes arguments (already checked) for
// utimensat(2).
func sysTimes(atime, mtime Timespec) [2]unix.Timespec {
	return [2]unix.Timespec{sysTime(atime), sysTime(mtime)}
}

func sysTime(t Timespec) unix.Timespec {
	switch {
	case t.IsOmit():
		return unix.Timespec{Nsec: utimeOmit}
	case t.IsNow():
		return unix.Timespec{Nsec: utimeNow}
	}
	ts, err := unix.TimeToTimespec(t.Time())
	if err != nil { // out of range for a 32-bit time_t
		return unix.Timespec{Nsec: utimeOmit}
	}
	return ts
}

// typeOfDirent returns the file type of a directory entry's d_type;
// DT_UNKNOWN is TypeUnknown.
func typeOfDirent(t uint8) FileType {
	switch t {
	case unix.DT_REG:
		return TypeRegular
	case unix.DT_DIR:
		return TypeDir
	case unix.DT_LNK:
		return TypeSymlink
	case unix.DT_CHR:
		return TypeCharDevice
	case unix.DT_BLK:
		return TypeBlockDevice
	case unix.DT_FIFO:
		return TypeFIFO
	case unix.DT_SOCK:
		return TypeSocket
	}
	return TypeUnknown
}
