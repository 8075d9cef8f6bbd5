//go:build !linux && !darwin && !freebsd

package engine

import "github.com/tetratelabs/wazero/experimental"

// memoryAllocator is wazero's own way, a Go slice grown by copying, where
// address space is not reserved with mmap.
func memoryAllocator(bool) experimental.MemoryAllocator {
	return experimental.MemoryAllocatorFunc(func(capacity, _ uint64) experimental.LinearMemory {
		return &sliceMemory{capacity: capacity}
	})
}
