package wazeroadapter

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/capwasi/capwasi/common"
)

// TestUnlockedClockCalls: the clock calls, which take no lock, still
// check their pointer before reading the clock, and trap once the
// instance is released, as every call does.
func TestUnlockedClockCalls(t *testing.T) {
	for _, f := range functions {
		assert.Equal(t, f.name == "clock_time_get" || f.name == "clock_res_get", f.unlocked, f.name)
	}
	ctx := context.Background()
	mod, host := instantiatedGuest(t)
	fn := host.hostFunc(functionByName(t, "clock_time_get"))
	size := mod.Memory().Size()
	stack := []uint64{uint64(common.ClockidMonotonic), 0, uint64(size - 4)}
	fn(ctx, mod, stack)
	assert.Equal(t, uint64(common.EFAULT), stack[0], "8 bytes at 4 from the end")
	stack = []uint64{uint64(common.ClockidMonotonic), 0, uint64(size - 8)}
	fn(ctx, mod, stack)
	assert.Equal(t, uint64(common.ESUCCESS), stack[0])
	v, ok := mod.Memory().ReadUint64Le(size - 8)
	require.True(t, ok)
	assert.NotZero(t, v)

	require.NoError(t, mod.Close(ctx))
	assert.Panics(t, func() { fn(ctx, mod, []uint64{uint64(common.ClockidMonotonic), 0, 0}) }, "a released instance traps")
}
