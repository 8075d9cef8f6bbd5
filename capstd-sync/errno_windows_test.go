package capstdsync

import (
	"syscall"
	"testing"

	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/assert"
	"golang.org/x/sys/windows"
)

// TestWindowsErrnos checks package common's table of Windows error codes,
// written there as numbers, against golang.org/x/sys/windows's names.
func TestWindowsErrnos(t *testing.T) {
	for _, c := range []struct {
		sys  syscall.Errno
		wasi common.Errno
	}{
		{windows.ERROR_FILE_NOT_FOUND, common.ENOENT},
		{windows.ERROR_PATH_NOT_FOUND, common.ENOENT},
		{windows.ERROR_INVALID_NAME, common.ENOENT},
		{windows.ERROR_ACCESS_DENIED, common.EACCES},
		{windows.ERROR_SHARING_VIOLATION, common.EACCES},
		{windows.ERROR_LOCK_VIOLATION, common.EACCES},
		{windows.ERROR_PRIVILEGE_NOT_HELD, common.EPERM},
		{windows.ERROR_INVALID_HANDLE, common.EBADF},
		{windows.ERROR_NOT_ENOUGH_MEMORY, common.ENOMEM},
		{windows.ERROR_OUTOFMEMORY, common.ENOMEM},
		{windows.ERROR_NOT_READY, common.EBUSY},
		{windows.ERROR_BUSY, common.EBUSY},
		{windows.ERROR_NOT_SUPPORTED, common.ENOTSUP},
		{windows.ERROR_FILE_EXISTS, common.EEXIST},
		{windows.ERROR_ALREADY_EXISTS, common.EEXIST},
		{windows.ERROR_INVALID_PARAMETER, common.EINVAL},
		{windows.ERROR_NEGATIVE_SEEK, common.EINVAL},
		{windows.ERROR_NOT_A_REPARSE_POINT, common.EINVAL},
		{windows.ERROR_BROKEN_PIPE, common.EPIPE},
		{windows.ERROR_NO_DATA, common.EPIPE},
		{windows.ERROR_BUFFER_OVERFLOW, common.ENAMETOOLONG},
		{windows.ERROR_FILENAME_EXCED_RANGE, common.ENAMETOOLONG},
		{windows.ERROR_DIR_NOT_EMPTY, common.ENOTEMPTY},
		{windows.ERROR_DIRECTORY, common.ENOTDIR},
		{windows.ERROR_CANT_RESOLVE_FILENAME, common.ELOOP},
		{windows.ERROR_DISK_FULL, common.ENOSPC},
		{windows.ERROR_HANDLE_DISK_FULL, common.ENOSPC},
		{windows.ERROR_NOT_SAME_DEVICE, common.EXDEV},
		{windows.WSAEACCES, common.EACCES},
		{windows.WSAECONNABORTED, common.ECONNABORTED},
		{windows.WSAECONNREFUSED, common.ECONNREFUSED},
		{windows.WSAECONNRESET, common.ECONNRESET},
		{windows.WSAENOTSOCK, common.ENOTSOCK},
		{windows.WSAEWOULDBLOCK, common.EAGAIN},
		{windows.WSAEADDRINUSE, common.EADDRINUSE},
		{windows.WSAEADDRNOTAVAIL, common.EADDRNOTAVAIL},
		{windows.WSAENOTCONN, common.ENOTCONN},
		{windows.WSAETIMEDOUT, common.ETIMEDOUT},
		{windows.WSAEMSGSIZE, common.EMSGSIZE},
		{windows.WSAENETUNREACH, common.ENETUNREACH},
		{windows.WSAEHOSTUNREACH, common.EHOSTUNREACH},
		{windows.WSAESHUTDOWN, common.EPIPE},
	} {
		assert.Equal(t, c.wasi, common.ErrnoOf(c.sys), "%d", uintptr(c.sys))
	}
}
