package capstd

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
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

// TestReadDirSmallCookies: cookies count entries (the k-th entry's Next is
// k), whatever the file system's offsets are; every cookie of a
// 3,000-entry listing resumes at the right entry, in a random order of
// seeks, from the checkpoint before it rather than from the start.
func TestReadDirSmallCookies(t *testing.T) {
	s := newSandbox(t)
	const n = 3000
	for i := range n {
		s.file(fmt.Sprintf("f%05d", i), "")
	}
	r, err := s.d.OpenDirReader()
	require.NoError(t, err)
	defer r.Close()
	names, cookies, _ := readRest(t, r)
	require.Len(t, names, n+2)
	for k, c := range cookies {
		require.Equal(t, uint64(k+1), c, "the Next of entry %d", k)
	}
	require.Greater(t, len(r.marks), 10, "a checkpoint per buffer")

	rng := rand.New(rand.NewPCG(1, 2))
	for _, k := range rng.Perm(len(cookies)) {
		require.NoError(t, r.Seek(cookies[k]))
		require.Equal(t, cookies[k], r.Cookie())
		e, err := r.Next()
		if k == len(cookies)-1 {
			require.ErrorIs(t, err, io.EOF)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, names[k+1], string(e.Name), "after cookie %d", cookies[k])
		// The buffer holds the entry: it was read from the checkpoint
		// at or before the cookie, not from the start.
		require.LessOrEqual(t, r.start, cookies[k])
		require.Greater(t, r.start+300, cookies[k], "counted from a nearby checkpoint")
	}
	// Past the end: the listing ends.
	require.NoError(t, r.Seek(n+100))
	_, err = r.Next()
	require.ErrorIs(t, err, io.EOF)
}

// TestReadDirCookiesAfterChanges: when entries are created and removed
// after the listing started, every earlier cookie still resumes without an
// error and without listing a name twice, and Seek(0) starts a listing of
// the directory as it is now.
func TestReadDirCookiesAfterChanges(t *testing.T) {
	s := newSandbox(t)
	for i := range 1000 {
		s.file(fmt.Sprintf("f%04d", i), "")
	}
	r, err := s.d.OpenDirReader()
	require.NoError(t, err)
	defer r.Close()
	_, cookies, _ := readRest(t, r)
	for i := 0; i < 1000; i += 3 {
		require.NoError(t, os.Remove(s.host(fmt.Sprintf("f%04d", i))))
	}
	s.file("added", "")
	for _, k := range []int{900, 10, 500} {
		require.NoError(t, r.Seek(cookies[k]))
		readRest(t, r) // fails on a name listed twice
	}
	require.NoError(t, r.Seek(0))
	names := restNames(t, r)
	require.Len(t, names, 1000-334+1+2)
	require.Contains(t, names, "added")
}
