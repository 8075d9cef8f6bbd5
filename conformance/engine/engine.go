// Package engine is the one way capwasi's tools run a WebAssembly command
// module that imports wasi_snapshot_preview1 from host paths: on capwasi
// (wazeroadapter over capstd-sync) or on wazero's built-in WASI, through
// one interface. The wasi-run command, the external-suite runners (package
// testsuite, the gostd command), the conformance suite's ready-made
// capstd-sync implementation (package impls) and the benchmarks all run
// guests through it, so that a guest runs the same way everywhere.
package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"

	capstdsync "github.com/capwasi/capwasi/capstd-sync"
	"github.com/capwasi/capwasi/common"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/sys"
)

// Dir is a host directory pre-opened for the guest. It has the fields of
// the conformance suite's Dir, so that one converts to the other.
type Dir struct {
	HostPath  string // the host directory
	GuestPath string // the name the guest sees it under, e.g. "/" or "fs-tests.dir"
	ReadOnly  bool   // refuse every change to the tree
	// FS, when set, is given instead of HostPath: an io/fs file system,
	// pre-opened read-only (capstd-sync's PreopenFS, wazero's
	// WithFSMount).
	FS fs.FS
}

// Invocation is one run of a command module.
type Invocation struct {
	Wasm []byte   // the module's binary
	Args []string // the guest's arguments, program name first
	Env  []string // the guest's whole environment, as NAME=VALUE
	Dirs []Dir    // pre-opened directories, in descriptor order from 3

	// Listeners are TCP listeners pre-opened after the directories
	// (capwasi only: wazero's WASI has no way to be given one). The run
	// takes them over: they are closed when the guest ends, or by Run
	// when it fails before the guest starts.
	Listeners []net.Listener

	// Clocks replaces the system's clocks (capwasi only); nil keeps them.
	Clocks common.Clocks

	// Deterministic runs the guest with clocks that start at fixed values
	// and move only by what the guest waits for, and with random bytes
	// from a generator seeded with Seed: on capwasi, capstd-sync's
	// WasiCtxBuilder.Deterministic (Clocks, when set, still replaces the
	// clocks); on wazero, its fake clocks (which advance 1 ms per
	// reading), its sleep that returns at once, and the same seeded
	// generator.
	Deterministic bool
	Seed          int64

	// Budget, when not nil, bounds how much the guest may make the
	// read-write Dirs grow, together (capwasi only: see capstd-sync's
	// Budget).
	Budget *capstdsync.Budget

	// The standard streams. A nil Stdin reads as empty; a nil Stdout or
	// Stderr discards. The process's own os.Stdin, os.Stdout and
	// os.Stderr are inherited (a terminal stays a terminal); any other
	// value is wrapped (a capwasi guest then sees a pipe).
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
	// invalid module, a missing directory, a listener or a budget given
	// to wazero, a trap; with Options.Stoppable, when ctx ends first, the
	// error of wazero's close-on-context-done (a *sys.ExitError) with its
	// code.
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
	// StrictRights gives capwasi's path_open the rights model of the
	// specification (wazeroadapter.WithStrictRights): a descriptor gets
	// only the rights asked for. wazero's WASI has no rights and ignores it.
	StrictRights bool
	// Stoppable makes a guest stop when the context of its Run ends, even
	// in its own code: wazero's close-on-context-done, which checks at every
	// loop and call of the guest and makes its code up to 3x slower.
	// Without it, a cancelled context stops only a guest blocked in a WASI
	// call that honours it (capwasi's do; wazero's poll_oneoff sleeps
	// without looking at the context, so a wazero guest asleep there runs
	// its sleep out even when stoppable). A stoppable run whose context
	// ended before the guest did reports it stopped, whatever the guest
	// did after its context ended.
	Stoppable bool
	// NewCtx, when not nil, builds the capwasi engine's contexts instead of
	// [CapwasiCtx]: another implementation of common run the same way (the
	// benchmarks' in-memory file system). wazero ignores it.
	NewCtx func(inv *Invocation) (common.WasiCtx, error)
	// Resolver is how capwasi resolves the guest's paths beneath the
	// directories CapwasiCtx pre-opens (capstdsync.WithResolver): the
	// default, ResolverAuto, or ResolverWalk to force the component walk
	// that systems without openat2 use. With NewCtx, and on wazero, it
	// means nothing.
	Resolver capstdsync.Resolver
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
	if name != "capwasi" && name != "wazero" {
		return nil, fmt.Errorf("engine: unknown engine %q (want capwasi or wazero)", name)
	}
	cache, err := newCache(opts.CacheDir)
	if err != nil {
		return nil, err
	}
	if _, err := opts.Resolver.MarshalText(); err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	if name == "capwasi" {
		newCtx := opts.NewCtx
		if newCtx == nil {
			resolver := capstdsync.WithResolver(opts.Resolver)
			newCtx = func(inv *Invocation) (common.WasiCtx, error) { return CapwasiCtx(inv, resolver) }
		}
		return &capwasiEngine{cache: cache, trace: opts.Trace, stoppable: opts.Stoppable, strictRights: opts.StrictRights, newCtx: newCtx}, nil
	}
	return &wazeroEngine{cache: cache, stoppable: opts.Stoppable}, nil
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

// start returns a runtime compiling into cache, which closes the guest when
// ctx is done if stoppable, and the context to instantiate the guest with:
// its linear memory reserved up front where it is safe (see
// memoryAllocator).
func start(ctx context.Context, cache wazero.CompilationCache, stoppable bool) (wazero.Runtime, context.Context) {
	rc := wazero.NewRuntimeConfig().WithCloseOnContextDone(stoppable).WithCompilationCache(cache)
	return wazero.NewRuntimeWithConfig(ctx, rc), experimental.WithMemoryAllocator(ctx, memoryAllocator(stoppable))
}

// compile compiles wasm, or loads it from the compilation cache, with the
// garbage collector off: decoding and validating a module allocates a few
// megabytes of structures that all stay alive, so collections during it
// find nothing to free (two of them for a Go guest), and cost about 4 % of
// an empty guest's run.
func compile(ctx context.Context, rt wazero.Runtime, wasm []byte) (wazero.CompiledModule, error) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	return rt.CompileModule(ctx, wasm)
}

// finish returns the outcome of a run: the guest's own, unless the guest
// could be stopped (Options.Stoppable) and its context ended before the
// guest did. Then the run was stopped, and the error is the one wazero's
// close-on-context-done gives (a *sys.ExitError with
// sys.ExitCodeDeadlineExceeded or sys.ExitCodeContextCanceled), even when
// the guest ended first on its own: a host call the context ends returns
// an errno to the guest, which may then exit before wazero closes it, and
// a run that passed its deadline must not read as a success or failure of
// the guest's. A trap keeps its error.
func finish(ctx context.Context, stoppable bool, code uint32, err error) (uint32, error) {
	if err != nil || !stoppable || ctx.Err() == nil {
		return code, err
	}
	stop := sys.ExitCodeContextCanceled
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		stop = sys.ExitCodeDeadlineExceeded
	}
	return stop, sys.NewExitError(stop)
}
