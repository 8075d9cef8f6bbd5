package conformance

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/capwasi/capwasi/conformance/engine"
	"github.com/capwasi/capwasi/conformance/guests"
	"github.com/capwasi/capwasi/wazeroadapter"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// runner runs guests: under capwasi (wazeroadapter with an Impl), or under
// wazero's built-in WASI for the differential mode. One runner compiles
// each guest once.
type runner struct {
	rt       wazero.Runtime
	host     *wazeroadapter.Host // nil for wazero's WASI
	mu       sync.Mutex
	compiled map[string]wazero.CompiledModule
}

// newRunner returns a runner binding capwasi's adapter, or wazero's own
// WASI when wazeroWASI is true.
func newRunner(ctx context.Context, wazeroWASI bool) (*runner, error) {
	rc := wazero.NewRuntimeConfig().WithCloseOnContextDone(true)
	if cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(guests.CacheDir(), "..", "wazero")); err == nil {
		rc = rc.WithCompilationCache(cache)
	}
	e := &runner{rt: wazero.NewRuntimeWithConfig(ctx, rc), compiled: map[string]wazero.CompiledModule{}}
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
func (e *runner) compile(ctx context.Context, guest string) (wazero.CompiledModule, error) {
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
func (e *runner) run(ctx context.Context, guest string, impl Impl, spec Spec) (outcome, error) {
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
func (e *runner) runWazero(ctx context.Context, compiled wazero.CompiledModule, spec Spec) (uint32, error) {
	inv := &engine.Invocation{Args: spec.Args, Env: spec.Env,
		Stdin: bytesReader(spec.Stdin), Stdout: spec.Stdout, Stderr: spec.Stderr}
	for _, d := range spec.Dirs {
		inv.Dirs = append(inv.Dirs, engine.Dir{Host: d.HostPath, Guest: d.GuestPath, ReadOnly: d.ReadOnly})
	}
	mod, err := e.rt.InstantiateModule(ctx, compiled, engine.WazeroConfig(inv))
	if mod != nil {
		defer mod.Close(ctx)
	}
	return engine.ExitCode(ctx, err)
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

func cutEnv(kv string) (string, string, bool) { return strings.Cut(kv, "=") }
