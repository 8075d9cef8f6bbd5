package wazeroadapter

import (
	"context"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tetratelabs/wazero/api"

	"github.com/capwasi/capwasi/common"
)

// tracer writes one line per call to w (see WithTrace).
type tracer struct {
	mu sync.Mutex
	w  io.Writer
}

// maxTracedPath is how many bytes of a path a trace line shows.
const maxTracedPath = 256

// tracedFunc returns f's host function with tracing: the arguments are
// formatted before the call (the call may overwrite them in memory), the
// outputs and the errno after it.
func (h *Host) tracedFunc(f *function) api.GoModuleFunc {
	call, tr := f.call, h.tracer
	return func(ctx context.Context, mod api.Module, stack []uint64) {
		in := h.enter(ctx, mod)
		defer in.leave()
		var params [maxParams]uint64
		copy(params[:], stack[:len(f.params)])
		line := appendCall(in.line[:0], in.id, f, params[:], in.memory(mod))
		start := time.Now()
		errno := guestErrno(call(ctx, in, mod, stack))
		elapsed := time.Since(start)
		stack[0] = uint64(errno)
		line = appendResult(line, f, params[:], in.memory(mod), errno, elapsed)
		tr.write(line)
		in.line = line
	}
}

// exit traces proc_exit, which does not return.
func (t *tracer) exit(in *instance, mod api.Module, f *function, code uint32) {
	var id uint64
	if in != nil {
		id = in.id
	}
	line := appendCall(nil, id, f, []uint64{uint64(code)}, nil)
	t.write(append(line, '\n'))
}

func (t *tracer) write(line []byte) {
	t.mu.Lock()
	_, _ = t.w.Write(line)
	t.mu.Unlock()
}

// appendCall appends "[id] name(arg=value, ...)". Output pointers are not
// shown among the arguments; appendResult shows what they received.
func appendCall(b []byte, id uint64, f *function, params []uint64, mem memory) []byte {
	b = append(b, '[')
	b = strconv.AppendUint(b, id, 10)
	b = append(b, "] "...)
	b = append(b, f.name...)
	b = append(b, '(')
	first := true
	for i := 0; i < len(f.params); i++ {
		p, v := f.params[i], params[i]
		if p.kind >= pOutU32 {
			continue
		}
		if !first {
			b = append(b, ", "...)
		}
		first = false
		b = append(b, p.name...)
		b = append(b, '=')
		if p.kind == pPath && i+1 < len(f.params) {
			b = appendPath(b, mem, u32(v), u32(params[i+1]))
			i++ // the length is shown with the path
			continue
		}
		b = appendValue(b, p.kind, v)
	}
	return append(b, ')')
}

// appendValue appends an argument value as its kind reads best.
func appendValue(b []byte, k paramKind, v uint64) []byte {
	switch k {
	case pPtr, pBuf, pIovs:
		return strconv.AppendUint(append(b, "0x"...), uint64(u32(v)), 16)
	case pFilesize, pTimestamp, pDircookie:
		return strconv.AppendUint(b, v, 10)
	case pFiledelta:
		return strconv.AppendInt(b, int64(v), 10)
	case pRights:
		return append(b, common.Rights(v).String()...)
	case pLookupflags:
		return append(b, common.Lookupflags(u32(v)).String()...)
	case pOflags:
		return appendFlags(b, v, func(x uint32) string { return common.Oflags(x).String() })
	case pFdflags:
		return appendFlags(b, v, func(x uint32) string { return common.Fdflags(x).String() })
	case pFstflags:
		return appendFlags(b, v, func(x uint32) string { return common.Fstflags(x).String() })
	case pRiflags:
		return appendFlags(b, v, func(x uint32) string { return common.Riflags(x).String() })
	case pSiflags:
		return appendFlags(b, v, func(x uint32) string { return common.Siflags(x).String() })
	case pWhence:
		return appendEnum(b, v, func(x uint32) string { return common.Whence(x).String() })
	case pAdvice:
		return appendEnum(b, v, func(x uint32) string { return common.Advice(x).String() })
	case pSdflags:
		return appendEnum(b, v, func(x uint32) string { return common.Sdflags(x).String() })
	case pSignal:
		return appendEnum(b, v, func(x uint32) string { return common.Signal(x).String() })
	case pClockid:
		return append(b, common.Clockid(u32(v)).String()...)
	}
	return strconv.AppendUint(b, uint64(u32(v)), 10)
}

// appendFlags appends a flags value of a type narrower than its i32
// parameter by name, or in hexadecimal when it has bits beyond the type.
func appendFlags(b []byte, v uint64, name func(uint32) string) []byte {
	if x := u32(v); x <= 0xffff {
		return append(b, name(x)...)
	}
	return strconv.AppendUint(append(b, "0x"...), uint64(u32(v)), 16)
}

// appendEnum appends a u8 enum value by name, or its number when it is out
// of the type's range.
func appendEnum(b []byte, v uint64, name func(uint32) string) []byte {
	if x := u32(v); x <= 0xff {
		return append(b, name(x)...)
	}
	return strconv.AppendUint(b, uint64(u32(v)), 10)
}

// appendPath appends the path at ptr as a quoted string, cut at
// maxTracedPath bytes, or its address when it lies outside the memory.
func appendPath(b []byte, mem memory, ptr, n uint32) []byte {
	s, ok := mem.slice(ptr, n)
	if !ok {
		b = strconv.AppendUint(append(b, "<0x"...), uint64(ptr), 16)
		b = strconv.AppendUint(append(b, " len "...), uint64(n), 10)
		return append(b, " out of memory>"...)
	}
	cut := len(s) > maxTracedPath
	if cut {
		s = s[:maxTracedPath]
	}
	b = strconv.AppendQuote(b, string(s))
	if cut {
		b = append(b, "..."...)
	}
	return b
}

// appendResult appends " = ERRNO", the outputs when the call succeeded,
// and the call's duration.
func appendResult(b []byte, f *function, params []uint64, mem memory, errno common.Errno, elapsed time.Duration) []byte {
	b = append(b, " = "...)
	b = append(b, errno.String()...)
	if errno == common.ESUCCESS {
		for i, p := range f.params {
			if p.kind >= pOutU32 {
				b = append(b, ' ')
				b = append(b, strings.TrimPrefix(p.name, "result.")...)
				b = append(b, '=')
				b = appendOutput(b, p.kind, mem, u32(params[i]))
			}
		}
	}
	b = append(b, " ("...)
	b = append(b, elapsed.String()...)
	return append(b, ")\n"...)
}

// outputSize returns the bytes an output pointer of kind k receives.
func outputSize(k paramKind) uint32 {
	switch k {
	case pOutU64:
		return 8
	case pOutFdstat:
		return common.FdstatSize
	case pOutFilestat:
		return common.FilestatSize
	case pOutPrestat:
		return common.PrestatSize
	case pOutRoflags:
		return 2
	}
	return 4
}

// appendOutput appends the value an output pointer received.
func appendOutput(b []byte, k paramKind, mem memory, ptr uint32) []byte {
	v, ok := mem.slice(ptr, outputSize(k))
	if !ok {
		return append(b, '?')
	}
	switch k {
	case pOutU64:
		return strconv.AppendUint(b, le.Uint64(v), 10)
	case pOutRoflags:
		return append(b, common.Roflags(le.Uint16(v)).String()...)
	case pOutFdstat:
		b = append(b, '{')
		b = append(b, common.Filetype(v[0]).String()...)
		b = append(b, " flags="...)
		b = append(b, common.Fdflags(le.Uint16(v[2:])).String()...)
		b = append(b, " base="...)
		b = append(b, common.Rights(le.Uint64(v[8:])).String()...)
		b = append(b, " inheriting="...)
		b = append(b, common.Rights(le.Uint64(v[16:])).String()...)
		return append(b, '}')
	case pOutFilestat:
		b = append(b, '{')
		b = append(b, common.Filetype(v[16]).String()...)
		b = strconv.AppendUint(append(b, " size="...), le.Uint64(v[32:]), 10)
		b = strconv.AppendUint(append(b, " ino="...), le.Uint64(v[8:]), 10)
		b = strconv.AppendUint(append(b, " nlink="...), le.Uint64(v[24:]), 10)
		b = strconv.AppendUint(append(b, " mtim="...), le.Uint64(v[48:]), 10)
		return append(b, '}')
	case pOutPrestat:
		b = append(b, '{')
		b = append(b, common.Preopentype(v[0]).String()...)
		b = strconv.AppendUint(append(b, " name_len="...), uint64(le.Uint32(v[4:])), 10)
		return append(b, '}')
	}
	return strconv.AppendUint(b, uint64(le.Uint32(v)), 10)
}
