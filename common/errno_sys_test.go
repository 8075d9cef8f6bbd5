//go:build !plan9 && !js && !wasip1 && !dragonfly && !netbsd && !openbsd

package common

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSysErrnoTableCoversPreview1(t *testing.T) {
	// Every preview1 code but ESUCCESS and ENOTCAPABLE has a system twin,
	// each mapped to itself (on the systems capwasi runs on, which have
	// every name; see errno_sys_more.go).
	seen := map[Errno]bool{}
	for _, pairs := range [][]errnoPair{sysErrnoTable[:], moreSysErrnos[:]} {
		for _, e := range pairs {
			seen[e.wasi] = true
			assert.Equal(t, e.wasi, sysErrno(e.sys), "%v", e.sys)
		}
	}
	for e := E2BIG; e < ENOTCAPABLE; e++ {
		assert.True(t, seen[e], "%v has no system twin", e)
	}
}

func TestSysErrno(t *testing.T) {
	for _, c := range []struct {
		sys  syscall.Errno
		wasi Errno
	}{
		{syscall.ENOENT, ENOENT},
		{syscall.EEXIST, EEXIST},
		{syscall.EAGAIN, EAGAIN},
		{syscall.EWOULDBLOCK, EAGAIN},
		{syscall.EOPNOTSUPP, ENOTSUP},
		{syscall.ENOTSUP, ENOTSUP},
		{syscall.ELOOP, ELOOP},
		{syscall.EXDEV, EXDEV},
		{syscall.EPIPE, EPIPE},
		{syscall.Errno(0), EIO},       // not an error: no twin
		{syscall.Errno(499), EIO},     // unknown
		{syscall.Errno(1 << 40), EIO}, // beyond the dense table
	} {
		assert.Equal(t, c.wasi, sysErrno(c.sys), "%d", uintptr(c.sys))
	}
}

// TestErrnoOfSystemErrors: what os and io/fs return carries the system's
// error number, which ErrnoOf maps by name (it used to answer EIO for
// ENOTDIR, ELOOP and EACCES, and EPERM for EACCES).
func TestErrnoOfSystemErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want Errno
	}{
		{"bare", syscall.ENOTDIR, ENOTDIR},
		{"PathError ENOTDIR", &fs.PathError{Op: "open", Path: "f/x", Err: syscall.ENOTDIR}, ENOTDIR},
		{"PathError ELOOP", &fs.PathError{Op: "open", Path: "l", Err: syscall.ELOOP}, ELOOP},
		{"PathError EACCES", &fs.PathError{Op: "open", Path: "p", Err: syscall.EACCES}, EACCES},
		{"PathError EISDIR", &fs.PathError{Op: "read", Path: "d", Err: syscall.EISDIR}, EISDIR},
		{"LinkError ENOTEMPTY", &os.LinkError{Op: "rename", Old: "a", New: "b", Err: syscall.ENOTEMPTY}, ENOTEMPTY},
		{"SyscallError", os.NewSyscallError("fstat", syscall.EBADF), EBADF},
		{"net.OpError", &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, ECONNRESET},
		{"wrapped twice", fmt.Errorf("x: %w", &fs.PathError{Op: "open", Path: "p", Err: syscall.ENAMETOOLONG}), ENAMETOOLONG},
		{"carrier wins over a system error", fmt.Errorf("%w: %w", carrier{EROFS}, syscall.ENOENT), EROFS},
		{"unknown number", &fs.PathError{Op: "open", Path: "p", Err: syscall.Errno(499)}, EIO},
	} {
		t.Run(c.name, func(t *testing.T) { assert.Equal(t, c.want, ErrnoOf(c.err)) })
	}
}

// TestErrnoOfRealSystemErrors gets the errors from the system itself.
func TestErrnoOfRealSystemErrors(t *testing.T) {
	dir := t.TempDir()
	f := dir + "/f"
	assert.NoError(t, os.WriteFile(f, nil, 0o644))
	_, err := os.Open(f + "/x")
	assert.Equal(t, ENOTDIR, ErrnoOf(err), "%v", err)
	_, err = os.Open(dir + "/missing")
	assert.Equal(t, ENOENT, ErrnoOf(err), "%v", err)
	err = os.Mkdir(dir, 0o755)
	assert.Equal(t, EEXIST, ErrnoOf(err), "%v", err)
	_, err = os.ReadDir(f)
	assert.Equal(t, ENOTDIR, ErrnoOf(err), "%v", err)
	_, err = os.DirFS(dir).Open("f/x")
	assert.True(t, errors.Is(err, fs.ErrNotExist) || ErrnoOf(err) == ENOTDIR, "%v", err)
}

func TestErrnoOfDoesNotAllocateForBareSysErrno(t *testing.T) {
	var err error = syscall.ENOENT
	var sink Errno
	allocs := testing.AllocsPerRun(100, func() { sink = ErrnoOf(err) })
	assert.Equal(t, ENOENT, sink)
	assert.Zero(t, allocs)
}
