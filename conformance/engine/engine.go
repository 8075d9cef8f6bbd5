// Package engine runs WebAssembly command modules that import
// wasi_snapshot_preview1, either on capwasi (wazeroadapter over
// capstd-sync) or on wazero's built-in WASI, through one interface, so that
// the external-suite runners (package testsuite, the gostd command) can run
// the same guest on both and compare.
package engine

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/tetratelabs/wazero"
)

// Dir is a host directory pre-opened for the guest.
type Dir struct {
	Host     string // the host directory
	Guest    string // the name the guest sees it under, e.g. "/" or "fs-tests.dir"
	ReadOnly bool   // refuse every change to the tree
}

// Invocation is one run of a command module.
type Invocation struct {
	Wasm []byte   // the module's binary
	Args []string // the guest's arguments, program name first
	Env  []string // the guest's whole environment, as NAME=VALUE
	Dirs []Dir    // pre-opened directories, in descriptor order from 3

	// The standard streams. A nil Stdin reads as empty; a nil Stdout or
	// Stderr discards. An *os.File is passed on as a file; any other value
	// is wrapped (a capwasi guest then sees a pipe).
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// Engine runs command modules. An Engine is safe for concurrent use; each
// Run gets a runtime of its own.
type Engine interface {
	// Name says which WASI host it is: "capwasi" or "wazero".
	Name() string
	// Run instantiates inv.Wasm, runs its _start function to the end and
	// returns the guest's exit code (0 when _start returns). Errors: an
	// invalid module, a missing directory, a trap; with Options.Stoppable,
	// when ctx ends first, the error of wazero's close-on-context-done (a
	// *sys.ExitError) with its code.
	Run(ctx context.Context, inv *Invocation) (exitCode uint32, err error)
}

// Options configure an Engine.
type Options struct {
	// CacheDir holds compiled code between processes; empty keeps it in
	// memory for the Engine's life only.
	CacheDir string
	// Trace, when not nil, receives one line per WASI call (capwasi only;
	// wazero's WASI has no such hook and ignores it).
	Trace io.Writer
	// Stoppable makes a guest stop when the context of its Run ends, even
	// in its own code: wazero's close-on-context-done, which checks at every
	// loop and call of the guest and makes its code up to 3x slower.
	// Without it, a cancelled context stops only a guest blocked in a WASI
	// call that honours it (capwasi's do; wazero's poll_oneoff sleeps
	// without looking at the context, so a wazero guest asleep there runs
	// its sleep out even when stoppable).
	Stoppable bool
}

// DefaultCacheDir returns capwasi/wazero in the user's cache directory, or
// "" when there is none. It is the cache wasi-run uses.
func DefaultCacheDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "capwasi", "wazero")
}

// New returns the Engine named name: "capwasi" or "wazero". Errors: an
// unknown name, or a cache directory that cannot be created.
func New(name string, opts Options) (Engine, error) {
	cache, err := newCache(opts.CacheDir)
	if err != nil {
		return nil, err
	}
	switch name {
	case "capwasi":
		return &capwasiEngine{cache: cache, trace: opts.Trace, stoppable: opts.Stoppable}, nil
	case "wazero":
		return &wazeroEngine{cache: cache, stoppable: opts.Stoppable}, nil
	}
	return nil, fmt.Errorf("engine: unknown engine %q (want capwasi or wazero)", name)
}

// Names returns the names New accepts.
func Names() []string { return []string{"capwasi", "wazero"} }

func newCache(dir string) (wazero.CompilationCache, error) {
	if dir == "" {
		return wazero.NewCompilationCache(), nil
	}
	c, err := wazero.NewCompilationCacheWithDir(dir)
	if err != nil {
		return nil, fmt.Errorf("engine: compilation cache: %w", err)
	}
	return c, nil
}

// newRuntime returns a runtime compiling into cache, which closes the guest
// when ctx is done if stoppable.
func newRuntime(ctx context.Context, cache wazero.CompilationCache, stoppable bool) wazero.Runtime {
	rc := wazero.NewRuntimeConfig().WithCloseOnContextDone(stoppable).WithCompilationCache(cache)
	return wazero.NewRuntimeWithConfig(ctx, rc)
}
