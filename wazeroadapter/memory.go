package wazeroadapter

import (
	"bytes"
	"encoding/binary"
	"math"
	"unicode/utf8"
	"unsafe"

	"github.com/tetratelabs/wazero/api"

	"github.com/capwasi/capwasi/common"
)

var le = binary.LittleEndian

// memory is a view of a guest's whole linear memory for the duration of
// one host call. Every guest pointer goes through its methods, which check
// bounds in 64-bit arithmetic so that ptr+len can never wrap around.
//
// The view is taken at the start of the call. A call never runs guest code,
// so memory cannot grow (and move) while it is in use.
type memory []byte

// guestMemory returns the view of m, or an empty view when the module has
// no memory (m nil: every access then fails with EFAULT).
func guestMemory(m api.Memory) memory {
	if m == nil {
		return nil
	}
	n := m.Size()
	if n == 0 {
		// Size is a uint32: a memory of exactly 4 GiB reports 0. Its last
		// byte stays out of reach of the view, which costs a guest nothing
		// it could use.
		if pages, _ := m.Grow(0); pages == 0 {
			return nil
		}
		n = math.MaxUint32
	}
	b, _ := m.Read(0, n)
	return b
}

// memory returns the view of the calling module's memory. mod is the
// module the instance is bound to (lookup made sure of it). The view is
// kept from call to call while the memory's size is unchanged: only
// growing replaces a wazero memory's buffer, and growing changes its size.
func (in *instance) memory(api.Module) memory {
	m := in.binding.Load().mem
	if m == nil {
		return nil
	}
	if n := m.Size(); n == uint32(len(in.view)) && n != 0 {
		return in.view
	}
	in.view = guestMemory(m)
	clear(in.iovs[:cap(in.iovs)]) // views of the old buffer: let it go
	return in.view
}

// unlockedMemory returns a view of the calling module's memory for a call
// that holds no lock: taken afresh, not the instance's reused view, which
// locked calls replace when the memory grows.
func (in *instance) unlockedMemory() memory {
	return guestMemory(in.binding.Load().mem)
}

// has reports whether the n bytes at ptr lie inside the memory.
func (m memory) has(ptr, n uint32) bool {
	return uint64(ptr)+uint64(n) <= uint64(len(m))
}

// hasArray reports whether count elements of size bytes at ptr lie inside
// the memory.
func (m memory) hasArray(ptr, count, size uint32) bool {
	return uint64(ptr)+uint64(count)*uint64(size) <= uint64(len(m))
}

// slice returns the n bytes at ptr as a view into guest memory.
func (m memory) slice(ptr, n uint32) ([]byte, bool) {
	if !m.has(ptr, n) {
		return nil, false
	}
	end := uint64(ptr) + uint64(n)
	return m[ptr:end:end], true
}

// putU32 writes v at ptr, which the caller has checked with has.
func (m memory) putU32(ptr, v uint32) { le.PutUint32(m[ptr:], v) }

// putU64 writes v at ptr, which the caller has checked with has.
func (m memory) putU64(ptr uint32, v uint64) { le.PutUint64(m[ptr:], v) }

// maxIovecs is the most iovecs one call hands to an implementation, as
// IOV_MAX on Linux. A guest passing more gets a short transfer covering the
// first maxIovecs, which readv/writev semantics allow.
const maxIovecs = 1024

// iovecs decodes the iovec (or ciovec) array of n entries at ptr into views
// of guest memory, appended to buf[:0], and returns them with their total
// length. The array or any buffer outside the memory: EFAULT. Buffers adding
// up to more than 4 GiB: EINVAL, as POSIX does when the total overflows.
func (m memory) iovecs(buf [][]byte, ptr, n uint32) ([][]byte, uint32, common.Errno) {
	buf = buf[:0]
	if !m.hasArray(ptr, n, common.IovecSize) {
		return buf, 0, common.EFAULT
	}
	n = min(n, maxIovecs)
	var total uint64
	for i := range n {
		at := ptr + i*common.IovecSize
		b, ok := m.slice(le.Uint32(m[at:]), le.Uint32(m[at+4:]))
		if !ok {
			return buf[:0], 0, common.EFAULT
		}
		total += uint64(len(b))
		if total > math.MaxUint32 {
			return buf[:0], 0, common.EINVAL
		}
		buf = append(buf, b)
	}
	return buf, uint32(total), common.ESUCCESS
}

// path decodes the path of n bytes at ptr. The result aliases guest memory
// (see [pathString]). Outside the memory: EFAULT. Empty: ENOENT. Longer
// than max bytes: ENAMETOOLONG. A NUL byte: EINVAL. Not UTF-8: EILSEQ.
func (m memory) path(ptr, n uint32, max int) (string, common.Errno) {
	b, ok := m.slice(ptr, n)
	switch {
	case !ok:
		return "", common.EFAULT
	case n == 0:
		return "", common.ENOENT
	case uint64(n) > uint64(max):
		return "", common.ENAMETOOLONG
	case bytes.IndexByte(b, 0) >= 0:
		return "", common.EINVAL
	case !utf8.Valid(b):
		return "", common.EILSEQ
	}
	return pathString(b), common.ESUCCESS
}

// pathString returns b as a string without copying it.
//
// The string aliases guest memory, which is sound here because common's
// contracts say strings handed to an implementation may alias guest memory
// and are valid only during the call (an implementation that keeps one must
// clone it), and because nothing writes to those bytes during the call:
// the guest is suspended in the host call, the adapter writes results only
// after the implementation has returned, and the one call that hands an
// implementation a buffer to fill besides a path (path_readlink) copies the
// path first when the two overlap.
func pathString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}
