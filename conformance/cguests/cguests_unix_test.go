//go:build unix

package cguests

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/capwasi/capwasi/conformance/engine"
)

// TestStatFamily checks the stat family against the host's lstat(2) and
// stat(2), inode numbers and link counts included (Unix only).
func TestStatFamily(t *testing.T) {
	wasm := module(t, "files")
	root := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(root, "dir"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "file"), []byte("hello"), 0o644))
	require.NoError(t, os.Symlink("file", filepath.Join(root, "link")))
	require.NoError(t, os.Symlink("nowhere", filepath.Join(root, "dangling")))

	// What the host says, in the format files stat prints.
	var want []string
	for _, name := range []string{"file", "dir", "link", "dangling", "missing"} {
		line := name + ": stat"
		fi, err := os.Stat(filepath.Join(root, name))
		var s *syscall.Stat_t
		if err != nil {
			line += " ENOENT"
		} else {
			s = fi.Sys().(*syscall.Stat_t)
			line += fmt.Sprintf(" %s size=%d nlink=%d ino=%d", kind(fi.Mode()), fi.Size(), s.Nlink, s.Ino)
		}
		line += " lstat"
		if li, err := os.Lstat(filepath.Join(root, name)); err != nil {
			line += " ENOENT fstatat ENOENT"
		} else {
			line += fmt.Sprintf(" %s size=%d ino=%d fstatat same", kind(li.Mode()), li.Size(), li.Sys().(*syscall.Stat_t).Ino)
		}
		want = append(want, line)
		if s != nil && fi.Mode().IsRegular() {
			want = append(want, fmt.Sprintf("%s: fstat f size=%d ino=%d", name, fi.Size(), s.Ino))
		}
	}
	for _, eng := range []string{"capwasi", "wazero"} {
		out, code := runGuest(t, eng, wasm, engine.Invocation{Args: []string{"files", "stat", "/s"}, Dirs: []engine.Dir{{HostPath: root, GuestPath: "/s"}}})
		assert.Zero(t, code, eng)
		assert.Equal(t, want, strings.Split(strings.TrimSuffix(out, "\n"), "\n"), eng)
	}
}
