package common

import "context"

// WasiFile is an open descriptor as a guest sees it: a regular file, a
// directory, a terminal, a pipe, a socket or a device. The binding calls it
// for the fd_* and sock_* functions after it has looked the descriptor up and
// checked the rights; an implementation never sees a descriptor number or a
// guest pointer.
//
// Slices the binding passes (iovecs, buffers) are views into guest memory:
// they are valid only until the method returns and must not be retained.
// Strings may alias guest memory in the same way: an implementation that
// keeps one beyond the call (in a map, a struct, an error it stores) must copy
// it first, for example with strings.Clone.
//
// Errors are mapped to the guest's errno by [ErrnoOf]; the errnos named below
// are the contract. Methods must never panic on their arguments. A WasiFile
// must be safe for use by one goroutine at a time; the binding serialises the
// calls of one guest instance.
//
// An implementation embeds [UnimplementedFile] (or [UnimplementedDir]) and
// overrides what it supports.
type WasiFile interface {
	// Filetype returns the file's type as fd_fdstat_get and
	// fd_filestat_get report it. It does not block; an implementation
	// learns the type when the file is opened.
	Filetype() Filetype

	// Rights returns the most rights this file can honour (base) and the
	// most rights a descriptor opened through it may get (inheriting). The
	// binding reports them, intersected with what the guest asked for and
	// with the rights that make sense for the file type, in
	// fd_fdstat_get; an implementation that has no restriction of its own
	// returns [RightsAll] for both. A read-only file leaves out
	// [RightsWriteMask]; a read-only directory leaves out
	// [RightsDirectoryWriteMask] but keeps [RightsWriteMask] in its
	// inheriting set, and refuses a write open (OpenOptions.Write) with
	// EPERM: wasi-libc asks path_open for its access mode's rights
	// intersected with the directory's inheriting rights, so a directory
	// reporting no FD_WRITE would turn an O_RDWR open into a read-only one
	// the program believes it can write (wasmtime, too, reports FD_WRITE
	// on read-only directories).
	//
	// A right left out here is not enforced by the binding: a call needing
	// it still reaches the implementation, which must refuse it with the
	// errno it wants the guest to see (EPERM for a write beneath a
	// read-only tree, as wasmtime answers) and change nothing. Only
	// rights the guest itself never held fail with ENOTCAPABLE in the
	// binding.
	Rights() (base, inheriting Rights)

	// Fdflags returns the descriptor's flags (fd_fdstat_get): those given
	// at open time or set since, as far as they still apply.
	Fdflags(ctx context.Context) (Fdflags, error)

	// SetFdflags replaces the descriptor's flags (fd_fdstat_set_flags).
	// Flags the implementation cannot change after open return ENOTSUP
	// and leave the flags unchanged.
	SetFdflags(ctx context.Context, flags Fdflags) error

	// Filestat returns the file's attributes (fd_filestat_get).
	Filestat(ctx context.Context) (Filestat, error)

	// SetSize truncates or extends the file to size bytes
	// (fd_filestat_set_size); extension fills with zero bytes. In this
	// order: a directory: EISDIR; beneath a read-only tree: EPERM; opened
	// without write access: EBADF; not a regular file: EINVAL; too large:
	// EFBIG.
	SetSize(ctx context.Context, size Filesize) error

	// SetTimes sets the access and modification times
	// (fd_filestat_set_times) as flags say: a value, the current time, or
	// unchanged. flags has been checked with [Fstflags.Valid].
	// Beneath a read-only tree: EPERM.
	SetTimes(ctx context.Context, atim, mtim Timestamp, flags Fstflags) error

	// Advise passes an access pattern hint for a byte range (fd_advise).
	// Implementations may ignore it and return nil. Not seekable: ESPIPE.
	Advise(ctx context.Context, offset, length Filesize, advice Advice) error

	// Allocate makes sure the byte range is allocated, extending the file
	// if needed (fd_allocate). In this order: a directory: EBADF; beneath
	// a read-only tree: EPERM; without write access: EBADF; not a regular
	// file: EINVAL or ENOTSUP; no room: ENOSPC.
	Allocate(ctx context.Context, offset, length Filesize) error

	// Sync writes the file's data and metadata to storage (fd_sync).
	// Nothing to sync (a pipe, a terminal): EINVAL.
	Sync(ctx context.Context) error

	// Datasync writes the file's data to storage (fd_datasync). Nothing to
	// sync: EINVAL.
	Datasync(ctx context.Context) error

	// Read reads into iovs in order, as readv(2) does, from the current
	// offset, which it advances (fd_read). It returns the number of bytes
	// read, 0 with a nil error at end of file; never io.EOF. It blocks until
	// some data is available unless the descriptor is non-blocking, which
	// gives EAGAIN instead; a cancelled ctx ends the wait with its error.
	// Not open for reading: EBADF. A directory: EISDIR.
	Read(ctx context.Context, iovs [][]byte) (n int, err error)

	// Pread reads into iovs from offset without using or changing the
	// current offset (fd_pread); 0 at or past end of file. Not seekable:
	// ESPIPE. Not open for reading: EBADF.
	Pread(ctx context.Context, iovs [][]byte, offset Filesize) (n int, err error)

	// Write writes iovs in order at the current offset, or at the end with
	// FDFLAGS_APPEND, and advances the offset (fd_write). It returns the
	// number of bytes written. Not open for writing: EBADF. No room:
	// ENOSPC. A closed pipe or socket peer: EPIPE.
	Write(ctx context.Context, iovs [][]byte) (n int, err error)

	// Pwrite writes iovs at offset without using or changing the current
	// offset (fd_pwrite). With FDFLAGS_APPEND the data may land at offset
	// or at the end of the file, as the host does. Not seekable: ESPIPE.
	Pwrite(ctx context.Context, iovs [][]byte, offset Filesize) (n int, err error)

	// Seek moves the offset (fd_seek, and fd_tell as Seek(0, WhenceCur))
	// and returns the new offset from the start. whence has been checked.
	// A resulting negative offset: EINVAL. Not seekable (pipe, socket,
	// terminal): ESPIPE. A directory: EBADF.
	Seek(ctx context.Context, offset Filedelta, whence Whence) (Filesize, error)

	// SockAccept accepts a connection on a listening socket (sock_accept)
	// and returns it as a new file with the given flags (only
	// FDFLAGS_NONBLOCK is meaningful). No pending connection on a
	// non-blocking socket: EAGAIN. Not a socket: ENOTSOCK. Not listening:
	// EINVAL.
	SockAccept(ctx context.Context, flags Fdflags) (WasiFile, error)

	// SockRecv receives into iovs (sock_recv), honouring RECV_PEEK and
	// RECV_WAITALL, and returns the bytes received and RECV_DATA_TRUNCATED
	// when a datagram did not fit. 0 with a nil error means the peer shut
	// down. Not a socket: ENOTSOCK. Not connected: ENOTCONN.
	SockRecv(ctx context.Context, iovs [][]byte, flags Riflags) (n int, oflags Roflags, err error)

	// SockSend sends iovs (sock_send) and returns the bytes sent. Not a
	// socket: ENOTSOCK. Peer gone: EPIPE or ECONNRESET.
	SockSend(ctx context.Context, iovs [][]byte, flags Siflags) (n int, err error)

	// SockShutdown shuts down the directions in how (sock_shutdown). Not a
	// socket: ENOTSOCK. Not connected: ENOTCONN.
	SockShutdown(ctx context.Context, how Sdflags) error

	// Close releases the file (fd_close, fd_renumber's target, and every
	// file still open when the instance closes). The binding calls it
	// exactly once per file it was handed. Closing must not affect other
	// files: closing an inherited standard stream does not close the host
	// process's own.
	Close() error
}

// OpenOptions are the parameters of [WasiDir.OpenFile], decoded and
// validated by the binding (no undefined bits are set).
type OpenOptions struct {
	// Lookup says whether a final symbolic link is followed. Without
	// LOOKUPFLAGS_SYMLINK_FOLLOW, opening a symbolic link fails with ELOOP.
	Lookup Lookupflags
	// Oflags are CREAT, DIRECTORY, EXCL and TRUNC.
	Oflags Oflags
	// Fdflags are the new descriptor's flags; fd_fdstat_get on it must
	// report them back.
	Fdflags Fdflags
	// Read and Write say which access the new descriptor needs, derived by
	// the binding from the rights the guest asked for. A directory is
	// opened for reading even when both are false.
	Read, Write bool
}

// Mutates reports whether opening with o may change the tree or a file:
// write access, OFLAGS_CREAT or OFLAGS_TRUNC. A read-only tree refuses
// such an open with EPERM before it looks at the path, even when the file
// exists and would not be created or truncated (see "Read-only trees" in
// the package documentation).
func (o OpenOptions) Mutates() bool {
	return o.Write || o.Oflags&(OflagsCreat|OflagsTrunc) != 0
}

// UnimplementedFile is a [WasiFile] that supports nothing. Embed it in an
// implementation and override the methods it supports; the rest answer with
// the errno the specification and POSIX give for a file that cannot do the
// operation:
//
//   - Filetype: FiletypeUnknown; Rights: RightsAll, RightsAll (no
//     restriction beyond the binding's per-type rights).
//   - Fdflags: 0; SetFdflags, Filestat, SetSize, SetTimes, Allocate: ENOTSUP.
//   - Advise, Seek, Pread, Pwrite: ESPIPE (not seekable).
//   - Sync, Datasync: EINVAL (nothing to sync).
//   - Read, Write: EBADF (not open for it).
//   - SockAccept, SockRecv, SockSend, SockShutdown: ENOTSOCK.
//   - Close: nil.
type UnimplementedFile struct{}

// Filetype returns FiletypeUnknown.
func (UnimplementedFile) Filetype() Filetype { return FiletypeUnknown }

// Rights returns RightsAll for both sets.
func (UnimplementedFile) Rights() (base, inheriting Rights) { return RightsAll, RightsAll }

// Fdflags returns 0.
func (UnimplementedFile) Fdflags(context.Context) (Fdflags, error) { return 0, nil }

// SetFdflags returns ENOTSUP.
func (UnimplementedFile) SetFdflags(context.Context, Fdflags) error { return ENOTSUP }

// Filestat returns ENOTSUP.
func (UnimplementedFile) Filestat(context.Context) (Filestat, error) { return Filestat{}, ENOTSUP }

// SetSize returns ENOTSUP.
func (UnimplementedFile) SetSize(context.Context, Filesize) error { return ENOTSUP }

// SetTimes returns ENOTSUP.
func (UnimplementedFile) SetTimes(context.Context, Timestamp, Timestamp, Fstflags) error {
	return ENOTSUP
}

// Advise returns ESPIPE.
func (UnimplementedFile) Advise(context.Context, Filesize, Filesize, Advice) error { return ESPIPE }

// Allocate returns ENOTSUP.
func (UnimplementedFile) Allocate(context.Context, Filesize, Filesize) error { return ENOTSUP }

// Sync returns EINVAL.
func (UnimplementedFile) Sync(context.Context) error { return EINVAL }

// Datasync returns EINVAL.
func (UnimplementedFile) Datasync(context.Context) error { return EINVAL }

// Read returns EBADF.
func (UnimplementedFile) Read(context.Context, [][]byte) (int, error) { return 0, EBADF }

// Pread returns ESPIPE.
func (UnimplementedFile) Pread(context.Context, [][]byte, Filesize) (int, error) { return 0, ESPIPE }

// Write returns EBADF.
func (UnimplementedFile) Write(context.Context, [][]byte) (int, error) { return 0, EBADF }

// Pwrite returns ESPIPE.
func (UnimplementedFile) Pwrite(context.Context, [][]byte, Filesize) (int, error) {
	return 0, ESPIPE
}

// Seek returns ESPIPE.
func (UnimplementedFile) Seek(context.Context, Filedelta, Whence) (Filesize, error) {
	return 0, ESPIPE
}

// SockAccept returns ENOTSOCK.
func (UnimplementedFile) SockAccept(context.Context, Fdflags) (WasiFile, error) {
	return nil, ENOTSOCK
}

// SockRecv returns ENOTSOCK.
func (UnimplementedFile) SockRecv(context.Context, [][]byte, Riflags) (int, Roflags, error) {
	return 0, 0, ENOTSOCK
}

// SockSend returns ENOTSOCK.
func (UnimplementedFile) SockSend(context.Context, [][]byte, Siflags) (int, error) {
	return 0, ENOTSOCK
}

// SockShutdown returns ENOTSOCK.
func (UnimplementedFile) SockShutdown(context.Context, Sdflags) error { return ENOTSOCK }

// Close returns nil.
func (UnimplementedFile) Close() error { return nil }
