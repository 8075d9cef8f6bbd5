package common

// Windows's additions to sysErrnoTable: the system error codes file and
// socket calls return (their names are golang.org/x/sys/windows's; the
// standard library's syscall package names only some of them), as wasmtime
// maps them where it maps them. The codes are part of the Windows ABI.
func init() { addSysErrnos(windowsErrnos[:]) }

var windowsErrnos = [...]errnoPair{
	{2, ENOENT},            // ERROR_FILE_NOT_FOUND
	{3, ENOENT},            // ERROR_PATH_NOT_FOUND
	{123, ENOENT},          // ERROR_INVALID_NAME
	{5, EACCES},            // ERROR_ACCESS_DENIED
	{32, EACCES},           // ERROR_SHARING_VIOLATION
	{33, EACCES},           // ERROR_LOCK_VIOLATION
	{1314, EPERM},          // ERROR_PRIVILEGE_NOT_HELD
	{6, EBADF},             // ERROR_INVALID_HANDLE
	{8, ENOMEM},            // ERROR_NOT_ENOUGH_MEMORY
	{14, ENOMEM},           // ERROR_OUTOFMEMORY
	{21, EBUSY},            // ERROR_NOT_READY
	{170, EBUSY},           // ERROR_BUSY
	{50, ENOTSUP},          // ERROR_NOT_SUPPORTED
	{80, EEXIST},           // ERROR_FILE_EXISTS
	{183, EEXIST},          // ERROR_ALREADY_EXISTS
	{87, EINVAL},           // ERROR_INVALID_PARAMETER
	{131, EINVAL},          // ERROR_NEGATIVE_SEEK
	{4390, EINVAL},         // ERROR_NOT_A_REPARSE_POINT
	{109, EPIPE},           // ERROR_BROKEN_PIPE
	{232, EPIPE},           // ERROR_NO_DATA
	{111, ENAMETOOLONG},    // ERROR_BUFFER_OVERFLOW
	{206, ENAMETOOLONG},    // ERROR_FILENAME_EXCED_RANGE
	{145, ENOTEMPTY},       // ERROR_DIR_NOT_EMPTY
	{267, ENOTDIR},         // ERROR_DIRECTORY
	{1921, ELOOP},          // ERROR_CANT_RESOLVE_FILENAME
	{112, ENOSPC},          // ERROR_DISK_FULL
	{39, ENOSPC},           // ERROR_HANDLE_DISK_FULL
	{17, EXDEV},            // ERROR_NOT_SAME_DEVICE
	{10013, EACCES},        // WSAEACCES
	{10053, ECONNABORTED},  // WSAECONNABORTED
	{10061, ECONNREFUSED},  // WSAECONNREFUSED
	{10054, ECONNRESET},    // WSAECONNRESET
	{10038, ENOTSOCK},      // WSAENOTSOCK
	{10035, EAGAIN},        // WSAEWOULDBLOCK
	{10048, EADDRINUSE},    // WSAEADDRINUSE
	{10049, EADDRNOTAVAIL}, // WSAEADDRNOTAVAIL
	{10057, ENOTCONN},      // WSAENOTCONN
	{10060, ETIMEDOUT},     // WSAETIMEDOUT
	{10040, EMSGSIZE},      // WSAEMSGSIZE
	{10051, ENETUNREACH},   // WSAENETUNREACH
	{10065, EHOSTUNREACH},  // WSAEHOSTUNREACH
	{10058, EPIPE},         // WSAESHUTDOWN
}
