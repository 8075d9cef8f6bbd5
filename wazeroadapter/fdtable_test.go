package wazeroadapter

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/capwasi/capwasi/common"
)

func TestFdTable(t *testing.T) {
	tab := newFdTable[string](4)
	for i, v := range []string{"a", "b", "c"} {
		fd, err := tab.Insert(v)
		require.NoError(t, err)
		assert.Equal(t, common.Fd(i), fd)
	}
	assert.Equal(t, 3, tab.Len())
	v, ok := tab.Get(1)
	require.True(t, ok)
	assert.Equal(t, "b", *v)
	*v = "B"
	v, _ = tab.Get(1)
	assert.Equal(t, "B", *v, "Get points into the table")

	// Lowest free number first.
	old, ok := tab.Remove(1)
	assert.True(t, ok)
	assert.Equal(t, "B", old)
	_, ok = tab.Remove(1)
	assert.False(t, ok)
	_, ok = tab.Get(1)
	assert.False(t, ok)
	fd, _ := tab.Insert("d")
	assert.Equal(t, common.Fd(1), fd)
	fd, _ = tab.Insert("e")
	assert.Equal(t, common.Fd(3), fd)
	assert.True(t, tab.Full())
	_, err := tab.Insert("f")
	assert.Equal(t, common.EMFILE, err)

	// Renumber.
	replaced, err := tab.Renumber(3, 0)
	require.NoError(t, err)
	assert.Equal(t, "a", replaced)
	v, _ = tab.Get(0)
	assert.Equal(t, "e", *v)
	_, ok = tab.Get(3)
	assert.False(t, ok)
	_, err = tab.Renumber(3, 0)
	assert.Equal(t, common.EBADF, err, "unknown source")
	_, err = tab.Renumber(0, 3)
	assert.Equal(t, common.EBADF, err, "unknown target")
	replaced, err = tab.Renumber(0, 0)
	assert.NoError(t, err)
	assert.Empty(t, replaced)
	assert.Equal(t, 3, tab.Len())

	var seen []common.Fd
	for fd, v := range tab.All() {
		seen = append(seen, fd)
		assert.NotEmpty(t, *v)
		if fd == 1 {
			tab.Remove(fd) // removing the visited entry is allowed
		}
	}
	assert.Equal(t, []common.Fd{0, 1, 2}, seen)
	for range tab.All() {
		break
	}
	assert.Equal(t, 2, tab.Len())

	for _, fd := range []common.Fd{5, 1 << 31, 0xffffffff} {
		_, ok := tab.Get(fd)
		assert.False(t, ok)
		_, ok = tab.Remove(fd)
		assert.False(t, ok)
	}

	var unlimited fdTable[int]
	for i := range 2000 {
		fd, err := unlimited.Insert(i)
		require.NoError(t, err)
		assert.Equal(t, common.Fd(i), fd)
	}
	assert.False(t, newFdTable[int](-1).Full())
}
