package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSliceMemory(t *testing.T) {
	m := &sliceMemory{capacity: 1 << 17}
	b := m.Reallocate(1 << 16)
	require.Len(t, b, 1<<16)
	assert.Equal(t, 1<<17, cap(b))
	b[5] = 1
	b = m.Reallocate(1 << 18)
	require.Len(t, b, 1<<18)
	assert.Equal(t, byte(1), b[5])
	m.Free()
}
