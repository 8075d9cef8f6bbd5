package wazeroadapter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	wazerowasi "github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"

	"github.com/capwasi/capwasi/common"
)

func TestInstantiateOptions(t *testing.T) {
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)

	for _, bad := range []Option{WithMaxOpenFiles(2), WithMaxOpenFiles(-1), WithMaxPathLength(0)} {
		_, err := Instantiate(ctx, r, bad)
		assert.Error(t, err)
	}
	_, err := Instantiate(ctx, nil)
	assert.Error(t, err)

	h, err := Instantiate(ctx, r, nil, WithMaxOpenFiles(3), WithMaxPathLength(1), WithTrace(nil))
	require.NoError(t, err)
	_, err = Instantiate(ctx, r)
	assert.Error(t, err, "a second wasi_snapshot_preview1 in one runtime")
	require.NoError(t, h.Close(ctx))
	h, err = Instantiate(ctx, r)
	require.NoError(t, err, "after Close the name is free again")
	require.NoError(t, h.Close(ctx))
}

// TestSignaturesMatchWazero checks every exported function against
// wazero's own wasi_snapshot_preview1: same names, same parameter and
// result types.
func TestSignaturesMatchWazero(t *testing.T) {
	ctx := context.Background()
	theirs := wazero.NewRuntime(ctx)
	defer theirs.Close(ctx)
	wazerowasi.MustInstantiate(ctx, theirs)
	want := theirs.Module(ModuleName).ExportedFunctionDefinitions()

	got := newEnv(t).r.Module(ModuleName).ExportedFunctionDefinitions()
	require.Len(t, got, 46)
	require.Len(t, want, 46)
	for name, w := range want {
		g, ok := got[name]
		if assert.True(t, ok, name) {
			assert.Equal(t, w.ParamTypes(), g.ParamTypes(), name)
			assert.Equal(t, w.ResultTypes(), g.ResultTypes(), name)
			assert.Equal(t, len(w.ParamNames()), len(g.ParamNames()), name)
		}
	}
}

func TestCloseReleasesEverythingOnce(t *testing.T) {
	for _, how := range []string{"module", "runtime", "proc_exit"} {
		t.Run(how, func(t *testing.T) {
			ctx := context.Background()
			env := newEnv(t)
			c, _, root := newFakeCtx()
			sock := &sockFile{listener: true}
			c.withSocket(sock)
			g := env.start(t, c)
			fd, errno := g.open(3, "a.txt", 0, common.RightsFdRead, 0, 0)
			require.Equal(t, common.ESUCCESS, errno)
			e, _ := g.instance().fds.Get(common.Fd(fd))
			opened := e.file.(*memFile)
			require.Equal(t, common.ESUCCESS, g.call("fd_close", 0)) // closed by the guest: not again

			switch how {
			case "module":
				require.NoError(t, g.mod.Close(ctx))
				require.NoError(t, g.mod.Close(ctx))
			case "runtime":
				require.NoError(t, env.r.Close(ctx))
			case "proc_exit":
				err := g.mod.ExportedFunction("call_proc_exit").CallWithStack(ctx, []uint64{7})
				var exit *sys.ExitError
				require.ErrorAs(t, err, &exit)
				assert.Equal(t, uint32(7), exit.ExitCode())
				assert.True(t, g.mod.IsClosed())
			}
			for name, f := range map[string]interface{ closes() int }{
				"stdin": c.stdin.(*streamFile), "stdout": c.stdout.(*streamFile), "stderr": c.stderr.(*streamFile),
				"preopen": root, "socket": sock, "opened": opened,
			} {
				assert.Equal(t, 1, f.closes(), name)
			}
			assert.Equal(t, 1, c.closeCalls())
			_, ok := env.host.bound.Load(g.mod)
			assert.False(t, ok, "the instance is forgotten")
		})
	}
}

// instance returns the guest's instance (tests only).
func (g *guest) instance() *instance {
	v, ok := g.host.bound.Load(g.mod)
	require.True(g.t, ok)
	return v.(*instance)
}

func TestInstantiateModuleFailures(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t, WithMaxOpenFiles(4))

	_, err := env.host.InstantiateModule(ctx, env.compiled, nil, nil)
	assert.Error(t, err)

	// A nil standard stream: refused, and what was handed out is closed.
	c, _, root := newFakeCtx()
	c.stdout = nil
	_, err = env.host.InstantiateModule(ctx, env.compiled, c, nil)
	assert.ErrorContains(t, err, "nil Stdout")
	assert.Equal(t, 1, root.closes())
	assert.Equal(t, 1, c.stdin.(*streamFile).closes())
	assert.Equal(t, 1, c.closeCalls())

	// More descriptors than the limit.
	c, _, root = newFakeCtx()
	extra := newMemDir(false)
	c.preopens = append(c.preopens, common.Preopen{GuestPath: "/x", Dir: extra})
	_, err = env.host.InstantiateModule(ctx, env.compiled, c, nil)
	assert.ErrorContains(t, err, "WithMaxOpenFiles")
	assert.Equal(t, 1, root.closes())
	assert.Equal(t, 1, extra.closes())
	assert.Equal(t, 1, c.closeCalls())

	// A nil compiled module.
	c, _, _ = newFakeCtx()
	_, err = env.host.InstantiateModule(ctx, nil, c, nil)
	assert.Error(t, err)
	assert.Equal(t, 1, c.closeCalls())

	// wazero refuses the instantiation (a duplicate name).
	c1, _, _ := newFakeCtx()
	mod, err := env.host.InstantiateModule(ctx, env.compiled, c1, wazero.NewModuleConfig().WithName("dup").WithStartFunctions())
	require.NoError(t, err)
	defer mod.Close(ctx)
	c2, _, root2 := newFakeCtx()
	_, err = env.host.InstantiateModule(ctx, env.compiled, c2, wazero.NewModuleConfig().WithName("dup").WithStartFunctions())
	assert.Error(t, err)
	assert.Equal(t, 1, root2.closes())
	assert.Equal(t, 1, c2.closeCalls())
	assert.Equal(t, 0, c1.closeCalls())
}

func TestUnboundModuleTraps(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t)
	mod, err := env.r.InstantiateModule(ctx, env.compiled, wazero.NewModuleConfig().WithStartFunctions())
	require.NoError(t, err)
	err = mod.ExportedFunction("call_sched_yield").CallWithStack(ctx, make([]uint64, 1))
	assert.ErrorContains(t, err, "has no WasiCtx")
}

// TestMemorylessGuest: a guest without memory gets EFAULT for a call that
// needs it, also when guests with and without memory are instantiated in
// turn on one Host (which remembers the last module's answer).
func TestMemorylessGuest(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t)
	compiled, err := env.r.CompileModule(ctx, memorylessModule())
	require.NoError(t, err)
	for range 2 {
		c, _, _ := newFakeCtx()
		mod, err := env.host.InstantiateModule(ctx, compiled, c, wazero.NewModuleConfig().WithStartFunctions())
		require.NoError(t, err)
		stack := []uint64{1, 0, 0, 0}
		require.NoError(t, mod.ExportedFunction("call_fd_write").CallWithStack(ctx, stack))
		assert.Equal(t, common.EFAULT, common.Errno(stack[0]))
		stack = []uint64{99, 0, 0, 0}
		require.NoError(t, mod.ExportedFunction("call_fd_write").CallWithStack(ctx, stack))
		assert.Equal(t, common.EBADF, common.Errno(stack[0]))

		c2, _, _ := newFakeCtx()
		g := env.start(t, c2) // a guest with memory, in between
		assert.Equal(t, common.ESUCCESS, g.call("fd_write", 1, 0, 0, 64), "no EFAULT with memory")
	}
}

// startModule returns a module whose _start runs body, a sequence of
// calls: a non-negative value is a proc_exit with that code; -1 traps.
// It imports proc_exit and fd_write and exports its memory.
func startModule(exit int) []byte {
	var types, imports, exports, code []byte
	types = append(types, 0x60, 1, i32, 0) // (i32) -> ()
	types = append(types, 0x60, 0, 0)      // () -> ()
	imports = appendName(imports, "wasi_snapshot_preview1")
	imports = appendName(imports, "proc_exit")
	imports = append(imports, 0x00, 0)
	exports = appendName(exports, "_start")
	exports = append(exports, 0x00, 1)
	exports = appendName(exports, "memory")
	exports = append(exports, 0x02, 0)
	var body []byte
	switch {
	case exit >= 0:
		body = append(body, 0, 0x41) // i32.const exit
		body = appendS32(body, int32(exit))
		body = append(body, 0x10, 0, 0x0b)
	case exit == -1:
		body = []byte{0, 0x00, 0x0b} // unreachable
	default:
		body = []byte{0, 0x0b} // return normally
	}
	code = appendU32(code, uint32(len(body)))
	code = append(code, body...)
	m := []byte{0x00, 'a', 's', 'm', 1, 0, 0, 0}
	m = appendSection(m, 1, 2, types)
	m = appendSection(m, 2, 1, imports)
	m = appendSection(m, 3, 1, []byte{1})
	m = appendSection(m, 5, 1, []byte{0x00, 1})
	m = appendSection(m, 7, 2, exports)
	m = appendSection(m, 10, 1, code)
	return m
}

// appendS32 appends v in signed LEB128.
func appendS32(b []byte, v int32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func TestRun(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		exit int
		code uint32
		err  bool
	}{{0, 0, false}, {3, 3, false}, {255, 255, false}, {-2, 0, false}, {-1, 0, true}} {
		t.Run(fmt.Sprint(tc.exit), func(t *testing.T) {
			r := wazero.NewRuntime(ctx)
			defer r.Close(ctx)
			c, _, root := newFakeCtx()
			code, err := Run(ctx, r, startModule(tc.exit), c)
			if tc.err {
				assert.Error(t, err)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tc.code, code)
			assert.Equal(t, 1, c.closeCalls())
			assert.Equal(t, 1, root.closes())
			assert.Nil(t, r.Module(ModuleName), "Run closes its Host")
		})
	}

	// Failures before the guest starts still release the context.
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	c, _, _ := newFakeCtx()
	_, err := Run(ctx, r, []byte("not wasm"), c)
	assert.Error(t, err)
	assert.Equal(t, 1, c.closeCalls())
	c, _, _ = newFakeCtx()
	_, err = Run(ctx, r, startModule(0), c, WithMaxOpenFiles(1))
	assert.Error(t, err)
	assert.Equal(t, 1, c.closeCalls())
}

// TestHostRunMany runs guests one after another and side by side in one
// runtime with one Host.
func TestHostRunMany(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t)
	compiled, err := env.r.CompileModule(ctx, startModule(5))
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 5 {
				c, _, _ := newFakeCtx()
				code, err := env.host.Run(ctx, compiled, c, nil)
				assert.NoError(t, err)
				assert.Equal(t, uint32(5), code)
				assert.Equal(t, 1, c.closeCalls())
			}
		})
	}
	wg.Wait()
}

// TestConcurrentGuestsShareNothing runs guests in parallel on the shared
// Host: each sees only its own descriptors and output.
func TestConcurrentGuestsShareNothing(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			c, out, root := newFakeCtx()
			root.add("mine", common.FiletypeRegularFile, fmt.Sprint(i))
			g := defaultEnv(t).start(t, c)
			for range 50 {
				fd, errno := g.open(3, "mine", 0, common.RightsFdRead, 0, 0)
				if !assert.Equal(t, common.ESUCCESS, errno) {
					return
				}
				assert.Equal(t, uint32(4), fd, "lowest free descriptor, per instance")
				s, errno := g.readN(fd, 16)
				assert.Equal(t, common.ESUCCESS, errno)
				assert.Equal(t, fmt.Sprint(i), s)
				_, errno = g.write(1, s)
				assert.Equal(t, common.ESUCCESS, errno)
				assert.Equal(t, common.ESUCCESS, g.call("fd_close", uint64(fd)))
			}
			assert.Equal(t, 50, out.Len())
			for _, b := range out.Bytes() {
				assert.Equal(t, byte('0'+i), b)
			}
		})
	}
	wg.Wait()
}

// blockingReader blocks each Read until release is closed.
type blockingReader struct {
	entered chan struct{}
	release chan struct{}
}

func (r *blockingReader) Read(b []byte) (int, error) {
	close(r.entered)
	<-r.release
	return 0, io.EOF
}

// TestCloseDuringCall closes a module from another goroutine while one of
// its calls blocks: the close must not wait for the call, and the files
// are released when the call returns.
func TestCloseDuringCall(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t)
	c, _, root := newFakeCtx()
	br := &blockingReader{entered: make(chan struct{}), release: make(chan struct{})}
	c.stdin = &streamFile{r: br}
	g := env.start(t, c)
	buf := g.out(8)
	iovs, n := g.iovecs([2]uint64{buf, 8})
	out := g.out(4)
	done := make(chan error, 1)
	go func() {
		done <- g.mod.ExportedFunction("call_fd_read").CallWithStack(ctx, []uint64{0, iovs, n, out})
	}()
	<-br.entered
	closed := make(chan struct{})
	go func() { _ = g.mod.Close(ctx); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close waited for the blocked call")
	}
	assert.Equal(t, 0, c.closeCalls(), "not released while the call runs")
	close(br.release)
	if err := <-done; err != nil { // wazero reports the close when the call returns
		var exit *sys.ExitError
		require.ErrorAs(t, err, &exit)
		assert.Equal(t, uint32(0), exit.ExitCode())
	}
	assert.Equal(t, 1, c.closeCalls())
	assert.Equal(t, 1, root.closes())
	assert.Equal(t, 1, c.stdin.(*streamFile).closes())

	// A later call from the closed module traps.
	err := g.mod.ExportedFunction("call_sched_yield").CallWithStack(ctx, make([]uint64, 1))
	assert.Error(t, err)
}

// TestContextBinding checks that the instance found through the call's
// context during instantiation is the one of the calling module, and that
// calls made later with an unrelated context find it too.
func TestContextBinding(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t)
	c, out, _ := newFakeCtx()
	mod, err := env.host.InstantiateModule(ctx, env.compiled, c, wazero.NewModuleConfig().WithStartFunctions())
	require.NoError(t, err)
	defer mod.Close(ctx)
	g := &guest{t: t, host: env.host, mod: mod, ctx: context.WithValue(ctx, otherKey{}, 1), fns: map[string]api.Function{}, stack: make([]uint64, maxParams), next: 1024}
	_, errno := g.write(1, "x")
	assert.Equal(t, common.ESUCCESS, errno)
	assert.Equal(t, "x", out.String())
}

func TestErrNotBoundMessage(t *testing.T) {
	env := newEnv(t)
	assert.True(t, errors.As(error(errNotBound{env.host.mod}), new(errNotBound)))
	assert.Contains(t, errNotBound{env.host.mod}.Error(), "Host.InstantiateModule")
}

// otherKey is a context key of the tests.
type otherKey struct{}

// waitFile's Read blocks until its context is done.
type waitFile struct {
	streamFile
	entered chan struct{}
}

func (f *waitFile) Read(ctx context.Context, _ [][]byte) (int, error) {
	close(f.entered)
	<-ctx.Done()
	return 0, ctx.Err()
}

// TestCloseOnContextDone: with wazero's close-on-context-done, cancelling
// a call blocked in the implementation ends it, and the instance is
// released.
func TestCloseOnContextDone(t *testing.T) {
	ctx := context.Background()
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCloseOnContextDone(true))
	defer r.Close(ctx)
	env := buildEnv(t, r)
	c, _, root := newFakeCtx()
	wf := &waitFile{entered: make(chan struct{})}
	c.stdin = wf
	g := env.start(t, c)
	buf := g.out(8)
	iovs, n := g.iovecs([2]uint64{buf, 8})
	out := g.out(4)
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	stack := []uint64{0, iovs, n, out}
	go func() {
		done <- g.mod.ExportedFunction("call_fd_read").CallWithStack(cctx, stack)
	}()
	<-wf.entered
	cancel()
	// wazero either closes the module (the call fails with its exit code)
	// or, when the call returns first, lets the guest see ECANCELED.
	if err := <-done; err != nil {
		var exit *sys.ExitError
		require.ErrorAs(t, err, &exit)
		assert.Equal(t, sys.ExitCodeContextCanceled, exit.ExitCode())
	} else {
		assert.Equal(t, common.ECANCELED, common.Errno(stack[0]))
		require.NoError(t, g.mod.Close(ctx))
	}
	// wazero's watcher may close the module just after the call returned,
	// and then without calling its close notifier (see
	// TestWazeroSkipsTheCloseNotifier): the Host's next InstantiateModule
	// releases such an instance, as InstantiateModule documents.
	next, _, _ := newFakeCtx()
	env.start(t, next)
	require.Eventually(t, func() bool { return c.closeCalls() == 1 }, 5*time.Second, time.Millisecond,
		"the instance is released at the latest by the next InstantiateModule")
	assert.Equal(t, 1, c.closeCalls())
	assert.Equal(t, 1, root.closes())
	assert.Equal(t, 1, wf.closes())
}

func TestExitCode(t *testing.T) {
	live := context.Background()
	cancelled, cancel := context.WithCancel(live)
	cancel()
	code, err := ExitCode(live, nil)
	assert.Equal(t, uint32(0), code)
	assert.NoError(t, err)

	code, err = ExitCode(live, sys.NewExitError(3))
	assert.Equal(t, uint32(3), code)
	assert.NoError(t, err, "proc_exit is a result, not an error")

	code, err = ExitCode(live, fmt.Errorf("wrapped: %w", sys.NewExitError(sys.ExitCodeContextCanceled)))
	assert.Equal(t, sys.ExitCodeContextCanceled, code)
	assert.NoError(t, err, "the guest may exit with any code while its context lives")

	stopped := sys.NewExitError(sys.ExitCodeContextCanceled)
	code, err = ExitCode(cancelled, stopped)
	assert.Equal(t, sys.ExitCodeContextCanceled, code)
	assert.Same(t, stopped, err, "stopped by its context: an error with the code")

	code, err = ExitCode(cancelled, sys.NewExitError(9))
	assert.Equal(t, uint32(9), code)
	assert.NoError(t, err, "an exit of its own before the context ended")

	trap := errors.New("wasm error: unreachable")
	code, err = ExitCode(live, trap)
	assert.Equal(t, uint32(0), code)
	assert.Same(t, trap, err)
}
