package common

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
)

// carrier is an implementation's own error type that knows its errno.
type carrier struct{ errno Errno }

func (c carrier) Error() string    { return "custom failure" }
func (c carrier) WasiErrno() Errno { return c.errno }

func TestErrnoOf(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want Errno
	}{
		{"nil", nil, ESUCCESS},
		{"bare errno", ENOTDIR, ENOTDIR},
		{"bare ESUCCESS is not success", ESUCCESS, EIO},
		{"wrapped errno", fmt.Errorf("open x: %w", ELOOP), ELOOP},
		{"doubly wrapped errno", fmt.Errorf("a: %w", fmt.Errorf("b: %w", EXDEV)), EXDEV},
		{"joined errors take the first carrier", errors.Join(errors.New("plain"), EMFILE), EMFILE},
		{"ErrnoError", &ErrnoError{Op: "open", Path: "a/b", Errno: ENAMETOOLONG}, ENAMETOOLONG},
		{"wrapped ErrnoError", fmt.Errorf("x: %w", &ErrnoError{Op: "rename", Errno: EXDEV}), EXDEV},
		{"custom carrier", carrier{EROFS}, EROFS},
		{"custom carrier answering success", carrier{ESUCCESS}, EIO},
		{"wrapped custom carrier", fmt.Errorf("y: %w", carrier{ENOTCAPABLE}), ENOTCAPABLE},
		{"carrier wins over fs sentinel", &fs.PathError{Op: "open", Path: "p", Err: carrier{EISDIR}}, EISDIR},
		{"fs.ErrNotExist", fs.ErrNotExist, ENOENT},
		{"PathError with ErrNotExist", &fs.PathError{Op: "open", Path: "p", Err: fs.ErrNotExist}, ENOENT},
		{"fs.ErrExist", fs.ErrExist, EEXIST},
		{"fs.ErrPermission", fs.ErrPermission, EPERM},
		{"fs.ErrClosed", fs.ErrClosed, EBADF},
		{"os.ErrClosed wrapped", fmt.Errorf("read: %w", os.ErrClosed), EBADF},
		{"fs.ErrInvalid", fs.ErrInvalid, EINVAL},
		{"errors.ErrUnsupported", errors.ErrUnsupported, ENOTSUP},
		{"context.Canceled", context.Canceled, ECANCELED},
		{"context.DeadlineExceeded", context.DeadlineExceeded, ETIMEDOUT},
		{"os.ErrDeadlineExceeded", os.ErrDeadlineExceeded, ETIMEDOUT},
		{"net timeout", &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}, ETIMEDOUT},
		{"timeout interface answering false", notTimeout{}, EIO},
		{"io.ErrShortWrite", io.ErrShortWrite, EIO},
		{"io.ErrUnexpectedEOF", io.ErrUnexpectedEOF, EIO},
		{"io.ErrShortBuffer", io.ErrShortBuffer, ENOBUFS},
		{"unknown error", errors.New("something odd"), EIO},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, ErrnoOf(c.err))
		})
	}
}

func TestErrnoError(t *testing.T) {
	err := &ErrnoError{Op: "open", Path: "dir/file", Errno: ENOENT}
	assert.Equal(t, "open dir/file: ENOENT: no such file or directory", err.Error())
	assert.ErrorIs(t, err, ENOENT)
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.Equal(t, "sock_accept: EAGAIN: resource unavailable, or operation would block",
		(&ErrnoError{Op: "sock_accept", Errno: EAGAIN}).Error())
}

func TestErrnoOfDoesNotAllocateForBareErrno(t *testing.T) {
	var err error = EBADF
	allocs := testing.AllocsPerRun(100, func() {
		if ErrnoOf(err) != EBADF {
			t.Fatal("wrong errno")
		}
	})
	assert.Zero(t, allocs)
}

// notTimeout has a Timeout method that answers false.
type notTimeout struct{}

func (notTimeout) Error() string { return "not a timeout" }
func (notTimeout) Timeout() bool { return false }
