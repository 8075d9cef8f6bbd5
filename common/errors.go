package common

import (
	"context"
	"errors"
	"io"
	"io/fs"
)

// ErrnoCarrier is implemented by errors that know which preview1 errno they
// stand for. [ErrnoOf] asks every error in a chain for it, so an
// implementation can wrap context (an operation, a path) around an errno and
// still have the guest see the right code. [Errno] itself implements it.
type ErrnoCarrier interface {
	error
	// WasiErrno returns the errno the error stands for. It must not return
	// ESUCCESS.
	WasiErrno() Errno
}

// ErrnoOf returns the preview1 errno that err stands for. It is the one place
// where Go errors become guest-visible codes:
//
//   - nil is ESUCCESS.
//   - An [Errno], or any error in err's chain implementing [ErrnoCarrier]
//     (found with errors.As, so wrapped and joined errors work), gives its
//     own code. A carrier that answers ESUCCESS is treated as EIO.
//   - An operating-system error number (a syscall.Errno, bare or in the
//     chain: inside an *fs.PathError, an *os.SyscallError, a *net.OpError)
//     is its preview1 twin by name: syscall.ENOTDIR is ENOTDIR,
//     syscall.ELOOP is ELOOP, syscall.EACCES is EACCES, on every system
//     (the values differ, the names do not); EOPNOTSUPP is ENOTSUP,
//     EWOULDBLOCK is EAGAIN, Windows error codes are mapped as wasmtime maps
//     them (ERROR_FILE_NOT_FOUND is ENOENT, ...), FreeBSD's ENOTCAPABLE is
//     ENOTCAPABLE, and a number without a twin is EIO.
//   - The io/fs sentinels: [fs.ErrNotExist] is ENOENT, [fs.ErrExist] is
//     EEXIST, [fs.ErrPermission] is EPERM (the errno of a refused change,
//     see the package documentation), [fs.ErrClosed] is EBADF,
//     [fs.ErrInvalid] is EINVAL.
//   - [errors.ErrUnsupported] is ENOTSUP; [context.Canceled] is ECANCELED;
//     [context.DeadlineExceeded], and any error in the chain with a
//     Timeout() bool method answering true (os.ErrDeadlineExceeded, net
//     timeouts), are ETIMEDOUT; [io.ErrShortWrite] and
//     [io.ErrUnexpectedEOF] are EIO; [io.ErrShortBuffer] is ENOBUFS.
//   - Anything else is EIO.
//
// A bare Errno or syscall.Errno is mapped without allocating.
func ErrnoOf(err error) Errno {
	if err == nil {
		return ESUCCESS
	}
	// Fast path: an implementation returning a bare Errno, the common case.
	if e, ok := err.(Errno); ok {
		if e == ESUCCESS {
			return EIO
		}
		return e
	}
	if e, ok := bareSysErrno(err); ok {
		return e
	}
	var c ErrnoCarrier
	if errors.As(err, &c) {
		if e := c.WasiErrno(); e != ESUCCESS {
			return e
		}
		return EIO
	}
	if e, ok := chainSysErrno(err); ok {
		return e
	}
	for _, m := range sentinelErrnos {
		if errors.Is(err, m.err) {
			return m.errno
		}
	}
	var timeout interface{ Timeout() bool }
	if errors.As(err, &timeout) && timeout.Timeout() {
		return ETIMEDOUT
	}
	return EIO
}

// sentinelErrnos lists the standard library's sentinel errors in the order
// ErrnoOf tries them.
var sentinelErrnos = [...]struct {
	err   error
	errno Errno
}{
	{fs.ErrNotExist, ENOENT},
	{fs.ErrExist, EEXIST},
	{fs.ErrPermission, EPERM},
	{fs.ErrClosed, EBADF},
	{fs.ErrInvalid, EINVAL},
	{errors.ErrUnsupported, ENOTSUP},
	{context.Canceled, ECANCELED},
	{context.DeadlineExceeded, ETIMEDOUT},
	{io.ErrShortWrite, EIO},
	{io.ErrUnexpectedEOF, EIO},
	{io.ErrShortBuffer, ENOBUFS},
}

// ErrnoError is an error that carries a preview1 errno together with the
// operation and path it happened on, in the style of [fs.PathError]. Use it
// to return a precise errno with context; [ErrnoOf] finds the errno, and
// errors.Is matches the io/fs sentinels through [Errno.Is].
type ErrnoError struct {
	Op    string // the operation, e.g. "open" or "path_open"
	Path  string // the path, relative to its directory; may be empty
	Errno Errno  // the code the guest sees
}

// Error returns "op path: ERRNO: description".
func (e *ErrnoError) Error() string {
	s := e.Op
	if e.Path != "" {
		s += " " + e.Path
	}
	return s + ": " + e.Errno.Error()
}

// WasiErrno returns the carried errno.
func (e *ErrnoError) WasiErrno() Errno { return e.Errno }

// Unwrap returns the carried [Errno].
func (e *ErrnoError) Unwrap() error { return e.Errno }
