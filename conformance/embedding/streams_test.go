package embedding

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero"

	capstdsync "github.com/capwasi/capwasi/capstd-sync"

	"github.com/capwasi/capwasi/conformance/guests"
	"github.com/capwasi/capwasi/wazeroadapter"
)

// guest is a compiled guest on a runtime of its own, ready to run: the
// compilation (seconds for a Go guest) happens before a test's clock
// starts.
type guest struct {
	rt       wazero.Runtime
	host     *wazeroadapter.Host
	compiled wazero.CompiledModule
}

// compile builds the named guest and compiles it on a new runtime with
// config (a compilation cache added), closed when the test ends.
func compile(t *testing.T, name string, config wazero.RuntimeConfig) *guest {
	t.Helper()
	path, err := guests.Build(name)
	require.NoError(t, err)
	wasm, err := os.ReadFile(path)
	require.NoError(t, err)
	cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(os.TempDir(), "capwasi-test-wazero-cache"))
	require.NoError(t, err)
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, config.WithCompilationCache(cache))
	t.Cleanup(func() { rt.Close(ctx) })
	host, err := wazeroadapter.Instantiate(ctx, rt)
	require.NoError(t, err)
	compiled, err := rt.CompileModule(ctx, wasm)
	require.NoError(t, err)
	return &guest{rt: rt, host: host, compiled: compiled}
}

// run runs the guest with the context b builds.
func (g *guest) run(ctx context.Context, t *testing.T, b *capstdsync.WasiCtxBuilder) (uint32, error) {
	t.Helper()
	wasiCtx, err := b.Build()
	require.NoError(t, err)
	return g.host.Run(ctx, g.compiled, wasiCtx, nil)
}

// syncBuffer is a bytes.Buffer safe for a guest's writes and a test's
// reads at once. It has no Len method, so capstd-sync treats it as a
// writer that may block.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// ticksIn returns N from the guest's report "... ticks N".
func ticksIn(t *testing.T, report string) int {
	t.Helper()
	m := regexp.MustCompile(`ticks (\d+)`).FindStringSubmatch(report)
	require.NotNil(t, m, "no tick count in %q", report)
	n, _ := strconv.Atoi(m[1])
	return n
}

// settle waits up to 2 s for the number of goroutines to fall to base and
// returns it.
func settle(base int) int {
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > base && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	return runtime.NumGoroutine()
}

// TestStdinFromAGoPipeKeepsTheGuestRunning is the ticker of issue 14: main
// reads stdin, an io.Pipe the embedder writes to 3 s later, while a
// goroutine ticks every 100 ms. A host whose stdin is "always ready"
// freezes the guest in fd_read: no tick at all.
func TestStdinFromAGoPipeKeepsTheGuestRunning(t *testing.T) {
	g := compile(t, "ticker", wazero.NewRuntimeConfig())
	base := runtime.NumGoroutine()
	pr, pw := io.Pipe()
	var stdout, stderr syncBuffer
	go func() {
		time.Sleep(3 * time.Second)
		_, _ = pw.Write([]byte("hello"))
		pw.Close()
	}()
	code, err := g.run(context.Background(), t, capstdsync.NewWasiCtxBuilder().Args("ticker", "read").
		Stdin(capstdsync.NewReaderFile(pr)).
		Stdout(capstdsync.NewWriterFile(&stdout)).
		Stderr(capstdsync.NewWriterFile(&stderr)))
	require.NoError(t, err)
	require.Zero(t, code, stderr.String())
	assert.Contains(t, stdout.String(), `read "hello" ticks`)
	ticks := ticksIn(t, stdout.String())
	t.Logf("%d ticks during the 3 s wait on stdin", ticks)
	assert.GreaterOrEqual(t, ticks, 25)
	assert.Contains(t, stderr.String(), fmt.Sprintf("tick %d\n", ticks))
	assert.LessOrEqual(t, settle(base), base, "the streams' goroutines ended")
}

// TestStdoutToAStuckGoPipeKeepsTheGuestRunning: main writes 100,000 bytes
// to stdout, an io.Pipe nobody reads for 3 s, while a goroutine ticks.
func TestStdoutToAStuckGoPipeKeepsTheGuestRunning(t *testing.T) {
	g := compile(t, "ticker", wazero.NewRuntimeConfig())
	base := runtime.NumGoroutine()
	pr, pw := io.Pipe()
	got := make(chan int)
	go func() {
		time.Sleep(3 * time.Second)
		n, _ := io.Copy(io.Discard, pr)
		got <- int(n)
	}()
	var stderr syncBuffer
	code, err := g.run(context.Background(), t, capstdsync.NewWasiCtxBuilder().Args("ticker", "write", "100000").
		Stdout(capstdsync.NewWriterFile(pw)).
		Stderr(capstdsync.NewWriterFile(&stderr)))
	require.NoError(t, err)
	require.Zero(t, code, stderr.String())
	pw.Close()
	assert.Equal(t, 100000, <-got, "every byte reached the pipe")
	assert.Contains(t, stderr.String(), "wrote 100000 ticks")
	ticks := ticksIn(t, stderr.String())
	t.Logf("%d ticks during the 3 s wait on stdout", ticks)
	assert.GreaterOrEqual(t, ticks, 25)
	assert.LessOrEqual(t, settle(base), base, "the streams' goroutines ended")
}

// TestCancelEndsAStreamWait: a guest waiting on a Go pipe that never
// delivers, for reading or for writing, ends when the context of its run
// is cancelled, with wazero's close-on-context-done and without it (the
// guest then sees ECANCELED from poll_oneoff, which the Go runtime does not
// survive).
func TestCancelEndsAStreamWait(t *testing.T) {
	for _, stoppable := range []bool{true, false} {
		for _, mode := range []string{"read", "write"} {
			t.Run(fmt.Sprintf("%s/stoppable=%v", mode, stoppable), func(t *testing.T) {
				g := compile(t, "ticker", wazero.NewRuntimeConfig().WithCloseOnContextDone(stoppable))
				base := runtime.NumGoroutine()
				pr, pw := io.Pipe()
				b := capstdsync.NewWasiCtxBuilder().Args("ticker", mode, "100000").Stderr(capstdsync.NewWriterFile(io.Discard))
				if mode == "read" {
					b.Stdin(capstdsync.NewReaderFile(pr))
				} else {
					b.Stdout(capstdsync.NewWriterFile(pw))
				}
				ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
				defer cancel()
				start := time.Now()
				code, err := g.run(ctx, t, b)
				took := time.Since(start)
				t.Logf("ended %v after the cancellation: code %d, %v", took-500*time.Millisecond, code, err)
				assert.Less(t, took, 2*time.Second)
				assert.True(t, err != nil || code != 0, "the guest did not finish its work")
				// The pump's read or write of the pipe ends when the
				// embedder closes it; then nothing is left.
				pr.Close()
				pw.Close()
				assert.LessOrEqual(t, settle(base), base, "the streams' goroutines ended")
			})
		}
	}
}
