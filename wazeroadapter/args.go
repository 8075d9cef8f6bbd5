package wazeroadapter

import (
	"context"

	"github.com/tetratelabs/wazero/api"

	"github.com/capwasi/capwasi/common"
)

// args_get, args_sizes_get, environ_get and environ_sizes_get serve the
// lists the WasiCtx gave at instantiation; their sizes are computed then.

func argsGet(_ context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	return listGet(in.memory(mod), stack, in.args, in.argsSize)
}

func argsSizesGet(_ context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	return sizesGet(in.memory(mod), stack, len(in.args), in.argsSize)
}

func environGet(_ context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	return listGet(in.memory(mod), stack, in.environ, in.environSize)
}

func environSizesGet(_ context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	return sizesGet(in.memory(mod), stack, len(in.environ), in.environSize)
}

// listGet writes, at stack[0], a pointer per string of list, and at
// stack[1] the strings, each followed by a NUL. Either area outside the
// memory: EFAULT, and nothing is written.
func listGet(mem memory, stack []uint64, list []string, size uint32) common.Errno {
	ptrs, buf := u32(stack[0]), u32(stack[1])
	if !mem.hasArray(ptrs, uint32(len(list)), 4) || !mem.has(buf, size) {
		return common.EFAULT
	}
	at := buf
	for i, s := range list {
		mem.putU32(ptrs+4*uint32(i), at)
		at += uint32(copy(mem[at:], s))
		mem[at] = 0
		at++
	}
	return common.ESUCCESS
}

// sizesGet writes count at stack[0] and size at stack[1].
func sizesGet(mem memory, stack []uint64, count int, size uint32) common.Errno {
	countPtr, sizePtr := u32(stack[0]), u32(stack[1])
	if !mem.has(countPtr, 4) || !mem.has(sizePtr, 4) {
		return common.EFAULT
	}
	mem.putU32(countPtr, uint32(count))
	mem.putU32(sizePtr, size)
	return common.ESUCCESS
}
