package wazeroadapter

import (
	"context"
	"encoding/binary"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/capwasi/capwasi/common"
)

// testEnv is a runtime with a Host and the compiled test guest.
type testEnv struct {
	r        wazero.Runtime
	host     *Host
	compiled wazero.CompiledModule
}

var (
	sharedEnvOnce sync.Once
	sharedEnv     *testEnv
	strictEnvOnce sync.Once
	strictEnv     *testEnv
)

// defaultEnv returns the package's shared runtime and Host with default
// options. Its instances are the "many guests in one runtime" case.
func defaultEnv(t testing.TB) *testEnv {
	sharedEnvOnce.Do(func() {
		sharedEnv = buildEnv(t, wazero.NewRuntime(context.Background()))
	})
	return sharedEnv
}

// strictRightsEnv returns a shared runtime and Host with WithStrictRights,
// for the tests of the specification's rights model.
func strictRightsEnv(t testing.TB) *testEnv {
	strictEnvOnce.Do(func() {
		strictEnv = buildEnv(t, wazero.NewRuntime(context.Background()), WithStrictRights())
	})
	return strictEnv
}

// newEnv returns a runtime of its own with a Host built with opts, closed
// when the test ends.
func newEnv(t testing.TB, opts ...Option) *testEnv {
	r := wazero.NewRuntime(context.Background())
	t.Cleanup(func() { _ = r.Close(context.Background()) })
	return buildEnv(t, r, opts...)
}

func buildEnv(t testing.TB, r wazero.Runtime, opts ...Option) *testEnv {
	ctx := context.Background()
	h, err := Instantiate(ctx, r, opts...)
	require.NoError(t, err)
	compiled, err := r.CompileModule(ctx, trampolineModule())
	require.NoError(t, err)
	return &testEnv{r: r, host: h, compiled: compiled}
}

// guest is an instance of the test guest.
type guest struct {
	t     testing.TB
	host  *Host
	mod   api.Module
	ctx   context.Context
	fns   map[string]api.Function
	stack []uint64
	next  uint32 // bump allocator in guest memory
}

// start instantiates the test guest with w, without start functions, and
// closes it when the test ends.
func (e *testEnv) start(t testing.TB, w common.WasiCtx) *guest {
	ctx := context.Background()
	mod, err := e.host.InstantiateModule(ctx, e.compiled, w, wazero.NewModuleConfig().WithStartFunctions())
	require.NoError(t, err)
	t.Cleanup(func() { _ = mod.Close(ctx) })
	return &guest{t: t, host: e.host, mod: mod, ctx: ctx, fns: map[string]api.Function{}, stack: make([]uint64, maxParams), next: 1024}
}

// newGuest starts a guest on the shared Host with a fresh fake context.
func newGuest(t testing.TB) (*guest, *fakeCtx) {
	c, _, _ := newFakeCtx()
	return defaultEnv(t).start(t, c), c
}

// newStrictGuest starts a guest on the shared Host with strict rights
// (WithStrictRights) and a fresh fake context.
func newStrictGuest(t testing.TB) (*guest, *fakeCtx) {
	c, _, _ := newFakeCtx()
	return strictRightsEnv(t).start(t, c), c
}

// call calls the preview1 function name with raw parameters and returns
// the errno.
func (g *guest) call(name string, params ...uint64) common.Errno {
	g.t.Helper()
	f, ok := g.fns[name]
	if !ok {
		f = g.mod.ExportedFunction("call_" + name)
		require.NotNil(g.t, f, name)
		g.fns[name] = f
	}
	copy(g.stack, params)
	require.NoError(g.t, f.CallWithStack(g.ctx, g.stack), name)
	return common.Errno(g.stack[0])
}

// alloc reserves n bytes of guest memory, 8-aligned, and returns their
// address.
func (g *guest) alloc(n uint32) uint32 {
	p := g.next
	g.next = (g.next + n + 7) &^ 7
	require.LessOrEqual(g.t, g.next, g.mod.Memory().Size(), "test guest out of memory")
	return p
}

// bytes writes b to fresh guest memory and returns its address and length
// as parameters.
func (g *guest) bytes(b []byte) (ptr, n uint64) {
	p := g.alloc(uint32(len(b)))
	require.True(g.t, g.mod.Memory().Write(p, b))
	return uint64(p), uint64(len(b))
}

// str is bytes for a string.
func (g *guest) str(s string) (ptr, n uint64) { return g.bytes([]byte(s)) }

// out reserves an output area of n bytes, filled with 0xee so that tests
// see what a call wrote.
func (g *guest) out(n uint32) uint64 {
	p := g.alloc(n)
	b, _ := g.mod.Memory().Read(p, n)
	for i := range b {
		b[i] = 0xee
	}
	return uint64(p)
}

func (g *guest) read(ptr uint64, n uint32) []byte {
	b, ok := g.mod.Memory().Read(uint32(ptr), n)
	require.True(g.t, ok)
	return append([]byte(nil), b...)
}

func (g *guest) u16(ptr uint64) uint16 { return binary.LittleEndian.Uint16(g.read(ptr, 2)) }
func (g *guest) u32(ptr uint64) uint32 { return binary.LittleEndian.Uint32(g.read(ptr, 4)) }
func (g *guest) u64(ptr uint64) uint64 { return binary.LittleEndian.Uint64(g.read(ptr, 8)) }

// iovecs writes an iovec array pointing at the given buffers (address,
// length) and returns its address and count.
func (g *guest) iovecs(bufs ...[2]uint64) (ptr, n uint64) {
	b := make([]byte, 8*len(bufs))
	for i, buf := range bufs {
		binary.LittleEndian.PutUint32(b[8*i:], uint32(buf[0]))
		binary.LittleEndian.PutUint32(b[8*i+4:], uint32(buf[1]))
	}
	p, _ := g.bytes(b)
	return p, uint64(len(bufs))
}

// memSize is the guest memory's size in bytes.
func (g *guest) memSize() uint64 { return uint64(g.mod.Memory().Size()) }

// open calls path_open and returns the new descriptor.
func (g *guest) open(dirfd uint32, path string, oflags common.Oflags, base, inheriting common.Rights, fdflags common.Fdflags) (uint32, common.Errno) {
	g.t.Helper()
	p, n := g.str(path)
	out := g.out(4)
	errno := g.call("path_open", uint64(dirfd), uint64(common.LookupflagsSymlinkFollow), p, n, uint64(oflags), uint64(base), uint64(inheriting), uint64(fdflags), out)
	if errno != common.ESUCCESS {
		return 0, errno
	}
	return g.u32(out), errno
}

// fdstat calls fd_fdstat_get and decodes the result.
func (g *guest) fdstat(fd uint32) (common.Fdstat, common.Errno) {
	g.t.Helper()
	out := g.out(common.FdstatSize)
	errno := g.call("fd_fdstat_get", uint64(fd), out)
	if errno != common.ESUCCESS {
		return common.Fdstat{}, errno
	}
	b := g.read(out, common.FdstatSize)
	return common.Fdstat{
		Filetype:         common.Filetype(b[0]),
		Flags:            common.Fdflags(binary.LittleEndian.Uint16(b[2:])),
		RightsBase:       common.Rights(binary.LittleEndian.Uint64(b[8:])),
		RightsInheriting: common.Rights(binary.LittleEndian.Uint64(b[16:])),
	}, errno
}

// write calls fd_write with one buffer holding s and returns the count.
func (g *guest) write(fd uint32, s string) (uint32, common.Errno) {
	g.t.Helper()
	p, n := g.str(s)
	iovs, cnt := g.iovecs([2]uint64{p, n})
	out := g.out(4)
	errno := g.call("fd_write", uint64(fd), iovs, cnt, out)
	if errno != common.ESUCCESS {
		return 0, errno
	}
	return g.u32(out), errno
}

// readAll calls fd_read once into a buffer of n bytes.
func (g *guest) readN(fd uint32, n uint32) (string, common.Errno) {
	g.t.Helper()
	buf := g.out(n)
	iovs, cnt := g.iovecs([2]uint64{buf, uint64(n)})
	out := g.out(4)
	errno := g.call("fd_read", uint64(fd), iovs, cnt, out)
	if errno != common.ESUCCESS {
		return "", errno
	}
	return string(g.read(buf, g.u32(out))), errno
}
