package wazeroadapter

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/capwasi/capwasi/common"
)

// startCtx is the context of the calls a command makes while
// InstantiateModule runs its _start, as InstantiateModule builds it.
func startCtx(g *benchGuest) context.Context {
	v, _ := g.host.bound.Load(g.mod)
	in := v.(*instance)
	ctx := context.WithValue(context.Background(), instanceKey{g.host}, in)
	return experimental.WithCloseNotifier(ctx, in)
}

// BenchmarkHostFuncDuringStart is BenchmarkHostFunc with the context of a
// command's calls, which carries the instance, and the Host's cache empty
// at the start, as when a command begins.
func BenchmarkHostFuncDuringStart(b *testing.B) { benchHostFuncs(b, true) }

// TestCallsDuringStartFillTheCache: a command's first call, found through
// its context, puts its binding in the Host's one-entry cache, so that the
// next calls take the fast path.
func TestCallsDuringStartFillTheCache(t *testing.T) {
	mod, host := instantiatedGuest(t)
	g := &benchGuest{mod: mod, host: host, out: 1024}
	host.last.Store(noBinding)
	fn := host.hostFunc(functionByName(t, "clock_time_get"))
	stack := []uint64{uint64(common.ClockidMonotonic), 0, uint64(g.out)}
	fn(startCtx(g), mod, stack)
	require.Zero(t, stack[0])
	assert.True(t, host.last.Load().mod == mod, "cached")
}

// instantiatedGuest instantiates the test guest with the benchmarks'
// context, without running a start function.
func instantiatedGuest(t *testing.T) (api.Module, *Host) {
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	t.Cleanup(func() { _ = r.Close(ctx) })
	env := buildEnv(t, r)
	mod, err := env.host.InstantiateModule(ctx, env.compiled, capwasiBenchCtx(), wazero.NewModuleConfig().WithStartFunctions())
	require.NoError(t, err)
	return mod, env.host
}
