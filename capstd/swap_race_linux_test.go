package capstd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestSwapRace has host goroutines swap directories inside the root with
// symbolic links to outside (atomically, with RENAME_EXCHANGE, in a tight
// loop) while other goroutines open, stat, create, unlink, mkdir and set
// times through them. Every success must act inside the root: what was
// opened is an inode of the root's tree, and the tree outside is unchanged
// at the end. With root semantics the absolute link leads to a copy of the
// outside tree at its host path inside the root, which is where a
// successful call through it must land.
func TestSwapRace(t *testing.T) {
	t.Run("plain", func(t *testing.T) { swapRace(t) })
	t.Run("root-semantics", func(t *testing.T) { swapRace(t, WithRootSemantics()) })
}

func swapRace(t *testing.T, opts ...Option) {
	duration := time.Second
	if testing.Short() {
		duration = 200 * time.Millisecond
	}
	s := newSandbox(t, opts...)
	require.NoError(t, os.WriteFile(filepath.Join(s.outside, "file"), []byte(secretData), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(s.outside, "victim"), []byte(secretData), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(s.outside, "sub", "file"), []byte(secretData), 0o644))
	s.file("a/file", "inside")
	s.file("a/sub/file", "inside")
	s.file("a/sub/deep/file", "inside")
	s.link("../outside", "a.swap")
	s.link(s.outside, "a/sub/deep.swap")
	s.dir("a/sub/deep.real")
	s.file("a/sub/deep.real/file", "inside")
	require.NoError(t, os.Rename(s.host("a/sub/deep"), s.host("a/sub/deep.tmp")))
	require.NoError(t, os.Rename(s.host("a/sub/deep.real"), s.host("a/sub/deep")))
	if s.d.HasRootSemantics() {
		s.file(s.mirror("file"), "inside")
		s.file(s.mirror("sub/file"), "inside")
	}
	before := s.snapshot()

	// The inodes a successful open may return.
	inside := map[[2]uint64]bool{}
	require.NoError(t, filepath.Walk(s.root, func(p string, _ os.FileInfo, err error) error {
		if err == nil {
			inside[ino(t, p)] = true
		}
		return err
	}))

	stop := make(chan struct{})
	var wg sync.WaitGroup
	// Each swapper works relative to a descriptor of the directory holding
	// the two names, opened before any swapping, so that it never acts
	// through the other's links.
	swap := func(dirfd int, a, b string) {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := unix.Renameat2(dirfd, a, dirfd, b, unix.RENAME_EXCHANGE); err != nil {
				t.Errorf("exchange %s %s: %v", a, b, err)
				return
			}
		}
	}
	// All descriptors first: once the first swapper runs, the host path of
	// a/sub may lead outside (through the link swapped in for a).
	swaps := [][3]string{{s.root, "a", "a.swap"}, {s.host("a/sub"), "deep", "deep.swap"}}
	dirfds := make([]int, len(swaps))
	for i, sw := range swaps {
		dirfd, err := unix.Open(sw[0], unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		require.NoError(t, err)
		defer unix.Close(dirfd)
		dirfds[i] = dirfd
	}
	for i, sw := range swaps {
		wg.Add(1)
		go swap(dirfds[i], sw[1], sw[2])
	}

	var successes, escapes atomic.Int64
	check := func(what string, err error, ok ...error) bool {
		switch {
		case err == nil:
			successes.Add(1)
			return true
		case errors.Is(err, ErrEscape):
			escapes.Add(1)
			return false
		}
		for _, e := range append(ok, syscall.ENOENT, syscall.ENOTDIR) {
			if errors.Is(err, e) {
				return false
			}
		}
		t.Errorf("%s: unexpected error %v", what, err)
		return false
	}
	var workers sync.WaitGroup
	deadline := time.Now().Add(duration)
	for w := range 4 {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				for _, p := range []string{"a/file", "a/sub/file", "a/sub/../file", "a/../a/sub/deep/file",
					"a/sub/deep/../../file", "a.swap/file", "a/sub/deep.swap/file"} {
					f, err := s.d.OpenFile(p, ORead, 0)
					if check("open "+p, err) {
						st, err := f.Stat()
						require.NoError(t, err)
						if !inside[[2]uint64{st.Dev, st.Ino}] {
							t.Errorf("open %s reached %v outside the root", p, st)
						}
						data, _ := io.ReadAll(f)
						if string(data) != "inside" {
							t.Errorf("open %s read %q", p, data)
						}
						f.Close()
					}
					st, err := s.d.Stat(p, true)
					if check("stat "+p, err) && !inside[[2]uint64{st.Dev, st.Ino}] {
						t.Errorf("stat %s reached %v outside the root", p, st)
					}
				}
				name := fmt.Sprintf("a/sub/deep/new-%d-%d", w, i)
				f, err := s.d.OpenFile(name, OCreate|OExcl|OWrite, 0o644)
				if check("create", err) {
					f.Close()
				}
				check("mkdir", s.d.Mkdir(name+".d", 0o755))
				check("unlink", s.d.RemoveFile("a/victim"))
				check("unlink", s.d.RemoveFile("a/sub/deep/victim"))
				check("utimes", s.d.SetTimes("a/file", attackTime, attackTime, false))
				check("rename", s.d.Rename("a/sub/deep/file", nil, "a/sub/deep/file"))
			}
		}()
	}
	workers.Wait()
	close(stop)
	wg.Wait()
	t.Logf("%d successes, %d refused escapes", successes.Load(), escapes.Load())
	require.Positive(t, successes.Load())
	require.Positive(t, escapes.Load())
	require.Equal(t, before, s.snapshot(), "the tree outside the root changed")
}
