package wazeroadapter

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/sys"

	"github.com/capwasi/capwasi/common"
)

// ModuleName is the name guests import the preview1 functions from.
const ModuleName = "wasi_snapshot_preview1"

// Host is the wasi_snapshot_preview1 host module, instantiated once into a
// wazero.Runtime, serving any number of guest instances, each with its own
// [common.WasiCtx] and descriptor table. Instances share nothing, and may
// run concurrently.
//
// A Host is safe for concurrent use.
type Host struct {
	r       wazero.Runtime
	mod     api.Module // the host module
	opts    options
	tracer  *tracer // nil when tracing is off
	nextID  atomic.Uint64
	bound   sync.Map                // api.Module → *instance, for the instances that made a call
	last    atomic.Pointer[binding] // a recently used binding, the fastest lookup
	maxSubs uint32                  // most subscriptions one poll_oneoff may pass
	// openFiles counts the descriptors of all instances, against
	// opts.maxHostOpenFiles (0: no limit).
	openFiles atomic.Int64
	// live counts the bound instances not released yet; untilSweep, the
	// instantiations left before the next releaseClosed.
	live, untilSweep atomic.Int64
	// memories caches whether the last compiled module instantiated has
	// a memory (asking wazero builds a map each time).
	memories atomic.Pointer[compiledMemory]
}

// compiledMemory says whether compiled has a memory, exported or imported.
type compiledMemory struct {
	compiled wazero.CompiledModule
	has      bool
}

// instanceKey is the context key under which InstantiateModule passes the
// new instance to the calls the guest makes while it is being instantiated,
// before its api.Module is known.
type instanceKey struct{ h *Host }

// Instantiate instantiates the wasi_snapshot_preview1 host module into r
// and returns it. Guests are then instantiated with
// [Host.InstantiateModule] or run with [Host.Run].
//
// Errors: an invalid option; r already has a module named
// wasi_snapshot_preview1 (wazero's own WASI, for example); r is closed.
func Instantiate(ctx context.Context, r wazero.Runtime, opts ...Option) (*Host, error) {
	o := defaultOptions()
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.err != nil {
		return nil, o.err
	}
	if r == nil {
		return nil, errors.New("wazeroadapter: nil wazero.Runtime")
	}
	if o.maxHostOpenFiles == 0 {
		if n := processFileLimit(); n > 0 {
			o.maxHostOpenFiles = max(n/2, int64(o.maxOpenFiles))
		}
	}
	h := &Host{r: r, opts: o, maxSubs: uint32(min(2*uint64(o.maxOpenFiles)+64, math.MaxUint32))}
	h.last.Store(noBinding)
	if o.trace != nil {
		h.tracer = &tracer{w: o.trace}
	}
	b := r.NewHostModuleBuilder(ModuleName)
	for i := range functions {
		f := &functions[i]
		b.NewFunctionBuilder().
			WithGoModuleFunction(h.hostFunc(f), f.paramTypes(), f.resultTypes()).
			WithParameterNames(f.paramNames()...).
			WithResultNames(f.resultNames()...).
			Export(f.name)
	}
	mod, err := b.Instantiate(ctx)
	if err != nil {
		return nil, fmt.Errorf("wazeroadapter: instantiating %s: %w", ModuleName, err)
	}
	h.mod = mod
	return h, nil
}

// Close closes the host module. Guests instantiated against it keep their
// own state until they close; new guests can no longer be instantiated.
func (h *Host) Close(ctx context.Context) error { return h.mod.Close(ctx) }

// InstantiateModule instantiates compiled into the Host's runtime with
// config (nil for wazero.NewModuleConfig()), as wazero.Runtime's
// InstantiateModule does, giving the guest wasiCtx: its arguments,
// environment, standard streams, pre-opened directories and sockets,
// clocks, random source and scheduler. config's own arguments, environment,
// standard streams and file systems feed wazero's built-in WASI only; this
// Host ignores them.
//
// The start functions run inside InstantiateModule, as with wazero. When
// the guest calls proc_exit there, the module is closed and the error is a
// *sys.ExitError, or nil for exit code 0, exactly as wazero reports it.
//
// InstantiateModule takes ownership of wasiCtx, whatever it returns: when
// the module closes (by proc_exit, api.Module.Close, the runtime closing,
// or a failed instantiation), every descriptor the guest still holds is
// closed, then wasiCtx.Close is called, exactly once. wazero v1.12.0 does
// not always say when a module closes: with close-on-context-done, a
// module its context watcher closes just as a call returns is closed
// without notice (see releaseClosed). Such an instance is released by a
// later InstantiateModule of the Host (the next one while fewer than eight
// instances live, else within a quarter as many as live), or by
// [Host.Run] before it returns.
//
// A nil config is wazero.NewModuleConfig() with a random source set: a
// config without one makes wazero seed a pseudo-random generator for
// every instance (about 15 µs), which this Host never reads; set one
// (WithRandSource) in a config of your own.
//
// Errors: those of wazero's InstantiateModule; a nil wasiCtx or compiled;
// a wasiCtx returning a nil standard stream, directory or socket, more
// descriptors than [WithMaxOpenFiles] allows, or more bytes of arguments
// and environment than [WithMaxArgsEnvSize] allows (wrapping
// [common.E2BIG]).
func (h *Host) InstantiateModule(ctx context.Context, compiled wazero.CompiledModule, wasiCtx common.WasiCtx, config wazero.ModuleConfig) (api.Module, error) {
	mod, _, err := h.instantiate(ctx, compiled, wasiCtx, config)
	return mod, err
}

// instantiate is InstantiateModule, also returning the instance when the
// module is not nil.
func (h *Host) instantiate(ctx context.Context, compiled wazero.CompiledModule, wasiCtx common.WasiCtx, config wazero.ModuleConfig) (api.Module, *instance, error) {
	if wasiCtx == nil {
		return nil, nil, errors.New("wazeroadapter: nil WasiCtx")
	}
	if h.untilSweep.Add(-1) <= 0 {
		h.untilSweep.Store(max(1, h.live.Load()/sweepRatio))
		h.releaseClosed()
	}
	in, err := h.newInstance(wasiCtx)
	if err == nil && compiled == nil {
		err = errors.New("wazeroadapter: nil wazero.CompiledModule")
	}
	if err != nil {
		in.requestClose()
		return nil, nil, err
	}
	in.hasMemory = h.hasMemory(compiled)
	if config == nil {
		config = defaultModuleConfig
	}
	ictx := context.WithValue(ctx, instanceKey{h}, in)
	ictx = experimental.WithCloseNotifier(ictx, in)
	mod, err := h.r.InstantiateModule(ictx, compiled, config)
	if mod == nil {
		in.requestClose()
		return nil, nil, err
	}
	if !in.bind(mod) {
		// A guest call bound the instance to another module: one
		// instantiated, with this call's context, by a host function the
		// guest called during its start. Refuse rather than mix them up.
		_ = mod.Close(ctx)
		in.requestClose()
		return nil, nil, fmt.Errorf("wazeroadapter: %s: its WasiCtx was claimed by another module instantiated with the same context", mod)
	}
	if mod.IsClosed() {
		in.requestClose()
	}
	return mod, in, err
}

// defaultModuleConfig is the configuration of InstantiateModule with a nil
// config: wazero's default, with a random source and the system clocks,
// which this Host never reads, so that wazero does not seed a generator
// (about 15 µs, a third of the instantiation of a small guest) nor make
// fake clocks for every instance.
var defaultModuleConfig = wazero.NewModuleConfig().WithRandSource(rand.Reader).WithSysWalltime().WithSysNanotime()

// hasMemory reports whether compiled has a memory, exported or imported,
// asking wazero only when compiled is not the module of the last call.
func (h *Host) hasMemory(compiled wazero.CompiledModule) bool {
	if m := h.memories.Load(); m != nil && m.compiled == compiled {
		return m.has
	}
	m := &compiledMemory{compiled: compiled, has: len(compiled.ExportedMemories()) > 0 || len(compiled.ImportedMemories()) > 0}
	h.memories.Store(m)
	return m.has
}

// sweepRatio sets how often InstantiateModule calls releaseClosed: once
// per a sweepRatio-th as many instantiations as there are live instances
// (every time while fewer than 2*sweepRatio are live), so that a sweep
// costs each instantiation about sweepRatio atomic loads however many
// instances live.
const sweepRatio = 4

// releaseClosed releases the instances whose module has closed without
// wazero calling their CloseNotify. wazero v1.12.0 can skip it: when
// close-on-context-done closes a module just as a call of it returns, the
// closing is left to the module's next call, and a later api.Module.Close
// finds the module closed already and does nothing. InstantiateModule
// sweeps such instances (an atomic load per live instance) once per
// n/sweepRatio instantiations when n instances live, so that their
// descriptors are released at the latest that many instantiations later
// (at the next one while few live); Run releases its own instance when it
// returns.
func (h *Host) releaseClosed() {
	h.bound.Range(func(k, v any) bool {
		if k.(api.Module).IsClosed() {
			v.(*instance).requestClose()
		}
		return true
	})
}

// Run instantiates compiled with wasiCtx and config as InstantiateModule
// does, which runs its start functions (by default "_start"), then closes
// the module and returns the guest's exit code: the code it passed to
// proc_exit, or 0 when its start functions returned.
//
// A *sys.ExitError from proc_exit is not an error here: the code is the
// result. Errors: those of InstantiateModule, among them a trap, or a
// *sys.ExitError when ctx was cancelled or timed out with wazero's
// close-on-context-done enabled, then with exitCode its code. Run takes
// ownership of wasiCtx as InstantiateModule does.
func (h *Host) Run(ctx context.Context, compiled wazero.CompiledModule, wasiCtx common.WasiCtx, config wazero.ModuleConfig) (exitCode uint32, err error) {
	mod, in, err := h.instantiate(ctx, compiled, wasiCtx, config)
	if mod != nil {
		defer func() {
			_ = mod.Close(ctx)
			in.releaseNow() // in case wazero did not notify (see releaseClosed)
		}()
	}
	return ExitCode(ctx, err)
}

// ExitCode interprets the error of running a WASI command module on wazero
// (wazero.Runtime.InstantiateModule, or [Host.InstantiateModule], which run
// its start functions), under this package's WASI or wazero's own: a
// *sys.ExitError from proc_exit carries the guest's exit code and is not an
// error; when ctx has ended and the code is wazero's close-on-context-done
// code (sys.ExitCodeContextCanceled or sys.ExitCodeDeadlineExceeded), the
// error is returned with the code. Any other error is returned with code 0;
// nil is exit code 0.
func ExitCode(ctx context.Context, err error) (exitCode uint32, _ error) {
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

// Run is the one-call path for the common case: it instantiates a Host
// with opts into r, compiles wasm, runs it with wasiCtx as [Host.Run] does,
// and closes the module, the compiled code and the Host before returning
// the guest's exit code. r must not already hold a wasi_snapshot_preview1
// module; to run more than one guest in a runtime, use [Instantiate] and
// [Host.Run].
//
// Run takes ownership of wasiCtx as [Host.InstantiateModule] does, also
// when it fails before the guest starts. Errors: those of [Instantiate],
// of compiling wasm, and of [Host.Run].
func Run(ctx context.Context, r wazero.Runtime, wasm []byte, wasiCtx common.WasiCtx, opts ...Option) (exitCode uint32, err error) {
	h, err := Instantiate(ctx, r, opts...)
	if err != nil {
		discard(wasiCtx)
		return 0, err
	}
	defer h.Close(ctx)
	compiled, err := r.CompileModule(ctx, wasm)
	if err != nil {
		discard(wasiCtx)
		return 0, err
	}
	defer compiled.Close(ctx)
	return h.Run(ctx, compiled, wasiCtx, nil)
}

// discard releases a WasiCtx that never reached an instance, as an
// instance would have: its files, then the context.
func discard(wasiCtx common.WasiCtx) {
	if wasiCtx == nil {
		return
	}
	h := &Host{opts: defaultOptions()}
	in, _ := h.newInstance(wasiCtx)
	in.requestClose()
}

// lookup returns the instance the calling module belongs to, or nil.
//
// Three ways, fastest first. The Host caches one recently used binding:
// one atomic load and a comparison, enough for a runtime running one guest
// at a time. During InstantiateModule (which runs _start, so for a WASI
// command the whole run) the call's context carries the instance, and the
// first call binds it to the calling module. Otherwise the Host's map
// holds every bound instance. A miss refreshes the cache at once when it
// is empty and otherwise on one miss in 32, so that guests running side by
// side do not fight over it.
func (h *Host) lookup(ctx context.Context, mod api.Module) *instance {
	if last := h.last.Load(); last.mod == mod {
		return last.in
	}
	return h.lookupSlow(ctx, mod)
}

// noBinding is what the Host's cache holds when it holds nothing: a binding
// no module matches.
var noBinding = &binding{}

// lookupSlow is lookup past the cache. Whichever way it finds the
// instance, it refreshes the cache (see lookup), so that the calls of a
// command, which all carry the instance in their context, take the fast
// path from the second on rather than search the context every time.
func (h *Host) lookupSlow(ctx context.Context, mod api.Module) *instance {
	if in, ok := ctx.Value(instanceKey{h}).(*instance); ok {
		b := in.binding.Load()
		if b == nil && in.bind(mod) {
			b = in.binding.Load()
		}
		if b != nil && b.mod == mod {
			h.remember(in, b)
			return in
		}
	}
	v, ok := h.bound.Load(mod)
	if !ok {
		return nil
	}
	in := v.(*instance)
	h.remember(in, in.binding.Load())
	return in
}

// remember puts b, the binding of in, in the Host's cache when the cache
// is empty, and otherwise on one miss of in's in 32.
func (h *Host) remember(in *instance, b *binding) {
	if h.last.Load() == noBinding || in.misses.Add(1)%32 == 0 {
		h.last.Store(b)
	}
}

// errNotBound is the trap of a call from a module that this Host does not
// serve: one instantiated without Host.InstantiateModule, or one whose
// instance was already released because the module closed.
type errNotBound struct{ mod api.Module }

func (e errNotBound) Error() string {
	return "wazeroadapter: " + e.mod.String() + " has no WasiCtx: instantiate it with Host.InstantiateModule (or it was closed)"
}

// hostFunc returns the wazero host function for f: untraced, or traced when
// the Host traces. The choice is made here, once, so that tracing costs
// nothing when it is off.
func (h *Host) hostFunc(f *function) api.GoModuleFunc {
	if f.exit {
		return h.procExitFunc(f)
	}
	if h.tracer != nil {
		return h.tracedFunc(f)
	}
	call, unlocked := f.call, f.unlocked
	return func(ctx context.Context, mod api.Module, stack []uint64) {
		// h.enter, written out: this is the path every call takes.
		var in *instance
		if last := h.last.Load(); last.mod == mod {
			in = last.in
		} else {
			in = h.lookupSlow(ctx, mod)
		}
		if in == nil {
			h.refuse(mod)
		}
		if unlocked {
			// A function that touches no state of the instance but its
			// immutable fields and the guest memory takes no lock (see
			// function.unlocked).
			if in.closeRequested.Load() {
				h.refuse(mod)
			}
			stack[0] = uint64(guestErrno(call(ctx, in, mod, stack)))
			return
		}
		in.mu.Lock()
		if in.closed {
			in.mu.Unlock()
			h.refuse(mod)
		}
		defer in.leave()
		stack[0] = uint64(guestErrno(call(ctx, in, mod, stack)))
	}
}

// guestErrno returns the errno a guest may see for e: an implementation
// answering ENOSYS gets ENOTSUP instead (preview1 functions all exist; the
// operation is what is unsupported), and a value outside the
// specification's 77 codes becomes EIO.
func guestErrno(e common.Errno) common.Errno {
	switch {
	case e == common.ENOSYS:
		return common.ENOTSUP
	case !e.Valid():
		return common.EIO
	}
	return e
}

// enter finds the calling instance and locks it for the call. A module the
// Host does not serve traps: there is no errno for "no such process", and
// letting such a guest go on would hide the mistake.
func (h *Host) enter(ctx context.Context, mod api.Module) *instance {
	in := h.lookup(ctx, mod)
	if in == nil || !in.lock() {
		h.refuse(mod)
	}
	return in
}

// refuse traps the call of a module the Host does not serve (any more).
func (h *Host) refuse(mod api.Module) {
	h.bound.Delete(mod)
	panic(errNotBound{mod})
}

// takeFile counts a descriptor an instance is about to hold: false, and
// nothing counted, when the instances of the Host hold
// WithMaxHostOpenFiles together already.
func (h *Host) takeFile() bool {
	limit := h.opts.maxHostOpenFiles
	for {
		n := h.openFiles.Load()
		if limit > 0 && n >= limit {
			return false
		}
		if h.openFiles.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// giveFile uncounts a descriptor takeFile counted.
func (h *Host) giveFile() { h.openFiles.Add(-1) }
