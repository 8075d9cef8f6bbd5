package capstd

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// The hot paths must not allocate: resolving and opening a path (beyond
// the *File that OpenFile returns), stat, readlink, vectored I/O and
// directory listing.
func TestAllocations(t *testing.T) {
	s := newSandbox(t)
	deepDir := strings.Repeat("d/", 7)
	s.file(deepDir+"file", "0123456789")
	s.file("top", "x")
	s.link("top", "ln")
	for i := range 50 {
		s.file("many/"+strings.Repeat("n", 20)+string(rune('a'+i%26))+string(rune('a'+i/26)), "")
	}
	deepFile := deepDir + "file"

	allocs := func(name string, want float64, fn func()) {
		t.Helper()
		fn() // warm up: lazily sized buffers, the openat2 probe
		require.Equal(t, want, testing.AllocsPerRun(200, fn), name)
	}

	for _, p := range []string{"top", deepFile} {
		allocs("openBeneath "+p, 0, func() {
			fd, err := openBeneath(s.d.h.fd, p, unix.O_RDONLY, 0, s.d.res)
			if err != nil {
				t.Fatal(err)
			}
			closeFd(fd)
		})
		allocs("OpenFile+Close "+p, 1, func() { // the *File itself
			f, err := s.d.OpenFile(p, ORead, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.Close()
		})
		for _, follow := range []bool{false, true} {
			allocs("Stat "+p, 0, func() {
				if _, err := s.d.Stat(p, follow); err != nil {
					t.Fatal(err)
				}
			})
		}
	}

	buf := make([]byte, 64)
	allocs("Readlink", 0, func() {
		if _, err := s.d.Readlink("ln", buf); err != nil {
			t.Fatal(err)
		}
	})
	allocs("SetTimes", 0, func() {
		if err := s.d.SetTimes(deepFile, NowTime(), OmitTime(), false); err != nil {
			t.Fatal(err)
		}
	})

	f, err := s.d.OpenFile(deepFile, OReadWrite, 0)
	require.NoError(t, err)
	defer f.Close()
	a, b, c, d := make([]byte, 3), make([]byte, 3), make([]byte, 2), make([]byte, 2)
	bufs := [][]byte{a, b, c, d}
	allocs("Preadv", 0, func() { f.Preadv(bufs, 0) })
	allocs("Pwritev", 0, func() { f.Pwritev(bufs, 0) })
	allocs("Readv", 0, func() { f.Seek(0, 0); f.Readv(bufs) })
	allocs("Writev", 0, func() { f.Seek(0, 0); f.Writev(bufs) })
	allocs("File.Stat", 0, func() { f.Stat() })
	allocs("Dir.Fstat", 0, func() { s.d.Fstat() })

	many, err := s.d.OpenDir("many", false)
	require.NoError(t, err)
	defer many.Close()
	r, err := many.OpenDirReader()
	require.NoError(t, err)
	defer r.Close()
	allocs("DirReader", 0, func() {
		r.Seek(0)
		n := 0
		for {
			e, err := r.Next()
			if err != nil {
				break
			}
			n += len(e.Name)
		}
		if n == 0 {
			t.Fatal("empty listing")
		}
	})
}
