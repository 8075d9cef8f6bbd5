package common

// Fd is a guest file descriptor number (the spec's fd, a u32). Only the
// binding deals in them; implementations see files, never numbers.
type Fd uint32

// Filesize is a size or offset in a file, in bytes (the spec's filesize, a u64).
type Filesize uint64

// Filedelta is a relative offset within a file, in bytes (the spec's
// filedelta, an s64).
type Filedelta int64

// Timestamp is a point in time in nanoseconds (the spec's timestamp, a u64).
// Realtime timestamps count from the Unix epoch; other clocks count from an
// unspecified origin.
type Timestamp uint64

// Device identifies the device a file lives on (the spec's device, a u64).
type Device uint64

// Inode is a file serial number, unique per [Device] (the spec's inode, a u64).
type Inode uint64

// Linkcount is a number of hard links (the spec's linkcount, a u64).
type Linkcount uint64

// Dircookie is a position in a directory listing (the spec's dircookie, a
// u64): [DircookieStart] is the first entry, and each [Dirent] carries the
// cookie of the entry that follows it. Implementations hand out cookies
// below 2^31 ([WasiDir.Readdir]).
type Dircookie uint64

// DircookieStart is the cookie of the first entry of a directory.
const DircookieStart Dircookie = 0

// Userdata is a value a guest attaches to a subscription and gets back in the
// matching event (the spec's userdata, a u64).
type Userdata uint64

// Exitcode is a process exit status (the spec's exitcode, a u32).
type Exitcode uint32
