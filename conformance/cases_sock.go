package conformance

import (
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// Cases of the sock_* functions. Those on descriptors that are not sockets
// run everywhere; those on a pre-opened listener (Case.Listen, descriptor 4
// here; the accepted connection is 5) need FeatureSockets, with a peer
// dialling in from the host.

// dial connects to addr with deadlines, so that a peer never outlives its
// case by much.
func dial(addr string) (net.Conn, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	return c, c.SetDeadline(time.Now().Add(20 * time.Second))
}

// expect reads len(want) bytes from c and compares them with want.
func expect(c net.Conn, want string) error {
	got := make([]byte, len(want))
	if _, err := io.ReadFull(c, got); err != nil {
		return fmt.Errorf("reading %q: %w", want, err)
	}
	if string(got) != want {
		return fmt.Errorf("read %q, want %q", got, want)
	}
	return nil
}

// expectEOF reads to the end of c's stream and checks nothing came.
func expectEOF(c net.Conn) error {
	rest, err := io.ReadAll(c)
	if err != nil {
		return fmt.Errorf("waiting for the guest's shutdown: %w", err)
	}
	if len(rest) > 0 {
		return fmt.Errorf("read %q after what was expected", rest)
	}
	return nil
}

// peer returns a Case.Peer that connects, sends send, wants want back and
// then the end of the guest's stream, and closes.
func peer(send, want string) func(addr string) error {
	return func(addr string) error {
		c, err := dial(addr)
		if err != nil {
			return err
		}
		defer c.Close()
		if _, err := c.Write([]byte(send)); err != nil {
			return err
		}
		return errors.Join(expect(c, want), expectEOF(c))
	}
}

// nonSocketErrnos returns the steps checking that each sock_* function
// refuses descriptor fd, which is not a socket.
func nonSocketErrnos(fd string) string {
	return fmt.Sprintf(`
sock_accept %[1]s 0 out:4                        => ENOTSOCK
sock_recv %[1]s iovout:4 0 out:4 out:2           => ENOTSOCK
sock_send %[1]s iov:"x" 0 out:4                  => ENOTSOCK
sock_shutdown %[1]s SDFLAGS_RD|SDFLAGS_WR        => ENOTSOCK`, fd)
}

func init() {
	register(
		Case{
			// LESSONS and wasmtime: sock_shutdown on stdout is ENOTSOCK.
			Name: "sock_shutdown/not-a-socket-ENOTSOCK",
			Script: `
sock_shutdown 1 SDFLAGS_WR                      => ENOTSOCK` +
				nonSocketErrnos("0") + nonSocketErrnos("1") + nonSocketErrnos("2") + nonSocketErrnos("3"),
		},
		Case{
			// A file open for reading and writing is not a socket either.
			Name:  "sock_shutdown/file-not-a-socket-ENOTSOCK",
			Needs: writes,
			Tree:  mkTree("f=x"),
			Script: `
path_open 3 0 s:"f" 0 RIGHTS_FILE_BASE 0 0 out:4>fd => ESUCCESS` +
				nonSocketErrnos("$fd"),
		},
		Case{
			Name: "sock_accept/bad-fd-EBADF",
			Script: `
sock_accept 99 0 out:4                          => EBADF
sock_recv 99 iovout:4 0 out:4 out:2             => EBADF
sock_send 99 iov:"x" 0 out:4                    => EBADF
sock_shutdown 99 SDFLAGS_WR                     => EBADF`,
		},
		Case{
			Name:   "sock_accept/accept-recv-send-shutdown",
			Needs:  []Feature{FeatureSockets},
			Listen: true,
			Peer:   peer("ping", "pong"),
			Script: `
fd_fdstat_get 4 out:24                          => ESUCCESS u8@0:FILETYPE_SOCKET_STREAM,u64@8&RIGHTS_SOCK_ACCEPT:RIGHTS_SOCK_ACCEPT
fd_prestat_get 4 out:8                          => EBADF
sock_accept 4 0 out:4>c                         => ESUCCESS u32:5
fd_fdstat_get $c out:24                         => ESUCCESS u8@0:FILETYPE_SOCKET_STREAM,u64@8&RIGHTS_FD_READ|RIGHTS_FD_WRITE:RIGHTS_FD_READ|RIGHTS_FD_WRITE
sock_recv $c iovout:4 RIFLAGS_RECV_WAITALL out:4 out:2 => ESUCCESS str:"ping" u32:4 u16:0
sock_send $c iov:"po","ng" 0 out:4              => ESUCCESS u32:4
sock_shutdown $c SDFLAGS_WR                     => ESUCCESS
sock_recv $c iovout:4 0 out:4 out:2             => ESUCCESS _ u32:0
fd_close $c                                     => ESUCCESS`,
		},
		Case{
			// RECV_PEEK leaves the data to be read again; fd_read and
			// fd_write work on a connection too; a socket has no offset.
			Name:   "sock_recv/peek-and-fd-calls",
			Needs:  []Feature{FeatureSockets},
			Listen: true,
			Peer:   peer("abcdef", "via fd_write"),
			Script: `
sock_accept 4 0 out:4>c                         => ESUCCESS u32:5
poll_oneoff ` + subscriptions(fdSub(1, fdRead, 5), guard) + ` out:64 2 out:4 => ESUCCESS u64@0:1,u16@8:0,u8@10:EVENTTYPE_FD_READ,u64@16>0 u32:1
sock_recv $c iovout:3 RIFLAGS_RECV_PEEK out:4 out:2 => ESUCCESS str:"abc" u32:3
sock_recv $c iovout:2,4 RIFLAGS_RECV_WAITALL out:4 out:2 => ESUCCESS str:"abcdef" u32:6
poll_oneoff ` + subscriptions(fdSub(2, fdWrite, 5), guard) + ` out:64 2 out:4 => ESUCCESS u64@0:2,u16@8:0,u8@10:EVENTTYPE_FD_WRITE u32:1
fd_write $c iov:"via ","fd_write" out:4         => ESUCCESS u32:12
fd_seek $c 0 WHENCE_CUR out:8                   => ESPIPE
fd_pread $c iovout:1 0 out:4                    => ESPIPE
sock_shutdown $c SDFLAGS_RD|SDFLAGS_WR          => ESUCCESS`,
		},
		Case{
			// No connection is pending: accepting on a non-blocking
			// listener is EAGAIN. (sock_accept's flags are those of the
			// new connection, not of the wait.)
			// LESSONS: sockets come after the pre-opened directories, so
			// that wasi-libc's scan for them stops at the first socket.
			Name:   "sock_accept/nonblocking-EAGAIN",
			Needs:  []Feature{FeatureSockets},
			More:   []MoreDir{{GuestPath: "/more"}},
			Listen: true,
			Script: `
fd_prestat_get 4 out:8                          => ESUCCESS u32@4:5
fd_prestat_get 5 out:8                          => EBADF
fd_fdstat_set_flags 5 FDFLAGS_NONBLOCK          => ESUCCESS
fd_fdstat_get 5 out:24                          => ESUCCESS u8@0:FILETYPE_SOCKET_STREAM,u16@2:FDFLAGS_NONBLOCK
sock_accept 5 0 out:4                           => EAGAIN
sock_accept 5 FDFLAGS_NONBLOCK out:4            => EAGAIN`,
		},
		Case{
			// Flags preview1 does not define, and bad pointers, are refused
			// before anything happens.
			Name:   "sock_send/flags-and-pointers",
			Needs:  []Feature{FeatureSockets},
			Listen: true,
			Peer:   peer("", "ok"),
			Script: `
sock_accept 4 0x20 out:4                        => EINVAL
sock_accept 4 0 ` + badPtr + `                   => EFAULT
sock_accept 4 0 out:4>c                         => ESUCCESS u32:5
sock_send $c iov:"x" 1 out:4                    => EINVAL
sock_recv $c iovout:4 4 out:4 out:2             => EINVAL
sock_shutdown $c 0                              => EINVAL
sock_shutdown $c 4                              => EINVAL
sock_send $c iov:"x" 0 ` + badPtr + `            => EFAULT
sock_send $c ` + iovecs(1, 0xFFFFFFF0, 16) + ` 1 0 out:4 => EFAULT
sock_recv $c iovout:4 0 ` + badPtr + ` out:2     => EFAULT
sock_recv $c iovout:4 0 out:4 ` + badPtr + `     => EFAULT
sock_send $c iov:"ok" 0 out:4                   => ESUCCESS u32:2
sock_shutdown $c SDFLAGS_WR                     => ESUCCESS`,
		},
	)
}
