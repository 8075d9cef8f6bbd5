//go:build linux || darwin || freebsd

package engine

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMemoryAllocator(t *testing.T) {
	for _, stoppable := range []bool{false, true} {
		m := memoryAllocator(stoppable).Allocate(1<<16, 1<<30)
		if stoppable {
			require.IsType(t, &sliceMemory{}, m, "a guest that may be stopped never meets an unmapped page")
			m.Free()
			continue
		}
		b := m.Reallocate(1 << 16)
		require.Len(t, b, 1<<16)
		b[100] = 7
		b2 := m.Reallocate(3 << 16)
		require.Len(t, b2, 3<<16)
		assert.Equal(t, byte(7), b2[100], "contents kept")
		assert.Zero(t, b2[2<<16], "new pages are zero")
		require.IsType(t, &reservedMemory{}, m)
		assert.Equal(t, unsafe.SliceData(b), unsafe.SliceData(b2), "reserved: never moves")
		assert.Nil(t, m.Reallocate(1<<30+1), "past the maximum")
		m.Free()
	}
}
