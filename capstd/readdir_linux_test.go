package capstd

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadDirRewindsInItsBuffer: resuming from a cookie still in the
// buffer (what a guest whose buffer filled up does) rewinds in it without
// reading the directory again; cookie 0 reads it again and sees what
// changed.
func TestReadDirRewindsInItsBuffer(t *testing.T) {
	s := newSandbox(t)
	for i := range 300 { // several getdents buffers
		s.file(fmt.Sprintf("file-with-a-longish-name-%04d", i), "")
	}
	r, err := s.d.OpenDirReader()
	require.NoError(t, err)
	defer r.Close()
	names, cookies, _ := readRest(t, r)

	require.NoError(t, r.Seek(cookies[10]))
	require.Equal(t, names[11:15], nextNames(t, r, 4))
	off, end, start := r.off, r.end, r.start
	require.NoError(t, r.Seek(cookies[12]))
	assert.Equal(t, [2]uint64{uint64(end), start}, [2]uint64{uint64(r.end), r.start}, "the same buffer")
	assert.Less(t, r.off, off, "rewound in it")
	require.Equal(t, names[13:], restNames(t, r))

	s.file("created-after", "")
	require.NoError(t, r.Seek(0))
	assert.Contains(t, restNames(t, r), "created-after")
}

// nextNames returns the names of the next n entries of r.
func nextNames(t *testing.T, r *DirReader, n int) []string {
	t.Helper()
	var names []string
	for range n {
		e, err := r.Next()
		require.NoError(t, err)
		names = append(names, string(e.Name))
	}
	return names
}
