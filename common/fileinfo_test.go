package common

import (
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFiletypeOf(t *testing.T) {
	for _, c := range []struct {
		mode fs.FileMode
		want Filetype
	}{
		{0o644, FiletypeRegularFile},
		{fs.ModeDir | 0o755, FiletypeDirectory},
		{fs.ModeSymlink | 0o777, FiletypeSymbolicLink},
		{fs.ModeDevice | fs.ModeCharDevice | 0o666, FiletypeCharacterDevice},
		{fs.ModeDevice | 0o660, FiletypeBlockDevice},
		{fs.ModeSocket, FiletypeSocketStream},
		{fs.ModeNamedPipe, FiletypeUnknown},
		{fs.ModeIrregular, FiletypeUnknown},
		{fs.ModeSetuid | fs.ModeSticky | 0o755, FiletypeRegularFile}, // permission bits do not matter
	} {
		assert.Equal(t, c.want, FiletypeOf(c.mode), "%v", c.mode)
	}
}

func TestFilestatOf(t *testing.T) {
	mtime := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)
	fsys := fstest.MapFS{
		"f":      {Data: []byte("hello"), ModTime: mtime},
		"d":      {Mode: fs.ModeDir | 0o755, ModTime: mtime},
		"l":      {Mode: fs.ModeSymlink, Data: []byte("f")},
		"old":    {ModTime: time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)},
		"future": {ModTime: time.Date(2500, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	info, err := fs.Stat(fsys, "f")
	require.NoError(t, err)
	ns := Timestamp(mtime.UnixNano())
	assert.Equal(t, Filestat{Filetype: FiletypeRegularFile, Nlink: 1, Size: 5, Atim: ns, Mtim: ns, Ctim: ns}, FilestatOf(info))

	info, err = fs.Stat(fsys, "d")
	require.NoError(t, err)
	assert.Equal(t, FiletypeDirectory, FilestatOf(info).Filetype)

	info, err = fs.Lstat(fsys, "l")
	require.NoError(t, err)
	st := FilestatOf(info)
	assert.Equal(t, FiletypeSymbolicLink, st.Filetype)
	assert.Equal(t, Filesize(1), st.Size)

	info, err = fs.Stat(fsys, "old")
	require.NoError(t, err)
	assert.Zero(t, FilestatOf(info).Mtim, "before 1970")
	info, err = fs.Stat(fsys, "future")
	require.NoError(t, err)
	assert.Equal(t, Timestamp(math.MaxInt64), FilestatOf(info).Mtim, "after 2262")

	// The zero time (embed.FS reports it) is 0, and Dev and Ino are left
	// for the caller.
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "x"), []byte("abc"), 0o644))
	oinfo, err := os.Stat(filepath.Join(dir, "x"))
	require.NoError(t, err)
	st = FilestatOf(oinfo)
	assert.Equal(t, Filesize(3), st.Size)
	assert.Zero(t, st.Ino)
	assert.Zero(t, st.Dev)
	assert.Zero(t, timestampOf(time.Time{}))
}
