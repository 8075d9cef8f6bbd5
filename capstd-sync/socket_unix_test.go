//go:build linux || darwin || freebsd

package capstdsync

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// listen returns a loopback listener's socket file and address.
func listen(t *testing.T) (*socketFile, string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	f, err := NewListenerFile(l)
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	return f.(*socketFile), l.Addr().String()
}

// connect returns an accepted connection's socket file and the client end.
func connect(t *testing.T) (*socketFile, net.Conn) {
	t.Helper()
	lf, addr := listen(t)
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	f, err := lf.SockAccept(cancelAfter(t, 5*time.Second), 0)
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	return f.(*socketFile), c
}

func TestListenerFile(t *testing.T) {
	_, err := NewListenerFile(nil)
	errnoIs(t, common.EINVAL, err)

	lf, addr := listen(t)
	assert.Equal(t, common.FiletypeSocketStream, lf.Filetype())
	base, inheriting := lf.Rights()
	assert.Equal(t, common.RightsListenerBase, base)
	// What it accepts may be read and written (conformance case
	// sock_accept/accept-recv-send-shutdown: fd_fdstat_get of an accepted
	// connection reported no rights).
	assert.Equal(t, common.RightsSocketBase, inheriting)
	st, err := lf.Filestat(bg)
	require.NoError(t, err)
	assert.Equal(t, common.FiletypeSocketStream, st.Filetype)

	// Non-blocking, no pending connection: EAGAIN.
	require.NoError(t, lf.SetFdflags(bg, common.FdflagsNonblock))
	_, err = lf.SockAccept(bg, 0)
	errnoIs(t, common.EAGAIN, err)
	errnoIs(t, common.ENOTSUP, lf.SetFdflags(bg, common.FdflagsAppend))
	_, err = lf.SockAccept(bg, common.FdflagsAppend)
	errnoIs(t, common.ENOTSUP, err)

	// A pending connection: accepted, with the flags asked for.
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	deadline := time.Now().Add(5 * time.Second)
	var cf common.WasiFile
	for {
		cf, err = lf.SockAccept(bg, common.FdflagsNonblock)
		if err == nil || common.ErrnoOf(err) != common.EAGAIN || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	require.NoError(t, err)
	fl, err := cf.Fdflags(bg)
	require.NoError(t, err)
	assert.Equal(t, common.FdflagsNonblock, fl)
	require.NoError(t, cf.Close())
	errnoIs(t, common.EBADF, cf.Close(), "closed twice")

	// Blocking accept waits for a connection made 50 ms later.
	require.NoError(t, lf.SetFdflags(bg, 0))
	go func() {
		time.Sleep(50 * time.Millisecond)
		if c, err := net.Dial("tcp", addr); err == nil {
			defer c.Close()
			time.Sleep(time.Second)
		}
	}()
	cf, err = lf.SockAccept(cancelAfter(t, 5*time.Second), 0)
	require.NoError(t, err)
	require.NoError(t, cf.Close())

	// Blocking accept, cancelled: ends within 100 ms; the listener works on.
	assertCancelsWithin100ms(t, func(ctx context.Context) error {
		_, err := lf.SockAccept(ctx, 0)
		return err
	})
	go func() {
		if c, err := net.Dial("tcp", addr); err == nil {
			defer c.Close()
			time.Sleep(time.Second)
		}
	}()
	cf, err = lf.SockAccept(cancelAfter(t, 5*time.Second), 0)
	require.NoError(t, err, "the deadline was cleared")
	require.NoError(t, cf.Close())

	// A listener is not connected.
	_, _, err = lf.SockRecv(bg, [][]byte{make([]byte, 1)}, 0)
	errnoIs(t, common.ENOTCONN, err)
	_, err = lf.SockSend(bg, [][]byte{[]byte("x")}, 0)
	errnoIs(t, common.ENOTCONN, err)
	_, err = lf.Read(bg, [][]byte{make([]byte, 1)})
	errnoIs(t, common.ENOTCONN, err)

	require.NoError(t, lf.Close())
	_, err = lf.SockAccept(bg, 0)
	errnoIs(t, common.EBADF, err)
	_, err = net.Dial("tcp", addr)
	assert.Error(t, err, "Close closed the listener")
}

func TestSocketSendRecv(t *testing.T) {
	f, c := connect(t)
	assert.Equal(t, common.FiletypeSocketStream, f.Filetype())
	base, _ := f.Rights()
	assert.Equal(t, common.RightsSocketBase, base)
	_, err := f.SockAccept(bg, 0)
	errnoIs(t, common.EINVAL, err, "not a listener")

	// Send from the guest, read at the client.
	n, err := f.SockSend(bg, [][]byte{[]byte("ping"), []byte("!")}, 0)
	require.NoError(t, err)
	assert.Equal(t, 5, n)
	buf := make([]byte, 5)
	_, err = io.ReadFull(c, buf)
	require.NoError(t, err)
	assert.Equal(t, "ping!", string(buf))
	_, err = f.SockSend(bg, [][]byte{buf}, 1)
	errnoIs(t, common.EINVAL, err, "no siflags are defined")

	// Non-blocking receive with nothing queued: EAGAIN.
	require.NoError(t, f.SetFdflags(bg, common.FdflagsNonblock))
	_, _, err = f.SockRecv(bg, [][]byte{buf}, 0)
	errnoIs(t, common.EAGAIN, err)
	_, err = f.Read(bg, [][]byte{buf})
	errnoIs(t, common.EAGAIN, err)
	require.NoError(t, f.SetFdflags(bg, 0))

	// PEEK leaves the data queued.
	_, err = c.Write([]byte("hello"))
	require.NoError(t, err)
	time.Sleep(10 * time.Millisecond)
	peek := make([]byte, 3)
	n, oflags, err := f.SockRecv(bg, [][]byte{peek}, common.RiflagsRecvPeek)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.Zero(t, oflags)
	assert.Equal(t, "hel", string(peek))
	a, b := make([]byte, 2), make([]byte, 10)
	n, _, err = f.SockRecv(bg, [][]byte{a, b}, 0)
	require.NoError(t, err)
	assert.Equal(t, 5, n)
	assert.Equal(t, "he", string(a))
	assert.Equal(t, "llo", string(b[:3]))

	// WAITALL collects data sent in three pieces.
	go func() {
		for _, s := range []string{"ab", "cd", "ef"} {
			time.Sleep(15 * time.Millisecond)
			_, _ = c.Write([]byte(s))
		}
	}()
	a, b = make([]byte, 3), make([]byte, 3)
	n, _, err = f.SockRecv(cancelAfter(t, 5*time.Second), [][]byte{a, b}, common.RiflagsRecvWaitall)
	require.NoError(t, err)
	assert.Equal(t, 6, n)
	assert.Equal(t, "abcdef", string(a)+string(b))

	// fd_read and fd_write work on sockets too.
	_, err = c.Write([]byte("xy"))
	require.NoError(t, err)
	n, err = f.Read(cancelAfter(t, 5*time.Second), [][]byte{buf})
	require.NoError(t, err)
	assert.Equal(t, "xy", string(buf[:n]))
	n, err = f.Write(bg, [][]byte{[]byte("ok")})
	require.NoError(t, err)
	assert.Equal(t, 2, n)

	// A blocked receive ends when cancelled.
	assertCancelsWithin100ms(t, func(ctx context.Context) error {
		_, _, err := f.SockRecv(ctx, [][]byte{buf}, 0)
		return err
	})

	// The peer shuts its side: the guest reads end of stream (0, no error),
	// WAITALL included.
	go func() {
		time.Sleep(10 * time.Millisecond)
		_, _ = c.Write([]byte("z"))
		_ = c.(*net.TCPConn).CloseWrite()
	}()
	n, _, err = f.SockRecv(cancelAfter(t, 5*time.Second), [][]byte{make([]byte, 4)}, common.RiflagsRecvWaitall)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "WAITALL stops at the peer's shutdown")
	n, _, err = f.SockRecv(cancelAfter(t, 5*time.Second), [][]byte{buf}, 0)
	require.NoError(t, err)
	assert.Zero(t, n)
}

func TestSocketShutdown(t *testing.T) {
	f, c := connect(t)
	require.NoError(t, f.SockShutdown(bg, common.SdflagsWr))
	buf := make([]byte, 1)
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := c.Read(buf)
	assert.ErrorIs(t, err, io.EOF, "the peer sees end of stream")
	_, err = f.SockSend(bg, [][]byte{[]byte("x")}, 0)
	errnoIs(t, common.EPIPE, err, "send after shutting down writing")
	errnoIs(t, common.EINVAL, f.SockShutdown(bg, 0))
	require.NoError(t, f.SockShutdown(bg, common.SdflagsRd|common.SdflagsWr))

	// A socket whose peer is gone: a send fails with EPIPE or ECONNRESET
	// (and no SIGPIPE kills the test).
	g, c2 := connect(t)
	require.NoError(t, c2.Close())
	time.Sleep(10 * time.Millisecond)
	var errno common.Errno
	for range 100 {
		if _, err := g.SockSend(bg, [][]byte{make([]byte, 1024)}, 0); err != nil {
			errno = common.ErrnoOf(err)
			break
		}
		time.Sleep(time.Millisecond)
	}
	assert.Contains(t, []common.Errno{common.EPIPE, common.ECONNRESET}, errno)
	require.NoError(t, g.Close())
	errnoIs(t, common.EBADF, g.SockShutdown(bg, common.SdflagsWr))
	_, _, err = g.SockRecv(bg, [][]byte{buf}, 0)
	errnoIs(t, common.EBADF, err)
}
