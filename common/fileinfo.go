package common

import (
	"io/fs"
	"math"
	"time"
)

// FiletypeOf returns the preview1 type of a file of mode, as io/fs
// describes it: a directory, a symbolic link, a character device (a device
// with fs.ModeCharDevice), a block device (any other device), a socket
// (FiletypeSocketStream: the mode does not say which kind), a regular file;
// anything else, a named pipe included (preview1 has no type for pipes),
// is FiletypeUnknown.
func FiletypeOf(mode fs.FileMode) Filetype {
	switch t := mode.Type(); {
	case t == 0:
		return FiletypeRegularFile
	case t&fs.ModeDir != 0:
		return FiletypeDirectory
	case t&fs.ModeSymlink != 0:
		return FiletypeSymbolicLink
	case t&fs.ModeCharDevice != 0:
		return FiletypeCharacterDevice
	case t&fs.ModeDevice != 0:
		return FiletypeBlockDevice
	case t&fs.ModeSocket != 0:
		return FiletypeSocketStream
	}
	return FiletypeUnknown
}

// FilestatOf returns the attributes io/fs gives of a file: its type
// ([FiletypeOf] its mode), its size (0 when negative), one link, and its
// modification time in all three timestamps (io/fs has no access or change
// time), with nanoseconds; a time before 1970 (embed.FS reports the zero
// time) is 0, and one after 2262 the largest timestamp.
//
// Dev and Ino are left 0, for the caller to fill: io/fs has no device or
// inode numbers, and a guest needs a non-zero inode (Go's os.ReadDir drops
// entries whose inode is 0, and os.SameFile compares Dev and Ino). A file
// system without inode numbers of its own derives them from something
// stable for as long as the guest runs: a counter per node, or a hash of
// the file's clean path (docs/implementing.md).
func FilestatOf(info fs.FileInfo) Filestat {
	t := timestampOf(info.ModTime())
	return Filestat{
		Filetype: FiletypeOf(info.Mode()),
		Nlink:    1,
		Size:     Filesize(max(info.Size(), 0)),
		Atim:     t,
		Mtim:     t,
		Ctim:     t,
	}
}

// timestampOf returns t in nanoseconds since 1970, 0 for an earlier time and
// the largest timestamp for one too late for an int64 of nanoseconds.
func timestampOf(t time.Time) Timestamp {
	switch s := t.Unix(); {
	case s < 0:
		return 0
	case s >= math.MaxInt64/int64(time.Second):
		return math.MaxInt64
	}
	return Timestamp(t.UnixNano())
}
