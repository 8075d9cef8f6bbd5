package testsuite

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCopyTree(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	require.NoError(t, os.MkdirAll(filepath.Join(src, "sub", "deeper"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(src, "a.txt"), []byte("A"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(src, "sub", "deeper", "b.txt"), []byte("B"), 0o644))
	withLink := runtime.GOOS != "windows"
	if withLink {
		require.NoError(t, os.Symlink("../a.txt", filepath.Join(src, "sub", "link")))
	}
	dst := filepath.Join(t.TempDir(), "x", "dst")
	require.NoError(t, copyTree(src, dst))

	b, err := os.ReadFile(filepath.Join(dst, "a.txt"))
	require.NoError(t, err)
	assert.Equal(t, "A", string(b))
	b, err = os.ReadFile(filepath.Join(dst, "sub", "deeper", "b.txt"))
	require.NoError(t, err)
	assert.Equal(t, "B", string(b))
	if withLink {
		st, err := os.Stat(filepath.Join(dst, "a.txt"))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "permissions are kept")
		link, err := os.Readlink(filepath.Join(dst, "sub", "link"))
		require.NoError(t, err)
		assert.Equal(t, "../a.txt", link, "a link stays a link")
	}

	require.NoError(t, os.WriteFile(filepath.Join(dst, "new.txt"), nil, 0o644))
	_, err = os.Stat(filepath.Join(src, "new.txt"))
	assert.ErrorIs(t, err, os.ErrNotExist, "a copy, not the original")

	assert.Error(t, copyTree(src, dst), "the target must not exist")
	assert.Error(t, copyTree(filepath.Join(src, "a.txt"), filepath.Join(t.TempDir(), "f")), "not a directory")
	assert.Error(t, copyTree(filepath.Join(src, "missing"), filepath.Join(t.TempDir(), "m")))
}

func TestRemoveCleanup(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "d.cleanup", "inner"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "keep", "x.cleanup"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "keep", "f.cleanup"), nil, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "keep", "f.txt"), nil, 0o644))
	require.NoError(t, removeCleanup(dir))
	var left []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
		rel, _ := filepath.Rel(dir, p)
		left = append(left, filepath.ToSlash(rel))
		return err
	}))
	assert.Equal(t, []string{".", "keep", "keep/f.txt"}, left)
}
