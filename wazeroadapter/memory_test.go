package wazeroadapter

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/capwasi/capwasi/common"
)

func TestMemoryBounds(t *testing.T) {
	m := memory(make([]byte, 100))
	assert.True(t, m.has(0, 100))
	assert.True(t, m.has(100, 0))
	assert.False(t, m.has(101, 0))
	assert.False(t, m.has(1, 100))
	assert.False(t, m.has(math.MaxUint32, 2), "no wrap-around")
	assert.True(t, m.hasArray(50, 5, 10))
	assert.False(t, m.hasArray(50, 6, 10))
	assert.False(t, m.hasArray(0, math.MaxUint32, 48), "no overflow of count*size")
	b, ok := m.slice(10, 5)
	assert.True(t, ok)
	assert.Len(t, b, 5)
	assert.Equal(t, 5, cap(b), "a view cannot be appended past its end")
	_, ok = m.slice(96, 5)
	assert.False(t, ok)
	var empty memory
	assert.True(t, empty.has(0, 0))
	assert.False(t, empty.has(0, 1))
}

func TestMemoryIovecs(t *testing.T) {
	m := memory(make([]byte, 256))
	put := func(at, ptr, n uint32) {
		binary.LittleEndian.PutUint32(m[at:], ptr)
		binary.LittleEndian.PutUint32(m[at+4:], n)
	}
	put(0, 100, 10)
	put(8, 200, 56)
	iovs, total, errno := m.iovecs(nil, 0, 2)
	assert.Equal(t, common.ESUCCESS, errno)
	assert.Equal(t, uint32(66), total)
	assert.Len(t, iovs, 2)
	assert.Len(t, iovs[1], 56)

	put(8, 200, 57)
	_, _, errno = m.iovecs(iovs, 0, 2)
	assert.Equal(t, common.EFAULT, errno)
	put(8, math.MaxUint32, 2)
	_, _, errno = m.iovecs(iovs, 0, 2)
	assert.Equal(t, common.EFAULT, errno)
	_, _, errno = m.iovecs(iovs, 250, 1)
	assert.Equal(t, common.EFAULT, errno)
	_, _, errno = m.iovecs(iovs, 0, math.MaxUint32)
	assert.Equal(t, common.EFAULT, errno)
}

func TestMemoryPath(t *testing.T) {
	m := memory([]byte("a.txt\x00b\xffdir/x"))
	for _, tc := range []struct {
		ptr, n uint32
		max    int
		want   string
		errno  common.Errno
	}{
		{0, 5, 100, "a.txt", common.ESUCCESS},
		{0, 0, 100, "", common.ENOENT},
		{0, 6, 100, "", common.EINVAL},
		{7, 1, 100, "", common.EILSEQ},
		{8, 5, 100, "dir/x", common.ESUCCESS},
		{8, 5, 4, "", common.ENAMETOOLONG},
		{8, 6, 100, "", common.EFAULT},
		{math.MaxUint32, 1, 100, "", common.EFAULT},
	} {
		s, errno := m.path(tc.ptr, tc.n, tc.max)
		assert.Equal(t, tc.errno, errno, "%d+%d", tc.ptr, tc.n)
		assert.Equal(t, tc.want, s)
	}
}

func TestOverlap(t *testing.T) {
	assert.True(t, overlap(0, 10, 9, 1))
	assert.False(t, overlap(0, 10, 10, 1))
	assert.False(t, overlap(0, 0, 0, 10))
	assert.True(t, overlap(math.MaxUint32-1, 2, math.MaxUint32, 1))
}
