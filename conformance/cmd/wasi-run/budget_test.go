package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// treeSize returns the bytes of the regular files and links beneath root
// and its number of names.
func treeSize(t *testing.T, root string) (bytes, names int64) {
	t.Helper()
	require.NoError(t, filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == root {
			return err
		}
		names++
		if !d.IsDir() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			bytes += info.Size()
		}
		return nil
	}))
	return bytes, names
}

// --budget-bytes and --budget-entries bound how much a guest makes its
// read-write directories grow, together; past them it gets ENOSPC.
func TestBudgetFlags(t *testing.T) {
	grow := build(t, "grow")
	a, b := t.TempDir(), t.TempDir()
	code, stdout, stderr, err := runCLI(t, "", "--dir", a+"::/", "--dir", b+"::/b",
		"--budget-bytes", "512K", "--budget-entries", "40", grow, "write", "pwrite", "files")
	require.NoError(t, err, stderr)
	require.Zero(t, code, stdout)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	require.Len(t, lines, 3, stdout)
	assert.Equal(t, "write errno=51 amount=524288 unchanged=true", lines[0], "ENOSPC after 512 KiB")
	assert.Equal(t, "pwrite errno=51 amount=0 unchanged=true", lines[1], "nothing left")
	assert.Equal(t, "files errno=51 amount=38 unchanged=true", lines[2], "40 names, two of them taken")
	bytes, names := treeSize(t, a)
	assert.Equal(t, int64(512<<10), bytes)
	assert.Equal(t, int64(40), names)

	// The guest grows the first directory (/, descriptor 3) only.
	entries, err := os.ReadDir(b)
	require.NoError(t, err)
	assert.Empty(t, entries)
}
