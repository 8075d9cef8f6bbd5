package wazeroadapter

import (
	"context"
	"io"
	"sync/atomic"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	wazerowasi "github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/capwasi/capwasi/common"
)

// The benchmarks compare, per function, this adapter with wazero's
// built-in WASI doing the same work, in the same run: the same test guest
// calls the function through its trampoline, so the wasm call overhead is
// the same on both sides.
//
//	go test -run - -bench . -benchmem github.com/capwasi/capwasi/wazeroadapter

// benchGuest is one side of a comparison: a guest module and the
// argument area of its memory.
type benchGuest struct {
	mod  api.Module
	host *Host  // nil for wazero's side
	buf  uint32 // 64 bytes of data
	out  uint32 // 64 bytes for results
	iov  uint32 // an iovec over 16 bytes of buf
	sub  uint32 // a clock subscription with timeout 0
	evt  uint32 // room for one event
}

// benchCtx is a goCtx whose scheduler does not sleep (wazero's poll_oneoff
// on a clock subscription with timeout 0 does not either) and whose clocks
// are benchClock, as wazero's are in the comparison.
type benchCtx struct{ goCtx }

func (c *benchCtx) Sched() common.Sched   { return c.sched }
func (c *benchCtx) Clocks() common.Clocks { return benchClocks{} }

// benchClock is a clock that costs nothing to read: both sides of the
// comparison use it, so that only the bindings are compared.
var benchTicks atomic.Int64

func benchClock() int64 { return benchTicks.Add(1) }

// benchClocks are the Clocks over benchClock.
type benchClocks struct{}

func (benchClocks) Resolution(common.Clockid) (common.Timestamp, error) { return 1, nil }
func (benchClocks) Now(common.Clockid) (common.Timestamp, error) {
	return common.Timestamp(benchClock()), nil
}

// capwasiBenchCtx: stdout discards, stdin reads zeros, realtime clocks.
func capwasiBenchCtx() common.WasiCtx {
	c, _, _ := newFakeCtx()
	c.stdin = &streamFile{r: zeroReader{}}
	c.stdout = &streamFile{w: io.Discard}
	c.random = zeroReader{}
	return &benchCtx{goCtx{fakeCtx: c}}
}

func newBenchGuests(b *testing.B) (ours, theirs *benchGuest) {
	ctx := context.Background()
	r1 := wazero.NewRuntime(ctx)
	b.Cleanup(func() { _ = r1.Close(ctx) })
	env := buildEnv(b, r1)
	mod, err := env.host.InstantiateModule(ctx, env.compiled, capwasiBenchCtx(), wazero.NewModuleConfig().WithStartFunctions())
	if err != nil {
		b.Fatal(err)
	}
	ours = setupBenchGuest(b, mod)
	ours.host = env.host

	r2 := wazero.NewRuntime(ctx)
	b.Cleanup(func() { _ = r2.Close(ctx) })
	wazerowasi.MustInstantiate(ctx, r2)
	compiled, err := r2.CompileModule(ctx, trampolineModule())
	if err != nil {
		b.Fatal(err)
	}
	cfg := wazero.NewModuleConfig().WithStartFunctions().
		WithStdout(io.Discard).WithStdin(zeroReader{}).WithRandSource(zeroReader{}).
		WithArgs("guest", "arg1").WithEnv("A", "1").WithEnv("B", "two").
		WithNanotime(benchClock, 1).WithWalltime(func() (int64, int32) { t := benchClock(); return t / 1e9, int32(t % 1e9) }, 1).
		WithNanosleep(func(int64) {})
	mod, err = r2.InstantiateModule(ctx, compiled, cfg)
	if err != nil {
		b.Fatal(err)
	}
	return ours, setupBenchGuest(b, mod)
}

func setupBenchGuest(b *testing.B, mod api.Module) *benchGuest {
	g := &benchGuest{mod: mod, buf: 1024, out: 1024 + 64, iov: 1024 + 128, sub: 1024 + 192, evt: 1024 + 256}
	m := mod.Memory()
	m.WriteUint32Le(g.iov, g.buf)
	m.WriteUint32Le(g.iov+4, 16)
	clock := subBytes(common.Subscription{Type: common.EventtypeClock, Clock: common.SubscriptionClock{ID: common.ClockidMonotonic}})
	if !m.Write(g.sub, clock) {
		b.Fatal("memory")
	}
	return g
}

// benchCases are the functions compared, with their arguments.
func benchCases(g *benchGuest) []struct {
	name   string
	params []uint64
} {
	return []struct {
		name   string
		params []uint64
	}{
		{"fd_write", []uint64{1, uint64(g.iov), 1, uint64(g.out)}},
		{"fd_read", []uint64{0, uint64(g.iov), 1, uint64(g.out)}},
		{"clock_time_get", []uint64{uint64(common.ClockidMonotonic), 0, uint64(g.out)}},
		{"args_sizes_get", []uint64{uint64(g.out), uint64(g.out + 4)}},
		{"environ_get", []uint64{uint64(g.out), uint64(g.buf)}},
		{"random_get", []uint64{uint64(g.buf), 32}},
		{"fd_fdstat_get", []uint64{1, uint64(g.out)}},
		{"poll_oneoff", []uint64{uint64(g.sub), uint64(g.evt), 1, uint64(g.out)}},
		{"sched_yield", nil},
	}
}

func BenchmarkFunctions(b *testing.B) {
	ours, theirs := newBenchGuests(b)
	for i, tc := range benchCases(ours) {
		for _, side := range []struct {
			name string
			g    *benchGuest
		}{{"capwasi", ours}, {"wazero", theirs}} {
			b.Run(tc.name+"/impl="+side.name, func(b *testing.B) {
				params := benchCases(side.g)[i].params
				fn := side.g.mod.ExportedFunction("call_" + tc.name)
				stack := make([]uint64, maxParams)
				ctx := context.Background()
				b.ReportAllocs()
				for b.Loop() {
					copy(stack, params)
					if err := fn.CallWithStack(ctx, stack); err != nil || stack[0] != 0 {
						b.Fatalf("%s: %v errno %d", tc.name, err, stack[0])
					}
				}
			})
		}
	}
}

// BenchmarkHostFunc measures the adapter's own cost per call, without the
// wasm call around it: its host functions called directly, as wazero calls
// them.
func BenchmarkHostFunc(b *testing.B) { benchHostFuncs(b, false) }

// benchHostFuncs runs BenchmarkHostFunc, or with duringStart the calls as
// a command makes them: with the context InstantiateModule gives its
// start functions and the Host's cache empty at first.
func benchHostFuncs(b *testing.B, duringStart bool) {
	ours, _ := newBenchGuests(b)
	for _, tc := range benchCases(ours) {
		b.Run(tc.name, func(b *testing.B) {
			fn := ours.host.hostFunc(functionByName(b, tc.name))
			stack := make([]uint64, maxParams)
			ctx := context.Background()
			if duringStart {
				ctx = startCtx(ours)
				ours.host.last.Store(noBinding)
			}
			b.ReportAllocs()
			for b.Loop() {
				copy(stack, tc.params)
				fn(ctx, ours.mod, stack)
				if stack[0] != 0 {
					b.Fatalf("%s: errno %d", tc.name, stack[0])
				}
			}
		})
	}
}
