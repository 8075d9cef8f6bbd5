package capstdsync

import (
	"io"
	"net"
	"syscall"
	"time"

	"github.com/capwasi/capwasi/common"
)

// NewListenerFile returns a file for a listening socket, for sock_accept: the
// pre-opened sockets of a [WasiCtxBuilder] are made with it. The listener
// must expose its descriptor (syscall.Conn) and a deadline (SetDeadline), as
// *net.TCPListener and *net.UnixListener do; any other listener is EINVAL.
// On systems without this package's socket support (Windows) the error is
// ENOTSUP.
//
// The file owns the listener: its Close closes l. SockAccept returns the
// accepted connection as a file implementing sock_recv (RECV_PEEK,
// RECV_WAITALL), sock_send, sock_shutdown, fd_read, fd_write and fd_filestat_get,
// and FDFLAGS_NONBLOCK, which is emulated (the host descriptor is always
// non-blocking underneath, driven by Go's network poller). A blocked accept,
// receive or send ends with the context's error when the context is
// cancelled.
func NewListenerFile(l net.Listener) (common.WasiFile, error) {
	if l == nil {
		return nil, common.EINVAL
	}
	return newListenerFile(l)
}

// socketConn is what a socket file needs of a connection: its descriptor,
// deadlines to interrupt a blocked wait, and Close.
type socketConn interface {
	syscall.Conn
	io.Closer
	SetReadDeadline(time.Time) error
	SetWriteDeadline(time.Time) error
}

// deadlineListener is what a socket file needs of a listener.
type deadlineListener interface {
	net.Listener
	syscall.Conn
	SetDeadline(time.Time) error
}

// pastDeadline is a deadline long gone, set to interrupt a blocked call.
var pastDeadline = time.Unix(1, 0)
