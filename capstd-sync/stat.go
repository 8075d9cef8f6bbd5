package capstdsync

import (
	"github.com/capwasi/capwasi/capstd"
	"github.com/capwasi/capwasi/common"
)

// filetypes maps capstd's types to preview1's. A FIFO is FiletypeUnknown:
// preview1 has no type for pipes.
var filetypes = [...]common.Filetype{
	capstd.TypeUnknown:     common.FiletypeUnknown,
	capstd.TypeRegular:     common.FiletypeRegularFile,
	capstd.TypeDir:         common.FiletypeDirectory,
	capstd.TypeSymlink:     common.FiletypeSymbolicLink,
	capstd.TypeCharDevice:  common.FiletypeCharacterDevice,
	capstd.TypeBlockDevice: common.FiletypeBlockDevice,
	capstd.TypeFIFO:        common.FiletypeUnknown,
	capstd.TypeSocket:      common.FiletypeSocketStream,
}

// filetypeOf returns the preview1 type of a capstd type.
func filetypeOf(t capstd.FileType) common.Filetype {
	if int(t) < len(filetypes) {
		return filetypes[t]
	}
	return common.FiletypeUnknown
}

// filestatOf converts capstd's attributes, keeping nanoseconds. Times
// before 1970 are reported as 0.
func filestatOf(st capstd.Stat) common.Filestat {
	return common.Filestat{
		Dev:      common.Device(st.Dev),
		Ino:      common.Inode(st.Ino),
		Filetype: filetypeOf(st.Type),
		Nlink:    common.Linkcount(st.Nlink),
		Size:     common.Filesize(max(st.Size, 0)),
		Atim:     timestampOf(st.Atime),
		Mtim:     timestampOf(st.Mtime),
		Ctim:     timestampOf(st.Ctime),
	}
}

func timestampOf(ts capstd.Timespec) common.Timestamp {
	return common.Timestamp(max(ts.UnixNano(), 0))
}

// setTimesArgs turns preview1's set-times arguments into capstd's: a value,
// "now" or "leave as is" for each time. flags must be valid
// (common.Fstflags.Valid), else EINVAL.
func setTimesArgs(atim, mtim common.Timestamp, flags common.Fstflags) (a, m capstd.Timespec, err error) {
	if !flags.Valid() {
		return a, m, common.EINVAL
	}
	pick := func(v common.Timestamp, set, now common.Fstflags) capstd.Timespec {
		switch {
		case flags&set != 0:
			return capstd.Timespec{Sec: int64(v / 1e9), Nsec: int64(v % 1e9)}
		case flags&now != 0:
			return capstd.NowTime()
		}
		return capstd.OmitTime()
	}
	return pick(atim, common.FstflagsAtim, common.FstflagsAtimNow),
		pick(mtim, common.FstflagsMtim, common.FstflagsMtimNow), nil
}

// offsetOf converts a preview1 offset or length to the system's signed
// one; one beyond the system's range is EINVAL.
func offsetOf(v common.Filesize) (int64, error) {
	if v > 1<<63-1 {
		return 0, common.EINVAL
	}
	return int64(v), nil
}
