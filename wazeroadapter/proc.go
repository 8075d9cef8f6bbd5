package wazeroadapter

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"

	"github.com/capwasi/capwasi/common"
)

// procExitFunc returns the host function of proc_exit, which needs no
// instance state: it closes the calling module with the exit code (which
// releases the instance through its close notifier) and unwinds the guest
// with wazero's *sys.ExitError, as wazero's own WASI does. Every code is
// passed on as it is (wasmtime traps on codes of 126 and more; a Go host
// has no such limit on its exit status).
func (h *Host) procExitFunc(f *function) api.GoModuleFunc {
	tr := h.tracer
	return func(ctx context.Context, mod api.Module, stack []uint64) {
		code := u32(stack[0])
		if tr != nil {
			tr.exit(h.lookup(ctx, mod), mod, f, code)
		}
		_ = mod.CloseWithExitCode(ctx, code)
		panic(sys.NewExitError(code))
	}
}

// procRaise answers as wasmtime does: signals are not supported, ENOTSUP
// for any signal preview1 defines; a value that is not a signal: EINVAL.
func procRaise(_ context.Context, _ *instance, _ api.Module, stack []uint64) common.Errno {
	if u32(stack[0]) > uint32(common.SignalSys) {
		return common.EINVAL
	}
	return common.ENOTSUP
}
