package capstd

import (
	"io/fs"
	"time"
)

// FileType is the type of a file as reported by [Dir.Stat], [File.Stat] and
// [DirEntry].
type FileType uint8

// File types.
const (
	TypeUnknown FileType = iota
	TypeRegular
	TypeDir
	TypeSymlink
	TypeCharDevice
	TypeBlockDevice
	TypeFIFO
	TypeSocket
)

var fileTypeNames = [...]string{
	TypeUnknown:     "unknown",
	TypeRegular:     "regular",
	TypeDir:         "dir",
	TypeSymlink:     "symlink",
	TypeCharDevice:  "char-device",
	TypeBlockDevice: "block-device",
	TypeFIFO:        "fifo",
	TypeSocket:      "socket",
}

// String returns a short lower-case name such as "regular" or "dir".
func (t FileType) String() string {
	if int(t) < len(fileTypeNames) {
		return fileTypeNames[t]
	}
	return "unknown"
}

// Stat holds the attributes of a file, as returned by stat(2).
type Stat struct {
	Dev   uint64      // device containing the file
	Ino   uint64      // inode number
	Type  FileType    // type of the file
	Perm  fs.FileMode // permission bits plus fs.ModeSetuid, fs.ModeSetgid, fs.ModeSticky
	Nlink uint64      // number of hard links
	Size  int64       // size in bytes
	Atime Timespec    // last access, with nanoseconds
	Mtime Timespec    // last modification, with nanoseconds
	Ctime Timespec    // last status change, with nanoseconds
}

// Timespec is a point in time as seconds and nanoseconds since the Unix
// epoch. As an argument of SetTimes it may instead be one of the markers
// returned by [OmitTime] (leave this time unchanged) and [NowTime] (set it to
// the current time). A Timespec with Nsec outside [0, 999999999] that is not
// a marker is invalid and makes SetTimes fail with EINVAL.
type Timespec struct {
	Sec  int64
	Nsec int64
}

// Marker values of Timespec.Nsec; no valid time has a negative Nsec.
const (
	omitNsec = -1
	nowNsec  = -2
)

// OmitTime returns the marker that makes SetTimes leave a time unchanged.
func OmitTime() Timespec { return Timespec{Nsec: omitNsec} }

// NowTime returns the marker that makes SetTimes set a time to the current
// time of the system.
func NowTime() Timespec { return Timespec{Nsec: nowNsec} }

// TimespecOf returns t as a Timespec.
func TimespecOf(t time.Time) Timespec {
	return Timespec{Sec: t.Unix(), Nsec: int64(t.Nanosecond())}
}

// IsOmit reports whether ts is the [OmitTime] marker.
func (ts Timespec) IsOmit() bool { return ts.Nsec == omitNsec && ts.Sec == 0 }

// IsNow reports whether ts is the [NowTime] marker.
func (ts Timespec) IsNow() bool { return ts.Nsec == nowNsec && ts.Sec == 0 }

// valid reports whether ts is a marker or a time with Nsec in range.
func (ts Timespec) valid() bool {
	return ts.IsOmit() || ts.IsNow() || (ts.Nsec >= 0 && ts.Nsec < 1e9)
}

// Time returns ts as a time.Time in the local zone. Markers have no
// meaningful time.
func (ts Timespec) Time() time.Time { return time.Unix(ts.Sec, ts.Nsec) }

// UnixNano returns ts as nanoseconds since the epoch (it overflows for
// times before 1678 or after 2262, like time.Time.UnixNano).
func (ts Timespec) UnixNano() int64 { return ts.Sec*1e9 + ts.Nsec }
