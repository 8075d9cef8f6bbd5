package engine

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	capstdsync "github.com/capwasi/capwasi/capstd-sync"
	"github.com/capwasi/capwasi/conformance/guests"
	"github.com/capwasi/capwasi/conformance/internal/wasmbin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero/sys"
)

// testCache is the compilation cache the tests share (compiling a Go guest
// under the race detector takes tens of seconds).
var testCache = filepath.Join(os.TempDir(), "capwasi-test-wazero-cache")

func TestNewRejectsUnknownEngines(t *testing.T) {
	_, err := New("wasmtime", Options{})
	assert.ErrorContains(t, err, `unknown engine "wasmtime"`)
	assert.Equal(t, []string{"capwasi", "wazero"}, Names())
	_, err = New("capwasi", Options{CacheDir: "/dev/null/x"})
	assert.ErrorContains(t, err, "compilation cache")
}

func TestEnginesRunTheSameInvocationAlike(t *testing.T) {
	p, err := guests.Build("suiteprobe")
	require.NoError(t, err)
	wasm, err := os.ReadFile(p)
	require.NoError(t, err)
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			rw, ro := t.TempDir(), t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(ro, "r.txt"), []byte("read-only"), 0o644))
			var trace bytes.Buffer
			eng, err := New(name, Options{CacheDir: testCache, Trace: &trace, Stoppable: true})
			require.NoError(t, err)
			assert.Equal(t, name, eng.Name())
			var stdout, stderr bytes.Buffer
			inv := &Invocation{
				Wasm:  wasm,
				Args:  []string{"probe", "env:A", "environ", "line", "put:w.txt=written", "cat:w.txt", "err:to stderr", "exit:3"},
				Env:   []string{"A=1", "B=x=y"},
				Dirs:  []Dir{{HostPath: rw, GuestPath: "/"}, {HostPath: ro, GuestPath: "/ro", ReadOnly: true}},
				Stdin: strings.NewReader("a line\nmore"), Stdout: &stdout, Stderr: &stderr,
			}
			code, err := eng.Run(context.Background(), inv)
			require.NoError(t, err)
			assert.Equal(t, uint32(3), code)
			assert.Equal(t, "A=1\n2\na line\nwritten", stdout.String())
			assert.Equal(t, "to stderr", stderr.String())
			b, err := os.ReadFile(filepath.Join(rw, "w.txt"))
			require.NoError(t, err)
			assert.Equal(t, "written", string(b))
			if name == "capwasi" {
				assert.Contains(t, trace.String(), "path_open(", "capwasi traces")
			} else {
				assert.Empty(t, trace.String(), "wazero has no trace")
			}

			// The read-only directory refuses a write, and the guest says so.
			stdout.Reset()
			stderr.Reset()
			inv.Args = []string{"probe", "cat:/ro/r.txt", "put:/ro/new.txt=x"}
			code, err = eng.Run(context.Background(), inv)
			require.NoError(t, err)
			assert.Equal(t, uint32(1), code)
			assert.Equal(t, "read-only", stdout.String())
			assert.Contains(t, stderr.String(), "new.txt")
			_, err = os.Stat(filepath.Join(ro, "new.txt"))
			assert.ErrorIs(t, err, os.ErrNotExist)

			// Nil streams: empty stdin, discarded output.
			code, err = eng.Run(context.Background(), &Invocation{Wasm: wasm, Args: []string{"probe", "echo", "out:x"}})
			require.NoError(t, err)
			assert.Zero(t, code)
		})
	}
}

func TestEngineErrors(t *testing.T) {
	p, err := guests.Build("suiteprobe")
	require.NoError(t, err)
	wasm, err := os.ReadFile(p)
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			eng, err := New(name, Options{CacheDir: testCache, Stoppable: true})
			require.NoError(t, err)
			_, err = eng.Run(context.Background(), &Invocation{Wasm: []byte("not wasm")})
			assert.Error(t, err, "invalid module")
			_, err = eng.Run(context.Background(), &Invocation{Wasm: wasm, Dirs: []Dir{{HostPath: filepath.Join(t.TempDir(), "missing"), GuestPath: "/"}}})
			assert.ErrorIs(t, err, os.ErrNotExist)
			_, err = eng.Run(context.Background(), &Invocation{Wasm: wasm, Dirs: []Dir{{HostPath: file, GuestPath: "/"}}})
			assert.Error(t, err, "not a directory")

			// Stoppable: a guest running its own loop stops when the
			// context ends. (wazero's WASI cannot be stopped while it
			// sleeps inside poll_oneoff, so the guest spins.)
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err = eng.Run(ctx, &Invocation{Wasm: wasm, Args: []string{"probe", "spin:1h"}})
			assert.Error(t, err)
			assert.Less(t, time.Since(start), 30*time.Second)
		})
	}
}

// TestCapwasiResolverAndRoot checks the capwasi engine's pre-opens: each
// opened with the resolver Options.Resolver names, and the one named "/"
// with root semantics (an absolute link the host planted in it is
// followed inside it; in another pre-open it is refused).
func TestCapwasiResolverAndRoot(t *testing.T) {
	p, err := guests.Build("suiteprobe")
	require.NoError(t, err)
	wasm, err := os.ReadFile(p)
	require.NoError(t, err)
	base := t.TempDir()
	rw, ro, outside := filepath.Join(base, "rw"), filepath.Join(base, "ro"), filepath.Join(base, "outside")
	for _, d := range []string{filepath.Join(rw, "d"), ro, outside} {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	require.NoError(t, os.WriteFile(filepath.Join(rw, "d", "f"), []byte("inside"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("SECRET"), 0o644))
	require.NoError(t, os.Symlink("/d/f", filepath.Join(rw, "abs")))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(rw, "host")))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(ro, "host")))
	dirs := []Dir{{HostPath: rw, GuestPath: "/"}, {HostPath: ro, GuestPath: "/ro", ReadOnly: true}}

	for _, r := range []capstdsync.Resolver{capstdsync.ResolverAuto, capstdsync.ResolverWalk} {
		t.Run(r.String(), func(t *testing.T) {
			eng, err := New("capwasi", Options{CacheDir: testCache, Resolver: r})
			require.NoError(t, err)
			ctx, err := eng.(*capwasiEngine).newCtx(&Invocation{Dirs: dirs})
			require.NoError(t, err)
			for _, p := range ctx.Preopens() {
				require.Equal(t, r, p.Dir.(interface{ Resolver() capstdsync.Resolver }).Resolver(), p.GuestPath)
			}
			require.NoError(t, ctx.Close())

			for _, c := range []struct{ path, stdout, stderr string }{
				{"/abs", "inside", ""},            // an absolute link in / is followed inside it
				{"/host", "", "No such file"},     // so one to the host's outside leads nowhere
				{"/ro/host", "", "not permitted"}, // in /ro an absolute link is an escape
			} {
				var stdout, stderr bytes.Buffer
				code, err := eng.Run(context.Background(), &Invocation{Wasm: wasm, Dirs: dirs, Stdout: &stdout, Stderr: &stderr,
					Args: []string{"probe", "cat:" + c.path}})
				require.NoError(t, err)
				assert.Equal(t, c.stdout, stdout.String(), c.path)
				if c.stderr == "" {
					assert.Zero(t, code, stderr.String())
				} else {
					assert.Equal(t, uint32(1), code, c.path)
					assert.Contains(t, stderr.String(), c.stderr, c.path)
				}
			}
		})
	}
	_, err = New("capwasi", Options{Resolver: capstdsync.Resolver(9)})
	assert.Error(t, err)
}

func TestFinish(t *testing.T) {
	live := context.Background()
	expired, cancel := context.WithTimeout(live, 0)
	defer cancel()
	cancelled, cancel2 := context.WithCancel(live)
	cancel2()
	trap := errors.New("wasm error: unreachable")

	code, err := finish(live, true, 3, nil)
	assert.Equal(t, uint32(3), code)
	assert.NoError(t, err, "the guest's own exit")
	code, err = finish(expired, false, 3, nil)
	assert.Equal(t, uint32(3), code, "not stoppable: the guest's outcome whatever the context")
	assert.NoError(t, err)
	code, err = finish(expired, true, 0, nil)
	assert.Equal(t, sys.ExitCodeDeadlineExceeded, code, "past its deadline, a stoppable run was stopped")
	var exit *sys.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, sys.ExitCodeDeadlineExceeded, exit.ExitCode())
	assert.Contains(t, err.Error(), "deadline exceeded")
	code, err = finish(cancelled, true, 5, nil)
	assert.Equal(t, sys.ExitCodeContextCanceled, code)
	require.ErrorAs(t, err, &exit)
	_, err = finish(expired, true, 0, trap)
	assert.Same(t, trap, err, "a trap keeps its error")
}

// readOnceGuest is a module whose _start reads stdin once (fd_read of 16
// bytes) and returns whatever the read answered: no loop and no call after
// it, so nothing in the guest gives wazero's close-on-context-done a place
// to stop it once the read returns.
func readOnceGuest() []byte {
	m := []byte("\x00asm\x01\x00\x00\x00")
	types := []byte{0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 1, 0x7f, 0x60, 0, 0} // fd_read's, then _start's
	m = wasmbin.AppendSection(m, 1, 2, types)
	imp := wasmbin.AppendName(nil, "wasi_snapshot_preview1")
	imp = wasmbin.AppendName(imp, "fd_read")
	m = wasmbin.AppendSection(m, 2, 1, append(imp, 0, 0))
	m = wasmbin.AppendSection(m, 3, 1, []byte{1})
	m = wasmbin.AppendSection(m, 5, 1, []byte{0, 1})
	exp := wasmbin.AppendName(nil, "memory")
	exp = append(exp, 2, 0)
	exp = wasmbin.AppendName(exp, "_start")
	exp = append(exp, 0, 1)
	m = wasmbin.AppendSection(m, 7, 2, exp)
	body := []byte{0}                                 // no locals
	body = append(body, 0x41, 0, 0x41, 16, 0x41, 1)   // fd 0, iovs at 16, 1 iovec
	body = append(body, 0x41, 8, 0x10, 0, 0x1a, 0x0b) // nread at 8; call fd_read; drop; end
	m = wasmbin.AppendSection(m, 10, 1, append(wasmbin.AppendU32(nil, uint32(len(body))), body...))
	data := []byte{0, 0x41, 16, 0x0b, 8, 32, 0, 0, 0, 16, 0, 0, 0} // the iovec: 16 bytes at 32
	return wasmbin.AppendSection(m, 11, 1, data)
}

// A guest whose blocked read the deadline ends gets an errno and may return
// before wazero closes it; the run still reports the deadline. (Whether the
// guest or wazero's context watcher wins is a race, which wazero mostly
// wins on an idle machine: TestFinish checks the rule itself.)
func TestStoppedGuestReportsTheDeadline(t *testing.T) {
	eng, err := New("capwasi", Options{Stoppable: true})
	require.NoError(t, err)
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	code, err := eng.Run(ctx, &Invocation{Wasm: readOnceGuest(), Args: []string{"read-once"}, Stdin: pr})
	var exit *sys.ExitError
	require.ErrorAs(t, err, &exit, "the deadline, not the guest's return: %v (code %d)", err, code)
	assert.Equal(t, sys.ExitCodeDeadlineExceeded, code)

	// Its read really returns when nothing cancels it.
	pr2, pw2 := io.Pipe()
	go func() { _, _ = pw2.Write([]byte("x")); pw2.Close() }()
	code, err = eng.Run(context.Background(), &Invocation{Wasm: readOnceGuest(), Args: []string{"read-once"}, Stdin: pr2})
	require.NoError(t, err)
	assert.Zero(t, code)
}
