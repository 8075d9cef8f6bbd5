//go:build linux || darwin || freebsd

package capstdsync

import (
	"context"
	"errors"
	"net"
	"syscall"
	"time"

	"github.com/capwasi/capwasi/common"
	"golang.org/x/sys/unix"
)

// socketFile is a listening or connected socket. Its descriptor is
// non-blocking (Go's network poller owns it); the file tries each call
// directly on the descriptor and, when that would block and the guest has
// not asked for FDFLAGS_NONBLOCK, waits in the poller, where a cancelled
// context ends the wait through a deadline.
type socketFile struct {
	common.UnimplementedFile
	fd       int
	typ      common.Filetype
	listener deadlineListener // for a listening socket
	conn     socketConn       // for a connected socket
	rc       syscall.RawConn  // conn's, to wait in the poller
	flags    common.Fdflags   // NONBLOCK, as the guest set it
	closed   bool
}

func newListenerFile(l net.Listener) (common.WasiFile, error) {
	dl, ok := l.(deadlineListener)
	if !ok {
		return nil, common.EINVAL
	}
	fd := connFd(dl)
	if fd < 0 {
		return nil, common.EBADF
	}
	return &socketFile{fd: fd, typ: socketType(fd), listener: dl}, nil
}

func newConnFile(c socketConn, flags common.Fdflags) (*socketFile, error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return nil, wasiErr(err)
	}
	fd := connFd(c)
	if fd < 0 {
		return nil, common.EBADF
	}
	return &socketFile{fd: fd, typ: socketType(fd), conn: c, rc: rc, flags: flags}, nil
}

// socketType returns the preview1 type of a socket descriptor.
func socketType(fd int) common.Filetype {
	t, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE)
	if err == nil && t == unix.SOCK_DGRAM {
		return common.FiletypeSocketDgram
	}
	return common.FiletypeSocketStream
}

func (s *socketFile) Filetype() common.Filetype { return s.typ }

// Rights of a listener pass the rights of a connection on to what it
// accepts (the binding intersects an accepted socket's rights with the
// listener's inheriting set); a connection passes nothing on.
func (s *socketFile) Rights() (base, inheriting common.Rights) {
	if s.listener != nil {
		return common.RightsListenerBase, common.RightsSocketBase
	}
	return common.RightsSocketBase, 0
}

func (s *socketFile) Fdflags(context.Context) (common.Fdflags, error) {
	if s.closed {
		return 0, common.EBADF
	}
	return s.flags, nil
}

// SetFdflags accepts FDFLAGS_NONBLOCK only; the other flags are ENOTSUP.
func (s *socketFile) SetFdflags(_ context.Context, flags common.Fdflags) error {
	if s.closed {
		return common.EBADF
	}
	if flags&^common.FdflagsNonblock != 0 {
		return common.ENOTSUP
	}
	s.flags = flags
	return nil
}

func (s *socketFile) Filestat(context.Context) (common.Filestat, error) {
	if s.closed {
		return common.Filestat{}, common.EBADF
	}
	st, err := fdFilestat(s.fd)
	st.Filetype = s.typ
	return st, err
}

func (s *socketFile) SetSize(context.Context, common.Filesize) error { return common.EINVAL }

func (s *socketFile) nonblocking() bool { return s.flags&common.FdflagsNonblock != 0 }

func (s *socketFile) Read(ctx context.Context, iovs [][]byte) (int, error) {
	if s.closed {
		return 0, common.EBADF
	}
	for {
		n, err := readv(s.fd, iovs)
		if err == nil {
			return n, nil
		}
		if err := s.retry(ctx, err, false); err != nil {
			return 0, err
		}
	}
}

func (s *socketFile) Write(ctx context.Context, iovs [][]byte) (int, error) {
	if s.closed {
		return 0, common.EBADF
	}
	for {
		n, err := writev(s.fd, iovs)
		if err == nil {
			return n, nil
		}
		if err := s.retry(ctx, err, true); err != nil {
			return 0, err
		}
	}
}

// retry decides what follows a failed call: nil to try again (after
// waiting for the socket when the call would have blocked), or the error
// to return.
func (s *socketFile) retry(ctx context.Context, err error, write bool) error {
	switch err {
	case unix.EINTR:
		return nil
	case unix.EAGAIN:
		if s.nonblocking() {
			return common.EAGAIN
		}
		return s.wait(ctx, write)
	}
	return wasiErr(err)
}

// wait blocks in Go's poller until the connection is readable (or
// writable), or ctx is done.
func (s *socketFile) wait(ctx context.Context, write bool) error {
	if s.rc == nil {
		return common.ENOTCONN
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	waited := false
	once := func(uintptr) bool {
		if waited {
			return true
		}
		waited = true
		return false
	}
	setDeadline := s.conn.SetReadDeadline
	if write {
		setDeadline = s.conn.SetWriteDeadline
	}
	var stop func() bool
	if ctx.Done() != nil {
		stop = onCancel(ctx, func() { _ = setDeadline(pastDeadline) })
	}
	var err error
	if write {
		err = s.rc.Write(once)
	} else {
		err = s.rc.Read(once)
	}
	if stop != nil && stop() {
		_ = setDeadline(time.Time{})
		return ctx.Err()
	}
	return wasiErr(err)
}

func (s *socketFile) SockAccept(ctx context.Context, flags common.Fdflags) (common.WasiFile, error) {
	if s.closed {
		return nil, common.EBADF
	}
	if s.listener == nil {
		return nil, common.EINVAL
	}
	if flags&^common.FdflagsNonblock != 0 {
		return nil, common.ENOTSUP
	}
	if s.nonblocking() {
		ready, err := pollOne(s.fd, false, 0)
		if err != nil {
			return nil, wasiErr(err)
		}
		if !ready {
			return nil, common.EAGAIN
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var stop func() bool
	if ctx.Done() != nil {
		stop = onCancel(ctx, func() { _ = s.listener.SetDeadline(pastDeadline) })
	}
	c, err := s.listener.Accept()
	if stop != nil && stop() {
		_ = s.listener.SetDeadline(time.Time{})
		if err == nil {
			_ = c.Close()
		}
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, wasiErr(err)
	}
	sc, ok := c.(socketConn)
	if !ok {
		_ = c.Close()
		return nil, common.ENOTSUP
	}
	f, err := newConnFile(sc, flags)
	if err != nil {
		_ = c.Close()
		return nil, err
	}
	return f, nil
}

// SockRecv receives with recvmsg(2). RECV_PEEK is MSG_PEEK. RECV_WAITALL
// keeps receiving until iovs are full, the peer shuts down or an error
// occurs (in non-blocking mode it stops where it would block); with
// RECV_PEEK it peeks once at what is queued.
func (s *socketFile) SockRecv(ctx context.Context, iovs [][]byte, flags common.Riflags) (int, common.Roflags, error) {
	if s.closed {
		return 0, 0, common.EBADF
	}
	if s.listener != nil {
		return 0, 0, common.ENOTCONN
	}
	sysFlags := 0
	if flags&common.RiflagsRecvPeek != 0 {
		sysFlags |= unix.MSG_PEEK
	}
	waitAll := flags&common.RiflagsRecvWaitall != 0 && flags&common.RiflagsRecvPeek == 0
	want := iovsLen(iovs)
	total := 0
	var oflags common.Roflags
	for {
		n, _, recvFlags, _, err := unix.RecvmsgBuffers(s.fd, iovs, nil, sysFlags)
		if err != nil {
			if total > 0 && (err == unix.EAGAIN && s.nonblocking() || err != unix.EAGAIN && err != unix.EINTR) {
				return total, oflags, nil
			}
			if err := s.retry(ctx, err, false); err != nil {
				return 0, 0, err
			}
			continue
		}
		if recvFlags&unix.MSG_TRUNC != 0 {
			oflags |= common.RoflagsRecvDataTruncated
		}
		total += n
		if !waitAll || n == 0 || total >= want {
			return total, oflags, nil
		}
		iovs = advanceIovs(iovs, n)
	}
}

// advanceIovs returns iovs without their first n bytes.
func advanceIovs(iovs [][]byte, n int) [][]byte {
	for len(iovs) > 0 && n >= len(iovs[0]) {
		n -= len(iovs[0])
		iovs = iovs[1:]
	}
	if len(iovs) > 0 && n > 0 {
		rest := make([][]byte, len(iovs))
		copy(rest, iovs)
		rest[0] = rest[0][n:]
		iovs = rest
	}
	return iovs
}

// SockSend sends with sendmsg(2), without raising SIGPIPE where the system
// allows (a closed peer is EPIPE).
func (s *socketFile) SockSend(ctx context.Context, iovs [][]byte, flags common.Siflags) (int, error) {
	if s.closed {
		return 0, common.EBADF
	}
	if s.listener != nil {
		return 0, common.ENOTCONN
	}
	if flags != 0 {
		return 0, common.EINVAL
	}
	for {
		n, err := unix.SendmsgBuffers(s.fd, iovs, nil, nil, sendFlags)
		if err == nil {
			return n, nil
		}
		if err := s.retry(ctx, err, true); err != nil {
			return 0, err
		}
	}
}

func (s *socketFile) SockShutdown(_ context.Context, how common.Sdflags) error {
	if s.closed {
		return common.EBADF
	}
	var sysHow int
	switch how {
	case common.SdflagsRd:
		sysHow = unix.SHUT_RD
	case common.SdflagsWr:
		sysHow = unix.SHUT_WR
	case common.SdflagsRd | common.SdflagsWr:
		sysHow = unix.SHUT_RDWR
	default:
		return common.EINVAL
	}
	return wasiErr(unix.Shutdown(s.fd, sysHow))
}

func (s *socketFile) Close() error {
	if s.closed {
		return common.EBADF
	}
	s.closed = true
	var err error
	if s.listener != nil {
		err = s.listener.Close()
	} else {
		err = s.conn.Close()
	}
	if errors.Is(err, net.ErrClosed) {
		return common.EBADF
	}
	return wasiErr(err)
}

func (s *socketFile) pollFd() int { return s.fd }
