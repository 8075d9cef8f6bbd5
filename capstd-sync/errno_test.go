package capstdsync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"syscall"
	"testing"

	"github.com/capwasi/capwasi/capstd"
	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// carrier is an error of another implementation carrying its own errno.
type carrier struct{ error }

func (carrier) WasiErrno() common.Errno { return common.ENOTCAPABLE }

func TestErrnoOf(t *testing.T) {
	escape := &fs.PathError{Op: "open", Path: "../x", Err: capstd.ErrEscape}
	for _, c := range []struct {
		name string
		err  error
		want common.Errno
	}{
		{"nil", nil, common.ESUCCESS},
		{"errno", common.EBADF, common.EBADF},
		{"ESUCCESS as error", common.ESUCCESS, common.EIO},
		{"syscall", syscall.ENOTDIR, common.ENOTDIR},
		{"wrapped syscall", &fs.PathError{Op: "open", Path: "a", Err: syscall.EISDIR}, common.EISDIR},
		{"link error", &capstd.LinkError{Op: "rename", Old: "a", New: "b", Err: syscall.ENOTEMPTY}, common.ENOTEMPTY},
		{"escape", escape, common.EPERM},
		{"escape in a link error", &capstd.LinkError{Op: "symlink", Old: "/x", New: "l", Err: capstd.ErrEscape}, common.EPERM},
		{"carrier wins", carrier{fmt.Errorf("x: %w", syscall.ENOENT)}, common.ENOTCAPABLE},
		{"closed", &fs.PathError{Op: "read", Path: "a", Err: fs.ErrClosed}, common.EBADF},
		{"unsupported", &fs.PathError{Op: "fallocate", Path: "a", Err: errors.ErrUnsupported}, common.ENOTSUP},
		{"canceled", context.Canceled, common.ECANCELED},
		{"eof", io.ErrUnexpectedEOF, common.EIO},
		{"other", errors.New("boom"), common.EIO},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, errnoOf(c.err))
			if c.err == nil {
				assert.NoError(t, wasiErr(c.err))
			} else {
				assert.Equal(t, c.want, wasiErr(c.err))
			}
		})
	}
}

func TestWasiErrDoesNotAllocate(t *testing.T) {
	var sink error
	allocs := testing.AllocsPerRun(100, func() {
		sink = wasiErr(syscall.ENOENT)
		sink = wasiErr(common.EAGAIN)
	})
	require.Equal(t, common.EAGAIN, sink)
	assert.Zero(t, allocs)
}
