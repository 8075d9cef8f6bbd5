//go:build linux || darwin || freebsd

package engine

import (
	"math"
	"syscall"

	"github.com/tetratelabs/wazero/experimental"
)

// reservedMemory is a guest's linear memory in an address range reserved
// for its largest size up front (mmap with MAP_NORESERVE: address space,
// not memory). Growing it only lengthens the slice, where wazero's own
// memory, a Go slice, is copied into a larger one, touching both, so a
// guest that grows its memory (every Go guest does, from its first
// allocations on) starts with fewer page faults and peaks lower.
type reservedMemory struct {
	buf []byte
}

func (m *reservedMemory) Reallocate(size uint64) []byte {
	if size > uint64(cap(m.buf)) {
		return nil
	}
	m.buf = m.buf[:size]
	return m.buf
}

// Free unmaps the range.
func (m *reservedMemory) Free() {
	if m.buf != nil {
		_ = syscall.Munmap(m.buf[:cap(m.buf)])
	}
	m.buf = nil
}

// memoryAllocator reserves each memory's maximum size (4 GiB for a memory
// without a maximum), or, where that much address space cannot be had,
// falls back to a Go slice grown by copying, as wazero's default does. A
// guest that may be stopped while it runs (stoppable) always gets the
// slice: wazero then closes the module from another goroutine while its
// code may still be running, and that code must not meet an unmapped page.
func memoryAllocator(stoppable bool) experimental.MemoryAllocator {
	return experimental.MemoryAllocatorFunc(func(capacity, max uint64) experimental.LinearMemory {
		if !stoppable && max > 0 && max <= math.MaxInt {
			b, err := syscall.Mmap(-1, 0, int(max), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
			if err == nil {
				return &reservedMemory{buf: b[:0]}
			}
		}
		return &sliceMemory{capacity: capacity}
	})
}
