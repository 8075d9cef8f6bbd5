//go:build linux || darwin || freebsd

package capstdsync

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

var (
	rd   = common.OpenOptions{Read: true}
	rw   = common.OpenOptions{Read: true, Write: true}
	crw  = common.OpenOptions{Read: true, Write: true, Oflags: common.OflagsCreat}
	dirO = common.OpenOptions{Oflags: common.OflagsDirectory}
)

func openF(t *testing.T, d common.WasiDir, path string, opts common.OpenOptions) common.WasiFile {
	t.Helper()
	f, err := d.OpenFile(bg, path, opts)
	require.NoError(t, err, path)
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func TestFileIO(t *testing.T) {
	d, root := openTree(t, ReadWrite, nil)
	f := openF(t, d, "f.txt", crw)
	assert.Equal(t, common.FiletypeRegularFile, f.Filetype())
	assert.NotImplements(t, (*common.WasiDir)(nil), f)

	n, err := f.Write(bg, [][]byte{[]byte("hello "), []byte("world")})
	require.NoError(t, err)
	assert.Equal(t, 11, n)
	off, err := f.Seek(bg, 0, common.WhenceCur)
	require.NoError(t, err)
	assert.Equal(t, common.Filesize(11), off)
	off, err = f.Seek(bg, -5, common.WhenceEnd)
	require.NoError(t, err)
	assert.Equal(t, common.Filesize(6), off)
	buf := make([]byte, 16)
	n, err = f.Read(bg, [][]byte{buf[:2], buf[2:]})
	require.NoError(t, err)
	assert.Equal(t, "world", string(buf[:n]))
	n, err = f.Read(bg, [][]byte{buf})
	require.NoError(t, err)
	assert.Zero(t, n, "end of file")
	_, err = f.Seek(bg, -100, common.WhenceCur)
	errnoIs(t, common.EINVAL, err)
	_, err = f.Seek(bg, 0, common.Whence(3))
	errnoIs(t, common.EINVAL, err)

	n, err = f.Pwrite(bg, [][]byte{[]byte("J")}, 6)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	n, err = f.Pread(bg, [][]byte{buf[:3], buf[3:5]}, 6)
	require.NoError(t, err)
	assert.Equal(t, "Jorld", string(buf[:n]))
	off, _ = f.Seek(bg, 0, common.WhenceCur)
	assert.Equal(t, common.Filesize(11), off, "pread and pwrite leave the offset")
	_, err = f.Pread(bg, [][]byte{buf}, 1<<63)
	errnoIs(t, common.EINVAL, err)

	st, err := f.Filestat(bg)
	require.NoError(t, err)
	hst, err := os.Stat(filepath.Join(root, "f.txt"))
	require.NoError(t, err)
	assert.Equal(t, common.Filesize(11), st.Size)
	assert.Equal(t, common.FiletypeRegularFile, st.Filetype)
	assert.Equal(t, common.Linkcount(1), st.Nlink)
	assert.Equal(t, common.Inode(hst.Sys().(*syscall.Stat_t).Ino), st.Ino)
	assert.Equal(t, common.Timestamp(hst.ModTime().UnixNano()), st.Mtim, "nanoseconds kept")

	require.NoError(t, f.SetSize(bg, 3))
	require.NoError(t, f.SetSize(bg, 5))
	data, err := os.ReadFile(filepath.Join(root, "f.txt"))
	require.NoError(t, err)
	assert.Equal(t, "hel\x00\x00", string(data))

	at := common.Timestamp(1_500_000_000_123_456_789)
	require.NoError(t, f.SetTimes(bg, at, at+1, common.FstflagsAtim|common.FstflagsMtim))
	st, _ = f.Filestat(bg)
	assert.Equal(t, at, st.Atim)
	assert.Equal(t, at+1, st.Mtim)
	require.NoError(t, f.SetTimes(bg, 0, 0, common.FstflagsMtimNow))
	st, _ = f.Filestat(bg)
	assert.Equal(t, at, st.Atim, "ATIM left alone")
	assert.InDelta(t, float64(time.Now().UnixNano()), float64(st.Mtim), float64(10*time.Second))
	errnoIs(t, common.EINVAL, f.SetTimes(bg, 0, 0, common.FstflagsAtim|common.FstflagsAtimNow))

	require.NoError(t, f.Advise(bg, 0, 10, common.AdviceSequential))
	errnoIs(t, common.EINVAL, f.Advise(bg, 0, 10, common.Advice(9)))
	if err := f.Allocate(bg, 0, 4096); err != nil {
		errnoIs(t, common.ENOTSUP, err, "allocation unsupported here")
	} else {
		st, _ = f.Filestat(bg)
		assert.Equal(t, common.Filesize(4096), st.Size)
	}
	require.NoError(t, f.Sync(bg))
	require.NoError(t, f.Datasync(bg))
	_, _, err = f.SockRecv(bg, [][]byte{buf}, 0)
	errnoIs(t, common.ENOTSOCK, err)

	require.NoError(t, f.Close())
	_, err = f.Read(bg, [][]byte{buf})
	errnoIs(t, common.EBADF, err)
	errnoIs(t, common.EBADF, f.Close())
}

func TestFileAccessModes(t *testing.T) {
	d, _ := openTree(t, ReadWrite, func(root string) { writeFile(t, root, "f", "abc") })
	r := openF(t, d, "f", rd)
	base, _ := r.Rights()
	assert.False(t, base.Has(common.RightsFdWrite), "a read-only descriptor does not report FD_WRITE")
	assert.True(t, base.Has(common.RightsFdRead))
	_, err := r.Write(bg, [][]byte{[]byte("x")})
	errnoIs(t, common.EBADF, err)
	errnoIs(t, common.EBADF, r.SetSize(bg, 0))
	errnoIs(t, common.EBADF, r.Allocate(bg, 0, 1))

	w := openF(t, d, "f", common.OpenOptions{Write: true})
	base, _ = w.Rights()
	assert.False(t, base.Has(common.RightsFdRead))
	assert.True(t, base.Has(common.RightsFdWrite))
	_, err = w.Read(bg, [][]byte{make([]byte, 1)})
	errnoIs(t, common.EBADF, err)
}

func TestFileFdflags(t *testing.T) {
	d, root := openTree(t, ReadWrite, func(root string) { writeFile(t, root, "f", "abc") })
	for _, fl := range []common.Fdflags{
		common.FdflagsAppend, common.FdflagsNonblock, common.FdflagsSync,
		common.FdflagsDsync, common.FdflagsRsync,
		common.FdflagsAppend | common.FdflagsDsync | common.FdflagsNonblock,
	} {
		f := openF(t, d, "f", common.OpenOptions{Read: true, Write: true, Fdflags: fl})
		got, err := f.Fdflags(bg)
		require.NoError(t, err)
		assert.Equal(t, fl, got, "flags given at open come back")
		require.NoError(t, f.Close())
	}

	f := openF(t, d, "f", rw).(*file)
	fd := int(f.f.Fd())
	require.NoError(t, f.SetFdflags(bg, common.FdflagsNonblock|common.FdflagsAppend))
	sysfl := getfl(t, fd)
	assert.NotZero(t, sysfl&syscall.O_NONBLOCK, "the descriptor is always non-blocking")
	assert.NotZero(t, sysfl&syscall.O_APPEND, "set on the descriptor with fcntl")
	got, _ := f.Fdflags(bg)
	assert.Equal(t, common.FdflagsNonblock|common.FdflagsAppend, got)
	n, err := f.Write(bg, [][]byte{[]byte("de")})
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	// pwrite on an append file writes all its bytes and leaves the offset.
	n, err = f.Pwrite(bg, [][]byte{[]byte("xyz")}, 0)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	errnoIs(t, common.ENOTSUP, f.SetFdflags(bg, common.FdflagsSync), "sync flags are fixed at open")
	require.NoError(t, f.SetFdflags(bg, 0))
	assert.Zero(t, getfl(t, fd)&syscall.O_APPEND)
	assert.NotZero(t, getfl(t, fd)&syscall.O_NONBLOCK, "blocking mode is emulated, the descriptor stays non-blocking")
	data, _ := os.ReadFile(filepath.Join(root, "f"))
	assert.Contains(t, []string{"abcdexyz", "xyzde"}, string(data))

	// NONBLOCK alone is only recorded: no system call.
	require.NoError(t, f.SetFdflags(bg, common.FdflagsNonblock))
	got, _ = f.Fdflags(bg)
	assert.Equal(t, common.FdflagsNonblock, got, "reported back")
}

func TestOpenFileErrors(t *testing.T) {
	d, _ := openTree(t, ReadWrite, func(root string) {
		writeFile(t, root, "f", "abc")
		writeFile(t, root, "sub/g", "g")
		require.NoError(t, os.Symlink("f", filepath.Join(root, "link")))
		require.NoError(t, os.Symlink("sub", filepath.Join(root, "dirlink")))
		require.NoError(t, os.Symlink("../../etc/passwd", filepath.Join(root, "out")))
		require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(root, "abs")))
	})
	follow := common.OpenOptions{Read: true, Lookup: common.LookupflagsSymlinkFollow}
	for _, c := range []struct {
		path string
		opts common.OpenOptions
		want common.Errno
	}{
		{"missing", rd, common.ENOENT},
		{"f", common.OpenOptions{Oflags: common.OflagsCreat | common.OflagsExcl, Write: true}, common.EEXIST},
		{"f", dirO, common.ENOTDIR},
		{"f/", rd, common.ENOTDIR},
		{"f/x", rd, common.ENOTDIR},
		{"link", rd, common.ELOOP},
		{"sub", common.OpenOptions{Write: true}, common.EISDIR},
		{"sub", common.OpenOptions{Oflags: common.OflagsDirectory | common.OflagsCreat}, common.EISDIR},
		{"sub", common.OpenOptions{Oflags: common.OflagsDirectory | common.OflagsTrunc}, common.EISDIR},
		{"../x", rd, common.EPERM},
		{"sub/../../x", rd, common.EPERM},
		{"/etc/passwd", rd, common.EPERM},
		{"out", follow, common.EPERM},
		{"abs", follow, common.EPERM},
		{"", rd, common.ENOENT},
	} {
		_, err := d.OpenFile(bg, c.path, c.opts)
		errnoIs(t, c.want, err, "%q %+v", c.path, c.opts)
	}
	f := openF(t, d, "link", follow)
	assert.Equal(t, common.FiletypeRegularFile, f.Filetype())
}

func TestOpenDirectories(t *testing.T) {
	d, _ := openTree(t, ReadWrite, func(root string) { writeFile(t, root, "sub/g", "g") })
	for _, opts := range []common.OpenOptions{dirO, {}, rd, {Oflags: common.OflagsDirectory, Fdflags: common.FdflagsSync}} {
		f := openF(t, d, "sub", opts)
		sub, ok := f.(common.WasiDir)
		require.True(t, ok, "%+v", opts)
		assert.Equal(t, common.FiletypeDirectory, sub.Filetype())
		fl, err := sub.Fdflags(bg)
		require.NoError(t, err)
		assert.Equal(t, opts.Fdflags, fl)
		g := openF(t, sub, "g", rd)
		buf := make([]byte, 4)
		n, err := g.Read(bg, [][]byte{buf})
		require.NoError(t, err)
		assert.Equal(t, "g", string(buf[:n]))
		_, err = sub.OpenFile(bg, "../sub/g", rd)
		errnoIs(t, common.EPERM, err, "a subdirectory is its own sandbox")
		require.NoError(t, sub.Close())
	}
	f := openF(t, d, ".", dirO)
	assert.Implements(t, (*common.WasiDir)(nil), f)
}

func TestDirFileMethods(t *testing.T) {
	d, root := openTree(t, ReadWrite, func(root string) { writeFile(t, root, "f", "abc") })
	assert.Equal(t, common.FiletypeDirectory, d.Filetype())
	buf := make([]byte, 8)
	_, err := d.Read(bg, [][]byte{buf})
	errnoIs(t, common.EISDIR, err)
	_, err = d.Pread(bg, [][]byte{buf}, 0)
	errnoIs(t, common.EISDIR, err)
	_, err = d.Write(bg, [][]byte{buf})
	errnoIs(t, common.EISDIR, err)
	_, err = d.Pwrite(bg, [][]byte{buf}, 0)
	errnoIs(t, common.EISDIR, err)
	_, err = d.Seek(bg, 0, common.WhenceCur)
	errnoIs(t, common.EBADF, err)
	errnoIs(t, common.EBADF, d.Allocate(bg, 0, 1))
	errnoIs(t, common.EBADF, d.Advise(bg, 0, 1, common.AdviceNormal))
	errnoIs(t, common.EISDIR, d.SetSize(bg, 0))
	require.NoError(t, d.Sync(bg))
	require.NoError(t, d.Datasync(bg))
	_, err = d.SockAccept(bg, 0)
	errnoIs(t, common.ENOTSOCK, err)

	st, err := d.Filestat(bg)
	require.NoError(t, err)
	hst, _ := os.Stat(root)
	assert.Equal(t, common.FiletypeDirectory, st.Filetype)
	assert.Equal(t, common.Inode(hst.Sys().(*syscall.Stat_t).Ino), st.Ino)

	at := common.Timestamp(1_600_000_000_000_000_001)
	require.NoError(t, d.SetTimes(bg, at, at, common.FstflagsAtim|common.FstflagsMtim))
	st, _ = d.Filestat(bg)
	assert.Equal(t, at, st.Mtim)

	require.NoError(t, d.SetFdflags(bg, common.FdflagsNonblock))
	fl, _ := d.Fdflags(bg)
	assert.Equal(t, common.FdflagsNonblock, fl)
	errnoIs(t, common.ENOTSUP, d.SetFdflags(bg, common.FdflagsAppend))

	base, inh := d.Rights()
	assert.Equal(t, common.RightsAll, base)
	assert.Equal(t, common.RightsAll, inh)
}

func TestPathOperations(t *testing.T) {
	d, root := openTree(t, ReadWrite, func(root string) {
		writeFile(t, root, "f", "abc")
		writeFile(t, root, "full/x", "x")
	})
	host := func(rel string) string { return filepath.Join(root, rel) }

	require.NoError(t, d.CreateDirectory(bg, "new"))
	errnoIs(t, common.EEXIST, d.CreateDirectory(bg, "new"))
	errnoIs(t, common.EEXIST, d.CreateDirectory(bg, "f"))
	errnoIs(t, common.EPERM, d.CreateDirectory(bg, "../escape"))
	errnoIs(t, common.ENOENT, d.CreateDirectory(bg, "no/such"))

	require.NoError(t, d.Symlink(bg, "f", "ln"))
	errnoIs(t, common.EEXIST, d.Symlink(bg, "f", "ln"))
	errnoIs(t, common.EPERM, d.Symlink(bg, "/etc/passwd", "abs"), "absolute targets are refused")
	require.NoError(t, d.Symlink(bg, "missing", "dangling"))
	errnoIs(t, common.EEXIST, d.CreateDirectory(bg, "dangling"), "even a dangling link exists")

	buf := make([]byte, 16)
	n, err := d.Readlink(bg, "ln", buf)
	require.NoError(t, err)
	assert.Equal(t, "f", string(buf[:n]))
	n, err = d.Readlink(bg, "dangling", buf[:3])
	require.NoError(t, err)
	assert.Equal(t, "mis", string(buf[:n]), "a short buffer truncates")
	_, err = d.Readlink(bg, "f", buf)
	errnoIs(t, common.EINVAL, err)

	st, err := d.PathFilestat(bg, 0, "ln")
	require.NoError(t, err)
	assert.Equal(t, common.FiletypeSymbolicLink, st.Filetype)
	assert.Equal(t, common.Filesize(1), st.Size)
	st, err = d.PathFilestat(bg, common.LookupflagsSymlinkFollow, "ln")
	require.NoError(t, err)
	assert.Equal(t, common.FiletypeRegularFile, st.Filetype)
	assert.Equal(t, common.Filesize(3), st.Size)
	_, err = d.PathFilestat(bg, 0, "../x")
	errnoIs(t, common.EPERM, err)

	// Without SYMLINK_FOLLOW the link's own times change.
	at := common.Timestamp(1_400_000_000_000_000_007)
	require.NoError(t, d.PathSetTimes(bg, 0, "ln", at, at, common.FstflagsAtim|common.FstflagsMtim))
	lst, err := d.PathFilestat(bg, 0, "ln")
	require.NoError(t, err)
	assert.Equal(t, at, lst.Mtim)
	fst, _ := d.PathFilestat(bg, common.LookupflagsSymlinkFollow, "ln")
	assert.NotEqual(t, at, fst.Mtim)
	require.NoError(t, d.PathSetTimes(bg, common.LookupflagsSymlinkFollow, "ln", 0, at, common.FstflagsMtim))
	fst, _ = d.PathFilestat(bg, 0, "f")
	assert.Equal(t, at, fst.Mtim)
	errnoIs(t, common.EINVAL, d.PathSetTimes(bg, 0, "f", 0, 0, common.FstflagsMtim|common.FstflagsMtimNow))

	errnoIs(t, common.ENOTEMPTY, d.RemoveDirectory(bg, "full"))
	errnoIs(t, common.ENOTDIR, d.RemoveDirectory(bg, "f"))
	errnoIs(t, common.EINVAL, d.RemoveDirectory(bg, "."))
	require.NoError(t, d.RemoveDirectory(bg, "new"))
	assert.NoDirExists(t, host("new"))

	unlinkErr := d.UnlinkFile(bg, "full")
	assert.Contains(t, []common.Errno{common.EISDIR, common.EPERM}, common.ErrnoOf(unlinkErr))
	errnoIs(t, common.ENOTDIR, d.UnlinkFile(bg, "f/"))
	require.NoError(t, d.UnlinkFile(bg, "dangling"))
	require.NoError(t, d.UnlinkFile(bg, "ln"), "a link is removed, not its target")
	assert.FileExists(t, host("f"))
	errnoIs(t, common.ENOENT, d.UnlinkFile(bg, "ln"))
}

func TestRenameAndLink(t *testing.T) {
	d, root := openTree(t, ReadWrite, func(root string) {
		writeFile(t, root, "a", "A")
		writeFile(t, root, "b", "B")
		writeFile(t, root, "full/x", "x")
		require.NoError(t, os.Mkdir(filepath.Join(root, "empty"), 0o755))
		require.NoError(t, os.Mkdir(filepath.Join(root, "d"), 0o755))
	})
	host := func(rel string) string { return filepath.Join(root, rel) }

	require.NoError(t, d.Rename(bg, "a", d, "b"), "a file replaces a file")
	data, _ := os.ReadFile(host("b"))
	assert.Equal(t, "A", string(data))
	assert.NoFileExists(t, host("a"))
	require.NoError(t, d.Rename(bg, "d", d, "empty"), "a directory replaces an empty directory")
	errnoIs(t, common.ENOTEMPTY, d.Rename(bg, "empty", d, "full"))
	errnoIs(t, common.ENOTDIR, d.Rename(bg, "empty", d, "b"))
	errnoIs(t, common.EISDIR, d.Rename(bg, "b", d, "empty"))
	errnoIs(t, common.EPERM, d.Rename(bg, "b", d, "../b"))
	errnoIs(t, common.ENOENT, d.Rename(bg, "nothing", d, "x"))

	// Across two directories of the same tree.
	sub := openF(t, d, "full", dirO).(common.WasiDir)
	require.NoError(t, d.Rename(bg, "b", sub, "moved"))
	data, _ = os.ReadFile(host("full/moved"))
	assert.Equal(t, "A", string(data))
	errnoIs(t, common.EXDEV, d.Rename(bg, "full/moved", common.UnimplementedDir{}, "x"), "another implementation")

	require.NoError(t, sub.Link(bg, 0, "moved", d, "hard"))
	st, err := d.PathFilestat(bg, 0, "hard")
	require.NoError(t, err)
	assert.Equal(t, common.Linkcount(2), st.Nlink)
	errnoIs(t, common.EEXIST, d.Link(bg, 0, "hard", sub, "moved"))
	errnoIs(t, common.EPERM, d.Link(bg, 0, "full", d, "dirlink"), "no hard links to directories")
	errnoIs(t, common.EPERM, d.Link(bg, 0, "hard", d, "../out"))
	errnoIs(t, common.EXDEV, d.Link(bg, 0, "hard", common.UnimplementedDir{}, "x"))
	// A symbolic link is linked itself.
	require.NoError(t, d.Symlink(bg, "hard", "sl"))
	require.NoError(t, d.Link(bg, 0, "sl", d, "sl2"))
	st, _ = d.PathFilestat(bg, 0, "sl2")
	assert.Equal(t, common.FiletypeSymbolicLink, st.Filetype)
}

func TestNewWasiDir(t *testing.T) {
	_, err := NewWasiDir(nil, ReadOnly)
	errnoIs(t, common.EBADF, err)
	dir, err := OpenAmbientDir(t.TempDir())
	require.NoError(t, err)
	require.NoError(t, dir.Close())
	_, err = NewWasiDir(dir, ReadOnly)
	errnoIs(t, common.EBADF, err)
	_, err = OpenAmbientDir(filepath.Join(t.TempDir(), "missing"))
	errnoIs(t, common.ENOENT, err)
}

// listAll lists d from cookie in batches of batch entries.
func listAll(t *testing.T, d common.WasiDir, cookie common.Dircookie, batch int) []common.DirEntry {
	t.Helper()
	var all []common.DirEntry
	entries := make([]common.DirEntry, batch)
	for {
		n, err := d.Readdir(bg, cookie, entries)
		require.NoError(t, err)
		if n == 0 {
			return all
		}
		for _, e := range entries[:n] {
			e.Name = string([]byte(e.Name)) // copy: names are valid until the next call
			all = append(all, e)
		}
		cookie = entries[n-1].Next
	}
}

func TestReaddirEmpty(t *testing.T) {
	d, root := openTree(t, ReadWrite, nil)
	es := listAll(t, d, common.DircookieStart, 8)
	got := names(es)
	slices.Sort(got)
	assert.Equal(t, []string{".", ".."}, got)
	hst, _ := os.Stat(root)
	for _, e := range es {
		assert.Equal(t, common.FiletypeDirectory, e.Type)
		if e.Name == "." {
			assert.Equal(t, common.Inode(hst.Sys().(*syscall.Stat_t).Ino), e.Ino)
		}
	}
	n, err := d.Readdir(bg, 0, nil)
	require.NoError(t, err)
	assert.Zero(t, n)
}

func TestReaddirTypesAndInodes(t *testing.T) {
	d, root := openTree(t, ReadWrite, func(root string) {
		writeFile(t, root, "file", "x")
		require.NoError(t, os.Mkdir(filepath.Join(root, "dir"), 0o755))
		require.NoError(t, os.Symlink("file", filepath.Join(root, "link")))
	})
	want := map[string]common.Filetype{
		".": common.FiletypeDirectory, "..": common.FiletypeDirectory,
		"file": common.FiletypeRegularFile, "dir": common.FiletypeDirectory,
		"link": common.FiletypeSymbolicLink,
	}
	es := listAll(t, d, 0, 2)
	require.Len(t, es, len(want))
	for _, e := range es {
		assert.Equal(t, want[e.Name], e.Type, e.Name)
		if e.Name != ".." {
			hst, err := os.Lstat(filepath.Join(root, e.Name))
			require.NoError(t, err)
			assert.Equal(t, common.Inode(hst.Sys().(*syscall.Stat_t).Ino), e.Ino, e.Name)
		}
	}
}

func TestReaddirLargeAndResumable(t *testing.T) {
	const count = 1000
	d, _ := openTree(t, ReadWrite, func(root string) {
		for i := range count {
			f, err := os.Create(filepath.Join(root, "file."+itoa(i)))
			require.NoError(t, err)
			f.Close()
		}
	})
	all := listAll(t, d, 0, 7)
	require.Len(t, all, count+2, "1000 entries plus . and ..")
	seen := map[string]bool{}
	for _, e := range all {
		assert.False(t, seen[e.Name], "listed twice: %s", e.Name)
		seen[e.Name] = true
	}
	assert.True(t, seen["."] && seen[".."])
	assert.Equal(t, names(all), names(listAll(t, d, 0, 1000)), "stable while unchanged")

	// Resuming from every cookie gives the same remaining entries.
	want := names(all)
	for i := range all {
		got := names(listAll(t, d, all[i].Next, 13))
		require.Equal(t, want[i+1:], got, "resume after entry %d", i)
	}
	// And going back to the start after the end.
	assert.Equal(t, want, names(listAll(t, d, 0, 500)))
}

func TestReaddirSeesChanges(t *testing.T) {
	d, _ := openTree(t, ReadWrite, nil)
	assert.Len(t, listAll(t, d, 0, 8), 2)
	f := openF(t, d, "file", crw)
	require.NoError(t, f.Close())
	es := listAll(t, d, 0, 8)
	assert.Contains(t, names(es), "file")
	require.NoError(t, d.UnlinkFile(bg, "file"))
	assert.NotContains(t, names(listAll(t, d, 0, 8)), "file")
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestFIFOInTree(t *testing.T) {
	d, root := openTree(t, ReadWrite, nil)
	require.NoError(t, unix.Mkfifo(filepath.Join(root, "fifo"), 0o644))
	// Opened non-blocking, as opening a FIFO for reading otherwise waits
	// for a writer.
	r := openF(t, d, "fifo", common.OpenOptions{Read: true, Fdflags: common.FdflagsNonblock})
	assert.Equal(t, common.FiletypeUnknown, r.Filetype(), "preview1 has no type for pipes")
	buf := make([]byte, 8)
	_, err := r.Read(bg, [][]byte{buf})
	if err != nil {
		errnoIs(t, common.EAGAIN, err)
	}
	w := openF(t, d, "fifo", common.OpenOptions{Write: true})
	require.NoError(t, r.SetFdflags(bg, 0))

	// A blocking read waits in poll(2), where a cancellation reaches it.
	assertCancelsWithin100ms(t, func(ctx context.Context) error {
		_, err := r.Read(ctx, [][]byte{buf})
		return err
	})

	// The scheduler polls it by its descriptor.
	s := newSched(t, nil)
	evs, _, err := poll(t, s, bg, fdSub(1, common.EventtypeFdRead, r), clockSub(2, common.ClockidMonotonic, 10*time.Millisecond, false))
	require.NoError(t, err)
	assert.Equal(t, common.Userdata(2), evs[0].Userdata)
	_, err = w.Write(bg, [][]byte{[]byte("hi")})
	require.NoError(t, err)
	evs, _, err = poll(t, s, bg, fdSub(1, common.EventtypeFdRead, r))
	require.NoError(t, err)
	assert.Equal(t, []common.Event{{Userdata: 1, Type: common.EventtypeFdRead, Nbytes: 2}}, evs)
	n, err := r.Read(cancelAfter(t, 5*time.Second), [][]byte{buf})
	require.NoError(t, err)
	assert.Equal(t, "hi", string(buf[:n]))
	_, err = r.Seek(bg, 0, common.WhenceCur)
	errnoIs(t, common.ESPIPE, err)
}

func TestRegularFileIsAlwaysReady(t *testing.T) {
	d, _ := openTree(t, ReadWrite, func(root string) { writeFile(t, root, "f", "0123456789") })
	f := openF(t, d, "f", rd)
	_, err := f.Seek(bg, 4, common.WhenceSet)
	require.NoError(t, err)
	s := newSched(t, nil)
	evs, _, err := poll(t, s, bg,
		fdSub(1, common.EventtypeFdRead, f),
		fdSub(2, common.EventtypeFdWrite, f),
		clockSub(3, common.ClockidMonotonic, time.Hour, false))
	require.NoError(t, err)
	assert.Equal(t, []common.Event{
		{Userdata: 1, Type: common.EventtypeFdRead, Nbytes: 6},
		{Userdata: 2, Type: common.EventtypeFdWrite},
	}, evs, "nbytes is what is left after the offset")
}
