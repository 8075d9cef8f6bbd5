package common

import (
	"errors"
	"io/fs"
	"strconv"
)

// Errno is a preview1 error code (the spec's errno, a u16). The zero value,
// [ESUCCESS], means no error. Errno implements error, so an implementation
// may return one directly; [ErrnoOf] recovers it from wrapped errors.
type Errno uint16

// The preview1 error codes, in specification order. The names are the spec's
// names with the conventional E prefix (the spec's "badf" is EBADF).
const (
	ESUCCESS        Errno = iota // No error occurred.
	E2BIG                        // Argument list too long.
	EACCES                       // Permission denied.
	EADDRINUSE                   // Address in use.
	EADDRNOTAVAIL                // Address not available.
	EAFNOSUPPORT                 // Address family not supported.
	EAGAIN                       // Resource unavailable, or operation would block.
	EALREADY                     // Connection already in progress.
	EBADF                        // Bad file descriptor.
	EBADMSG                      // Bad message.
	EBUSY                        // Device or resource busy.
	ECANCELED                    // Operation canceled.
	ECHILD                       // No child processes.
	ECONNABORTED                 // Connection aborted.
	ECONNREFUSED                 // Connection refused.
	ECONNRESET                   // Connection reset.
	EDEADLK                      // Resource deadlock would occur.
	EDESTADDRREQ                 // Destination address required.
	EDOM                         // Mathematics argument out of domain of function.
	EDQUOT                       // Reserved.
	EEXIST                       // File exists.
	EFAULT                       // Bad address.
	EFBIG                        // File too large.
	EHOSTUNREACH                 // Host is unreachable.
	EIDRM                        // Identifier removed.
	EILSEQ                       // Illegal byte sequence.
	EINPROGRESS                  // Operation in progress.
	EINTR                        // Interrupted function.
	EINVAL                       // Invalid argument.
	EIO                          // I/O error.
	EISCONN                      // Socket is connected.
	EISDIR                       // Is a directory.
	ELOOP                        // Too many levels of symbolic links.
	EMFILE                       // File descriptor value too large.
	EMLINK                       // Too many links.
	EMSGSIZE                     // Message too large.
	EMULTIHOP                    // Reserved.
	ENAMETOOLONG                 // Filename too long.
	ENETDOWN                     // Network is down.
	ENETRESET                    // Connection aborted by network.
	ENETUNREACH                  // Network unreachable.
	ENFILE                       // Too many files open in system.
	ENOBUFS                      // No buffer space available.
	ENODEV                       // No such device.
	ENOENT                       // No such file or directory.
	ENOEXEC                      // Executable file format error.
	ENOLCK                       // No locks available.
	ENOLINK                      // Reserved.
	ENOMEM                       // Not enough space.
	ENOMSG                       // No message of the desired type.
	ENOPROTOOPT                  // Protocol not available.
	ENOSPC                       // No space left on device.
	ENOSYS                       // Function not supported.
	ENOTCONN                     // The socket is not connected.
	ENOTDIR                      // Not a directory or a symbolic link to a directory.
	ENOTEMPTY                    // Directory not empty.
	ENOTRECOVERABLE              // State not recoverable.
	ENOTSOCK                     // Not a socket.
	ENOTSUP                      // Not supported, or operation not supported on socket.
	ENOTTY                       // Inappropriate I/O control operation.
	ENXIO                        // No such device or address.
	EOVERFLOW                    // Value too large to be stored in data type.
	EOWNERDEAD                   // Previous owner died.
	EPERM                        // Operation not permitted.
	EPIPE                        // Broken pipe.
	EPROTO                       // Protocol error.
	EPROTONOSUPPORT              // Protocol not supported.
	EPROTOTYPE                   // Protocol wrong type for socket.
	ERANGE                       // Result too large.
	EROFS                        // Read-only file system.
	ESPIPE                       // Invalid seek.
	ESRCH                        // No such process.
	ESTALE                       // Reserved.
	ETIMEDOUT                    // Connection timed out.
	ETXTBSY                      // Text file busy.
	EXDEV                        // Cross-device link.
	ENOTCAPABLE                  // Extension: Capabilities insufficient.
)

// errnoCount is the number of error codes preview1 defines.
const errnoCount = int(ENOTCAPABLE) + 1

// errnoInfo holds, per code, the spec's name and its description.
var errnoInfo = [errnoCount]struct{ name, text string }{
	{"ESUCCESS", "no error occurred"},
	{"E2BIG", "argument list too long"},
	{"EACCES", "permission denied"},
	{"EADDRINUSE", "address in use"},
	{"EADDRNOTAVAIL", "address not available"},
	{"EAFNOSUPPORT", "address family not supported"},
	{"EAGAIN", "resource unavailable, or operation would block"},
	{"EALREADY", "connection already in progress"},
	{"EBADF", "bad file descriptor"},
	{"EBADMSG", "bad message"},
	{"EBUSY", "device or resource busy"},
	{"ECANCELED", "operation canceled"},
	{"ECHILD", "no child processes"},
	{"ECONNABORTED", "connection aborted"},
	{"ECONNREFUSED", "connection refused"},
	{"ECONNRESET", "connection reset"},
	{"EDEADLK", "resource deadlock would occur"},
	{"EDESTADDRREQ", "destination address required"},
	{"EDOM", "mathematics argument out of domain of function"},
	{"EDQUOT", "reserved (disk quota exceeded)"},
	{"EEXIST", "file exists"},
	{"EFAULT", "bad address"},
	{"EFBIG", "file too large"},
	{"EHOSTUNREACH", "host is unreachable"},
	{"EIDRM", "identifier removed"},
	{"EILSEQ", "illegal byte sequence"},
	{"EINPROGRESS", "operation in progress"},
	{"EINTR", "interrupted function"},
	{"EINVAL", "invalid argument"},
	{"EIO", "I/O error"},
	{"EISCONN", "socket is connected"},
	{"EISDIR", "is a directory"},
	{"ELOOP", "too many levels of symbolic links"},
	{"EMFILE", "file descriptor value too large"},
	{"EMLINK", "too many links"},
	{"EMSGSIZE", "message too large"},
	{"EMULTIHOP", "reserved (multihop attempted)"},
	{"ENAMETOOLONG", "filename too long"},
	{"ENETDOWN", "network is down"},
	{"ENETRESET", "connection aborted by network"},
	{"ENETUNREACH", "network unreachable"},
	{"ENFILE", "too many files open in system"},
	{"ENOBUFS", "no buffer space available"},
	{"ENODEV", "no such device"},
	{"ENOENT", "no such file or directory"},
	{"ENOEXEC", "executable file format error"},
	{"ENOLCK", "no locks available"},
	{"ENOLINK", "reserved (link has been severed)"},
	{"ENOMEM", "not enough space"},
	{"ENOMSG", "no message of the desired type"},
	{"ENOPROTOOPT", "protocol not available"},
	{"ENOSPC", "no space left on device"},
	{"ENOSYS", "function not supported"},
	{"ENOTCONN", "the socket is not connected"},
	{"ENOTDIR", "not a directory or a symbolic link to a directory"},
	{"ENOTEMPTY", "directory not empty"},
	{"ENOTRECOVERABLE", "state not recoverable"},
	{"ENOTSOCK", "not a socket"},
	{"ENOTSUP", "not supported, or operation not supported on socket"},
	{"ENOTTY", "inappropriate I/O control operation"},
	{"ENXIO", "no such device or address"},
	{"EOVERFLOW", "value too large to be stored in data type"},
	{"EOWNERDEAD", "previous owner died"},
	{"EPERM", "operation not permitted"},
	{"EPIPE", "broken pipe"},
	{"EPROTO", "protocol error"},
	{"EPROTONOSUPPORT", "protocol not supported"},
	{"EPROTOTYPE", "protocol wrong type for socket"},
	{"ERANGE", "result too large"},
	{"EROFS", "read-only file system"},
	{"ESPIPE", "invalid seek"},
	{"ESRCH", "no such process"},
	{"ESTALE", "reserved (stale file handle)"},
	{"ETIMEDOUT", "connection timed out"},
	{"ETXTBSY", "text file busy"},
	{"EXDEV", "cross-device link"},
	{"ENOTCAPABLE", "capabilities insufficient"},
}

// String returns the code's name as the specification spells it, with the E
// prefix: "EBADF" for [EBADF]. A value outside the specification prints as
// "Errno(N)".
func (e Errno) String() string {
	if int(e) < errnoCount {
		return errnoInfo[e].name
	}
	return "Errno(" + strconv.Itoa(int(e)) + ")"
}

// Error returns the code's name and its description, for example
// "EBADF: bad file descriptor".
func (e Errno) Error() string {
	if int(e) < errnoCount {
		return errnoInfo[e].name + ": " + errnoInfo[e].text
	}
	return e.String()
}

// Valid reports whether e is one of the 77 codes the specification defines.
func (e Errno) Valid() bool { return int(e) < errnoCount }

// WasiErrno returns e itself, so that Errno satisfies [ErrnoCarrier].
func (e Errno) WasiErrno() Errno { return e }

// Is lets errors.Is match an Errno against the io/fs sentinel errors it
// corresponds to, as syscall.Errno does: ENOENT is [fs.ErrNotExist], EEXIST
// is [fs.ErrExist], EACCES and EPERM are [fs.ErrPermission], and ENOTSUP and
// ENOSYS are [errors.ErrUnsupported].
func (e Errno) Is(target error) bool {
	switch target {
	case fs.ErrNotExist:
		return e == ENOENT
	case fs.ErrExist:
		return e == EEXIST || e == ENOTEMPTY
	case fs.ErrPermission:
		return e == EACCES || e == EPERM
	case errors.ErrUnsupported:
		return e == ENOTSUP || e == ENOSYS
	}
	return false
}
