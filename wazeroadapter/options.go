package wazeroadapter

import (
	"errors"
	"io"
	"math"
	"strconv"
)

// Defaults of the limits a [Host] applies to every instance.
const (
	// DefaultMaxOpenFiles is the default most descriptors one instance may
	// hold open, standard streams and pre-opens included: 1024, the usual
	// soft RLIMIT_NOFILE of a Linux process.
	DefaultMaxOpenFiles = 1024
	// DefaultMaxPathLength is the default longest path, in bytes, a guest
	// may pass: 4096, PATH_MAX on Linux.
	DefaultMaxPathLength = 4096
	// DefaultMaxPathComponents is the default most components (names
	// between slashes, "." and ".." included) a path may have: 512. A
	// resolver that walks a path one component at a time holds a
	// descriptor per level; this bounds what one call can make it hold.
	DefaultMaxPathComponents = 512
	// DefaultMaxReaddirEntries is the default most directory entries one
	// fd_readdir call asks the implementation for: 1024, several times
	// what a guest's usual 4 to 8 KiB buffer holds.
	DefaultMaxReaddirEntries = 1024
	// DefaultMaxIOBytes is the default most bytes one fd_read, fd_write,
	// fd_pread, fd_pwrite, sock_recv or sock_send call moves: 16 MiB. A
	// call asking for more is a short transfer, which guests handle as
	// they must on any POSIX system.
	DefaultMaxIOBytes = 16 << 20
	// DefaultMaxArgsEnvSize is the default most bytes of arguments and
	// environment, each string with its NUL, an instance may be started
	// with: 2 MiB, ARG_MAX on Linux with the default 8 MiB stack.
	DefaultMaxArgsEnvSize = 2 << 20
)

// Option configures a [Host]; pass options to [Instantiate] or [Run].
type Option func(*options)

// options holds what the Options set.
type options struct {
	maxOpenFiles      int
	maxPathLength     int
	maxPathComponents int
	maxReaddirEntries int
	maxIOBytes        uint32
	maxArgsEnvSize    uint64
	maxHostOpenFiles  int64 // 0: half the process's descriptor limit, found by Instantiate
	strictRights      bool
	trace             io.Writer
	err               error // the first invalid option
}

func defaultOptions() options {
	return options{
		maxOpenFiles:      DefaultMaxOpenFiles,
		maxPathLength:     DefaultMaxPathLength,
		maxPathComponents: DefaultMaxPathComponents,
		maxReaddirEntries: DefaultMaxReaddirEntries,
		maxIOBytes:        DefaultMaxIOBytes,
		maxArgsEnvSize:    DefaultMaxArgsEnvSize,
	}
}

// fail records the first invalid option.
func (o *options) fail(msg string) {
	if o.err == nil {
		o.err = errors.New("wazeroadapter: " + msg)
	}
}

// WithMaxOpenFiles limits the number of descriptors one instance may hold
// open at once, standard streams, pre-opened directories and sockets
// included (default [DefaultMaxOpenFiles]). path_open and sock_accept beyond
// the limit fail with EMFILE; a WasiCtx that starts with more descriptors
// than the limit makes instantiation fail. n must be at least 3; otherwise
// [Instantiate] returns an error.
func WithMaxOpenFiles(n int) Option {
	return func(o *options) {
		if n < 3 {
			o.fail("WithMaxOpenFiles(" + strconv.Itoa(n) + "): need at least 3, for the standard streams")
			return
		}
		o.maxOpenFiles = n
	}
}

// WithMaxPathLength limits the length, in bytes, of every path a guest
// passes (default [DefaultMaxPathLength]); a longer one fails with
// ENAMETOOLONG before the implementation sees it. n must be at least 1;
// otherwise [Instantiate] returns an error.
func WithMaxPathLength(n int) Option {
	return atLeastOne("WithMaxPathLength", n, func(o *options) { o.maxPathLength = n })
}

// WithMaxPathComponents limits the number of components of every path a
// guest passes (default [DefaultMaxPathComponents]): the non-empty names
// between slashes, "." and ".." included, so "a//b/../c/" has four. A path
// with more fails with ENAMETOOLONG before the implementation sees it; the
// content of a symbolic link path_symlink would create is checked the same
// way. n must be at least 1; otherwise [Instantiate] returns an error.
func WithMaxPathComponents(n int) Option {
	return atLeastOne("WithMaxPathComponents", n, func(o *options) { o.maxPathComponents = n })
}

// WithMaxReaddirEntries limits the directory entries one fd_readdir call
// asks the implementation for (default [DefaultMaxReaddirEntries]), however
// large the guest's buffer, so that one call's work is bounded. A call that
// stops at the limit with more entries to come reports its buffer full
// (bufused equal to its length), ending with a header whose name length
// reaches past the buffer, which a guest reads as a truncated entry: it
// calls again from the cookie of the last whole entry, as the specification
// says, and loses nothing. n must be at least 1; otherwise [Instantiate]
// returns an error.
func WithMaxReaddirEntries(n int) Option {
	return atLeastOne("WithMaxReaddirEntries", n, func(o *options) { o.maxReaddirEntries = n })
}

// WithMaxIOBytes limits the bytes one fd_read, fd_write, fd_pread,
// fd_pwrite, sock_recv or sock_send call moves (default
// [DefaultMaxIOBytes]). Buffers beyond the limit are cut (the last one
// partly) before the implementation sees them: the call is a short
// transfer, not an error, as readv(2) and writev(2) may be. n must be at
// least 1; a value above 2^32-1 (more than a guest can address) is that.
// Otherwise [Instantiate] returns an error.
func WithMaxIOBytes(n int) Option {
	return atLeastOne("WithMaxIOBytes", n, func(o *options) { o.maxIOBytes = uint32(min(uint64(n), math.MaxUint32)) })
}

// WithMaxArgsEnvSize limits the bytes of the arguments and the environment
// an instance starts with, together: every string with its NUL, as
// args_sizes_get and environ_sizes_get report them (default
// [DefaultMaxArgsEnvSize]). A WasiCtx offering more makes
// [Host.InstantiateModule] fail with an error wrapping [common.E2BIG], as
// execve(2) does. n must be at least 1; otherwise [Instantiate] returns an
// error.
func WithMaxArgsEnvSize(n int) Option {
	return atLeastOne("WithMaxArgsEnvSize", n, func(o *options) { o.maxArgsEnvSize = uint64(n) })
}

// WithMaxHostOpenFiles limits the number of descriptors all the instances
// of the Host may have opened and hold together: those path_open and
// sock_accept made. path_open and sock_accept beyond it fail with ENFILE
// (the Host is the guests' "system"), before the implementation is called.
// What each WasiCtx hands its guest (standard streams, pre-opened
// directories and sockets) is the embedder's and is not counted: it exists
// before the guest starts, and often holds no descriptor of its own (a
// null stream, a directory shared by many contexts), so that counting it
// would cap the number of live instances rather than what guests open.
// It keeps a crowd of guests, each within its own limit, from using up the
// descriptors the host process needs for itself. The default is half the
// process's soft RLIMIT_NOFILE when the Host is instantiated (Go raises the
// soft limit to the hard one at start-up), and at least the per-instance
// limit; where the system reports none, there is no default limit. n must
// be at least 1; otherwise [Instantiate] returns an error.
func WithMaxHostOpenFiles(n int) Option {
	return atLeastOne("WithMaxHostOpenFiles", n, func(o *options) { o.maxHostOpenFiles = int64(n) })
}

// atLeastOne returns the Option named name that calls set when n is at
// least 1, and records an invalid option otherwise.
func atLeastOne(name string, n int, set func(*options)) Option {
	return func(o *options) {
		if n < 1 {
			o.fail(name + "(" + strconv.Itoa(n) + "): need at least 1")
			return
		}
		set(o)
	}
}

// WithStrictRights makes path_open give a descriptor only the rights the
// guest asks for, as the preview1 specification describes: a directory
// opened with rights_base 0 can do nothing, and a file opened with FD_READ
// alone cannot seek or stat. By default the rights asked for only choose
// whether a file is opened for reading (FD_READ or FD_READDIR) and writing
// (FD_WRITE), and everything else comes from the directory it is opened
// through, as wasmtime does since 2023 (see the rights model in
// docs/architecture.md). Rights a guest drops with fd_fdstat_set_rights,
// and what a read-only pre-open refuses, are enforced in both modes.
//
// Strict rights break programs written for wasmtime's preview1 since 2023:
// wasmtime's own preview1 test programs open their scratch directory with
// path_open(fd, 0, ".", OFLAGS_DIRECTORY, 0, 0, 0) and then create, write,
// rename and remove files through it, which strict rights refuse with
// ENOTCAPABLE; so do other programs that pass 0 or few rights to path_open
// and then use the descriptor fully. Programs built on wasi-libc, Go's
// syscall package or the wasi-testsuite ask for the rights they use and run
// in both modes.
func WithStrictRights() Option {
	return func(o *options) { o.strictRights = true }
}

// WithTrace logs every WASI call of every instance to w, one line per call,
// in the style of strace:
//
//	[1] path_open(fd=3, dirflags=SYMLINK_FOLLOW, path="a.txt", oflags=CREAT, fs_rights_base=FD_READ|FD_WRITE, fs_rights_inheriting=0, fdflags=0) = ESUCCESS opened_fd=4 (12.1µs)
//
// The number in brackets identifies the instance; arguments are decoded
// (paths read from guest memory, flags and rights by name) and output
// values are shown after the errno when the call succeeds. Each line is
// written with one Write call; calls from concurrent instances are
// serialised. A nil w turns tracing off. Without this option the host runs
// untraced functions and tracing costs nothing.
func WithTrace(w io.Writer) Option {
	return func(o *options) { o.trace = w }
}
