package engine

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

// wazeroEngine runs guests on wazero's own wasi_snapshot_preview1, with
// real clocks, sleep and randomness, as the wazero CLI does.
type wazeroEngine struct {
	cache     wazero.CompilationCache
	stoppable bool
}

func (*wazeroEngine) Name() string { return "wazero" }

func (e *wazeroEngine) Run(ctx context.Context, inv *Invocation) (uint32, error) {
	for _, d := range inv.Dirs {
		// wazero checks mounts only when the guest first uses them; check
		// here so that both engines fail alike on a missing directory.
		st, err := os.Stat(d.Host)
		if err != nil {
			return 0, err
		}
		if !st.IsDir() {
			return 0, fmt.Errorf("%s: not a directory", d.Host)
		}
	}
	rt := newRuntime(ctx, e.cache, e.stoppable)
	defer rt.Close(ctx)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		return 0, err
	}
	compiled, err := rt.CompileModule(ctx, inv.Wasm)
	if err != nil {
		return 0, err
	}
	defer compiled.Close(ctx)

	cfg := WazeroConfig(inv)
	mod, err := rt.InstantiateModule(ctx, compiled, cfg)
	if mod != nil {
		defer mod.Close(ctx)
	}
	return ExitCode(ctx, err)
}

// WazeroConfig returns the wazero module configuration that gives a guest
// what inv describes under wazero's built-in WASI: its arguments,
// environment and streams, its directories mounted read-write or read-only
// (WithDirMount, WithReadOnlyDirMount), real clocks, sleep and crypto/rand,
// and an empty module name (unique per runtime only if the runtime runs one
// guest at a time under that name).
func WazeroConfig(inv *Invocation) wazero.ModuleConfig {
	fsc := wazero.NewFSConfig()
	for _, d := range inv.Dirs {
		if d.ReadOnly {
			fsc = fsc.WithReadOnlyDirMount(d.Host, d.Guest)
		} else {
			fsc = fsc.WithDirMount(d.Host, d.Guest)
		}
	}
	cfg := wazero.NewModuleConfig().
		WithArgs(inv.Args...).
		WithFSConfig(fsc).
		WithSysWalltime().WithSysNanotime().WithSysNanosleep().
		WithRandSource(rand.Reader).
		WithName("")
	for _, kv := range inv.Env {
		name, value, _ := strings.Cut(kv, "=")
		cfg = cfg.WithEnv(name, value)
	}
	if inv.Stdin != nil {
		cfg = cfg.WithStdin(inv.Stdin)
	}
	if inv.Stdout != nil {
		cfg = cfg.WithStdout(inv.Stdout)
	}
	if inv.Stderr != nil {
		cfg = cfg.WithStderr(inv.Stderr)
	}
	return cfg
}

// ExitCode interprets the error of instantiating a command module under
// wazero: a *sys.ExitError carries the guest's exit code and is not an error,
// unless ctx ended, when wazero's close-on-context-done code comes back with
// the error. Any other error is returned with code 0.
func ExitCode(ctx context.Context, err error) (uint32, error) {
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		code := exit.ExitCode()
		if ctx.Err() != nil && (code == sys.ExitCodeContextCanceled || code == sys.ExitCodeDeadlineExceeded) {
			return code, err
		}
		return code, nil
	}
	return 0, err
}
