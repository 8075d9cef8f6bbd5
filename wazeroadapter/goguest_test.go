package wazeroadapter

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero"

	"github.com/capwasi/capwasi/common"
)

// End-to-end tests with a real Go guest (testdata/guest), compiled for
// GOOS=wasip1 at test time and cached by a hash of its source and the Go
// version, so that only the first run pays for the build.

var (
	goGuestOnce sync.Once
	goGuestWasm []byte
	goGuestErr  error
)

// goGuest returns the Go guest's binary, building it if needed.
func goGuest(t *testing.T) []byte {
	t.Helper()
	goGuestOnce.Do(func() { goGuestWasm, goGuestErr = buildGoGuest() })
	if goGuestErr != nil {
		t.Fatalf("building the Go guest: %v", goGuestErr)
	}
	return goGuestWasm
}

func buildGoGuest() ([]byte, error) {
	src, err := os.ReadFile(filepath.Join("testdata", "guest", "main.go"))
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(append(src, runtime.Version()...))
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	dir = filepath.Join(dir, "capwasi", "wazeroadapter")
	out := filepath.Join(dir, "guest-"+hex.EncodeToString(sum[:8])+".wasm")
	if b, err := os.ReadFile(out); err == nil {
		return b, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	tmp := out + ".tmp" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "")
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(goCmd, "build", "-o", tmp, "./testdata/guest")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOTOOLCHAIN=local", "GOFLAGS=-buildvcs=false")
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, &buildError{err, string(b)}
	}
	if err := os.Rename(tmp, out); err != nil {
		return nil, err
	}
	return os.ReadFile(out)
}

type buildError struct {
	err    error
	output string
}

func (e *buildError) Error() string { return e.err.Error() + ": " + e.output }

// realClocks reads the host's clocks.
type realClocks struct{ start time.Time }

func (realClocks) Resolution(common.Clockid) (common.Timestamp, error) { return 1, nil }

func (c realClocks) Now(id common.Clockid) (common.Timestamp, error) {
	if id == common.ClockidRealtime {
		return common.Timestamp(time.Now().UnixNano()), nil
	}
	return common.Timestamp(time.Since(c.start)) + 1, nil
}

// sleepSched reports fd subscriptions ready at once and otherwise sleeps
// until the earliest clock subscription is due.
type sleepSched struct{ clocks realClocks }

func (s sleepSched) Poll(ctx context.Context, subs []common.Subscription, events []common.Event) (int, error) {
	n := 0
	for _, sub := range subs {
		if sub.Type != common.EventtypeClock {
			events[n] = common.Event{Userdata: sub.Userdata, Type: sub.Type, Error: sub.Err, Nbytes: 1}
			n++
		}
	}
	if n > 0 {
		return n, nil
	}
	var wait time.Duration = -1
	for _, sub := range subs {
		d := time.Duration(sub.Clock.Timeout)
		if sub.Clock.Flags&common.SubclockflagsSubscriptionClockAbstime != 0 {
			now, _ := s.clocks.Now(sub.Clock.ID)
			d = time.Duration(sub.Clock.Timeout) - time.Duration(now)
		}
		if wait < 0 || d < wait {
			wait = d
		}
	}
	select {
	case <-time.After(wait):
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	for _, sub := range subs {
		events[n] = common.Event{Userdata: sub.Userdata, Type: sub.Type}
		n++
	}
	return n, nil
}

func (sleepSched) Yield(context.Context) error { return nil }

// goCtx is a WasiCtx for the Go guest: real clocks, a sleeping scheduler,
// crypto-free random bytes, and the fake file system.
type goCtx struct {
	*fakeCtx
	clocks realClocks
}

func (c *goCtx) Clocks() common.Clocks { return c.clocks }
func (c *goCtx) Sched() common.Sched   { return sleepSched{c.clocks} }

func newGoCtx(args ...string) (*goCtx, *bytes.Buffer, *memDir) {
	f, out, root := newFakeCtx()
	f.args = append([]string{"guest"}, args...)
	f.env = []string{"PWD=/", "HOME=/home"}
	return &goCtx{fakeCtx: f, clocks: realClocks{start: time.Now()}}, out, root
}

// goRuntimeConfig compiles through a cache on disk beside the guest, so
// that only the first run compiles the guest's 2 MB.
func goRuntimeConfig() wazero.RuntimeConfig {
	cfg := wazero.NewRuntimeConfig()
	dir, err := os.UserCacheDir()
	if err != nil {
		return cfg
	}
	cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(dir, "capwasi", "wazeroadapter", "wazero"))
	if err != nil {
		return cfg
	}
	return cfg.WithCompilationCache(cache)
}

var (
	goRuntimeOnce sync.Once
	goRuntime     wazero.Runtime
	goHost        *Host
	goCompiled    wazero.CompiledModule
	goSetupErr    error
)

// runGo runs the Go guest with c on a shared runtime and Host.
func runGo(t *testing.T, c common.WasiCtx) uint32 {
	t.Helper()
	wasm := goGuest(t)
	goRuntimeOnce.Do(func() {
		ctx := context.Background()
		goRuntime = wazero.NewRuntimeWithConfig(ctx, goRuntimeConfig())
		if goHost, goSetupErr = Instantiate(ctx, goRuntime); goSetupErr != nil {
			return
		}
		goCompiled, goSetupErr = goRuntime.CompileModule(ctx, wasm)
	})
	require.NoError(t, goSetupErr)
	code, err := goHost.Run(context.Background(), goCompiled, c, nil)
	require.NoError(t, err)
	return code
}

func TestGoGuest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go guest")
	}
	t.Run("hello", func(t *testing.T) {
		c, out, _ := newGoCtx()
		assert.Equal(t, uint32(0), runGo(t, c))
		assert.Equal(t, "hello, world\n", out.String())
		assert.Equal(t, 1, c.closeCalls())
	})
	t.Run("args and environment", func(t *testing.T) {
		c, out, _ := newGoCtx("args", "x y", "ü")
		assert.Equal(t, uint32(0), runGo(t, c))
		assert.Equal(t, "guest args x y ü\nHOME=/home PWD=/\n", out.String())
	})
	t.Run("exit codes", func(t *testing.T) {
		for _, code := range []string{"0", "1", "3", "125", "255"} {
			c, out, _ := newGoCtx("exit", code)
			got := runGo(t, c)
			assert.Equal(t, code, itoa(uint64(got)))
			assert.Equal(t, "exiting with "+code+"\n", out.String())
			assert.Equal(t, 1, c.closeCalls())
		}
	})
	t.Run("read a file", func(t *testing.T) {
		c, out, _ := newGoCtx("cat", "/a.txt")
		assert.Equal(t, uint32(0), runGo(t, c))
		assert.Equal(t, "hello", out.String())
		c, out, _ = newGoCtx("cat", "/missing")
		assert.Equal(t, uint32(1), runGo(t, c))
		assert.Contains(t, strings.ToLower(out.String()), "no such file or directory")
	})
	t.Run("read-only tree", func(t *testing.T) {
		c, out, _ := newGoCtx("cat", "/a.txt")
		ro := newMemDir(true)
		ro.add("a.txt", common.FiletypeRegularFile, "read only")
		c.preopens = []common.Preopen{{GuestPath: "/", Dir: ro}}
		assert.Equal(t, uint32(0), runGo(t, c), out.String())
		assert.Equal(t, "read only", out.String())
	})
	t.Run("stdin", func(t *testing.T) {
		c, out, _ := newGoCtx("stdin")
		c.stdin = &streamFile{r: strings.NewReader(strings.Repeat("line\n", 1000))}
		assert.Equal(t, uint32(0), runGo(t, c))
		assert.Equal(t, strings.Repeat("line\n", 1000), out.String())
	})
	t.Run("files and directories", func(t *testing.T) {
		c, out, root := newGoCtx("files")
		assert.Equal(t, uint32(0), runGo(t, c), out.String())
		assert.Equal(t, "written by the guest\n21 true\na.txt false\ndir true\nsub true\ntrue\n", out.String())
		assert.NotContains(t, root.n.children, "dir")
	})
	t.Run("sleep", func(t *testing.T) {
		c, out, _ := newGoCtx("sleep")
		assert.Equal(t, uint32(0), runGo(t, c))
		assert.Equal(t, "true\n", out.String())
	})
	t.Run("timeout", func(t *testing.T) {
		ctx := context.Background()
		r := wazero.NewRuntimeWithConfig(ctx, goRuntimeConfig().WithCloseOnContextDone(true))
		defer r.Close(ctx)
		c, _, root := newGoCtx("sleep", "10s")
		// Compile first: only the run is timed (compiling a Go guest
		// takes seconds on a cold, loaded machine, and ignores ctx).
		h, err := Instantiate(ctx, r)
		require.NoError(t, err)
		compiled, err := r.CompileModule(ctx, goGuest(t))
		require.NoError(t, err)
		tctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err = h.Run(tctx, compiled, c, nil)
		assert.Error(t, err)
		assert.Less(t, time.Since(start), 5*time.Second)
		assert.Equal(t, 1, c.closeCalls(), "released after a timeout")
		assert.Equal(t, 1, root.closes())
	})
	t.Run("random", func(t *testing.T) {
		c, out, _ := newGoCtx("random")
		assert.Equal(t, uint32(0), runGo(t, c))
		assert.Equal(t, "16\n", out.String())
	})
	t.Run("trace", func(t *testing.T) {
		var log bytes.Buffer
		ctx := context.Background()
		r := wazero.NewRuntimeWithConfig(ctx, goRuntimeConfig())
		defer r.Close(ctx)
		c, out, _ := newGoCtx("cat", "/a.txt")
		code, err := Run(ctx, r, goGuest(t), c, WithTrace(&log))
		require.NoError(t, err)
		assert.Equal(t, uint32(0), code)
		assert.Equal(t, "hello", out.String())
		assert.Contains(t, log.String(), `path="a.txt"`)
		assert.Contains(t, log.String(), "proc_exit(rval=0)")
		_, _ = io.Copy(io.Discard, &log)
	})
}
