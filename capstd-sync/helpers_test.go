package capstdsync

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/require"
)

var bg = context.Background()

// openTree makes a temporary directory, lets fill populate it through its
// host path, and returns it opened as a WasiDir with perms, and its host path.
func openTree(t *testing.T, perms Perms, fill func(root string)) (*dirFile, string) {
	t.Helper()
	root := t.TempDir()
	if fill != nil {
		fill(root)
	}
	d, err := OpenAmbientDir(root)
	require.NoError(t, err)
	wd, err := NewWasiDir(d, perms)
	require.NoError(t, err)
	t.Cleanup(func() { _ = wd.Close() })
	return wd.(*dirFile), root
}

// writeFile writes a host file beneath root.
func writeFile(t *testing.T, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
}

// errnoIs asserts that err maps to want.
func errnoIs(t *testing.T, want common.Errno, err error, msgAndArgs ...any) {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	require.Equal(t, want, common.ErrnoOf(err), msgAndArgs...)
}

// openFds counts the process's open descriptors (Linux: /proc/self/fd), or
// -1 where that cannot be known.
func openFds(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents) - 1 // the directory ReadDir itself had open
}

// settle waits until the number of goroutines falls back to at most n, and
// returns the final count.
func settle(n int) int {
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > n && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	return runtime.NumGoroutine()
}

// assertCancelsWithin100ms runs call with a context cancelled 20 ms in and
// asserts that it fails with ECANCELED within 100 ms of the cancellation. It
// tries up to three times, so that one scheduling hiccup of a loaded machine
// does not fail the test; the fastest attempt must meet the bound.
func assertCancelsWithin100ms(t *testing.T, call func(ctx context.Context) error) {
	t.Helper()
	best := time.Duration(math.MaxInt64)
	for range 3 {
		ctx, cancel := context.WithCancel(bg)
		var cancelled atomic.Int64
		tm := time.AfterFunc(20*time.Millisecond, func() {
			cancelled.Store(time.Now().UnixNano())
			cancel()
		})
		err := call(ctx)
		returned := time.Now().UnixNano()
		tm.Stop()
		cancel()
		errnoIs(t, common.ECANCELED, err)
		if c := cancelled.Load(); c != 0 {
			best = min(best, time.Duration(returned-c))
		}
		if best < 100*time.Millisecond {
			return
		}
	}
	t.Errorf("returned %v after the cancellation, want < 100ms", best)
}

// fillThenCancelWrite fills f (a pipe, a FIFO, a socket) with chunks in
// non-blocking mode until a write is EAGAIN, then asserts that a blocking
// write waits until cancelled (within 100 ms), and returns how many bytes
// went in. f is left in blocking mode.
func fillThenCancelWrite(t *testing.T, f common.WasiFile, chunk []byte) int {
	t.Helper()
	require.NoError(t, f.SetFdflags(bg, common.FdflagsNonblock))
	filled := 0
	for {
		n, err := f.Write(bg, [][]byte{chunk})
		if err != nil {
			errnoIs(t, common.EAGAIN, err, "non-blocking write to a full %v", f.Filetype())
			break
		}
		filled += n
	}
	require.NoError(t, f.SetFdflags(bg, 0))
	assertCancelsWithin100ms(t, func(ctx context.Context) error {
		_, err := f.Write(ctx, [][]byte{chunk})
		return err
	})
	return filled
}

// cancelAfter returns a context cancelled after d.
func cancelAfter(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithCancel(bg)
	tm := time.AfterFunc(d, cancel)
	t.Cleanup(func() { tm.Stop(); cancel() })
	return ctx
}

// names returns the names of es.
func names(es []common.DirEntry) []string {
	s := []string{}
	for _, e := range es {
		s = append(s, e.Name)
	}
	return s
}

// readdirBatches lists dir to its end in batches of len(entries), as a
// guest reading on does.
func readdirBatches(dir common.WasiDir, entries []common.DirEntry) {
	cookie := common.DircookieStart
	for {
		n, err := dir.Readdir(bg, cookie, entries)
		if err != nil || n == 0 {
			return
		}
		cookie = entries[n-1].Next
	}
}
