package wazeroadapter

import (
	"errors"
	"io"
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
)

// Option configures a [Host]; pass options to [Instantiate] or [Run].
type Option func(*options)

// options holds what the Options set.
type options struct {
	maxOpenFiles  int
	maxPathLength int
	trace         io.Writer
	err           error // the first invalid option
}

func defaultOptions() options {
	return options{maxOpenFiles: DefaultMaxOpenFiles, maxPathLength: DefaultMaxPathLength}
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
	return func(o *options) {
		if n < 1 {
			o.fail("WithMaxPathLength(" + strconv.Itoa(n) + "): need at least 1")
			return
		}
		o.maxPathLength = n
	}
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
