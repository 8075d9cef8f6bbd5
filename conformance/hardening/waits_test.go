//go:build linux

package hardening

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	capstdsync "github.com/capwasi/capwasi/capstd-sync"
)

// waitCase is a guest stuck in one call that waits on something the host
// controls. The guest is wasicall: it runs script (one preview1 call a
// line, the last the one that waits) and prints one line per call as it
// returns. The tree is pre-opened read-write as descriptor 3; extra
// directories follow, then the script's own directory, then listeners.
type waitCase struct {
	name   string
	setup  func(t *testing.T, root string) map[string]string // plants what the guest waits on; returns words to replace in script
	extra  []string                                          // more pre-opened host directories: 4, 5, ...
	listen bool                                              // pre-open a listener after the directories
	stdin  bool                                              // stdin is a pipe nobody writes
	script string
	// dial, if set, connects to the listener once the guest runs.
	dial func(t *testing.T, addr string) net.Conn
}

// fifo plants a FIFO named fifo beneath root.
func fifo(t *testing.T, root string) map[string]string {
	require.NoError(t, unix.Mkfifo(filepath.Join(root, "fifo"), 0o644))
	return nil
}

// hostFifo plants a FIFO and opens it for reading and writing, as a host
// process that neither writes nor reads; with fill, it fills the pipe.
func hostFifo(fill bool) func(t *testing.T, root string) map[string]string {
	return func(t *testing.T, root string) map[string]string {
		fifo(t, root)
		fd, err := unix.Open(filepath.Join(root, "fifo"), unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		require.NoError(t, err)
		t.Cleanup(func() { unix.Close(fd) })
		for fill {
			if _, err := unix.Write(fd, make([]byte, 65536)); err != nil {
				break
			}
		}
		return nil
	}
}

// Every call that waits on the host ends when the instance's context is
// cancelled: wazeroadapter's Run returns within a fraction of a second,
// and every host descriptor the instance held is released. path_open of a
// FIFO never waits for its peer: the scripts' opens return before the
// call that waits.
func TestEveryWaitEndsWithTheInstance(t *testing.T) {
	e := sharedEnv(t)
	const rd, wr = "2", "64" // RIGHTS_FD_READ, RIGHTS_FD_WRITE
	cases := []waitCase{{
		name:  "fifo read, no writer ever",
		setup: fifo,
		script: `path_open 3 0 s:"fifo" 0 ` + rd + ` 0 0 out:4>f
fd_read $f iovout:16 out:4`,
	}, {
		name:  "fifo read, writer quiet",
		setup: hostFifo(false),
		script: `path_open 3 0 s:"fifo" 0 ` + rd + ` 0 0 out:4>f
fd_read $f iovout:16 out:4`,
	}, {
		name:  "fifo write, pipe full",
		setup: hostFifo(true),
		script: `path_open 3 0 s:"fifo" 0 ` + wr + ` 0 0 out:4>f
fd_write $f iov:"x" out:4`,
	}, {
		name: "terminal read",
		setup: func(t *testing.T, root string) map[string]string {
			return map[string]string{"$PTS": filepath.Base(openPty(t))}
		},
		extra: []string{"/dev/pts"},
		script: `fd_prestat_get 4 out:8
path_open 4 0 s:"$PTS" 0 ` + rd + ` 0 0 out:4>f
fd_read $f iovout:16 out:4`,
	}, {
		name: "open of a leased file",
		setup: func(t *testing.T, root string) map[string]string {
			path := filepath.Join(root, "leased")
			require.NoError(t, os.WriteFile(path, []byte("x"), 0o644))
			fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
			require.NoError(t, err)
			t.Cleanup(func() { unix.Close(fd) })
			if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETLEASE, unix.F_RDLCK); err != nil {
				t.Skipf("no leases: %v", err)
			}
			return nil
		},
		script: `fd_prestat_get 3 out:8
path_open 3 0 s:"leased" 0 ` + wr + ` 0 0 out:4>f`,
	}, {
		name:  "stdin read",
		stdin: true,
		// Go's runtime made standard input non-blocking: blocking again.
		script: `fd_fdstat_set_flags 0 0
fd_read 0 iovout:16 out:4`,
	}, {
		name:   "sock_accept",
		listen: true,
		script: `fd_prestat_get 3 out:8
sock_accept $L 0 out:4`,
	}, {
		name:   "sock_recv",
		listen: true,
		dial:   dialAndHold,
		script: `sock_accept $L 0 out:4>c
sock_recv $c iovout:16 0 out:4 out:2`,
	}, {
		name:   "fd_read of a socket",
		listen: true,
		dial:   dialAndHold,
		script: `sock_accept $L 0 out:4>c
fd_read $c iovout:16 out:4`,
	}, {
		name:   "sock_send, peer not reading",
		listen: true,
		dial:   dialAndHold,
		script: `sock_accept $L 0 out:4>c
sock_send $c iovout:4000000 0 out:4
sock_send $c iovout:4000000 0 out:4`,
	}, {
		name:  "poll_oneoff on a fifo",
		setup: fifo,
		// One subscription of 48 bytes: userdata 7, FD_READ (1) on
		// descriptor 6 (after the pre-opens 3 and 4 and the script, 5).
		script: `path_open 3 0 s:"fifo" 0 ` + rd + ` 0 0 out:4>f
poll_oneoff hex:` + "07000000000000000100000000000000" + "06000000" + strings.Repeat("00", 28) + ` out:32 1 out:4`,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			runWaitCase(t, e, c)
		})
	}
}

// dialAndHold connects to addr with a small receive buffer, and never
// reads.
func dialAndHold(t *testing.T, addr string) net.Conn {
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	_ = c.(*net.TCPConn).SetReadBuffer(4096)
	return c
}

// openPty opens a pseudo-terminal and returns the path of its terminal
// side; nobody writes to it.
func openPty(t *testing.T) string {
	fd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	require.NoError(t, unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0))
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	require.NoError(t, err)
	term := "/dev/pts/" + strconv.Itoa(int(n))
	if _, err := os.Stat(term); err != nil {
		t.Skipf("no devpts: %v", err)
	}
	return term
}

func runWaitCase(t *testing.T, e *env, c waitCase) {
	root := tempDir(t)
	script := c.script
	if c.setup != nil {
		for from, to := range c.setup(t, root) {
			script = strings.ReplaceAll(script, from, to)
		}
	}
	listener := 4 + len(c.extra) + 1 // after the tree, the extras and the script's directory
	script = strings.ReplaceAll(script, "$L", strconv.Itoa(listener))
	scriptDir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(scriptDir, "script"), []byte(script+"\n"), 0o644))
	calls := strings.Count(script, "\n") + 1

	out := &syncBuffer{signal: make(chan struct{})}
	b := capstdsync.NewWasiCtxBuilder().Args("wasicall", "-f", "/script/script").Stdout(capstdsync.NewWriterFile(out))
	if c.stdin {
		r, w, err := os.Pipe()
		require.NoError(t, err)
		t.Cleanup(func() { r.Close(); w.Close() })
		b.Stdin(capstdsync.NewReaderFile(r))
	}
	before := openFds(t) // the descriptors of the test; the rest are the instance's
	for i, host := range append([]string{root}, c.extra...) {
		d, err := capstdsync.OpenAmbientDir(host)
		require.NoError(t, err)
		b.PreopenDir(d, "/d"+strconv.Itoa(i), capstdsync.ReadWrite)
	}
	sd, err := capstdsync.OpenAmbientDir(scriptDir)
	require.NoError(t, err)
	b.PreopenDir(sd, "/script", capstdsync.ReadOnly)
	var addr string
	if c.listen {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr = l.Addr().String()
		b.PreopenSocket(l)
	}
	wasiCtx, err := b.Build()
	require.NoError(t, err)
	compiled := e.guest(t, "wasicall")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := e.host.Run(ctx, compiled, wasiCtx, nil)
		done <- err
	}()
	var conn net.Conn
	if c.dial != nil {
		conn = c.dial(t, addr)
		defer conn.Close()
	}
	// Wait until every call before the last has returned.
	deadline := time.Now().Add(30 * time.Second)
	for bytes.Count(out.Bytes(), []byte("\n")) < calls-1 {
		select {
		case err := <-done:
			t.Fatalf("the guest ended before waiting (%v):\n%s", err, out.Bytes())
		default:
		}
		require.True(t, time.Now().Before(deadline), "the guest is stuck before its last call:\n%s", out.Bytes())
		time.Sleep(5 * time.Millisecond)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out.Bytes())), "\n") {
		f := strings.Fields(line)
		require.True(t, len(f) >= 2 && f[1] == "0", "every call before the last succeeds: %q", line)
	}
	time.Sleep(100 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("the last call did not wait (%v):\n%s", err, out.Bytes())
	default:
	}

	cancel()
	cancelled := time.Now()
	select {
	case err := <-done:
		took := time.Since(cancelled)
		t.Logf("ended %v after the cancellation (%v)", took.Round(time.Millisecond), err)
		assert.Less(t, took, 500*time.Millisecond)
	case <-time.After(10 * time.Second):
		t.Fatalf("still waiting 10 s after the cancellation:\n%s", out.Bytes())
	}
	if conn != nil {
		conn.Close()
	}
	requireFdsBack(t, before, c.name)
}
