package wazeroadapter

import (
	"context"

	"github.com/tetratelabs/wazero/api"

	"github.com/capwasi/capwasi/common"
)

// clockid decodes a clockid parameter; preview1 defines four clocks, any
// other id is EINVAL. Whether a defined clock is supported is the Clocks
// implementation's answer.
func clockid(v uint64) (common.Clockid, bool) {
	id := u32(v)
	return common.Clockid(id), id <= uint32(common.ClockidThreadCputimeID)
}

// The clock calls take no lock (function.unlocked): they use only the
// instance's Clocks and the guest memory.

func clockResGet(_ context.Context, in *instance, _ api.Module, stack []uint64) common.Errno {
	id, ok := clockid(stack[0])
	if !ok {
		return common.EINVAL
	}
	mem, out := in.unlockedMemory(), u32(stack[1])
	if !mem.has(out, 8) {
		return common.EFAULT
	}
	res, err := in.clocks.Resolution(id)
	if err != nil {
		return common.ErrnoOf(err)
	}
	mem.putU64(out, uint64(res))
	return common.ESUCCESS
}

// clockTimeGet ignores the precision argument, as every host does: the
// clock is read at its own resolution.
func clockTimeGet(_ context.Context, in *instance, _ api.Module, stack []uint64) common.Errno {
	id, ok := clockid(stack[0])
	if !ok {
		return common.EINVAL
	}
	mem, out := in.unlockedMemory(), u32(stack[2])
	if !mem.has(out, 8) {
		return common.EFAULT
	}
	now, err := in.clocks.Now(id)
	if err != nil {
		return common.ErrnoOf(err)
	}
	mem.putU64(out, uint64(now))
	return common.ESUCCESS
}
