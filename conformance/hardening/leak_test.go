//go:build linux

package hardening

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/sys"

	capstdsync "github.com/capwasi/capwasi/capstd-sync"
	"github.com/capwasi/capwasi/common"
)

// Addresses in the memory of the cycle guest.
const (
	addrF      = 16   // "f"
	addrDot    = 24   // "."
	addrIov    = 64   // one iovec over addrBuf
	addrBuf    = 128  // 16 bytes
	addrFd     = 256  // the file path_open opened
	addrDirFd  = 260  // the directory path_open opened
	addrConn   = 264  // the connection sock_accept accepted
	addrN      = 268  // counts
	addrSub    = 512  // one subscription: fd_read on fd 0
	addrEvent  = 576  // one event
	addrDirBuf = 1024 // 512 bytes of dirents
)

// The cycle guest's variants: each opens a file (and writes to it), a
// directory (and lists it, which makes capstd-sync open a second
// descriptor for the listing) and a connection (sock_accept), then:
const (
	variantClean = "clean" // closes all three and returns
	variantLeave = "leave" // returns, leaving them to the instance's release
	variantTrap  = "trap"  // traps (unreachable)
	variantExit  = "exit"  // calls proc_exit(7)
	variantPoll  = "poll"  // writes to stdout, then blocks in poll_oneoff on the stdin pipe, until cancelled (ECANCELED, or it traps)
	variantRead  = "read"  // writes to stdout, then blocks in fd_read on the stdin pipe, likewise
)

// cycleGuest returns the cycle guest: a hand-made module whose exported
// functions, one per variant, are run as start functions. Every call
// traps on an unexpected errno, so that a failing open (EMFILE from a
// leak, say) fails the cycle.
func cycleGuest() []byte {
	m := newWasmModule(1, "path_open", "fd_write", "fd_readdir", "sock_accept", "fd_close", "proc_exit", "poll_oneoff", "fd_read")
	m.put(addrF, []byte("f"))
	m.put(addrDot, []byte("."))
	m.putU32(addrIov, addrBuf)
	m.putU32(addrIov+4, 16)
	m.put(addrBuf, []byte("sixteen bytes..."))
	m.put(addrSub+8, []byte{byte(common.EventtypeFdRead)}) // fd 0, userdata 0

	opens := [][]byte{
		// path_open(3, 0, "f", CREAT|TRUNC, all rights, 0, 0, &fd)
		i32c(3), i32c(0), i32c(addrF), i32c(1), i32c(int32(common.OflagsCreat | common.OflagsTrunc)), i64c(-1), i64c(0), i32c(0), i32c(addrFd),
		call(m.imp("path_open")), trapUnlessZero(),
		loadAt(addrFd), i32c(addrIov), i32c(1), i32c(addrN), call(m.imp("fd_write")), trapUnlessZero(),
		// path_open(3, 0, ".", DIRECTORY, FD_READDIR, 0, 0, &dirfd)
		i32c(3), i32c(0), i32c(addrDot), i32c(1), i32c(int32(common.OflagsDirectory)), i64c(int64(common.RightsFdReaddir)), i64c(0), i32c(0), i32c(addrDirFd),
		call(m.imp("path_open")), trapUnlessZero(),
		loadAt(addrDirFd), i32c(addrDirBuf), i32c(512), i64c(0), i32c(addrN), call(m.imp("fd_readdir")), trapUnlessZero(),
		// sock_accept(4, 0, &conn): the host connected a client first
		i32c(4), i32c(0), i32c(addrConn), call(m.imp("sock_accept")), trapUnlessZero(),
	}
	closes := [][]byte{
		loadAt(addrFd), call(m.imp("fd_close")), trapUnlessZero(),
		loadAt(addrDirFd), call(m.imp("fd_close")), trapUnlessZero(),
		loadAt(addrConn), call(m.imp("fd_close")), trapUnlessZero(),
	}
	signal := [][]byte{i32c(1), i32c(addrIov), i32c(1), i32c(addrN), call(m.imp("fd_write")), trapUnlessZero()}
	seq := func(parts ...[][]byte) [][]byte {
		var all [][]byte
		for _, p := range parts {
			all = append(all, p...)
		}
		return all
	}
	m.function(variantClean, nil, 0, seq(opens, closes)...)
	m.function(variantLeave, nil, 0, opens...)
	m.function(variantTrap, nil, 0, seq(opens, [][]byte{unreachable()})...)
	m.function(variantExit, nil, 0, seq(opens, [][]byte{i32c(7), call(m.imp("proc_exit"))})...)
	m.function(variantPoll, nil, 0, seq(opens, signal, [][]byte{
		i32c(addrSub), i32c(addrEvent), i32c(1), i32c(addrN), call(m.imp("poll_oneoff")), trapUnlessEq(int32(common.ECANCELED)),
	})...)
	m.function(variantRead, nil, 0, seq(opens, signal, [][]byte{
		i32c(0), i32c(addrIov), i32c(1), i32c(addrN), call(m.imp("fd_read")), trapUnlessEq(int32(common.ECANCELED)),
	})...)
	return m.bytes()
}

// signalWriter closes its channel at the first write.
type signalWriter struct {
	once sync.Once
	c    chan struct{}
}

func (w *signalWriter) Write(b []byte) (int, error) {
	w.once.Do(func() { close(w.c) })
	return len(b), nil
}

// cycle runs one instantiate → open → close cycle of variant in root, and
// checks how it ended. It returns what went wrong, rather than failing the
// test, because the leak test runs it on goroutines of its own.
func cycle(e *env, compiled wazero.CompiledModule, root, variant string) error {
	dir, err := capstdsync.OpenAmbientDir(root)
	if err != nil {
		return err
	}
	l, err := net.Listen("unix", "@"+uniqueName("cycle"))
	if err != nil {
		dir.Close()
		return err
	}
	client, err := net.Dial("unix", l.Addr().String())
	if err != nil {
		dir.Close()
		l.Close()
		return err
	}
	defer client.Close()

	b := capstdsync.NewWasiCtxBuilder().PreopenDir(dir, "/", capstdsync.ReadWrite).PreopenSocket(l)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	blocking := variant == variantPoll || variant == variantRead
	if blocking {
		r, w, err := os.Pipe()
		if err != nil {
			dir.Close()
			l.Close()
			return err
		}
		defer r.Close()
		defer w.Close()
		signal := &signalWriter{c: make(chan struct{})}
		b.Stdin(capstdsync.NewReaderFile(r)).Stdout(capstdsync.NewWriterFile(signal))
		go func() {
			select {
			case <-signal.c: // the guest is about to block
				time.Sleep(time.Millisecond)
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	wasiCtx, err := b.Build()
	if err != nil {
		dir.Close()
		l.Close()
		return err
	}
	code, err := e.host.Run(ctx, compiled, wasiCtx, wazero.NewModuleConfig().WithStartFunctions(variant))
	var exit *sys.ExitError
	switch variant {
	case variantClean, variantLeave:
		if err != nil || code != 0 {
			return fmt.Errorf("%s: exit code %d, error %v; want 0, none", variant, code, err)
		}
	case variantTrap:
		if err == nil || !strings.Contains(err.Error(), "unreachable") {
			return fmt.Errorf("%s: error %v, want the trap", variant, err)
		}
	case variantExit:
		if err != nil || code != 7 {
			return fmt.Errorf("%s: exit code %d, error %v; want 7, none", variant, code, err)
		}
	default:
		// The blocked call returned ECANCELED; whether wazero then ends
		// the run with the context's exit error or lets the guest return
		// first depends on timing. A trap means another errno.
		switch {
		case err != nil && !(errors.As(err, &exit) && exit.ExitCode() == sys.ExitCodeContextCanceled):
			return fmt.Errorf("%s: error %v, want the context's exit error or none", variant, err)
		case err == nil && code != 0:
			return fmt.Errorf("%s: exit code %d", variant, code)
		case ctx.Err() == nil:
			return fmt.Errorf("%s: the run ended before its context was cancelled", variant)
		}
	}
	return nil
}

// TestLeaks runs 10,000 instantiate → open a file, a directory and a
// connection → close cycles of a hand-made guest on one Host, a quarter
// each closing its descriptors, leaving them open, trapping and calling
// proc_exit with them open; then 500 more whose context is cancelled while
// the guest blocks in poll_oneoff or fd_read on a pipe. The process's open
// descriptors and goroutines must come back to where they were.
func TestLeaks(t *testing.T) {
	e := sharedEnv(t)
	compiled := e.module(t, cycleGuest())
	root := tempDir(t)
	cycles, blocking := 10000, 250
	if testing.Short() {
		cycles, blocking = 1000, 25
	}
	fdsBefore, goroutinesBefore := openFds(t), runtime.NumGoroutine()
	start := time.Now()

	var done atomic.Int64
	var wg sync.WaitGroup
	workers := 2
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			variants := []string{variantClean, variantLeave, variantTrap, variantExit}
			for i := w; i < cycles; i += workers {
				if t.Failed() {
					return
				}
				if err := cycle(e, compiled, root, variants[i%len(variants)]); err != nil {
					t.Errorf("cycle %d: %v", i, err)
					return
				}
				if done.Add(1)%2000 == 0 {
					// Half-way checks catch a leak before it exhausts the
					// process's descriptors and fails everything else.
					assert.LessOrEqual(t, len(openFds(t)), len(fdsBefore)+4*workers+16, "descriptors growing after %d cycles", done.Load())
				}
			}
		}()
	}
	wg.Wait()
	quick := time.Since(start)
	requireFdsBack(t, fdsBefore, fmt.Sprintf("after %d cycles", cycles))
	goroutinesBack(t, goroutinesBefore, fmt.Sprintf("after %d cycles", cycles))

	start = time.Now()
	for i := range 2 * blocking {
		require.NoError(t, cycle(e, compiled, root, []string{variantPoll, variantRead}[i%2]), "cancelled cycle %d", i)
	}
	requireFdsBack(t, fdsBefore, fmt.Sprintf("after %d cancelled cycles", 2*blocking))
	goroutinesBack(t, goroutinesBefore, fmt.Sprintf("after %d cancelled cycles", 2*blocking))
	t.Logf("%d cycles in %v (%v each), %d cancelled ones in %v; %d descriptors and %d goroutines before and after",
		cycles, quick.Round(time.Millisecond), (quick / time.Duration(cycles)).Round(time.Microsecond),
		2*blocking, time.Since(start).Round(time.Millisecond), len(fdsBefore), goroutinesBefore)

	// What the guests wrote is all in root, one file: nothing leaked into
	// the tree either.
	names, err := os.ReadDir(root)
	require.NoError(t, err)
	require.Len(t, names, 1)
	assert.Equal(t, "f", names[0].Name())
}

// TestLeakDetectorFails makes sure the leak check can fail: a descriptor
// opened and not closed is reported with what it is.
func TestLeakDetectorFails(t *testing.T) {
	before := openFds(t)
	f, err := os.Open(filepath.Join(tempDir(t)))
	require.NoError(t, err)
	defer f.Close()
	extra := fdsBack(t, before, 1)
	require.Len(t, extra, 1)
	assert.True(t, strings.Contains(extra[0], "-> "+filepath.Dir(f.Name())) || strings.Contains(extra[0], f.Name()), extra[0])
}
