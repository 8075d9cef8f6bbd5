//go:build linux || darwin || freebsd

package capstd

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

func readAll(t *testing.T, d *Dir, path string) string {
	t.Helper()
	f, err := d.OpenFile(path, ORead, 0)
	require.NoError(t, err)
	defer f.Close()
	data, err := io.ReadAll(f)
	require.NoError(t, err)
	return string(data)
}

func TestOpenAmbientDir(t *testing.T) {
	_, err := OpenAmbientDir("")
	require.ErrorIs(t, err, syscall.ENOENT)
	_, err = OpenAmbientDir("a\x00b")
	require.ErrorIs(t, err, syscall.EINVAL)
	f := filepath.Join(t.TempDir(), "f")
	require.NoError(t, os.WriteFile(f, nil, 0o644))
	_, err = OpenAmbientDir(f)
	require.ErrorIs(t, err, syscall.ENOTDIR)
	_, err = OpenAmbientDir(filepath.Join(t.TempDir(), "missing"))
	require.ErrorIs(t, err, fs.ErrNotExist)
	var pe *PathError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "open", pe.Op)
}

func TestOpenFile(t *testing.T) {
	s := newSandbox(t)
	s.file("a/b/file", "data")
	s.dir("d")
	s.link("a/b/file", "lnFile")
	s.link("lnFile", "lnLn")
	s.link("a", "lnDir")
	s.link("../a/b", "d/lnUpIn")
	s.link("missing", "dangling")

	for _, p := range []string{"a/b/file", "./a/b/file", "a//b///file", "a/../a/b/file", "lnFile", "lnLn",
		"lnDir/b/file", "d/lnUpIn/file", "d/../a/./b/../b/file"} {
		require.Equal(t, "data", readAll(t, s.d, p), p)
	}

	cases := []struct {
		path  string
		flags OpenFlag
		want  error
	}{
		{"missing", ORead, syscall.ENOENT},
		{"missing/x", ORead, syscall.ENOENT},
		{"a/b/file/x", ORead, syscall.ENOTDIR},
		{"a/b/file/", ORead, syscall.ENOTDIR},
		{"a/b/file/.", ORead, syscall.ENOTDIR},
		{"a/b/file", ORead | ODirectory, syscall.ENOTDIR},
		{"lnFile", ORead | ONoFollow, syscall.ELOOP},
		{"lnFile/", ORead, syscall.ENOTDIR},
		{"lnDir", ORead | ONoFollow, syscall.ELOOP},
		{"lnDir/", ORead | ONoFollow, nil},
		{"lnDir", ORead | ODirectory, nil},
		{"d", ORead, nil},
		{"d/", ORead, nil},
		{".", ORead, nil},
		{"d", OWrite, syscall.EISDIR},
		{"d", ORead | OCreate, syscall.EISDIR},
		{"a/b/file", OCreate | OExcl | OWrite, syscall.EEXIST},
		{"lnFile", OCreate | OExcl | OWrite, syscall.EEXIST},
		{"newdir/", OCreate | OWrite, syscall.EISDIR},
		{"a/b/file", OpenFlag(1 << 30), syscall.EINVAL},
		{"dangling", ORead, syscall.ENOENT},
	}
	for _, c := range cases {
		f, err := s.d.OpenFile(c.path, c.flags, 0o644)
		requireErr(t, err, c.want, "%s %#x", c.path, c.flags)
		if err == nil {
			f.Close()
		} else {
			require.Nil(t, f)
		}
	}

	// Create through a dangling link inside creates its target.
	f, err := s.d.OpenFile("dangling", OCreate|OWrite, 0o600)
	require.NoError(t, err)
	f.Close()
	fi, err := os.Lstat(s.host("missing"))
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o600), fi.Mode().Perm()&^umask(t))

	// Truncate and append.
	f, err = s.d.OpenFile("a/b/file", OWrite|OTrunc, 0)
	require.NoError(t, err)
	f.Close()
	require.Equal(t, "", readAll(t, s.d, "a/b/file"))
	for _, part := range []string{"one", "two"} {
		f, err = s.d.OpenFile("a/b/file", OWrite|OAppend, 0)
		require.NoError(t, err)
		_, err = f.Write([]byte(part))
		require.NoError(t, err)
		f.Close()
	}
	require.Equal(t, "onetwo", readAll(t, s.d, "a/b/file"))

	// Read-only files refuse writes, write-only files refuse reads.
	f, err = s.d.OpenFile("a/b/file", ORead, 0)
	require.NoError(t, err)
	_, err = f.Write([]byte("x"))
	require.ErrorIs(t, err, syscall.EBADF)
	f.Close()
	f, err = s.d.OpenFile("a/b/file", OWrite, 0)
	require.NoError(t, err)
	_, err = f.Read(make([]byte, 1))
	require.ErrorIs(t, err, syscall.EBADF)
	f.Close()
}

func umask(t *testing.T) fs.FileMode {
	old := syscall.Umask(0)
	syscall.Umask(old)
	return fs.FileMode(old)
}

func TestSymlinkExpansionLimit(t *testing.T) {
	s := newSandbox(t)
	s.file("target", "end")
	// A chain of exactly maxSymlinks links resolves; one more is ELOOP.
	prev := "target"
	for i := 1; i <= maxSymlinks+1; i++ {
		name := "l" + strings.Repeat("x", i)
		s.link(prev, name)
		prev = name
	}
	require.Equal(t, "end", readAll(t, s.d, "l"+strings.Repeat("x", maxSymlinks)))
	_, err := s.d.OpenFile(prev, ORead, 0)
	require.ErrorIs(t, err, syscall.ELOOP)
	_, err = s.d.Stat(prev, true)
	require.ErrorIs(t, err, syscall.ELOOP)

	// Absolute links beneath a Dir with root semantics count the same.
	d := openTestDir(t, s.root, WithRootSemantics())
	prev = "/target"
	for i := 1; i <= maxSymlinks+1; i++ {
		name := "a" + strings.Repeat("x", i)
		s.link(prev, name)
		prev = "/" + name
	}
	require.Equal(t, "end", readAll(t, d, "a"+strings.Repeat("x", maxSymlinks)))
	_, err = d.OpenFile(prev[1:], ORead, 0)
	require.ErrorIs(t, err, syscall.ELOOP)
	_, err = d.Stat(prev[1:], true)
	require.ErrorIs(t, err, syscall.ELOOP)
}

func TestOpenDir(t *testing.T) {
	s := newSandbox(t)
	s.file("a/b/f", "f")
	s.link("a", "lnA")
	for _, c := range []struct {
		path   string
		follow bool
		want   error
	}{
		{"a", false, nil},
		{"a/b", true, nil},
		{".", false, nil},
		{"a/..", false, nil},
		{"lnA", true, nil},
		{"lnA", false, syscall.ENOTDIR},
		{"lnA/", false, nil},
		{"a/b/f", true, syscall.ENOTDIR},
		{"missing", true, syscall.ENOENT},
	} {
		sub, err := s.d.OpenDir(c.path, c.follow)
		requireErr(t, err, c.want, c.path)
		if err == nil {
			sub.Close()
		}
	}
	sub, err := s.d.OpenDir("lnA", true)
	require.NoError(t, err)
	defer sub.Close()
	require.Equal(t, "f", readAll(t, sub, "b/f"))
	st, err := sub.Fstat()
	require.NoError(t, err)
	require.Equal(t, ino(t, s.host("a")), [2]uint64{st.Dev, st.Ino})
}

func TestMkdir(t *testing.T) {
	s := newSandbox(t)
	s.dir("a")
	s.link("a", "lnA")
	s.link("missing", "dangling")
	for _, c := range []struct {
		path string
		want error
	}{
		{"new", nil},
		{"new2/", nil},
		{"a/sub", nil},
		{"lnA/viaLink", nil},
		{"a/sub/../sub2", nil},
		{"new", syscall.EEXIST},
		{"lnA", syscall.EEXIST},
		{"dangling", syscall.EEXIST},
		{".", syscall.EEXIST},
		{"a/..", syscall.EEXIST},
		{"a/.", syscall.EEXIST},
		{"missing/x", syscall.ENOENT},
	} {
		requireErr(t, s.d.Mkdir(c.path, 0o750), c.want, c.path)
	}
	for _, p := range []string{"new", "new2", "a/sub", "a/viaLink", "a/sub2"} {
		fi, err := os.Lstat(s.host(p))
		require.NoError(t, err, p)
		require.True(t, fi.IsDir())
		require.Equal(t, fs.FileMode(0o750)&^umask(t), fi.Mode().Perm())
	}
	_, err := os.Lstat(s.host("missing"))
	require.ErrorIs(t, err, fs.ErrNotExist, "mkdir followed a dangling link")
}

func TestRemoveDir(t *testing.T) {
	s := newSandbox(t)
	s.dir("empty")
	s.dir("empty2")
	s.file("full/f", "x")
	s.file("file", "x")
	s.link("empty", "lnEmpty")
	for _, c := range []struct {
		path string
		want error
	}{
		{"empty", nil},
		{"empty2/", nil},
		{"empty", syscall.ENOENT},
		{"full", syscall.ENOTEMPTY},
		{"file", syscall.ENOTDIR},
		{"lnEmpty", syscall.ENOTDIR},
		{".", syscall.EINVAL},
		{"full/.", syscall.EINVAL},
		{"full/..", syscall.ENOTEMPTY},
	} {
		requireErr(t, s.d.RemoveDir(c.path), c.want, c.path)
	}
	_, err := os.Lstat(s.host("lnEmpty"))
	require.NoError(t, err)
}

func TestRemoveFile(t *testing.T) {
	s := newSandbox(t)
	s.file("f1", "x")
	s.file("f2", "x")
	s.file("a/f3", "x")
	s.dir("d")
	s.link("f2", "lnF2")
	s.link("d", "lnD")
	for _, c := range []struct {
		path string
		want error
	}{
		{"f1", nil},
		{"f1", syscall.ENOENT},
		{"a/f3", nil},
		{"lnF2", nil},
		{"f2/", syscall.ENOTDIR},
		{"d/", syscall.EISDIR},
		{"lnD/", syscall.ENOTDIR},
		{"missing/", syscall.ENOENT},
		{".", syscall.EISDIR},
		{"d/..", syscall.EISDIR},
	} {
		requireErr(t, s.d.RemoveFile(c.path), c.want, c.path)
	}
	if isLinux {
		require.ErrorIs(t, s.d.RemoveFile("d"), syscall.EISDIR)
	}
	_, err := os.Lstat(s.host("f2"))
	require.NoError(t, err, "unlink of a link removed its target")
	_, err = os.Lstat(s.host("lnF2"))
	require.ErrorIs(t, err, fs.ErrNotExist)
}

func TestRename(t *testing.T) {
	s := newSandbox(t)
	s.file("f", "data")
	s.file("g", "other")
	s.file("dir/inner", "in")
	s.dir("emptyDir")
	s.link("f", "lnF")
	requireErr(t, s.d.Rename("f", nil, "f2"), nil)
	require.Equal(t, "data", readAll(t, s.d, "f2"))
	requireErr(t, s.d.Rename("f2", s.d, "g"), nil) // replaces g
	require.Equal(t, "data", readAll(t, s.d, "g"))
	// A directory replaces an empty directory (os.Root cannot do this).
	requireErr(t, s.d.Rename("dir", nil, "emptyDir"), nil)
	require.Equal(t, "in", readAll(t, s.d, "emptyDir/inner"))
	requireErr(t, s.d.Rename("emptyDir/", nil, "dir/"), nil)
	// The link itself moves.
	requireErr(t, s.d.Rename("lnF", nil, "lnMoved"), nil)
	target, err := s.d.ReadlinkString("lnMoved")
	require.NoError(t, err)
	require.Equal(t, "f", target)

	for _, c := range []struct {
		oldPath, newPath string
		want             error
	}{
		{"missing", "x", syscall.ENOENT},
		{"g/", "x", syscall.ENOTDIR},
		{"g", "x/", syscall.ENOTDIR},
		{".", "x", syscall.EBUSY},
		{"g", ".", syscall.EBUSY},
		{"dir/..", "x", syscall.EBUSY},
		{"dir", "dir/sub", syscall.EINVAL},
		{"g", "missing/x", syscall.ENOENT},
	} {
		err := s.d.Rename(c.oldPath, nil, c.newPath)
		requireErr(t, err, c.want, "%s -> %s", c.oldPath, c.newPath)
		var le *LinkError
		require.ErrorAs(t, err, &le)
		require.Equal(t, c.oldPath, le.Old)
	}
}

// twoDirs returns a second Dir on the same file system as s.
func (s *sandbox) twoDirs() (*Dir, string) {
	other := filepath.Join(s.base, "other")
	require.NoError(s.t, os.Mkdir(other, 0o755))
	return openTestDir(s.t, other), other
}

func TestRenameLinkAcrossDirs(t *testing.T) {
	s := newSandbox(t)
	s.file("f", "data")
	s.file("h", "hard")
	s.file("target", "t")
	s.link("target", "lnT")
	other, otherHost := s.twoDirs()
	require.NoError(t, s.d.Rename("f", other, "moved"))
	require.Equal(t, "data", readAll(t, other, "moved"))
	require.NoError(t, other.Rename("moved", s.d, "back"))
	require.Equal(t, "data", readAll(t, s.d, "back"))

	require.NoError(t, s.d.Link("h", other, "hl", false))
	st, err := other.Stat("hl", false)
	require.NoError(t, err)
	require.Equal(t, ino(t, s.host("h")), [2]uint64{st.Dev, st.Ino})
	require.Equal(t, uint64(2), st.Nlink)

	// Without following, the link itself is linked; with it, its target.
	require.NoError(t, s.d.Link("lnT", other, "hlLink", false))
	require.NoError(t, s.d.Link("lnT", other, "hlTarget", true))
	require.Equal(t, ino(t, s.host("lnT")), ino(t, filepath.Join(otherHost, "hlLink")))
	require.Equal(t, ino(t, s.host("target")), ino(t, filepath.Join(otherHost, "hlTarget")))

	// Escapes are checked on both sides.
	require.ErrorIs(t, s.d.Rename("back", other, "../root/x"), ErrEscape)
	require.ErrorIs(t, s.d.Link("back", other, "../x", false), ErrEscape)
	require.ErrorIs(t, other.Link("../root/back", s.d, "x", false), ErrEscape)

	// A closed Dir on either side.
	require.NoError(t, other.Close())
	require.ErrorIs(t, s.d.Rename("back", other, "x"), fs.ErrClosed)
	require.ErrorIs(t, s.d.Link("back", other, "x", false), fs.ErrClosed)
}

func TestLink(t *testing.T) {
	s := newSandbox(t)
	s.file("f", "data")
	s.dir("d")
	s.link("missing", "dangling")
	for _, c := range []struct {
		oldPath, newPath string
		follow           bool
		want             error
	}{
		{"f", "hl", false, nil},
		{"f", "d/hl", false, nil},
		{"f", "hl", false, syscall.EEXIST},
		{"f", "dangling", false, syscall.EEXIST},
		{"d", "hlD", false, syscall.EPERM},
		{"missing", "x", false, syscall.ENOENT},
		{"dangling", "x", true, syscall.ENOENT},
		{"dangling", "hlDangling", false, nil},
		{"f/", "x", false, syscall.ENOTDIR},
		{"d/", "x", false, syscall.EPERM},
		{".", "x", false, syscall.EPERM},
		{"f", ".", false, syscall.EEXIST},
		{"f", "new/", false, syscall.ENOENT},
		{"f", "d/", false, syscall.EEXIST},
		{"f", "f/", false, syscall.ENOTDIR},
		{"f", "dangling/", false, syscall.EEXIST},
	} {
		requireErr(t, s.d.Link(c.oldPath, nil, c.newPath, c.follow), c.want, "%s -> %s", c.oldPath, c.newPath)
	}
}

func TestSymlinkReadlink(t *testing.T) {
	s := newSandbox(t)
	s.dir("d")
	s.file("f", "x")
	for _, c := range []struct {
		target, path string
		want         error
	}{
		{"f", "l1", nil},
		{"../f", "d/l2", nil},
		{"nowhere", "dangling", nil},
		{"../../escaping/but/inert", "inert", nil},
		{"f", "l1", syscall.EEXIST},
		{"f", "d", syscall.EEXIST},
		{"f", ".", syscall.EEXIST},
		{"f", "new/", syscall.ENOENT},
		{"f", "d/", syscall.EEXIST},
		{"f", "f/", syscall.ENOTDIR},
		{"f", "dangling/", syscall.EEXIST},
		{"f", "missing/x", syscall.ENOENT},
		{"/abs", "x", ErrEscape},
		{"", "x", syscall.ENOENT},
	} {
		requireErr(t, s.d.Symlink(c.target, c.path), c.want, c.path)
	}
	for p, want := range map[string]string{"l1": "f", "d/l2": "../f", "dangling": "nowhere", "inert": "../../escaping/but/inert"} {
		got, err := s.d.ReadlinkString(p)
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
	// Readlink truncates into a short buffer, as WASI expects.
	s.link(strings.Repeat("t", 300), "longlink")
	buf := make([]byte, 10)
	n, err := s.d.Readlink("longlink", buf)
	require.NoError(t, err)
	require.Equal(t, 10, n)
	require.Equal(t, strings.Repeat("t", 10), string(buf))
	n, err = s.d.Readlink("longlink", nil)
	require.NoError(t, err)
	require.Equal(t, 0, n)
	got, err := s.d.ReadlinkString("longlink")
	require.NoError(t, err)
	require.Equal(t, strings.Repeat("t", 300), got)

	for _, c := range []struct {
		path string
		want error
	}{
		{"f", syscall.EINVAL},
		{"d", syscall.EINVAL},
		{".", syscall.EINVAL},
		{"d/..", syscall.EINVAL},
		{"missing", syscall.ENOENT},
		{"l1/", syscall.ENOTDIR},
		{"f/", syscall.ENOTDIR},
	} {
		_, err := s.d.Readlink(c.path, buf)
		requireErr(t, err, c.want, c.path)
		_, err = s.d.Readlink(c.path, nil)
		requireErr(t, err, c.want, c.path)
	}
}

func TestStat(t *testing.T) {
	s := newSandbox(t)
	s.file("f", "12345")
	s.dir("d")
	s.link("f", "lnF")
	s.link("d/", "lnD")
	require.NoError(t, syscall.Mkfifo(s.host("fifo"), 0o644))

	st, err := s.d.Stat("f", false)
	require.NoError(t, err)
	require.Equal(t, TypeRegular, st.Type)
	require.Equal(t, int64(5), st.Size)
	require.Equal(t, uint64(1), st.Nlink)
	require.Equal(t, ino(t, s.host("f")), [2]uint64{st.Dev, st.Ino})
	fi, err := os.Lstat(s.host("f"))
	require.NoError(t, err)
	require.Equal(t, fi.ModTime().UnixNano(), st.Mtime.UnixNano())
	require.Equal(t, fi.Mode().Perm(), st.Perm)

	for _, c := range []struct {
		path   string
		follow bool
		typ    FileType
		host   string
		want   error
	}{
		{"f", true, TypeRegular, "f", nil},
		{"lnF", true, TypeRegular, "f", nil},
		{"lnF", false, TypeSymlink, "lnF", nil},
		{"lnF/", false, 0, "", syscall.ENOTDIR},
		{"lnD", true, TypeDir, "d", nil},
		{"lnD", false, TypeSymlink, "lnD", nil},
		{"lnD/", false, TypeDir, "d", nil},
		{"d", false, TypeDir, "d", nil},
		{"d/", false, TypeDir, "d", nil},
		{"d/.", false, TypeDir, "d", nil},
		{"d/..", false, TypeDir, ".", nil},
		{".", false, TypeDir, ".", nil},
		{"fifo", false, TypeFIFO, "fifo", nil},
		{"f/", true, 0, "", syscall.ENOTDIR},
		{"missing", false, 0, "", syscall.ENOENT},
	} {
		st, err := s.d.Stat(c.path, c.follow)
		requireErr(t, err, c.want, c.path)
		if err == nil {
			require.Equal(t, c.typ, st.Type, c.path)
			require.Equal(t, ino(t, s.host(c.host)), [2]uint64{st.Dev, st.Ino}, c.path)
		}
	}

	st, err = s.d.Fstat()
	require.NoError(t, err)
	require.Equal(t, TypeDir, st.Type)
	require.Equal(t, ino(t, s.root), [2]uint64{st.Dev, st.Ino})
}

func TestStatDevicesAndSockets(t *testing.T) {
	dev := openTestDir(t, "/dev")
	st, err := dev.Stat("null", true)
	require.NoError(t, err)
	require.Equal(t, TypeCharDevice, st.Type)

	s := newSandbox(t)
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	require.NoError(t, err)
	defer syscall.Close(fd)
	// Socket paths must be short: bind relative to the root.
	t.Chdir(s.root)
	require.NoError(t, syscall.Bind(fd, &syscall.SockaddrUnix{Name: "sock"}))
	st, err = s.d.Stat("sock", false)
	require.NoError(t, err)
	require.Equal(t, TypeSocket, st.Type)
}

func TestSetTimes(t *testing.T) {
	s := newSandbox(t)
	s.file("f", "x")
	s.link("f", "lnF")
	at := Timespec{Sec: 1_500_000_000, Nsec: 123_456_789}
	mt := Timespec{Sec: 1_600_000_000, Nsec: 987_654_321}

	require.NoError(t, s.d.SetTimes("f", at, mt, true))
	st, err := s.d.Stat("f", false)
	require.NoError(t, err)
	require.Equal(t, at, st.Atime, "nanoseconds preserved")
	require.Equal(t, mt, st.Mtime)

	// Omit leaves a time alone.
	mt2 := Timespec{Sec: 1_700_000_000, Nsec: 1}
	require.NoError(t, s.d.SetTimes("f", OmitTime(), mt2, true))
	st, _ = s.d.Stat("f", false)
	require.Equal(t, at, st.Atime)
	require.Equal(t, mt2, st.Mtime)

	// Now sets the current time.
	require.NoError(t, s.d.SetTimes("f", NowTime(), OmitTime(), true))
	st, _ = s.d.Stat("f", false)
	require.Greater(t, st.Atime.Sec, int64(1_700_000_000))

	// Without following, the link's own times change, not the target's.
	lt := Timespec{Sec: 1_234_567_890, Nsec: 5}
	require.NoError(t, s.d.SetTimes("lnF", lt, lt, false))
	lst, err := s.d.Stat("lnF", false)
	require.NoError(t, err)
	require.Equal(t, lt, lst.Mtime)
	st, _ = s.d.Stat("f", false)
	require.Equal(t, mt2, st.Mtime)
	// With following, the target's.
	require.NoError(t, s.d.SetTimes("lnF", lt, lt, true))
	st, _ = s.d.Stat("f", false)
	require.Equal(t, lt, st.Mtime)

	// Directories, including "." and "..".
	s.dir("d/e")
	require.NoError(t, s.d.SetTimes("d/e/..", OmitTime(), mt, false))
	st, _ = s.d.Stat("d", false)
	require.Equal(t, mt, st.Mtime)

	for _, bad := range []Timespec{{Nsec: 1e9}, {Nsec: -3}, {Sec: 5, Nsec: -1}} {
		require.ErrorIs(t, s.d.SetTimes("f", bad, OmitTime(), true), syscall.EINVAL)
	}
	require.ErrorIs(t, s.d.SetTimes("missing", at, at, true), syscall.ENOENT)
	require.ErrorIs(t, s.d.SetTimes("f/", at, at, false), syscall.ENOTDIR)
}

func TestCloneAndClose(t *testing.T) {
	s := newSandbox(t)
	s.file("f", "x")
	c, err := s.d.Clone()
	require.NoError(t, err)
	require.NotEqual(t, s.d.Fd(), c.Fd())
	require.NoError(t, c.Close())
	require.Equal(t, ^uintptr(0), c.Fd())
	err = c.Close()
	require.ErrorIs(t, err, fs.ErrClosed)
	require.Equal(t, "x", readAll(t, s.d, "f"), "closing a clone closed the original")

	_, err = c.OpenFile("f", ORead, 0)
	require.ErrorIs(t, err, fs.ErrClosed)
	_, err = c.Stat("f", false)
	require.ErrorIs(t, err, fs.ErrClosed)
	require.ErrorIs(t, c.Mkdir("x", 0o755), fs.ErrClosed)
	_, err = c.Clone()
	require.ErrorIs(t, err, fs.ErrClosed)
	_, err = c.OpenDirReader()
	require.ErrorIs(t, err, fs.ErrClosed)
	_, err = c.Fstat()
	require.ErrorIs(t, err, fs.ErrClosed)
}

// TestCloseWhileInUse closes a Dir while other goroutines use it: every
// call either works or fails with fs.ErrClosed, and the descriptor number
// is not released while a call still uses it.
func TestCloseWhileInUse(t *testing.T) {
	for range 20 {
		s := newSandbox(t)
		s.file("f", "x")
		d, err := s.d.Clone()
		require.NoError(t, err)
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 50 {
					_, err := d.Stat("f", true)
					if err != nil && !errors.Is(err, fs.ErrClosed) {
						t.Errorf("stat: %v", err)
						return
					}
				}
			}()
		}
		require.NoError(t, d.Close())
		wg.Wait()
		require.ErrorIs(t, d.Close(), fs.ErrClosed)
	}
}

func TestNewDirFromFile(t *testing.T) {
	s := newSandbox(t)
	s.file("d/inner", "in")
	s.file("f", "x")
	f, err := s.d.OpenFile("d", ORead, 0)
	require.NoError(t, err)
	sub, err := NewDirFromFile(f)
	require.NoError(t, err)
	defer sub.Close()
	require.Equal(t, "in", readAll(t, sub, "inner"))
	require.ErrorIs(t, f.Close(), fs.ErrClosed)
	_, err = f.Stat()
	require.ErrorIs(t, err, fs.ErrClosed)
	_, err = NewDirFromFile(f)
	require.ErrorIs(t, err, fs.ErrClosed)

	g, err := s.d.OpenFile("f", ORead, 0)
	require.NoError(t, err)
	_, err = NewDirFromFile(g)
	require.ErrorIs(t, err, syscall.ENOTDIR)
	_, err = g.Stat()
	require.NoError(t, err, "a failed conversion must leave the file open")
	require.NoError(t, g.Close())
}
