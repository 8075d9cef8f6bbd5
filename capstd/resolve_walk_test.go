//go:build linux || darwin || freebsd

package capstd

import (
	"math/rand/v2"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// chain creates depth nested directories named "d" in dir, calling at(i,
// fd) in each level i's directory, the root being level 0, and returns a
// descriptor of dir, closed at the end of the test. It works below
// PATH_MAX, one level at a time.
func chain(t *testing.T, dir string, depth int, at func(level, fd int)) (rootFd int) {
	t.Helper()
	fd, err := unix.Open(dir, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	require.NoError(t, err)
	for i := 0; ; i++ {
		if at != nil {
			at(i, fd)
		}
		if i == depth {
			break
		}
		require.NoError(t, unix.Mkdirat(fd, "d", 0o755))
		next, err := unix.Openat(fd, "d", unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
		require.NoError(t, err)
		unix.Close(fd)
		fd = next
	}
	unix.Close(fd)
	rootFd, err = unix.Open(dir, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	require.NoError(t, err)
	t.Cleanup(func() { unix.Close(rootFd) })
	return rootFd
}

// levels returns n times elem.
func levels(elem string, n int) string { return strings.Repeat(elem, n) }

// TestWalkUpReopensLevels checks that ".." back to levels the walk no longer
// holds (it keeps walkWindow of them and every walkWindow-th) lands where
// the kernel would: in the directory at that depth, by its own path.
func TestWalkUpReopensLevels(t *testing.T) {
	root := t.TempDir()
	const depth = 150
	rootFd := chain(t, root, depth, func(level, fd int) {
		require.NoError(t, unix.Symlinkat("../"+levels("d/", 2)+"f", fd, "up"))
		require.NoError(t, unix.Symlinkat("../"+levels("d/", 2), fd, "upd"))
		f, err := unix.Openat(fd, "f", unix.O_CREAT|unix.O_WRONLY|unix.O_CLOEXEC, 0o644)
		require.NoError(t, err)
		unix.Close(f)
	})

	for _, c := range []struct {
		path  string
		level int // the level of the file "f" the path names
	}{
		{levels("d/", 150) + levels("../", 140) + "f", 10},
		{levels("d/", 100) + levels("../", 40) + levels("d/", 30) + levels("../", 70) + "f", 20},
		{levels("d/", 64) + levels("../", 64) + "f", 0},
		{levels("d/", 65) + levels("../", 33) + "f", 32},
		{levels("d/", 97) + levels("../", 2) + levels("d/", 1) + levels("../", 31) + "f", 65},
		{levels("d/", 120) + "up", 121},            // a link whose target climbs first
		{levels("d/", 90) + "upd/../../upd/f", 90}, // and two of them
		{levels("d/", 140) + levels("../", 139) + "..", -1},
	} {
		var want unix.Stat_t
		if c.level >= 0 {
			require.NoError(t, unix.Stat(filepath.Join(root, levels("d/", c.level)+"f"), &want))
		} else {
			require.NoError(t, unix.Stat(root, &want))
		}
		fd, err := walkOpen(rootFd, c.path, unix.O_RDONLY, 0, 0)
		require.NoError(t, err, "open %s", c.path)
		var got unix.Stat_t
		require.NoError(t, unix.Fstat(fd, &got))
		unix.Close(fd)
		require.Equal(t, want.Ino, got.Ino, "open %s: level %d", c.path, c.level)

		var st unix.Stat_t
		a, err := walkLookup(rootFd, c.path, true, &st, 0)
		require.NoError(t, err, "lookup %s", c.path)
		a.release()
		require.Equal(t, want.Ino, st.Ino, "lookup %s: level %d", c.path, c.level)
	}
	_, err := walkOpen(rootFd, levels("d/", 140)+levels("../", 141)+"f", unix.O_RDONLY, 0, 0)
	require.ErrorIs(t, err, ErrEscape)
}

// TestWalkDepthLimit checks that a walk symbolic links carry through more
// than maxWalkDepth levels is ENAMETOOLONG, not thousands of open
// descriptors, and that one at the limit still succeeds.
func TestWalkDepthLimit(t *testing.T) {
	root := t.TempDir()
	// Links of 1,000 levels each at levels 0 and 1000 carry "n" to level
	// 2000, then to maxWalkDepth+1 — the walk is in maxWalkDepth directories
	// and opens the last one in there — and "m" one level further, with
	// paths of one byte.
	rootFd := chain(t, root, maxWalkDepth+2, func(level, fd int) {
		switch level {
		case 0, 1000:
			require.NoError(t, unix.Symlinkat(levels("d/", 1000)+"n", fd, "n"))
			require.NoError(t, unix.Symlinkat(levels("d/", 1000)+"m", fd, "m"))
		case 2000:
			require.NoError(t, unix.Symlinkat(levels("d/", maxWalkDepth-2000+1), fd, "n"))
			require.NoError(t, unix.Symlinkat(levels("d/", maxWalkDepth-2000+2), fd, "m"))
		}
	})

	fd, err := walkOpen(rootFd, "n", unix.O_RDONLY|unix.O_DIRECTORY, 0, 0)
	require.NoError(t, err, "a walk through exactly maxWalkDepth levels")
	unix.Close(fd)
	_, err = walkOpen(rootFd, "m", unix.O_RDONLY|unix.O_DIRECTORY, 0, 0)
	require.ErrorIs(t, err, syscall.ENAMETOOLONG)
	var st unix.Stat_t
	_, err = walkLookup(rootFd, "m/.", true, &st, 0)
	require.ErrorIs(t, err, syscall.ENAMETOOLONG)
	a, err := walkLookup(rootFd, "n", true, &st, 0)
	require.NoError(t, err, "a lookup within the limit")
	a.release()
}

// TestWalkRandomPaths resolves random walks down and up a 150-level chain,
// through links whose targets climb first, and compares each with the
// kernel's own resolution of the same path from the root's host path.
func TestWalkRandomPaths(t *testing.T) {
	root := t.TempDir()
	const depth = 150
	rootFd := chain(t, root, depth, func(level, fd int) {
		require.NoError(t, unix.Symlinkat("../"+levels("d/", 2), fd, "upd"))
	})

	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		var b strings.Builder
		level, links := 0, 0
		for b.Len() < 3000 {
			switch r := rng.IntN(10); {
			case r < 5 && level < depth:
				b.WriteString("d/")
				level++
			case r < 9 && level > 0:
				b.WriteString("../")
				level--
			case r == 9 && level > 0 && level < depth && links < maxSymlinks:
				b.WriteString("upd/") // level-1, then down 2
				level++
				links++
			}
		}
		path := b.String() + "."
		var want unix.Stat_t
		require.NoError(t, unix.Stat(filepath.Join(root, path), &want))
		fd, err := walkOpen(rootFd, path, unix.O_RDONLY|unix.O_DIRECTORY, 0, 0)
		require.NoError(t, err, path)
		var got unix.Stat_t
		require.NoError(t, unix.Fstat(fd, &got))
		unix.Close(fd)
		require.Equal(t, want.Ino, got.Ino, "%s: want level %d", path, level)
	}
}
