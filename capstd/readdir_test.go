//go:build linux || darwin || freebsd

package capstd

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

// listing is a directory listing as name -> "type ino".
type listing map[string]string

// readRest lists r from its position to the end; it also returns the
// cookies seen, in order.
func readRest(t *testing.T, r *DirReader) ([]string, []uint64, listing) {
	t.Helper()
	names := []string{}
	var cookies []uint64
	l := listing{}
	for {
		e, err := r.Next()
		if err == io.EOF {
			return names, cookies, l
		}
		require.NoError(t, err)
		name := string(e.Name)
		require.NotContains(t, l, name, "entry listed twice")
		names = append(names, name)
		cookies = append(cookies, e.Next)
		l[name] = fmt.Sprintf("%v %d", e.Type, e.Ino)
	}
}

// restNames lists the names from r's position to the end.
func restNames(t *testing.T, r *DirReader) []string {
	names := []string{}
	for {
		e, err := r.Next()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, string(e.Name))
	}
}

// hostListing is what the host sees in dir, with "." and "..".
func hostListing(t *testing.T, dir string) listing {
	t.Helper()
	l := listing{}
	for _, name := range []string{".", ".."} {
		l[name] = fmt.Sprintf("%v %d", TypeDir, ino(t, dir+"/"+name)[1])
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		var typ FileType
		switch m := e.Type(); {
		case m.IsDir():
			typ = TypeDir
		case m&fs.ModeSymlink != 0:
			typ = TypeSymlink
		case m&fs.ModeNamedPipe != 0:
			typ = TypeFIFO
		case m.IsRegular():
			typ = TypeRegular
		}
		l[e.Name()] = fmt.Sprintf("%v %d", typ, ino(t, dir+"/"+e.Name())[1])
	}
	return l
}

func TestReadDirEmpty(t *testing.T) {
	s := newSandbox(t)
	r, err := s.d.OpenDirReader()
	require.NoError(t, err)
	defer r.Close()
	names, _, l := readRest(t, r)
	sort.Strings(names)
	require.Equal(t, []string{".", ".."}, names)
	require.Equal(t, hostListing(t, s.root), l)
}

func TestReadDirResumeAndRewind(t *testing.T) {
	s := newSandbox(t)
	for i := range 300 { // several getdents buffers
		s.file(fmt.Sprintf("file-with-a-longish-name-%04d", i), "")
	}
	s.dir("subdir")
	s.link("target", "symlink")
	require.NoError(t, mkfifo(s.host("fifo")))

	r, err := s.d.OpenDirReader()
	require.NoError(t, err)
	defer r.Close()
	names, cookies, l := readRest(t, r)
	require.Equal(t, hostListing(t, s.root), l)
	require.Len(t, names, 300+3+2)

	// Every cookie resumes with exactly the rest of the listing, in any
	// order of seeks.
	for i := len(cookies) - 1; i >= 0; i-- {
		require.NoError(t, r.Seek(cookies[i]))
		require.Equal(t, cookies[i], r.Cookie())
		require.Equal(t, names[i+1:], restNames(t, r), "resume after entry %d", i)
	}
	// Cookie 0 rewinds.
	require.NoError(t, r.Seek(0))
	require.Equal(t, names, restNames(t, r))

	// Seeking to the current position keeps the buffered entries.
	require.NoError(t, r.Seek(0))
	_, err = r.Next()
	require.NoError(t, err)
	off, end := r.off, r.end
	require.NoError(t, r.Seek(r.Cookie()))
	require.Equal(t, [2]int{off, end}, [2]int{r.off, r.end})

	// A second reader is independent.
	r2, err := s.d.OpenDirReader()
	require.NoError(t, err)
	defer r2.Close()
	first, err := r2.Next()
	require.NoError(t, err)
	require.Equal(t, names[0], string(first.Name))
}

func TestReadDirNameViewAndClose(t *testing.T) {
	s := newSandbox(t)
	s.file("x", "")
	r, err := s.d.OpenDirReader()
	require.NoError(t, err)
	e, err := r.Next()
	require.NoError(t, err)
	require.NotEmpty(t, e.Name)
	require.NoError(t, r.Close())
	require.ErrorIs(t, r.Close(), fs.ErrClosed)
	_, err = r.Next()
	require.ErrorIs(t, err, fs.ErrClosed)
	require.ErrorIs(t, r.Seek(0), fs.ErrClosed)
}

func TestReadDirTypeLookup(t *testing.T) {
	// The fallback for DT_UNKNOWN looks the type up without following.
	s := newSandbox(t)
	s.dir("d")
	s.link("d", "l")
	r, err := s.d.OpenDirReader()
	require.NoError(t, err)
	defer r.Close()
	require.Equal(t, TypeDir, r.typeOf([]byte("d")))
	require.Equal(t, TypeSymlink, r.typeOf([]byte("l")))
	require.Equal(t, TypeUnknown, r.typeOf([]byte("vanished")))
}
