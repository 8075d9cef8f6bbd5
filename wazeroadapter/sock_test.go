package wazeroadapter

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/capwasi/capwasi/common"
)

func TestSockAcceptRecvSendShutdown(t *testing.T) {
	c, _, _ := newFakeCtx()
	listener := &sockFile{listener: true}
	c.withSocket(listener)
	g := defaultEnv(t).start(t, c)

	st, _ := g.fdstat(4)
	assert.Equal(t, common.FiletypeSocketStream, st.Filetype)
	assert.True(t, st.RightsBase.Has(common.RightsSockAccept))

	out := g.out(4)
	require.Equal(t, common.ESUCCESS, g.call("sock_accept", 4, uint64(common.FdflagsNonblock), out))
	conn := g.u32(out)
	assert.Equal(t, uint32(5), conn)
	st, _ = g.fdstat(conn)
	assert.Equal(t, common.FiletypeSocketStream, st.Filetype)
	assert.True(t, st.RightsBase.Has(common.RightsFdRead|common.RightsFdWrite|common.RightsSockShutdown))

	buf := g.out(5)
	iovs, n := g.iovecs([2]uint64{buf, 5})
	rlen, rflags := g.out(4), g.out(2)
	require.Equal(t, common.ESUCCESS, g.call("sock_recv", uint64(conn), iovs, n, uint64(common.RiflagsRecvPeek), rlen, rflags))
	assert.Equal(t, uint32(5), g.u32(rlen))
	assert.Equal(t, "hello", string(g.read(buf, 5)))
	assert.Equal(t, uint16(common.RoflagsRecvDataTruncated), g.u16(rflags))

	p, m := g.str("reply")
	siovs, sn := g.iovecs([2]uint64{p, m})
	require.Equal(t, common.ESUCCESS, g.call("sock_send", uint64(conn), siovs, sn, 0, out))
	assert.Equal(t, uint32(5), g.u32(out))
	assert.Equal(t, "reply", listener.accepted[0].out.String())

	require.Equal(t, common.ESUCCESS, g.call("sock_shutdown", uint64(conn), uint64(common.SdflagsWr)))
	require.Equal(t, common.ESUCCESS, g.call("sock_shutdown", uint64(conn), uint64(common.SdflagsRd|common.SdflagsWr)))
	assert.Equal(t, common.SdflagsRd|common.SdflagsWr, listener.accepted[0].shut)

	// Errors.
	assert.Equal(t, common.EINVAL, g.call("sock_accept", 4, 0x20, out))
	assert.Equal(t, common.ENOTSOCK, g.call("sock_accept", 1, 0, out))
	assert.Equal(t, common.ENOTSOCK, g.call("sock_accept", 3, 0, out), "a directory")
	assert.Equal(t, common.EBADF, g.call("sock_accept", 99, 0, out))
	assert.Equal(t, common.EFAULT, g.call("sock_accept", 4, 0, g.memSize()))
	assert.Equal(t, common.EINVAL, g.call("sock_accept", uint64(conn), 0, out), "not listening: the implementation's EINVAL")

	assert.Equal(t, common.EINVAL, g.call("sock_recv", uint64(conn), iovs, n, 4, rlen, rflags))
	assert.Equal(t, common.ENOTSOCK, g.call("sock_recv", 0, iovs, n, 0, rlen, rflags))
	assert.Equal(t, common.EFAULT, g.call("sock_recv", uint64(conn), iovs, n, 0, rlen, g.memSize()-1))
	assert.Equal(t, common.EFAULT, g.call("sock_recv", uint64(conn), g.memSize(), 1, 0, rlen, rflags))
	assert.Equal(t, common.ENOTCONN, g.call("sock_recv", 4, iovs, n, 0, rlen, rflags))

	assert.Equal(t, common.EINVAL, g.call("sock_send", uint64(conn), siovs, sn, 1, out), "siflags must be 0")
	assert.Equal(t, common.ENOTSOCK, g.call("sock_send", 1, siovs, sn, 0, out))
	assert.Equal(t, common.EFAULT, g.call("sock_send", uint64(conn), siovs, sn, 0, g.memSize()))

	for _, how := range []uint64{0, 4, 7, 0x101} {
		assert.Equal(t, common.EINVAL, g.call("sock_shutdown", uint64(conn), how), "how %d", how)
	}
	assert.Equal(t, common.ENOTSOCK, g.call("sock_shutdown", 1, uint64(common.SdflagsRd)), "stdout is not a socket")
	assert.Equal(t, common.EBADF, g.call("sock_shutdown", 99, uint64(common.SdflagsRd)))

	// Without rights.
	require.Equal(t, common.ESUCCESS, g.call("fd_fdstat_set_rights", uint64(conn), 0, 0))
	assert.Equal(t, common.ENOTCAPABLE, g.call("sock_recv", uint64(conn), iovs, n, 0, rlen, rflags))
	assert.Equal(t, common.ENOTCAPABLE, g.call("sock_send", uint64(conn), siovs, sn, 0, out))
	assert.Equal(t, common.ENOTCAPABLE, g.call("sock_shutdown", uint64(conn), 1))
	require.Equal(t, common.ESUCCESS, g.call("fd_fdstat_set_rights", 4, 0, 0))
	assert.Equal(t, common.ENOTCAPABLE, g.call("sock_accept", 4, 0, out))
}

func TestSockAcceptLimit(t *testing.T) {
	env := newEnv(t, WithMaxOpenFiles(6))
	c, _, _ := newFakeCtx()
	listener := &sockFile{listener: true}
	c.withSocket(listener)
	g := env.start(t, c)
	out := g.out(4)
	require.Equal(t, common.ESUCCESS, g.call("sock_accept", 4, 0, out))
	assert.Equal(t, common.EMFILE, g.call("sock_accept", 4, 0, out))
	assert.Len(t, listener.accepted, 1, "refused before the implementation is called")
}
