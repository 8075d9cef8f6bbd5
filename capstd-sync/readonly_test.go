//go:build linux || darwin || freebsd

package capstdsync

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// snapshot describes every entry beneath root: type, mode, size, times,
// content and link target, so that any change to the tree shows.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	snap := map[string]string{}
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		desc := fmt.Sprintf("%v %d %d", info.Mode(), info.Size(), info.ModTime().UnixNano())
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			desc += " -> " + target
		case info.Mode().IsRegular():
			data, _ := os.ReadFile(p)
			desc += fmt.Sprintf(" %x", sha256.Sum256(data))
		}
		rel, _ := filepath.Rel(root, p)
		snap[rel] = desc
		return nil
	})
	require.NoError(t, err)
	return snap
}

func fillReadOnlyTree(t *testing.T) func(root string) {
	return func(root string) {
		writeFile(t, root, "f", "precious")
		writeFile(t, root, "sub/g", "also precious")
		require.NoError(t, os.Mkdir(filepath.Join(root, "empty"), 0o755))
		require.NoError(t, os.Symlink("f", filepath.Join(root, "ln")))
	}
}

func TestReadOnlyPreopenRefusesEveryWrite(t *testing.T) {
	ro, roRoot := openTree(t, ReadOnly, fillReadOnlyTree(t))
	rwd, rwRoot := openTree(t, ReadWrite, func(root string) { writeFile(t, root, "rwfile", "rw") })
	sub := openF(t, ro, "sub", dirO).(common.WasiDir)
	file := openF(t, ro, "f", rd)

	roBefore, rwBefore := snapshot(t, roRoot), snapshot(t, rwRoot)
	w := common.OpenOptions{Write: true}
	at := common.Timestamp(1_000_000_000)
	times := common.FstflagsAtim | common.FstflagsMtim
	for _, c := range []struct {
		name string
		op   func() error
		want common.Errno
	}{
		{"create", func() error {
			_, err := ro.OpenFile(bg, "new", common.OpenOptions{Oflags: common.OflagsCreat})
			return err
		}, common.EPERM},
		{"create existing", func() error {
			_, err := ro.OpenFile(bg, "f", common.OpenOptions{Read: true, Oflags: common.OflagsCreat})
			return err
		}, common.EPERM},
		{"create exclusive", func() error {
			_, err := ro.OpenFile(bg, "new", common.OpenOptions{Write: true, Oflags: common.OflagsCreat | common.OflagsExcl})
			return err
		}, common.EPERM},
		{"truncate without write access", func() error {
			_, err := ro.OpenFile(bg, "f", common.OpenOptions{Read: true, Oflags: common.OflagsTrunc})
			return err
		}, common.EPERM},
		{"truncate through a link", func() error {
			_, err := ro.OpenFile(bg, "ln", common.OpenOptions{Oflags: common.OflagsTrunc, Lookup: common.LookupflagsSymlinkFollow})
			return err
		}, common.EPERM},
		{"open for writing", func() error { _, err := ro.OpenFile(bg, "f", w); return err }, common.EPERM},
		{"open for reading and writing", func() error { _, err := ro.OpenFile(bg, "f", rw); return err }, common.EPERM},
		{"open for appending", func() error {
			_, err := ro.OpenFile(bg, "f", common.OpenOptions{Write: true, Fdflags: common.FdflagsAppend})
			return err
		}, common.EPERM},
		{"open for writing beneath", func() error { _, err := ro.OpenFile(bg, "sub/g", w); return err }, common.EPERM},
		{"open for writing in an opened subdirectory", func() error { _, err := sub.OpenFile(bg, "g", w); return err }, common.EPERM},
		{"create in an opened subdirectory", func() error { _, err := sub.OpenFile(bg, "h", crw); return err }, common.EPERM},
		{"mkdir", func() error { return ro.CreateDirectory(bg, "newdir") }, common.EPERM},
		{"mkdir beneath", func() error { return sub.CreateDirectory(bg, "newdir") }, common.EPERM},
		{"rmdir", func() error { return ro.RemoveDirectory(bg, "empty") }, common.EPERM},
		{"unlink", func() error { return ro.UnlinkFile(bg, "f") }, common.EPERM},
		{"unlink a link", func() error { return ro.UnlinkFile(bg, "ln") }, common.EPERM},
		{"unlink beneath", func() error { return sub.UnlinkFile(bg, "g") }, common.EPERM},
		{"symlink", func() error { return ro.Symlink(bg, "f", "ln2") }, common.EPERM},
		{"rename within", func() error { return ro.Rename(bg, "f", ro, "f2") }, common.EPERM},
		{"rename read-only to read-write", func() error { return ro.Rename(bg, "f", rwd, "stolen") }, common.EPERM},
		{"rename read-write to read-only", func() error { return rwd.Rename(bg, "rwfile", ro, "planted") }, common.EPERM},
		{"link within", func() error { return ro.Link(bg, 0, "f", ro, "f3") }, common.EPERM},
		{"link read-only to read-write", func() error { return ro.Link(bg, 0, "f", rwd, "alias") }, common.EPERM},
		{"link read-write to read-only", func() error { return rwd.Link(bg, 0, "rwfile", ro, "alias") }, common.EPERM},
		{"path set times", func() error { return ro.PathSetTimes(bg, 0, "f", at, at, times) }, common.EPERM},
		{"path set times, following", func() error {
			return ro.PathSetTimes(bg, common.LookupflagsSymlinkFollow, "ln", at, at, times)
		}, common.EPERM},
		{"path set times to now", func() error { return ro.PathSetTimes(bg, 0, "f", 0, 0, common.FstflagsMtimNow) }, common.EPERM},
		{"set times of the directory", func() error { return ro.SetTimes(bg, at, at, times) }, common.EPERM},
		{"set times of a subdirectory", func() error { return sub.SetTimes(bg, at, at, times) }, common.EPERM},
		{"set times of a file", func() error { return file.SetTimes(bg, at, at, times) }, common.EPERM},
		{"set size", func() error { return file.SetSize(bg, 0) }, common.EPERM},
		{"allocate", func() error { return file.Allocate(bg, 0, 100) }, common.EPERM},
		{"write", func() error { _, err := file.Write(bg, [][]byte{[]byte("x")}); return err }, common.EBADF},
		{"pwrite", func() error { _, err := file.Pwrite(bg, [][]byte{[]byte("x")}, 0); return err }, common.EBADF},
	} {
		errnoIs(t, c.want, c.op(), c.name)
	}
	assert.Equal(t, roBefore, snapshot(t, roRoot), "the read-only tree is unchanged")
	assert.Equal(t, rwBefore, snapshot(t, rwRoot), "the read-write tree is unchanged")

	// Reading works.
	buf := make([]byte, 16)
	n, err := file.Read(bg, [][]byte{buf})
	require.NoError(t, err)
	assert.Equal(t, "precious", string(buf[:n]))
	assert.Len(t, listAll(t, ro, 0, 4), 6)

	// The rights say so.
	base, inh := ro.Rights()
	assert.Zero(t, base&common.RightsDirectoryWriteMask, "%v", base&common.RightsDirectoryWriteMask)
	assert.Zero(t, inh&common.RightsDirectoryWriteMask)
	assert.Equal(t, common.RightsWriteMask, inh&common.RightsWriteMask,
		"a write open asks for FD_WRITE (wasi-libc: within the inheriting rights) and is refused")
	assert.True(t, base.Has(common.RightsPathOpen|common.RightsFdReaddir|common.RightsPathFilestatGet))
	base, _ = sub.Rights()
	assert.Zero(t, base&common.RightsDirectoryWriteMask)
	base, _ = file.Rights()
	assert.Zero(t, base&common.RightsWriteMask)
	assert.False(t, base.Has(common.RightsFdFilestatSetTimes))
}

func TestPartialPermissions(t *testing.T) {
	dirOnly, _ := openTree(t, DirWrite, fillReadOnlyTree(t))
	fileOnly, fileRoot := openTree(t, FileWrite, fillReadOnlyTree(t))
	both, _ := openTree(t, ReadWrite, nil)

	// DirWrite: the tree may change, file contents may not.
	require.NoError(t, dirOnly.CreateDirectory(bg, "newdir"))
	f := openF(t, dirOnly, "created", common.OpenOptions{Oflags: common.OflagsCreat})
	require.NoError(t, f.Close())
	_, err := dirOnly.OpenFile(bg, "f", common.OpenOptions{Write: true})
	errnoIs(t, common.EPERM, err)
	_, err = dirOnly.OpenFile(bg, "new2", crw)
	errnoIs(t, common.EPERM, err, "creating for writing needs FileWrite too")
	require.NoError(t, dirOnly.Rename(bg, "created", dirOnly, "renamed"))
	errnoIs(t, common.EPERM, dirOnly.Rename(bg, "renamed", both, "escalated"), "a file must not become writable by moving")
	errnoIs(t, common.EPERM, dirOnly.Link(bg, 0, "f", both, "escalated"))
	require.NoError(t, both.CreateDirectory(bg, "x"))
	require.NoError(t, both.Rename(bg, "x", dirOnly, "x"), "moving to a directory allowing less is fine")
	base, inh := dirOnly.Rights()
	assert.True(t, base.Has(common.RightsPathCreateDirectory|common.RightsPathUnlinkFile))
	assert.False(t, base.Has(common.RightsPathFilestatSetSize))
	assert.Equal(t, common.RightsWriteMask, inh&common.RightsWriteMask)

	// FileWrite: file contents may change, the tree may not.
	g := openF(t, fileOnly, "f", rw)
	_, err = g.Write(bg, [][]byte{[]byte("P")})
	require.NoError(t, err)
	require.NoError(t, g.SetSize(bg, 4))
	data, _ := os.ReadFile(filepath.Join(fileRoot, "f"))
	assert.Equal(t, "Prec", string(data))
	openF(t, fileOnly, "f", common.OpenOptions{Write: true, Oflags: common.OflagsTrunc})
	_, err = fileOnly.OpenFile(bg, "new", common.OpenOptions{Write: true, Oflags: common.OflagsCreat})
	errnoIs(t, common.EPERM, err)
	errnoIs(t, common.EPERM, fileOnly.CreateDirectory(bg, "d"))
	errnoIs(t, common.EPERM, fileOnly.UnlinkFile(bg, "f"))
	base, inh = fileOnly.Rights()
	assert.False(t, base.Has(common.RightsPathCreateFile))
	assert.True(t, base.Has(common.RightsPathFilestatSetSize))
	assert.True(t, inh.Has(common.RightsFdWrite|common.RightsFdFilestatSetSize))
}
