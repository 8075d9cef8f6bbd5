//go:build linux || darwin || freebsd

package capstd

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

// sandbox is a temporary tree for one test: base/root is opened as a Dir,
// base/outside holds secrets that no operation on the Dir may touch.
type sandbox struct {
	t       testing.TB
	base    string // temporary directory holding root and outside
	root    string // host path of the Dir
	outside string // host path of the secrets
	d       *Dir
}

const secretData = "TOP SECRET"

// newSandbox creates base/root (opened as s.d, with opts) and
// base/outside with outside/secret, outside/sub/secret2 and outside/dir/,
// in a temporary directory base.
func newSandbox(t testing.TB, opts ...Option) *sandbox {
	t.Helper()
	return newSandboxIn(t, t.TempDir(), opts...)
}

// newSandboxIn is newSandbox in the directory base.
func newSandboxIn(t testing.TB, base string, opts ...Option) *sandbox {
	t.Helper()
	s := &sandbox{t: t, base: base, root: filepath.Join(base, "root"), outside: filepath.Join(base, "outside")}
	require.NoError(t, os.Mkdir(s.root, 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(s.outside, "sub"), 0o755))
	require.NoError(t, os.Mkdir(filepath.Join(s.outside, "dir"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(s.outside, "secret"), []byte(secretData), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(s.outside, "sub", "secret2"), []byte(secretData+"2"), 0o644))
	s.d = openTestDir(t, s.root, opts...)
	return s
}

// memTempDir returns a fresh directory removed when the test ends:
// beneath /dev/shm (tmpfs) where there is one, else t.TempDir(). For tests
// that build and remove many small trees, which is all they measure on a
// disk file system mounted with discard (about 100 ms a tree of sixty
// entries here, against a few on tmpfs), when what they check does not
// depend on the file system.
func memTempDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("/dev/shm", "capstd-test-")
	if err != nil {
		return t.TempDir()
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// openTestDir opens path as a Dir with the resolver of this run of the
// tests (see TestMain) and opts, closed at the end of the test; it skips
// the test where capstd is unsupported.
func openTestDir(t testing.TB, path string, opts ...Option) *Dir {
	t.Helper()
	d, err := OpenAmbientDir(path, append([]Option{WithResolver(testResolver)}, opts...)...)
	if errors.Is(err, errors.ErrUnsupported) {
		t.Skip("capstd is not supported on this system")
	}
	require.NoError(t, err)
	t.Cleanup(func() { d.Close() })
	return d
}

// host returns the host path of rel inside the root.
func (s *sandbox) host(rel string) string { return filepath.Join(s.root, filepath.FromSlash(rel)) }

// file creates the file rel inside the root (and its parents).
func (s *sandbox) file(rel, data string) {
	s.t.Helper()
	require.NoError(s.t, os.MkdirAll(filepath.Dir(s.host(rel)), 0o755))
	require.NoError(s.t, os.WriteFile(s.host(rel), []byte(data), 0o644))
}

// dir creates the directory rel inside the root (and its parents).
func (s *sandbox) dir(rel string) {
	s.t.Helper()
	require.NoError(s.t, os.MkdirAll(s.host(rel), 0o755))
}

// link creates the symbolic link rel inside the root pointing at target.
func (s *sandbox) link(target, rel string) {
	s.t.Helper()
	require.NoError(s.t, os.MkdirAll(filepath.Dir(s.host(rel)), 0o755))
	require.NoError(s.t, os.Symlink(target, s.host(rel)))
}

// snapshot digests everything under base except root — names, types,
// modes, sizes, modification times, contents and link targets — plus base
// itself, so that any change outside the root shows.
func (s *sandbox) snapshot() string {
	s.t.Helper()
	var lines []string
	err := filepath.WalkDir(s.base, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == s.root {
			// The root's own entry is outside; its contents are not.
			fi, err := os.Lstat(p)
			if err != nil {
				return err
			}
			lines = append(lines, fmt.Sprintf("root %v", fi.Mode()))
			return fs.SkipDir
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		line := fmt.Sprintf("%s %v %d %d", p, fi.Mode(), fi.Size(), fi.ModTime().UnixNano())
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			line += " -> " + target
		case fi.Mode().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			line += fmt.Sprintf(" %x", sha256.Sum256(data))
		}
		lines = append(lines, line)
		return nil
	})
	require.NoError(s.t, err)
	sort.Strings(lines)
	return fmt.Sprint(lines)
}

// ino returns the device and inode of the host path p (not followed).
func ino(t testing.TB, p string) [2]uint64 {
	t.Helper()
	var st Stat
	fi, err := os.Lstat(p)
	require.NoError(t, err)
	st = statOfFileInfo(fi)
	return [2]uint64{st.Dev, st.Ino}
}

// requireErr checks that err is nil (want nil) or wraps want.
func requireErr(t testing.TB, err, want error, msgAndArgs ...any) {
	t.Helper()
	if want == nil {
		require.NoError(t, err, msgAndArgs...)
		return
	}
	require.ErrorIs(t, err, want, msgAndArgs...)
}
