package capstdsync

import (
	"errors"
	"syscall"

	"github.com/capwasi/capwasi/common"
)

// errnoPair maps one system error number to its preview1 errno.
type errnoPair struct {
	sys  syscall.Errno
	wasi common.Errno
}

// errnoTable is the one mapping from operating-system error numbers to
// preview1 errnos. The names are the same on every supported system; the
// compiler supplies each system's values. System-specific additions are in
// errno_freebsd.go and errno_windows.go.
var errnoTable = [...]errnoPair{
	{syscall.E2BIG, common.E2BIG},
	{syscall.EACCES, common.EACCES},
	{syscall.EADDRINUSE, common.EADDRINUSE},
	{syscall.EADDRNOTAVAIL, common.EADDRNOTAVAIL},
	{syscall.EAFNOSUPPORT, common.EAFNOSUPPORT},
	{syscall.EAGAIN, common.EAGAIN},
	{syscall.EALREADY, common.EALREADY},
	{syscall.EBADF, common.EBADF},
	{syscall.EBADMSG, common.EBADMSG},
	{syscall.EBUSY, common.EBUSY},
	{syscall.ECANCELED, common.ECANCELED},
	{syscall.ECHILD, common.ECHILD},
	{syscall.ECONNABORTED, common.ECONNABORTED},
	{syscall.ECONNREFUSED, common.ECONNREFUSED},
	{syscall.ECONNRESET, common.ECONNRESET},
	{syscall.EDEADLK, common.EDEADLK},
	{syscall.EDESTADDRREQ, common.EDESTADDRREQ},
	{syscall.EDOM, common.EDOM},
	{syscall.EDQUOT, common.EDQUOT},
	{syscall.EEXIST, common.EEXIST},
	{syscall.EFAULT, common.EFAULT},
	{syscall.EFBIG, common.EFBIG},
	{syscall.EHOSTUNREACH, common.EHOSTUNREACH},
	{syscall.EIDRM, common.EIDRM},
	{syscall.EILSEQ, common.EILSEQ},
	{syscall.EINPROGRESS, common.EINPROGRESS},
	{syscall.EINTR, common.EINTR},
	{syscall.EINVAL, common.EINVAL},
	{syscall.EIO, common.EIO},
	{syscall.EISCONN, common.EISCONN},
	{syscall.EISDIR, common.EISDIR},
	{syscall.ELOOP, common.ELOOP},
	{syscall.EMFILE, common.EMFILE},
	{syscall.EMLINK, common.EMLINK},
	{syscall.EMSGSIZE, common.EMSGSIZE},
	{syscall.EMULTIHOP, common.EMULTIHOP},
	{syscall.ENAMETOOLONG, common.ENAMETOOLONG},
	{syscall.ENETDOWN, common.ENETDOWN},
	{syscall.ENETRESET, common.ENETRESET},
	{syscall.ENETUNREACH, common.ENETUNREACH},
	{syscall.ENFILE, common.ENFILE},
	{syscall.ENOBUFS, common.ENOBUFS},
	{syscall.ENODEV, common.ENODEV},
	{syscall.ENOENT, common.ENOENT},
	{syscall.ENOEXEC, common.ENOEXEC},
	{syscall.ENOLCK, common.ENOLCK},
	{syscall.ENOLINK, common.ENOLINK},
	{syscall.ENOMEM, common.ENOMEM},
	{syscall.ENOMSG, common.ENOMSG},
	{syscall.ENOPROTOOPT, common.ENOPROTOOPT},
	{syscall.ENOSPC, common.ENOSPC},
	{syscall.ENOSYS, common.ENOSYS},
	{syscall.ENOTCONN, common.ENOTCONN},
	{syscall.ENOTDIR, common.ENOTDIR},
	{syscall.ENOTEMPTY, common.ENOTEMPTY},
	{syscall.ENOTRECOVERABLE, common.ENOTRECOVERABLE},
	{syscall.ENOTSOCK, common.ENOTSOCK},
	{syscall.ENOTSUP, common.ENOTSUP},
	{syscall.ENOTTY, common.ENOTTY},
	{syscall.ENXIO, common.ENXIO},
	{syscall.EOVERFLOW, common.EOVERFLOW},
	{syscall.EOWNERDEAD, common.EOWNERDEAD},
	{syscall.EPERM, common.EPERM},
	{syscall.EPIPE, common.EPIPE},
	{syscall.EPROTO, common.EPROTO},
	{syscall.EPROTONOSUPPORT, common.EPROTONOSUPPORT},
	{syscall.EPROTOTYPE, common.EPROTOTYPE},
	{syscall.ERANGE, common.ERANGE},
	{syscall.EROFS, common.EROFS},
	{syscall.ESPIPE, common.ESPIPE},
	{syscall.ESRCH, common.ESRCH},
	{syscall.ESTALE, common.ESTALE},
	{syscall.ETIMEDOUT, common.ETIMEDOUT},
	{syscall.ETXTBSY, common.ETXTBSY},
	{syscall.EXDEV, common.EXDEV},
	// Aliases and near relatives preview1 has no code of its own for.
	{syscall.EOPNOTSUPP, common.ENOTSUP},
	{syscall.EWOULDBLOCK, common.EAGAIN},
	{syscall.EHOSTDOWN, common.EHOSTUNREACH},
	{syscall.ESHUTDOWN, common.EPIPE},
}

// denseErrnos holds the preview1 twins of the system's error numbers below
// its length; sparseErrnos holds the rest (Windows error codes). Both are
// filled at package initialisation, from errnoTable here and from the
// system's additions where a system has some (errno_freebsd.go,
// errno_windows.go), and only read afterwards.
var (
	denseErrnos  [512]common.Errno
	sparseErrnos = map[syscall.Errno]common.Errno{}
)

func init() { addErrnos(errnoTable[:]) }

// addErrnos records pairs in denseErrnos and sparseErrnos.
func addErrnos(pairs []errnoPair) {
	for _, e := range pairs {
		if e.sys < syscall.Errno(len(denseErrnos)) {
			denseErrnos[e.sys] = e.wasi
		} else {
			sparseErrnos[e.sys] = e.wasi
		}
	}
}

// sysErrno returns the preview1 errno for an operating-system error number;
// a number without a preview1 twin is EIO.
func sysErrno(e syscall.Errno) common.Errno {
	var w common.Errno
	if e < syscall.Errno(len(denseErrnos)) {
		w = denseErrnos[e]
	} else {
		w = sparseErrnos[e]
	}
	if w == common.ESUCCESS {
		return common.EIO
	}
	return w
}

// errnoOf returns the preview1 errno err stands for: an [common.Errno] or
// [common.ErrnoCarrier] in err's chain wins, then a syscall.Errno in the
// chain (through sysErrno), then capstd's escape error (EPERM, see
// escapeErrno), then whatever [common.ErrnoOf] makes of it.
func errnoOf(err error) common.Errno {
	switch e := err.(type) {
	case nil:
		return common.ESUCCESS
	case common.Errno:
		if e == common.ESUCCESS {
			return common.EIO
		}
		return e
	case syscall.Errno:
		return sysErrno(e)
	}
	var carrier common.ErrnoCarrier
	if errors.As(err, &carrier) {
		return common.ErrnoOf(carrier)
	}
	if w, ok := escapeErrno(err); ok {
		return w
	}
	var se syscall.Errno
	if errors.As(err, &se) {
		return sysErrno(se)
	}
	return common.ErrnoOf(err)
}

// wasiErr returns err as a bare [common.Errno] (nil for nil). Every error
// this package returns to a binding goes through it, so the guest sees one
// consistent code, and returning it costs no allocation.
func wasiErr(err error) error {
	if err == nil {
		return nil
	}
	return errnoOf(err)
}
