//go:build !plan9

package common

import (
	"errors"
	"syscall"
)

// errnoPair maps one operating-system error number to its preview1 errno.
type errnoPair struct {
	sys  syscall.Errno
	wasi Errno
}

// sysErrnoTable is the one mapping from operating-system error numbers to
// preview1 errnos. These names exist on every system Go supports (plan9
// has no error numbers); the compiler supplies each system's values. The
// names only some systems define, and system-specific codes, are
// registered by their own files (errno_sys_*.go).
var sysErrnoTable = [...]errnoPair{
	{syscall.E2BIG, E2BIG},
	{syscall.EACCES, EACCES},
	{syscall.EADDRINUSE, EADDRINUSE},
	{syscall.EADDRNOTAVAIL, EADDRNOTAVAIL},
	{syscall.EAFNOSUPPORT, EAFNOSUPPORT},
	{syscall.EAGAIN, EAGAIN},
	{syscall.EALREADY, EALREADY},
	{syscall.EBADF, EBADF},
	{syscall.EBADMSG, EBADMSG},
	{syscall.EBUSY, EBUSY},
	{syscall.ECANCELED, ECANCELED},
	{syscall.ECHILD, ECHILD},
	{syscall.ECONNABORTED, ECONNABORTED},
	{syscall.ECONNREFUSED, ECONNREFUSED},
	{syscall.ECONNRESET, ECONNRESET},
	{syscall.EDEADLK, EDEADLK},
	{syscall.EDESTADDRREQ, EDESTADDRREQ},
	{syscall.EDOM, EDOM},
	{syscall.EDQUOT, EDQUOT},
	{syscall.EEXIST, EEXIST},
	{syscall.EFAULT, EFAULT},
	{syscall.EFBIG, EFBIG},
	{syscall.EHOSTUNREACH, EHOSTUNREACH},
	{syscall.EIDRM, EIDRM},
	{syscall.EILSEQ, EILSEQ},
	{syscall.EINPROGRESS, EINPROGRESS},
	{syscall.EINTR, EINTR},
	{syscall.EINVAL, EINVAL},
	{syscall.EIO, EIO},
	{syscall.EISCONN, EISCONN},
	{syscall.EISDIR, EISDIR},
	{syscall.ELOOP, ELOOP},
	{syscall.EMFILE, EMFILE},
	{syscall.EMLINK, EMLINK},
	{syscall.EMSGSIZE, EMSGSIZE},
	{syscall.ENAMETOOLONG, ENAMETOOLONG},
	{syscall.ENETDOWN, ENETDOWN},
	{syscall.ENETRESET, ENETRESET},
	{syscall.ENETUNREACH, ENETUNREACH},
	{syscall.ENFILE, ENFILE},
	{syscall.ENOBUFS, ENOBUFS},
	{syscall.ENODEV, ENODEV},
	{syscall.ENOENT, ENOENT},
	{syscall.ENOEXEC, ENOEXEC},
	{syscall.ENOLCK, ENOLCK},
	{syscall.ENOMEM, ENOMEM},
	{syscall.ENOMSG, ENOMSG},
	{syscall.ENOPROTOOPT, ENOPROTOOPT},
	{syscall.ENOSPC, ENOSPC},
	{syscall.ENOSYS, ENOSYS},
	{syscall.ENOTCONN, ENOTCONN},
	{syscall.ENOTDIR, ENOTDIR},
	{syscall.ENOTEMPTY, ENOTEMPTY},
	{syscall.ENOTSOCK, ENOTSOCK},
	{syscall.ENOTSUP, ENOTSUP},
	{syscall.ENOTTY, ENOTTY},
	{syscall.ENXIO, ENXIO},
	{syscall.EOVERFLOW, EOVERFLOW},
	{syscall.EPERM, EPERM},
	{syscall.EPIPE, EPIPE},
	{syscall.EPROTO, EPROTO},
	{syscall.EPROTONOSUPPORT, EPROTONOSUPPORT},
	{syscall.EPROTOTYPE, EPROTOTYPE},
	{syscall.ERANGE, ERANGE},
	{syscall.EROFS, EROFS},
	{syscall.ESPIPE, ESPIPE},
	{syscall.ESRCH, ESRCH},
	{syscall.ESTALE, ESTALE},
	{syscall.ETIMEDOUT, ETIMEDOUT},
	{syscall.EXDEV, EXDEV},
	// An alias preview1 has no code of its own for.
	{syscall.EOPNOTSUPP, ENOTSUP},
}

// denseSysErrnos holds the preview1 twins of the system's error numbers
// below its length; sparseSysErrnos holds the rest (Windows error codes).
// Both are filled at package initialisation, from sysErrnoTable and from the
// system's additions, and only read afterwards.
var (
	denseSysErrnos  [512]Errno
	sparseSysErrnos = map[syscall.Errno]Errno{}
)

func init() { addSysErrnos(sysErrnoTable[:]) }

// addSysErrnos records pairs in denseSysErrnos and sparseSysErrnos.
func addSysErrnos(pairs []errnoPair) {
	for _, e := range pairs {
		if e.sys < syscall.Errno(len(denseSysErrnos)) {
			denseSysErrnos[e.sys] = e.wasi
		} else {
			sparseSysErrnos[e.sys] = e.wasi
		}
	}
}

// sysErrno returns the preview1 errno for an operating-system error number;
// a number without a preview1 twin (0 included) is EIO.
func sysErrno(e syscall.Errno) Errno {
	var w Errno
	if e < syscall.Errno(len(denseSysErrnos)) {
		w = denseSysErrnos[e]
	} else {
		w = sparseSysErrnos[e]
	}
	if w == ESUCCESS {
		return EIO
	}
	return w
}

// bareSysErrno maps err when it is a bare syscall.Errno, without looking
// into a chain: ErrnoOf's fast path.
func bareSysErrno(err error) (Errno, bool) {
	if e, ok := err.(syscall.Errno); ok {
		return sysErrno(e), true
	}
	return 0, false
}

// chainSysErrno maps the first syscall.Errno in err's chain (inside an
// *fs.PathError, an *os.SyscallError, a *net.OpError, ...).
func chainSysErrno(err error) (Errno, bool) {
	var e syscall.Errno
	if errors.As(err, &e) {
		return sysErrno(e), true
	}
	return 0, false
}
