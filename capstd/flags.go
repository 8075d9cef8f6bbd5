package capstd

// OpenFlag selects the access mode and options of [Dir.OpenFile] and the
// descriptor flags of [File.Flags] and [File.SetFlags]. The values are
// capstd's own and portable; they are translated to the operating system's
// O_* flags.
type OpenFlag uint32

// Flags for [Dir.OpenFile]. Exactly the access bits ORead and OWrite decide
// the access mode: neither or ORead alone is read-only, OWrite alone is
// write-only, both ([OReadWrite]) is read-write.
const (
	// ORead opens for reading.
	ORead OpenFlag = 1 << iota
	// OWrite opens for writing.
	OWrite
	// OAppend makes every write append to the end of the file.
	OAppend
	// OCreate creates the file if it does not exist. With a final symbolic
	// link and following (the default), the link's target is created, beneath
	// the Dir.
	OCreate
	// OExcl with OCreate fails with EEXIST if the final component exists,
	// even as a (dangling) symbolic link.
	OExcl
	// OTrunc truncates a regular file to length zero. Like POSIX systems,
	// capstd does not refuse OTrunc without OWrite; access control above the
	// Dir level is the caller's job.
	OTrunc
	// ODirectory fails with ENOTDIR unless the path is a directory.
	ODirectory
	// ONoFollow fails with ELOOP if the final component is a symbolic link
	// (ENOTDIR together with ODirectory, as Linux reports it). Without it
	// the final symbolic link is followed, beneath the Dir. A trailing slash
	// always follows, as in POSIX.
	ONoFollow
	// ONonblock opens in non-blocking mode.
	ONonblock
	// OSync makes writes complete with file integrity (O_SYNC).
	OSync
	// ODsync makes writes complete with data integrity (O_DSYNC). Where the
	// system has no O_DSYNC, O_SYNC is used.
	ODsync
	// ORsync makes reads complete with the integrity of OSync/ODsync writes
	// (O_RSYNC). Where the system has no O_RSYNC, O_SYNC is used.
	ORsync

	flagEnd // one past the last flag
)

// OReadWrite opens for reading and writing.
const OReadWrite = ORead | OWrite

const (
	allOpenFlags = flagEnd - 1
	// syncFlags are fixed at open: no supported system changes them on an
	// open descriptor.
	syncFlags = OSync | ODsync | ORsync
	// fdFlags are the descriptor flags [File.SetFlags] deals with.
	fdFlags = OAppend | ONonblock | syncFlags
)

// Advice is the expected access pattern given to [File.Advise].
type Advice int

// Advice values, as in posix_fadvise(2).
const (
	AdviceNormal Advice = iota
	AdviceSequential
	AdviceRandom
	AdviceWillNeed
	AdviceDontNeed
	AdviceNoReuse
)
