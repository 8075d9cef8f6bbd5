package wazeroadapter

import (
	"context"
	"io"

	"github.com/tetratelabs/wazero/api"

	"github.com/capwasi/capwasi/common"
)

// randomGet fills the buffer from the WasiCtx's random source, directly in
// guest memory. A source that fails or ends early: its errno (EIO for an
// early end).
func randomGet(_ context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	buf, ok := in.memory(mod).slice(u32(stack[0]), u32(stack[1]))
	if !ok {
		return common.EFAULT
	}
	if _, err := io.ReadFull(in.random, buf); err != nil {
		return common.ErrnoOf(err)
	}
	return common.ESUCCESS
}
