package common

// Filetype is the type of a file descriptor or file (the spec's filetype, a u8).
type Filetype uint8

// The preview1 file types.
const (
	// FiletypeUnknown: the type is unknown or none of the others.
	FiletypeUnknown Filetype = iota
	// FiletypeBlockDevice: a block device inode.
	FiletypeBlockDevice
	// FiletypeCharacterDevice: a character device inode (a terminal, /dev/null).
	FiletypeCharacterDevice
	// FiletypeDirectory: a directory inode.
	FiletypeDirectory
	// FiletypeRegularFile: a regular file inode.
	FiletypeRegularFile
	// FiletypeSocketDgram: a datagram socket.
	FiletypeSocketDgram
	// FiletypeSocketStream: a byte-stream socket.
	FiletypeSocketStream
	// FiletypeSymbolicLink: a symbolic link inode.
	FiletypeSymbolicLink
)

var filetypeNames = []string{
	"UNKNOWN", "BLOCK_DEVICE", "CHARACTER_DEVICE", "DIRECTORY", "REGULAR_FILE",
	"SOCKET_DGRAM", "SOCKET_STREAM", "SYMBOLIC_LINK",
}

// String returns the spec name, e.g. "REGULAR_FILE", or "Filetype(N)".
func (t Filetype) String() string { return formatEnum("Filetype", uint64(t), filetypeNames) }

// Fdflags are a file descriptor's flags (the spec's fdflags, a u16).
type Fdflags uint16

// The preview1 file descriptor flags.
const (
	// FdflagsAppend: every write goes to the end of the file.
	FdflagsAppend Fdflags = 1 << iota
	// FdflagsDsync: writes complete as if by fd_datasync.
	FdflagsDsync
	// FdflagsNonblock: operations that would block fail with EAGAIN instead.
	FdflagsNonblock
	// FdflagsRsync: reads complete as if by fd_sync (with DSYNC or SYNC).
	FdflagsRsync
	// FdflagsSync: writes complete as if by fd_sync.
	FdflagsSync
)

// FdflagsAll is every flag preview1 defines for [Fdflags].
const FdflagsAll = FdflagsAppend | FdflagsDsync | FdflagsNonblock | FdflagsRsync | FdflagsSync

var fdflagsNames = []string{"APPEND", "DSYNC", "NONBLOCK", "RSYNC", "SYNC"}

// String prints the set flags, e.g. "APPEND|NONBLOCK".
func (f Fdflags) String() string { return formatFlags(uint64(f), fdflagsNames) }

// Oflags are the open flags of path_open (the spec's oflags, a u16).
type Oflags uint16

// The preview1 open flags.
const (
	// OflagsCreat: create the file if it does not exist.
	OflagsCreat Oflags = 1 << iota
	// OflagsDirectory: fail with ENOTDIR unless the path names a directory.
	OflagsDirectory
	// OflagsExcl: with OflagsCreat, fail with EEXIST if the file exists.
	OflagsExcl
	// OflagsTrunc: truncate the file to size 0.
	OflagsTrunc
)

// OflagsAll is every flag preview1 defines for [Oflags].
const OflagsAll = OflagsCreat | OflagsDirectory | OflagsExcl | OflagsTrunc

var oflagsNames = []string{"CREAT", "DIRECTORY", "EXCL", "TRUNC"}

// String prints the set flags, e.g. "CREAT|EXCL".
func (f Oflags) String() string { return formatFlags(uint64(f), oflagsNames) }

// Lookupflags say how a path is resolved (the spec's lookupflags, a u32).
type Lookupflags uint32

// LookupflagsSymlinkFollow: a final path component that is a symbolic link
// is followed. Without it, the link itself is the object of the operation.
// Symbolic links in the middle of a path are always followed.
const LookupflagsSymlinkFollow Lookupflags = 1

var lookupflagsNames = []string{"SYMLINK_FOLLOW"}

// String prints the set flags, e.g. "SYMLINK_FOLLOW".
func (f Lookupflags) String() string { return formatFlags(uint64(f), lookupflagsNames) }

// Fstflags say which timestamps fd_filestat_set_times and
// path_filestat_set_times change (the spec's fstflags, a u16).
type Fstflags uint16

// The preview1 timestamp flags. ATIM and ATIM_NOW together (or MTIM and
// MTIM_NOW together) are invalid: EINVAL.
const (
	// FstflagsAtim: set the access time to the given value.
	FstflagsAtim Fstflags = 1 << iota
	// FstflagsAtimNow: set the access time to the current time.
	FstflagsAtimNow
	// FstflagsMtim: set the modification time to the given value.
	FstflagsMtim
	// FstflagsMtimNow: set the modification time to the current time.
	FstflagsMtimNow
)

// FstflagsAll is every flag preview1 defines for [Fstflags].
const FstflagsAll = FstflagsAtim | FstflagsAtimNow | FstflagsMtim | FstflagsMtimNow

var fstflagsNames = []string{"ATIM", "ATIM_NOW", "MTIM", "MTIM_NOW"}

// String prints the set flags, e.g. "ATIM|MTIM_NOW".
func (f Fstflags) String() string { return formatFlags(uint64(f), fstflagsNames) }

// Valid reports whether f sets only defined bits and never asks for both a
// value and "now" for the same timestamp.
func (f Fstflags) Valid() bool {
	return f&^FstflagsAll == 0 &&
		f&(FstflagsAtim|FstflagsAtimNow) != FstflagsAtim|FstflagsAtimNow &&
		f&(FstflagsMtim|FstflagsMtimNow) != FstflagsMtim|FstflagsMtimNow
}

// Whence is the origin of an fd_seek (the spec's whence, a u8).
type Whence uint8

// The preview1 seek origins.
const (
	WhenceSet Whence = iota // Seek relative to the start of the file.
	WhenceCur               // Seek relative to the current offset.
	WhenceEnd               // Seek relative to the end of the file.
)

var whenceNames = []string{"SET", "CUR", "END"}

// String returns the spec name, e.g. "CUR", or "Whence(N)".
func (w Whence) String() string { return formatEnum("Whence", uint64(w), whenceNames) }

// Advice is file access advice for fd_advise (the spec's advice, a u8).
type Advice uint8

// The preview1 advice values.
const (
	AdviceNormal     Advice = iota // No particular access pattern.
	AdviceSequential               // Access in sequential order, lower offsets first.
	AdviceRandom                   // Access in random order.
	AdviceWillneed                 // The data will be accessed soon.
	AdviceDontneed                 // The data will not be accessed soon.
	AdviceNoreuse                  // The data will be accessed once.
)

var adviceNames = []string{"NORMAL", "SEQUENTIAL", "RANDOM", "WILLNEED", "DONTNEED", "NOREUSE"}

// String returns the spec name, e.g. "SEQUENTIAL", or "Advice(N)".
func (a Advice) String() string { return formatEnum("Advice", uint64(a), adviceNames) }

// Preopentype is the kind of a pre-opened resource (the spec's preopentype, a u8).
type Preopentype uint8

// PreopentypeDir: a pre-opened directory. It is the only kind preview1 defines.
const PreopentypeDir Preopentype = 0

var preopentypeNames = []string{"DIR"}

// String returns the spec name, "DIR", or "Preopentype(N)".
func (p Preopentype) String() string { return formatEnum("Preopentype", uint64(p), preopentypeNames) }
