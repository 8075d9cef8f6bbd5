package realprogs

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/capwasi/capwasi/conformance/engine"
	"github.com/capwasi/capwasi/wazeroadapter"
)

// ruby.wasm is a reactor: after _initialize, its host calls exported
// functions in the component model's canonical ABI (strings and lists in
// guest memory allocated with cabi_realloc). It imports the functions of a
// JavaScript host (rb-js-abi-host) and a resource table (canonical_abi);
// Ruby code that does not use JavaScript never calls the first, and the
// second maps a handle to itself here.

// ErrRubyRaised is wrapped by RunRuby's error when the script raised.
var ErrRubyRaised = errors.New("the Ruby script raised an exception")

// RunRuby runs script with the ruby.wasm module wasm on the named engine
// ("capwasi" or "wazero"), with inv's directories, environment and standard
// streams (inv.Wasm and inv.Args are not used). cacheDir, when not empty,
// holds wazero's compiled code between runs. Errors: ErrRubyRaised
// (wrapped) when the script raised; an instantiation or call that failed.
func RunRuby(ctx context.Context, eng string, wasm []byte, inv *engine.Invocation, script, cacheDir string) error {
	cfg := wazero.NewRuntimeConfig()
	if cacheDir != "" {
		cache, err := wazero.NewCompilationCacheWithDir(cacheDir)
		if err != nil {
			return err
		}
		cfg = cfg.WithCompilationCache(cache)
	}
	r := wazero.NewRuntimeWithConfig(ctx, cfg)
	defer r.Close(ctx)
	compiled, err := r.CompileModule(ctx, wasm)
	if err != nil {
		return err
	}
	if err := rubyHostImports(ctx, r, compiled); err != nil {
		return err
	}
	start := wazero.NewModuleConfig().WithStartFunctions("_initialize")
	var mod api.Module
	switch eng {
	case "capwasi":
		h, err := wazeroadapter.Instantiate(ctx, r)
		if err != nil {
			return err
		}
		wctx, err := engine.CapwasiCtx(inv)
		if err != nil {
			return err
		}
		mod, err = h.InstantiateModule(ctx, compiled, wctx, start)
		if err != nil {
			return err
		}
	case "wazero":
		wasi_snapshot_preview1.MustInstantiate(ctx, r)
		mod, err = r.InstantiateModule(ctx, compiled, engine.WazeroConfig(inv).WithStartFunctions("_initialize"))
		if err != nil {
			return err
		}
	default:
		return fmt.Errorf("realprogs: unknown engine %q", eng)
	}
	g := rubyGuest{ctx: ctx, mod: mod}
	args := g.strings("ruby", "--disable-gems", "-e_=0")
	if err := g.call("ruby-init", args...); err != nil {
		return err
	}
	if err := g.call("ruby-init-loadpath"); err != nil {
		return err
	}
	ptr, n := g.str(script)
	ret, err := g.callResult("rb-eval-string-protect", ptr, n)
	if err != nil {
		return err
	}
	state, ok := mod.Memory().ReadUint32Le(uint32(ret) + 4)
	if !ok {
		return fmt.Errorf("realprogs: rb-eval-string-protect returned %#x, outside the memory", ret)
	}
	if state != 0 {
		return fmt.Errorf("realprogs: %w (state %d)", ErrRubyRaised, state)
	}
	return nil
}

// rubyHostImports defines the modules ruby.wasm imports besides WASI: the
// JavaScript host's functions, which fail if called, and a resource table
// whose handles are the values themselves.
func rubyHostImports(ctx context.Context, r wazero.Runtime, compiled wazero.CompiledModule) error {
	builders := map[string]wazero.HostModuleBuilder{}
	for _, f := range compiled.ImportedFunctions() {
		mod, name, _ := f.Import()
		if mod == wasi_snapshot_preview1.ModuleName {
			continue
		}
		b, ok := builders[mod]
		if !ok {
			b = r.NewHostModuleBuilder(mod)
			builders[mod] = b
		}
		params, results := f.ParamTypes(), f.ResultTypes()
		var fn api.GoModuleFunc
		switch {
		case mod == "canonical_abi" && len(params) == 1 && len(results) <= 1:
			fn = func(context.Context, api.Module, []uint64) {} // the handle is the value; dropping it is nothing
		default:
			what := mod + "." + name
			fn = func(context.Context, api.Module, []uint64) {
				panic("realprogs: ruby.wasm called " + what + ": there is no JavaScript host")
			}
		}
		b.NewFunctionBuilder().WithGoModuleFunction(fn, params, results).Export(name)
	}
	for _, b := range builders {
		if _, err := b.Instantiate(ctx); err != nil {
			return err
		}
	}
	return nil
}

// rubyGuest calls ruby.wasm's exports.
type rubyGuest struct {
	ctx context.Context
	mod api.Module
	err error
}

// export finds the function exported under name, whose export name in
// ruby.wasm is followed by its signature ("ruby-init: func(...)").
func (g *rubyGuest) export(name string) api.Function {
	for n := range g.mod.ExportedFunctionDefinitions() {
		if n == name || strings.HasPrefix(n, name+": ") {
			return g.mod.ExportedFunction(n)
		}
	}
	return nil
}

// alloc allocates n bytes aligned to align in guest memory.
func (g *rubyGuest) alloc(align, n uint32) uint32 {
	if g.err != nil {
		return 0
	}
	res, err := g.export("cabi_realloc").Call(g.ctx, 0, 0, uint64(align), uint64(n))
	if err != nil {
		g.err = err
		return 0
	}
	return uint32(res[0])
}

// str copies s into guest memory and returns its pointer and length. A NUL
// follows it: ruby-init hands its arguments to C as they are.
func (g *rubyGuest) str(s string) (uint64, uint64) {
	p := g.alloc(1, uint32(len(s)+1))
	if g.err == nil && !g.mod.Memory().WriteString(p, s+"\x00") {
		g.err = fmt.Errorf("realprogs: cabi_realloc returned %#x, outside the memory", p)
	}
	return uint64(p), uint64(len(s))
}

// strings copies ss into guest memory as a list<string> and returns the
// list's pointer and length.
func (g *rubyGuest) strings(ss ...string) []uint64 {
	list := g.alloc(4, uint32(8*len(ss)))
	for i, s := range ss {
		p, n := g.str(s)
		if g.err == nil && (!g.mod.Memory().WriteUint32Le(list+uint32(8*i), uint32(p)) || !g.mod.Memory().WriteUint32Le(list+uint32(8*i+4), uint32(n))) {
			g.err = fmt.Errorf("realprogs: cabi_realloc returned %#x, outside the memory", list)
		}
	}
	return []uint64{uint64(list), uint64(len(ss))}
}

func (g *rubyGuest) call(name string, params ...uint64) error {
	_, err := g.callResult(name, params...)
	return err
}

// callResult calls the export name and returns its first result, if any.
func (g *rubyGuest) callResult(name string, params ...uint64) (uint64, error) {
	if g.err != nil {
		return 0, g.err
	}
	f := g.export(name)
	if f == nil {
		return 0, fmt.Errorf("realprogs: ruby.wasm exports no %s", name)
	}
	res, err := f.Call(g.ctx, params...)
	if err != nil {
		return 0, fmt.Errorf("realprogs: %s: %w", name, err)
	}
	if len(res) == 0 {
		return 0, nil
	}
	return res[0], nil
}
