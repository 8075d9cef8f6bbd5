package conformance

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/capwasi/capwasi/conformance/guests"
	"github.com/capwasi/capwasi/wazeroadapter"
	"github.com/tetratelabs/wazero"
)

// runner runs guests through wazeroadapter with an Impl's contexts, or,
// when other is set, through another WASI host instantiated in the same
// runtime (the differential runs wazero's built-in WASI so). One runner
// compiles each guest once.
type runner struct {
	rt       wazero.Runtime
	host     *wazeroadapter.Host
	other    func(ctx context.Context, compiled wazero.CompiledModule, spec Spec) (exitCode uint32, err error)
	mu       sync.Mutex
	compiled map[string]wazero.CompiledModule
}

// newRuntime returns the runtime a runner runs its guests in: guests stop
// when their context ends, and compiled code is cached beside the built
// guests.
func newRuntime(ctx context.Context) wazero.Runtime {
	rc := wazero.NewRuntimeConfig().WithCloseOnContextDone(true)
	if cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(guests.CacheDir(), "..", "wazero")); err == nil {
		rc = rc.WithCompilationCache(cache)
	}
	return wazero.NewRuntimeWithConfig(ctx, rc)
}

// newRunner returns a runner binding capwasi's adapter.
func newRunner(ctx context.Context) (*runner, error) {
	rt := newRuntime(ctx)
	host, err := wazeroadapter.Instantiate(ctx, rt)
	if err != nil {
		rt.Close(ctx)
		return nil, err
	}
	return &runner{rt: rt, host: host, compiled: map[string]wazero.CompiledModule{}}, nil
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

// run runs guest with spec: through impl under capwasi, or through the
// runner's other host (impl unused). spec's Stdout and Stderr are replaced
// by buffers whose contents come back in the outcome.
func (e *runner) run(ctx context.Context, guest string, impl Impl, spec Spec) (outcome, error) {
	compiled, err := e.compile(ctx, guest)
	if err != nil {
		return outcome{}, err
	}
	var stdout, stderr bytes.Buffer
	spec.Stdout, spec.Stderr = &stdout, &stderr
	var code uint32
	if e.other != nil {
		code, err = e.other(ctx, compiled, spec)
	} else {
		wasiCtx, cerr := impl.NewCtx(spec)
		if cerr != nil {
			return outcome{}, fmt.Errorf("%s: building the context: %w", impl.Name, cerr)
		}
		code, err = e.host.Run(ctx, compiled, wasiCtx, nil)
	}
	if err != nil {
		return outcome{}, err
	}
	return outcome{exitCode: code, stdout: stdout.String(), stderr: stderr.String()}, nil
}
