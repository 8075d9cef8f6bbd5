package memfs

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var bg = context.Background()

func errno(err error) common.Errno { return common.ErrnoOf(err) }

// open is OpenFile with the read/write mode and oflags most tests need.
func open(t *testing.T, d *Dir, path string, oflags common.Oflags, write bool) common.WasiFile {
	t.Helper()
	f, err := d.OpenFile(bg, path, common.OpenOptions{Oflags: oflags, Read: true, Write: write})
	require.NoError(t, err, path)
	return f
}

func TestFileLifecycle(t *testing.T) {
	root := New().Root(false)
	f := open(t, root, "a.txt", common.OflagsCreat, true)
	n, err := f.Write(bg, [][]byte{[]byte("hello, "), []byte("world")})
	require.NoError(t, err)
	assert.Equal(t, 12, n)
	pos, err := f.Seek(bg, 0, common.WhenceCur)
	require.NoError(t, err)
	assert.Equal(t, common.Filesize(12), pos)
	buf := make([]byte, 5)
	n, err = f.Pread(bg, [][]byte{buf}, 7)
	require.NoError(t, err)
	assert.Equal(t, "world", string(buf[:n]))
	_, err = f.Seek(bg, -13, common.WhenceCur)
	assert.Equal(t, common.EINVAL, errno(err))
	require.NoError(t, f.SetSize(bg, 5))
	st, err := f.Filestat(bg)
	require.NoError(t, err)
	assert.Equal(t, common.Filesize(5), st.Size)
	assert.Equal(t, common.FiletypeRegularFile, st.Filetype)

	_, err = root.OpenFile(bg, "a.txt", common.OpenOptions{Oflags: common.OflagsCreat | common.OflagsExcl})
	assert.Equal(t, common.EEXIST, errno(err))
	_, err = root.OpenFile(bg, "a.txt/", common.OpenOptions{Read: true})
	assert.Equal(t, common.ENOTDIR, errno(err))
	_, err = root.OpenFile(bg, "a.txt", common.OpenOptions{Oflags: common.OflagsDirectory})
	assert.Equal(t, common.ENOTDIR, errno(err))
	_, err = root.OpenFile(bg, "missing", common.OpenOptions{Read: true})
	assert.Equal(t, common.ENOENT, errno(err))
}

func TestAppendAndPwrite(t *testing.T) {
	root := New().Root(false)
	f, err := root.OpenFile(bg, "log", common.OpenOptions{
		Oflags: common.OflagsCreat, Fdflags: common.FdflagsAppend, Read: true, Write: true,
	})
	require.NoError(t, err)
	_, err = f.Write(bg, [][]byte{[]byte("abc")})
	require.NoError(t, err)
	n, err := f.Pwrite(bg, [][]byte{[]byte("xyz")}, 0)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	pos, _ := f.Seek(bg, 0, common.WhenceCur)
	assert.Equal(t, common.Filesize(3), pos, "pwrite does not move the offset")
	flags, _ := f.Fdflags(bg)
	assert.Equal(t, common.FdflagsAppend, flags)
}

func TestConfinement(t *testing.T) {
	fsys := New()
	root := fsys.Root(false)
	require.NoError(t, root.CreateDirectory(bg, "sub"))
	subF := open(t, root, "sub", 0, false)
	sub := subF.(*Dir)
	require.NoError(t, root.Symlink(bg, "../..", "sub/up"))
	require.NoError(t, root.Symlink(bg, "sub", "in"))

	for _, p := range []string{"..", "../x", "sub/../../x", "/etc/passwd", "sub/up/x", "sub/up"} {
		_, err := root.OpenFile(bg, p, common.OpenOptions{Read: true, Lookup: common.LookupflagsSymlinkFollow})
		assert.Equal(t, common.EPERM, errno(err), p)
	}
	_, err := sub.OpenFile(bg, "..", common.OpenOptions{Read: true})
	assert.Equal(t, common.EPERM, errno(err), "a sub-directory is its own capability")
	assert.Equal(t, common.EPERM, errno(root.Symlink(bg, "/etc", "abs")))
	_, err = root.OpenFile(bg, "in/./", common.OpenOptions{Read: true})
	assert.NoError(t, err, "a link inside the tree is followed")
	_, err = root.OpenFile(bg, "in", common.OpenOptions{Read: true})
	assert.Equal(t, common.ELOOP, errno(err), "a final link is not followed without SYMLINK_FOLLOW")

	require.NoError(t, root.Symlink(bg, "loop2", "loop1"))
	require.NoError(t, root.Symlink(bg, "loop1", "loop2"))
	_, err = root.PathFilestat(bg, common.LookupflagsSymlinkFollow, "loop1")
	assert.Equal(t, common.ELOOP, errno(err))
}

func TestReaddirCookies(t *testing.T) {
	root := New().Root(false)
	for _, name := range []string{"c", "a", "b", "d"} {
		open(t, root, name, common.OflagsCreat, true)
	}
	all := make([]common.DirEntry, 16)
	n, err := root.Readdir(bg, 0, all)
	require.NoError(t, err)
	all = all[:n]
	var names []string
	for _, e := range all {
		names = append(names, e.Name)
	}
	assert.Equal(t, []string{".", "..", "a", "b", "c", "d"}, names)
	for i, e := range all {
		rest := make([]common.DirEntry, 16)
		m, err := root.Readdir(bg, e.Next, rest)
		require.NoError(t, err)
		assert.Equal(t, all[i+1:], rest[:m], "resume after %q", e.Name)
	}
}

func TestRenameAndLinkRules(t *testing.T) {
	root := New().Root(false)
	require.NoError(t, root.CreateDirectory(bg, "d1"))
	require.NoError(t, root.CreateDirectory(bg, "d2"))
	open(t, root, "d2/f", common.OflagsCreat, true)
	open(t, root, "file", common.OflagsCreat, true)
	assert.Equal(t, common.ENOTEMPTY, errno(root.Rename(bg, "d1", root, "d2")))
	assert.Equal(t, common.ENOTDIR, errno(root.Rename(bg, "d1", root, "file")))
	assert.Equal(t, common.EISDIR, errno(root.Rename(bg, "file", root, "d1")))
	assert.Equal(t, common.EINVAL, errno(root.Rename(bg, "d1", root, "d1/inner")))
	require.NoError(t, root.Rename(bg, "file", root, "d1/moved"))
	require.NoError(t, root.Link(bg, 0, "d1/moved", root, "hard"))
	st, err := root.PathFilestat(bg, 0, "hard")
	require.NoError(t, err)
	assert.Equal(t, common.Linkcount(2), st.Nlink)
	assert.Equal(t, common.EPERM, errno(root.Link(bg, 0, "d1", root, "dl")))
	assert.Equal(t, common.EXDEV, errno(root.Rename(bg, "hard", New().Root(false), "x")))
}

func TestReadOnlyRefusesEveryWrite(t *testing.T) {
	fsys := New()
	rw := fsys.Root(false)
	open(t, rw, "f", common.OflagsCreat, true)
	require.NoError(t, rw.CreateDirectory(bg, "d"))
	ro := fsys.Root(true)
	_, err := ro.OpenFile(bg, "new", common.OpenOptions{Oflags: common.OflagsCreat, Write: true})
	assert.Equal(t, common.EPERM, errno(err))
	_, err = ro.OpenFile(bg, "f", common.OpenOptions{Oflags: common.OflagsTrunc, Read: true})
	assert.Equal(t, common.EPERM, errno(err))
	_, err = ro.OpenFile(bg, "f", common.OpenOptions{Write: true})
	assert.Equal(t, common.EPERM, errno(err))
	assert.Equal(t, common.EPERM, errno(ro.CreateDirectory(bg, "x")))
	assert.Equal(t, common.EPERM, errno(ro.RemoveDirectory(bg, "d")))
	assert.Equal(t, common.EPERM, errno(ro.UnlinkFile(bg, "f")))
	assert.Equal(t, common.EPERM, errno(ro.Symlink(bg, "f", "l")))
	assert.Equal(t, common.EPERM, errno(ro.PathSetTimes(bg, 0, "f", 0, 0, common.FstflagsMtimNow)))
	assert.Equal(t, common.EPERM, errno(ro.Rename(bg, "f", rw, "g")), "the source side is read-only")
	assert.Equal(t, common.EPERM, errno(rw.Rename(bg, "f", ro, "g")), "the target side is read-only")
	assert.Equal(t, common.EPERM, errno(rw.Link(bg, 0, "f", ro, "g")))
	base, _ := ro.Rights()
	assert.False(t, base.Has(common.RightsPathCreateFile))
	_, err = rw.PathFilestat(bg, 0, "f")
	assert.NoError(t, err, "the tree is unchanged")
}

func TestLoadSaveRoundTrip(t *testing.T) {
	src := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(src, "a", "b"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(src, "a", "b", "f.txt"), []byte("data"), 0o644))
	require.NoError(t, os.Symlink("b/f.txt", filepath.Join(src, "a", "link")))
	fsys := New()
	require.NoError(t, fsys.Load(os.DirFS(src)))
	root := fsys.Root(false)
	_, err := root.OpenFile(bg, "a/link", common.OpenOptions{Read: true})
	assert.Equal(t, common.ELOOP, errno(err), "opened without follow: a link is refused")
	buf := make([]byte, 10)
	g, err := root.OpenFile(bg, "a/link", common.OpenOptions{Read: true, Lookup: common.LookupflagsSymlinkFollow})
	require.NoError(t, err)
	n, err := g.Read(bg, [][]byte{buf})
	require.NoError(t, err)
	assert.Equal(t, "data", string(buf[:n]))
	w := open(t, root, "a/new", common.OflagsCreat, true)
	_, err = w.Write(bg, [][]byte{[]byte("fresh")})
	require.NoError(t, err)

	dst := t.TempDir()
	require.NoError(t, fsys.Save(dst))
	b, err := os.ReadFile(filepath.Join(dst, "a", "new"))
	require.NoError(t, err)
	assert.Equal(t, "fresh", string(b))
	target, err := os.Readlink(filepath.Join(dst, "a", "link"))
	require.NoError(t, err)
	assert.Equal(t, "b/f.txt", target)
}

func TestPollClocks(t *testing.T) {
	c := NewCtx(Config{})
	s := c.Sched()
	events := make([]common.Event, 3)
	start := time.Now()
	n, err := s.Poll(bg, []common.Subscription{
		{Userdata: 1, Type: common.EventtypeClock, Clock: common.SubscriptionClock{ID: common.ClockidMonotonic, Timeout: uint64ns(20 * time.Millisecond)}},
		{Userdata: 2, Type: common.EventtypeClock, Clock: common.SubscriptionClock{ID: common.ClockidMonotonic, Timeout: uint64ns(time.Hour)}},
	}, events)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, common.Userdata(1), events[0].Userdata)
	assert.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond)

	n, err = s.Poll(bg, []common.Subscription{
		{Userdata: 3, Type: common.EventtypeClock, Clock: common.SubscriptionClock{ID: common.ClockidMonotonic, Timeout: uint64ns(time.Hour)}},
		{Userdata: 4, Type: common.EventtypeFdRead, File: c.Stdin()},
		{Userdata: 5, Type: common.EventtypeFdRead, Err: common.EBADF},
	}, events)
	require.NoError(t, err)
	require.Equal(t, 2, n, "ready streams and errors do not wait for the clock")
	assert.Equal(t, common.EBADF, events[1].Error)

	ctx, cancel := context.WithTimeout(bg, 30*time.Millisecond)
	defer cancel()
	_, err = s.Poll(ctx, []common.Subscription{
		{Type: common.EventtypeClock, Clock: common.SubscriptionClock{ID: common.ClockidRealtime, Timeout: uint64ns(time.Hour)}},
	}, events)
	assert.Equal(t, common.ETIMEDOUT, errno(err))
}

func uint64ns(d time.Duration) common.Timestamp { return common.Timestamp(d) }

// The flags a guest sets on a standard stream come back from Fdflags, as
// fd_fdstat_get must report them (conformance case
// fd_fdstat_set_flags/stdio-nonblock).
func TestStreamFlagsReported(t *testing.T) {
	for _, f := range []common.WasiFile{NewInput([]byte("x")), NewOutput(nil)} {
		require.NoError(t, f.SetFdflags(bg, common.FdflagsNonblock))
		flags, err := f.Fdflags(bg)
		require.NoError(t, err)
		assert.Equal(t, common.FdflagsNonblock, flags)
		assert.Equal(t, common.ENOTSUP, errno(f.SetFdflags(bg, common.FdflagsSync)))
		flags, err = f.Fdflags(bg)
		require.NoError(t, err)
		assert.Equal(t, common.FdflagsNonblock, flags)
	}
}

// A path whose final component is followed by "/." names a directory, like
// one followed by "/" (conformance case path_open/trailing-slash-on-file).
func TestDotAfterFileIsNotDir(t *testing.T) {
	root := New().Root(false)
	open(t, root, "f", common.OflagsCreat, true)
	for _, p := range []string{"f/", "f/.", "f/./", "f/./.", "f//."} {
		_, err := root.OpenFile(bg, p, common.OpenOptions{Read: true})
		assert.Equal(t, common.ENOTDIR, errno(err), p)
		_, err = root.PathFilestat(bg, 0, p)
		assert.Equal(t, common.ENOTDIR, errno(err), p)
	}
	require.NoError(t, root.CreateDirectory(bg, "d"))
	for _, p := range []string{"d/.", "d/./", "./d/.", "."} {
		f, err := root.OpenFile(bg, p, common.OpenOptions{Read: true})
		require.NoError(t, err, p)
		assert.Equal(t, common.FiletypeDirectory, f.Filetype(), p)
	}
}

// A new link name ending in "/" is ENOENT, as link(2) answers (conformance
// case path_link/refusals; wasi-testsuite path_link).
func TestLinkToTrailingSlashIsENOENT(t *testing.T) {
	root := New().Root(false)
	open(t, root, "file", common.OflagsCreat, true)
	assert.Equal(t, common.ENOENT, errno(root.Link(bg, 0, "file", root, "link/")))
	assert.Equal(t, common.ENOTDIR, errno(root.Link(bg, 0, "file/", root, "link")))
	_, err := root.PathFilestat(bg, 0, "link")
	assert.Equal(t, common.ENOENT, errno(err))
}

// A read-only directory withholds PATH_CREATE_FILE, so OFLAGS_CREAT is
// refused even for a file that exists, as capstd-sync and wasmtime do
// (conformance case sandbox/read-only-preopen-refuses-writes).
func TestReadOnlyRefusesCreatOfExistingFile(t *testing.T) {
	fsys := New()
	open(t, fsys.Root(false), "f", common.OflagsCreat, true)
	ro := fsys.Root(true)
	_, err := ro.OpenFile(bg, "f", common.OpenOptions{Oflags: common.OflagsCreat, Read: true})
	assert.Equal(t, common.EPERM, errno(err))
	f, err := ro.OpenFile(bg, "f", common.OpenOptions{Read: true})
	require.NoError(t, err, "reading stays allowed")
	require.NoError(t, f.Close())
}
