package conformance

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/capwasi/capwasi/conformance/guests"
	"github.com/capwasi/capwasi/wazeroadapter"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

// engine runs guests: under capwasi (wazeroadapter with an Impl), or under
// wazero's built-in WASI for the differential mode. One engine compiles
// each guest once.
type engine struct {
	rt       wazero.Runtime
	host     *wazeroadapter.Host // nil for wazero's WASI
	mu       sync.Mutex
	compiled map[string]wazero.CompiledModule
}

// newEngine returns an engine binding capwasi's adapter, or wazero's own
// WASI when wazeroWASI is true.
func newEngine(ctx context.Context, wazeroWASI bool) (*engine, error) {
	rc := wazero.NewRuntimeConfig().WithCloseOnContextDone(true)
	if cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(guests.CacheDir(), "..", "wazero")); err == nil {
		rc = rc.WithCompilationCache(cache)
	}
	e := &engine{rt: wazero.NewRuntimeWithConfig(ctx, rc), compiled: map[string]wazero.CompiledModule{}}
	var err error
	if wazeroWASI {
		_, err = wasi_snapshot_preview1.Instantiate(ctx, e.rt)
	} else {
		e.host, err = wazeroadapter.Instantiate(ctx, e.rt)
	}
	if err != nil {
		e.rt.Close(ctx)
		return nil, err
	}
	return e, nil
}

// compile builds and compiles the named guest once.
func (e *engine) compile(ctx context.Context, guest string) (wazero.CompiledModule, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if c, ok := e.compiled[guest]; ok {
		return c, nil
	}
	path, err := guests.Build(guest)
	if err != nil {
		return nil, err
	}
	wasm, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := e.rt.CompileModule(ctx, wasm)
	if err != nil {
		return nil, fmt.Errorf("compiling %s: %w", guest, err)
	}
	e.compiled[guest] = c
	return c, nil
}

// outcome is what a guest run produced.
type outcome struct {
	exitCode uint32
	stdout   string
	stderr   string
}

// run runs guest with spec: through impl under capwasi, or under wazero's
// WASI (impl unused). spec's Stdout and Stderr are replaced by buffers
// whose contents come back in the outcome.
func (e *engine) run(ctx context.Context, guest string, impl Impl, spec Spec) (outcome, error) {
	compiled, err := e.compile(ctx, guest)
	if err != nil {
		return outcome{}, err
	}
	var stdout, stderr bytes.Buffer
	spec.Stdout, spec.Stderr = &stdout, &stderr
	var code uint32
	if e.host != nil {
		wasiCtx, err := impl.NewCtx(spec)
		if err != nil {
			return outcome{}, fmt.Errorf("%s: building the context: %w", impl.Name, err)
		}
		code, err = e.host.Run(ctx, compiled, wasiCtx, nil)
		if err != nil {
			return outcome{}, err
		}
	} else {
		code, err = e.runWazero(ctx, compiled, spec)
		if err != nil {
			return outcome{}, err
		}
	}
	return outcome{exitCode: code, stdout: stdout.String(), stderr: stderr.String()}, nil
}

// runWazero runs compiled with wazero's built-in WASI configured as spec says.
func (e *engine) runWazero(ctx context.Context, compiled wazero.CompiledModule, spec Spec) (uint32, error) {
	fsc := wazero.NewFSConfig()
	for _, d := range spec.Dirs {
		if d.ReadOnly {
			fsc = fsc.WithReadOnlyDirMount(d.HostPath, d.GuestPath)
		} else {
			fsc = fsc.WithDirMount(d.HostPath, d.GuestPath)
		}
	}
	cfg := wazero.NewModuleConfig().WithArgs(spec.Args...).
		WithStdin(bytesReader(spec.Stdin)).WithStdout(spec.Stdout).WithStderr(spec.Stderr).
		WithFSConfig(fsc).WithSysWalltime().WithSysNanotime().WithSysNanosleep().
		WithRandSource(rand.Reader).WithName("")
	for _, kv := range spec.Env {
		k, v, _ := cutEnv(kv)
		cfg = cfg.WithEnv(k, v)
	}
	mod, err := e.rt.InstantiateModule(ctx, compiled, cfg)
	if mod != nil {
		defer mod.Close(ctx)
	}
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), nil
	}
	return 0, err
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

func cutEnv(kv string) (string, string, bool) { return strings.Cut(kv, "=") }
