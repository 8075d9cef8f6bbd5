package common

import (
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// specErrnos is the errno enum of wasi_snapshot_preview1.witx, in order.
const specErrnos = `success 2big acces addrinuse addrnotavail afnosupport again
already badf badmsg busy canceled child connaborted connrefused connreset
deadlk destaddrreq dom dquot exist fault fbig hostunreach idrm ilseq
inprogress intr inval io isconn isdir loop mfile mlink msgsize multihop
nametoolong netdown netreset netunreach nfile nobufs nodev noent noexec nolck
nolink nomem nomsg noprotoopt nospc nosys notconn notdir notempty
notrecoverable notsock notsup notty nxio overflow ownerdead perm pipe proto
protonosupport prototype range rofs spipe srch stale timedout txtbsy xdev
notcapable`

func TestErrnoMatchesSpec(t *testing.T) {
	names := strings.Fields(specErrnos)
	require.Len(t, names, 77, "preview1 defines 77 errnos")
	for i, name := range names {
		e := Errno(i)
		want := "E" + strings.ToUpper(name)
		assert.Equal(t, want, e.String(), "errno %d", i)
		assert.True(t, e.Valid(), "errno %d", i)
		assert.True(t, strings.HasPrefix(e.Error(), want+": "), "Error() of %d is %q", i, e.Error())
		assert.Greater(t, len(e.Error()), len(want)+3, "errno %d has a description", i)
	}
	// Spot checks of values programs depend on.
	assert.Equal(t, Errno(8), EBADF)
	assert.Equal(t, Errno(28), EINVAL)
	assert.Equal(t, Errno(44), ENOENT)
	assert.Equal(t, Errno(52), ENOSYS)
	assert.Equal(t, Errno(58), ENOTSUP)
	assert.Equal(t, Errno(76), ENOTCAPABLE)
}

func TestErrnoOutOfRange(t *testing.T) {
	assert.False(t, Errno(77).Valid())
	assert.Equal(t, "Errno(77)", Errno(77).String())
	assert.Equal(t, "Errno(65535)", Errno(65535).Error())
}

func TestErrnoIsFsSentinels(t *testing.T) {
	cases := []struct {
		errno  Errno
		target error
		want   bool
	}{
		{ENOENT, fs.ErrNotExist, true},
		{EEXIST, fs.ErrExist, true},
		{ENOTEMPTY, fs.ErrExist, true},
		{EACCES, fs.ErrPermission, true},
		{EPERM, fs.ErrPermission, true},
		{ENOTSUP, errors.ErrUnsupported, true},
		{ENOSYS, errors.ErrUnsupported, true},
		{EBADF, fs.ErrNotExist, false},
		{ENOENT, fs.ErrExist, false},
		{EIO, fs.ErrPermission, false},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, errors.Is(c.errno, c.target), "%v is %v", c.errno, c.target)
	}
}
