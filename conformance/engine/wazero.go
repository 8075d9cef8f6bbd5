package engine

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"strings"

	"github.com/capwasi/capwasi/wazeroadapter"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// wazeroEngine runs guests on wazero's own wasi_snapshot_preview1, with
// real clocks, sleep and randomness, as the wazero CLI does.
type wazeroEngine struct {
	cache     wazero.CompilationCache
	stoppable bool
}

func (*wazeroEngine) Name() string { return "wazero" }

func (e *wazeroEngine) Run(ctx context.Context, inv *Invocation) (uint32, error) {
	if len(inv.Listeners) > 0 {
		closeListeners(inv)
		return 0, errors.New("engine: wazero's WASI cannot be given listeners")
	}
	if inv.Budget != nil {
		return 0, errors.New("engine: wazero's WASI cannot be given a disk budget")
	}
	for _, d := range inv.Dirs {
		if d.FS != nil {
			continue
		}
		// wazero checks mounts only when the guest first uses them; check
		// here so that both engines fail alike on a missing directory.
		st, err := os.Stat(d.HostPath)
		if err != nil {
			return 0, err
		}
		if !st.IsDir() {
			return 0, fmt.Errorf("%s: not a directory", d.HostPath)
		}
	}
	rt, ictx := start(ctx, e.cache, e.stoppable)
	defer rt.Close(ctx)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		return 0, err
	}
	compiled, err := compile(ctx, rt, inv.Wasm)
	if err != nil {
		return 0, err
	}
	defer compiled.Close(ctx)

	mod, err := rt.InstantiateModule(ictx, compiled, WazeroConfig(inv))
	if mod != nil {
		defer mod.Close(ctx)
	}
	code, err := wazeroadapter.ExitCode(ctx, err)
	return finish(ctx, e.stoppable, code, err)
}

// WazeroConfig returns the wazero module configuration that gives a guest
// what inv describes under wazero's built-in WASI: its arguments,
// environment and streams, its directories mounted read-write or read-only
// (WithDirMount, WithReadOnlyDirMount; an io/fs one with WithFSMount), real
// clocks, sleep and crypto/rand (with inv.Deterministic, wazero's fake
// clocks and sleep and a seeded generator instead), and an empty module name
// (unique per runtime only if the runtime runs one guest at a time under
// that name). inv's listeners are not part of it.
func WazeroConfig(inv *Invocation) wazero.ModuleConfig {
	fsc := wazero.NewFSConfig()
	for _, d := range inv.Dirs {
		if d.FS != nil {
			fsc = fsc.WithFSMount(d.FS, d.GuestPath)
		} else if d.ReadOnly {
			fsc = fsc.WithReadOnlyDirMount(d.HostPath, d.GuestPath)
		} else {
			fsc = fsc.WithDirMount(d.HostPath, d.GuestPath)
		}
	}
	cfg := wazero.NewModuleConfig().
		WithArgs(inv.Args...).
		WithFSConfig(fsc).
		WithName("")
	if inv.Deterministic {
		var seed [32]byte
		binary.LittleEndian.PutUint64(seed[:], uint64(inv.Seed))
		cfg = cfg.WithRandSource(mrand.NewChaCha8(seed)) // the fake clocks and sleep are wazero's default
	} else {
		cfg = cfg.WithSysWalltime().WithSysNanotime().WithSysNanosleep().WithRandSource(rand.Reader)
	}
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
