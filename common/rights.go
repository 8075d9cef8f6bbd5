package common

// Rights is the preview1 rights bit set (the spec's rights, a u64): which
// operations a file descriptor may perform. A call on a descriptor lacking
// the right it needs fails with ENOTCAPABLE. The binding keeps two sets per
// descriptor: base rights, for the descriptor itself, and inheriting rights,
// the most that descriptors opened through it (path_open) may get.
type Rights uint64

// The preview1 rights, in bit order.
const (
	// RightsFdDatasync: fd_datasync; with RightsPathOpen, path_open with FDFLAGS_DSYNC.
	RightsFdDatasync Rights = 1 << iota
	// RightsFdRead: fd_read and sock_recv; with RightsPathOpen, path_open with FDFLAGS_RSYNC.
	RightsFdRead
	// RightsFdSeek: fd_seek; implies RightsFdTell.
	RightsFdSeek
	// RightsFdFdstatSetFlags: fd_fdstat_set_flags.
	RightsFdFdstatSetFlags
	// RightsFdSync: fd_sync; with RightsPathOpen, path_open with FDFLAGS_RSYNC and FDFLAGS_DSYNC.
	RightsFdSync
	// RightsFdTell: fd_seek in a way that does not move the offset (fd_tell).
	RightsFdTell
	// RightsFdWrite: fd_write and sock_send; with RightsFdSeek, fd_pwrite.
	RightsFdWrite
	// RightsFdAdvise: fd_advise.
	RightsFdAdvise
	// RightsFdAllocate: fd_allocate.
	RightsFdAllocate
	// RightsPathCreateDirectory: path_create_directory.
	RightsPathCreateDirectory
	// RightsPathCreateFile: with RightsPathOpen, path_open with OFLAGS_CREAT.
	RightsPathCreateFile
	// RightsPathLinkSource: path_link with the descriptor as the source directory.
	RightsPathLinkSource
	// RightsPathLinkTarget: path_link with the descriptor as the target directory.
	RightsPathLinkTarget
	// RightsPathOpen: path_open.
	RightsPathOpen
	// RightsFdReaddir: fd_readdir.
	RightsFdReaddir
	// RightsPathReadlink: path_readlink.
	RightsPathReadlink
	// RightsPathRenameSource: path_rename with the descriptor as the source directory.
	RightsPathRenameSource
	// RightsPathRenameTarget: path_rename with the descriptor as the target directory.
	RightsPathRenameTarget
	// RightsPathFilestatGet: path_filestat_get.
	RightsPathFilestatGet
	// RightsPathFilestatSetSize: changing a file's size; with RightsPathOpen, path_open with OFLAGS_TRUNC.
	RightsPathFilestatSetSize
	// RightsPathFilestatSetTimes: path_filestat_set_times.
	RightsPathFilestatSetTimes
	// RightsFdFilestatGet: fd_filestat_get.
	RightsFdFilestatGet
	// RightsFdFilestatSetSize: fd_filestat_set_size.
	RightsFdFilestatSetSize
	// RightsFdFilestatSetTimes: fd_filestat_set_times.
	RightsFdFilestatSetTimes
	// RightsPathSymlink: path_symlink.
	RightsPathSymlink
	// RightsPathRemoveDirectory: path_remove_directory.
	RightsPathRemoveDirectory
	// RightsPathUnlinkFile: path_unlink_file.
	RightsPathUnlinkFile
	// RightsPollFdReadwrite: subscribing to fd_read/fd_write events in
	// poll_oneoff (together with RightsFdRead or RightsFdWrite).
	RightsPollFdReadwrite
	// RightsSockShutdown: sock_shutdown.
	RightsSockShutdown
	// RightsSockAccept: sock_accept.
	RightsSockAccept
)

// Common sets of rights. They describe what each kind of descriptor can
// meaningfully do; the binding intersects them with what the guest asked for
// and with what the implementation reports in [WasiFile.Rights].
const (
	// RightsAll is every right preview1 defines.
	RightsAll Rights = 1<<30 - 1

	// RightsRegularFileBase are the rights that make sense on a regular file.
	RightsRegularFileBase = RightsFdDatasync | RightsFdRead | RightsFdSeek |
		RightsFdFdstatSetFlags | RightsFdSync | RightsFdTell | RightsFdWrite |
		RightsFdAdvise | RightsFdAllocate | RightsFdFilestatGet |
		RightsFdFilestatSetSize | RightsFdFilestatSetTimes | RightsPollFdReadwrite

	// RightsDirectoryBase are the rights that make sense on a directory.
	RightsDirectoryBase = RightsFdFdstatSetFlags | RightsFdSync | RightsFdAdvise |
		RightsPathCreateDirectory | RightsPathCreateFile | RightsPathLinkSource |
		RightsPathLinkTarget | RightsPathOpen | RightsFdReaddir |
		RightsPathReadlink | RightsPathRenameSource | RightsPathRenameTarget |
		RightsPathFilestatGet | RightsPathFilestatSetSize |
		RightsPathFilestatSetTimes | RightsFdFilestatGet |
		RightsFdFilestatSetTimes | RightsPathSymlink |
		RightsPathRemoveDirectory | RightsPathUnlinkFile | RightsPollFdReadwrite

	// RightsDirectoryInheriting are the rights a directory may pass on to
	// what is opened through it: everything a directory or a regular file
	// can have.
	RightsDirectoryInheriting = RightsDirectoryBase | RightsRegularFileBase

	// RightsCharacterDeviceBase are the rights of a character device such
	// as a terminal: no seeking, no telling.
	RightsCharacterDeviceBase = RightsFdRead | RightsFdFdstatSetFlags |
		RightsFdWrite | RightsFdFilestatGet | RightsPollFdReadwrite

	// RightsSocketBase are the rights of a connected stream socket or a
	// pipe-like stream.
	RightsSocketBase = RightsFdRead | RightsFdFdstatSetFlags | RightsFdWrite |
		RightsFdFilestatGet | RightsPollFdReadwrite | RightsSockShutdown

	// RightsListenerBase are the rights of a listening socket.
	RightsListenerBase = RightsFdFdstatSetFlags | RightsFdFilestatGet |
		RightsPollFdReadwrite | RightsSockShutdown | RightsSockAccept

	// RightsReadMask are the rights that only reading needs: a file opened
	// without read access cannot have them.
	RightsReadMask = RightsFdRead | RightsFdReaddir

	// RightsWriteMask are the rights that change a file's content or size:
	// a file opened without write access cannot have them.
	RightsWriteMask = RightsFdDatasync | RightsFdWrite | RightsFdAllocate |
		RightsFdFilestatSetSize

	// RightsDirectoryWriteMask are the directory rights that change the
	// tree beneath the directory: a read-only directory cannot have them.
	RightsDirectoryWriteMask = RightsPathCreateDirectory | RightsPathCreateFile |
		RightsPathLinkSource | RightsPathLinkTarget | RightsPathRenameSource |
		RightsPathRenameTarget | RightsPathFilestatSetSize |
		RightsPathFilestatSetTimes | RightsFdFilestatSetTimes |
		RightsPathSymlink | RightsPathRemoveDirectory | RightsPathUnlinkFile
)

var rightsNames = []string{
	"FD_DATASYNC", "FD_READ", "FD_SEEK", "FD_FDSTAT_SET_FLAGS", "FD_SYNC",
	"FD_TELL", "FD_WRITE", "FD_ADVISE", "FD_ALLOCATE", "PATH_CREATE_DIRECTORY",
	"PATH_CREATE_FILE", "PATH_LINK_SOURCE", "PATH_LINK_TARGET", "PATH_OPEN",
	"FD_READDIR", "PATH_READLINK", "PATH_RENAME_SOURCE", "PATH_RENAME_TARGET",
	"PATH_FILESTAT_GET", "PATH_FILESTAT_SET_SIZE", "PATH_FILESTAT_SET_TIMES",
	"FD_FILESTAT_GET", "FD_FILESTAT_SET_SIZE", "FD_FILESTAT_SET_TIMES",
	"PATH_SYMLINK", "PATH_REMOVE_DIRECTORY", "PATH_UNLINK_FILE",
	"POLL_FD_READWRITE", "SOCK_SHUTDOWN", "SOCK_ACCEPT",
}

// String prints the set rights by their spec names, e.g. "FD_READ|FD_WRITE";
// bits preview1 does not define print as a hexadecimal remainder.
func (r Rights) String() string { return formatFlags(uint64(r), rightsNames) }

// Has reports whether every right in want is in r.
func (r Rights) Has(want Rights) bool { return r&want == want }
