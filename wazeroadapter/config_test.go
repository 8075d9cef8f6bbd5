package wazeroadapter

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero"
)

// startersModule returns a module with two exported functions of no
// parameters, "setup" and "_start", each writing its name and a newline to
// stdout with fd_write.
func startersModule() []byte {
	var types []byte
	types = append(types, 0x60, 4, i32, i32, i32, i32, 1, i32) // type 0: fd_write
	types = append(types, 0x60, 0, 0)                          // type 1: () -> ()
	imports := appendName(nil, "wasi_snapshot_preview1")
	imports = appendName(imports, "fd_write")
	imports = append(imports, 0x00, 0) // a function of type 0: function 0
	funcs := []byte{1, 1}              // functions 1 and 2, of type 1
	var exports []byte
	exports = appendName(exports, "setup")
	exports = append(exports, 0x00, 1)
	exports = appendName(exports, "_start")
	exports = append(exports, 0x00, 2)
	exports = appendName(exports, "memory")
	exports = append(exports, 0x02, 0)
	var code []byte
	for _, iov := range []byte{0, 16} { // fd_write(1, iov, 1, 32); drop
		body := []byte{0, 0x41, 1, 0x41, iov, 0x41, 1, 0x41, 32, 0x10, 0, 0x1a, 0x0b}
		code = appendU32(code, uint32(len(body)))
		code = append(code, body...)
	}
	// Memory: iovecs at 0 and 16 over "setup\n" at 64 and "_start\n" at 80.
	mem := make([]byte, 88)
	copy(mem[0:], []byte{64, 0, 0, 0, 6, 0, 0, 0})
	copy(mem[16:], []byte{80, 0, 0, 0, 7, 0, 0, 0})
	copy(mem[64:], "setup\n")
	copy(mem[80:], "_start\n")
	data := []byte{0x00, 0x41, 0, 0x0b} // active, memory 0, offset i32.const 0
	data = appendU32(data, uint32(len(mem)))
	data = append(data, mem...)

	m := []byte{0x00, 'a', 's', 'm', 1, 0, 0, 0}
	m = appendSection(m, 1, 2, types)
	m = appendSection(m, 2, 1, imports)
	m = appendSection(m, 3, 2, funcs)
	m = appendSection(m, 5, 1, []byte{0x00, 1})
	m = appendSection(m, 7, 3, exports)
	m = appendSection(m, 10, 2, code)
	m = appendSection(m, 11, 1, data)
	return m
}

// TestModuleConfigOptionsThatAreNotWASI: a wazero.ModuleConfig given to
// InstantiateModule keeps what is not WASI (the module's name, its start
// functions); its WASI parts (arguments, environment, streams, file
// systems, clocks, randomness) are the WasiCtx's, and the config's are
// ignored.
func TestModuleConfigOptionsThatAreNotWASI(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t)
	compiled, err := env.r.CompileModule(ctx, startersModule())
	require.NoError(t, err)

	// The default start function, _start.
	c, out, _ := newFakeCtx()
	mod, err := env.host.InstantiateModule(ctx, compiled, c, nil)
	require.NoError(t, err)
	assert.Equal(t, "_start\n", out.String())
	require.NoError(t, mod.Close(ctx))

	// WithName and WithStartFunctions; the config's stdout is ignored.
	var ignored bytes.Buffer
	c, out, _ = newFakeCtx()
	cfg := wazero.NewModuleConfig().WithName("plugin").WithStartFunctions("setup").
		WithStdout(&ignored).WithArgs("ignored").WithEnv("IGNORED", "1")
	mod, err = env.host.InstantiateModule(ctx, compiled, c, cfg)
	require.NoError(t, err)
	assert.Equal(t, "plugin", mod.Name())
	assert.Equal(t, "setup\n", out.String(), "only the configured start function ran")
	assert.Same(t, mod, env.r.Module("plugin"), "the runtime knows the module by its name")
	_, err = mod.ExportedFunction("_start").Call(ctx)
	require.NoError(t, err)
	assert.Equal(t, "setup\n_start\n", out.String(), "later calls reach the same WasiCtx")
	assert.Empty(t, ignored.String())

	// Several start functions, in order; and anonymous modules side by side.
	for range 2 {
		c, out, _ = newFakeCtx()
		anon, err := env.host.InstantiateModule(ctx, compiled, c, wazero.NewModuleConfig().WithName("").WithStartFunctions("_start", "setup"))
		require.NoError(t, err)
		defer anon.Close(ctx)
		assert.Equal(t, "_start\nsetup\n", out.String())
	}

	// No start function: nothing runs until the embedder calls one.
	c, out, _ = newFakeCtx()
	mod2, err := env.host.InstantiateModule(ctx, compiled, c, wazero.NewModuleConfig().WithName("lazy").WithStartFunctions())
	require.NoError(t, err)
	assert.Empty(t, out.String())
	_, err = mod2.ExportedFunction("setup").Call(ctx)
	require.NoError(t, err)
	assert.Equal(t, "setup\n", out.String())
	require.NoError(t, mod2.Close(ctx))
	require.NoError(t, mod.Close(ctx))
}
