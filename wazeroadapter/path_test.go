package wazeroadapter

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/capwasi/capwasi/common"
)

// pathCase is a path argument that must be refused with errno.
type pathCase struct {
	name  string
	path  func(g *guest) (uint64, uint64)
	errno common.Errno
}

// badPaths are the paths every path function refuses before the
// implementation sees them.
var badPaths = []pathCase{
	{"empty", func(g *guest) (uint64, uint64) { p, _ := g.str("x"); return p, 0 }, common.ENOENT},
	{"NUL", func(g *guest) (uint64, uint64) { return g.str("a\x00b") }, common.EINVAL},
	{"trailing NUL", func(g *guest) (uint64, uint64) { return g.str("a.txt\x00") }, common.EINVAL},
	{"invalid UTF-8", func(g *guest) (uint64, uint64) { return g.str("a\xffb") }, common.EILSEQ},
	{"too long", func(g *guest) (uint64, uint64) { return g.str(strings.Repeat("a", DefaultMaxPathLength+1)) }, common.ENAMETOOLONG},
	{"past the end", func(g *guest) (uint64, uint64) { return g.memSize() - 2, 3 }, common.EFAULT},
	{"wrapping around", func(g *guest) (uint64, uint64) { return 0xffffffff, 2 }, common.EFAULT},
}

func TestPathOpen(t *testing.T) {
	g, c := newStrictGuest(t)
	root := c.preopens[0].Dir.(*memDir)

	fd, errno := g.open(3, "a.txt", 0, common.RightsAll, common.RightsAll, 0)
	require.Equal(t, common.ESUCCESS, errno)
	assert.Equal(t, uint32(4), fd)
	assert.Equal(t, common.OpenOptions{Lookup: common.LookupflagsSymlinkFollow, Read: true, Write: true}, root.lastOpen)
	st, _ := g.fdstat(fd)
	assert.Equal(t, common.RightsRegularFileBase, st.RightsBase, "excess rights dropped silently")
	assert.Equal(t, common.RightsRegularFileBase, st.RightsInheriting)

	// Access follows the rights asked for.
	for _, tc := range []struct {
		rights      common.Rights
		read, write bool
	}{
		{0, false, false},
		{common.RightsFdRead, true, false},
		{common.RightsFdReaddir, true, false},
		{common.RightsFdWrite, false, true},
		{common.RightsFdDatasync, false, false},
		{common.RightsFdAllocate, false, false},
		{common.RightsFdFilestatSetSize, false, false},
		{common.RightsFdSeek, false, false},
	} {
		fd, errno := g.open(3, "a.txt", 0, tc.rights, 0, 0)
		require.Equal(t, common.ESUCCESS, errno)
		assert.Equal(t, tc.read, root.lastOpen.Read, "%v", tc.rights)
		assert.Equal(t, tc.write, root.lastOpen.Write, "%v", tc.rights)
		st, _ := g.fdstat(fd)
		want := tc.rights & common.RightsRegularFileBase // FD_READDIR makes no sense on a file
		if !tc.write {
			want &^= common.RightsWriteMask // nor write rights without write access
		}
		assert.Equal(t, want, st.RightsBase)
		require.Equal(t, common.ESUCCESS, g.call("fd_close", uint64(fd)))
	}

	// A read-only descriptor does not report FD_WRITE.
	fd, _ = g.open(3, "a.txt", 0, common.RightsFdRead|common.RightsFdSeek, 0, 0)
	st, _ = g.fdstat(fd)
	assert.Equal(t, common.RightsFdRead|common.RightsFdSeek, st.RightsBase)

	// What Go's syscall.Open asks for with O_RDONLY (every file right but
	// FD_WRITE, FD_DATASYNC and FD_ALLOCATE: FD_FILESTAT_SET_SIZE stays)
	// opens for reading only.
	goReadOnly := common.RightsRegularFileBase &^ (common.RightsFdDatasync | common.RightsFdWrite | common.RightsFdAllocate)
	fd, errno = g.open(3, "a.txt", 0, goReadOnly, common.RightsAll, 0)
	require.Equal(t, common.ESUCCESS, errno)
	assert.True(t, root.lastOpen.Read)
	assert.False(t, root.lastOpen.Write)
	st, _ = g.fdstat(fd)
	assert.Zero(t, st.RightsBase&common.RightsWriteMask)

	// Flags reach the implementation.
	_, errno = g.open(3, "new", common.OflagsCreat|common.OflagsExcl|common.OflagsTrunc, common.RightsFdWrite, 0, common.FdflagsAppend|common.FdflagsNonblock)
	require.Equal(t, common.ESUCCESS, errno)
	assert.Equal(t, common.OpenOptions{Lookup: common.LookupflagsSymlinkFollow, Oflags: common.OflagsCreat | common.OflagsExcl | common.OflagsTrunc, Fdflags: common.FdflagsAppend | common.FdflagsNonblock, Write: true}, root.lastOpen)
	_, errno = g.open(3, "new", common.OflagsCreat|common.OflagsExcl, common.RightsFdWrite, 0, 0)
	assert.Equal(t, common.EEXIST, errno, "the implementation's errno")

	// Directories.
	dfd, errno := g.open(3, "sub", common.OflagsDirectory, common.RightsAll&^writeRights, common.RightsAll, 0)
	require.Equal(t, common.ESUCCESS, errno)
	st, _ = g.fdstat(dfd)
	assert.Equal(t, common.FiletypeDirectory, st.Filetype)
	assert.Equal(t, common.RightsDirectoryBase, st.RightsBase)
	assert.Equal(t, common.RightsDirectoryInheriting, st.RightsInheriting)
	_, errno = g.open(3, "a.txt", common.OflagsDirectory, 0, 0, 0)
	assert.Equal(t, common.ENOTDIR, errno)
	_, errno = g.open(3, ".", common.OflagsDirectory, common.RightsFdRead|common.RightsFdWrite, 0, 0)
	assert.Equal(t, common.EISDIR, errno, "a directory opened for writing")
	for _, rights := range []common.Rights{0, common.RightsFdRead} {
		_, errno = g.open(3, ".", common.OflagsDirectory, rights, 0, 0)
		assert.Equal(t, common.ESUCCESS, errno)
	}
	base, inh := common.RightsDirectoryBase, common.RightsDirectoryInheriting
	_, errno = g.open(3, ".", 0, base, inh, 0)
	assert.Equal(t, common.ESUCCESS, errno, "with the pre-open's own rights")

	// Errors of the directory descriptor.
	_, errno = g.open(fd, "x", common.OflagsCreat, 0, 0, 0)
	assert.Equal(t, common.ENOTDIR, errno, "a file as the directory")
	_, errno = g.open(1, "x", 0, 0, 0, 0)
	assert.Equal(t, common.ENOTDIR, errno, "stdout as the directory")
	_, errno = g.open(99, "x", 0, 0, 0, 0)
	assert.Equal(t, common.EBADF, errno)

	// Bad flags.
	p, n := g.str("a.txt")
	out := g.out(4)
	for name, args := range map[string][]uint64{
		"dirflags": {3, 2, p, n, 0, 0, 0, 0, out},
		"oflags":   {3, 0, p, n, 0x10, 0, 0, 0, out},
		"oflags32": {3, 0, p, n, 0x10000, 0, 0, 0, out},
		"fdflags":  {3, 0, p, n, 0, 0, 0, 0x20, out},
	} {
		assert.Equal(t, common.EINVAL, g.call("path_open", args...), name)
	}
	assert.Equal(t, common.EFAULT, g.call("path_open", 3, 0, p, n, 0, 0, 0, 0, g.memSize()-3))
	for _, bad := range badPaths {
		p, n := bad.path(g)
		assert.Equal(t, bad.errno, g.call("path_open", 3, 0, p, n, 0, 0, 0, 0, out), bad.name)
	}
	_, errno = g.open(3, "missing", 0, 0, 0, 0)
	assert.Equal(t, common.ENOENT, errno)
	_, errno = g.open(3, "/a.txt", 0, 0, 0, 0)
	assert.Equal(t, common.ENOTCAPABLE, errno, "an absolute path, refused by the implementation")
}

// TestPathOpenRights follows wasi-testsuite's truncation_rights and
// path_open_preopen: the rights path_open needs on the directory.
func TestPathOpenRights(t *testing.T) {
	g, _ := newGuest(t)
	dir, errno := g.open(3, "sub", common.OflagsDirectory, common.RightsDirectoryBase, common.RightsDirectoryInheriting, 0)
	require.Equal(t, common.ESUCCESS, errno)
	drop := func(base, inh common.Rights) {
		st, _ := g.fdstat(dir)
		require.Equal(t, common.ESUCCESS, g.call("fd_fdstat_set_rights", uint64(dir), uint64(st.RightsBase&^base), uint64(st.RightsInheriting&^inh)))
	}
	_, errno = g.open(dir, "f", common.OflagsCreat, 0, 0, 0)
	require.Equal(t, common.ESUCCESS, errno)

	// TRUNC needs PATH_FILESTAT_SET_SIZE only, not the inheriting
	// FD_FILESTAT_SET_SIZE.
	drop(0, common.RightsFdFilestatSetSize)
	_, errno = g.open(dir, "f", common.OflagsTrunc, 0, 0, 0)
	assert.Equal(t, common.ESUCCESS, errno)
	drop(common.RightsPathFilestatSetSize, 0)
	_, errno = g.open(dir, "f", common.OflagsTrunc, 0, 0, 0)
	assert.Equal(t, common.ENOTCAPABLE, errno, "dropped with fd_fdstat_set_rights: refused")
	// Dropped from the base set only, the right is still passed on: a
	// directory opened through this one may truncate, as the rights model
	// says.
	again, errno := g.open(dir, ".", common.OflagsDirectory, common.RightsDirectoryBase, common.RightsDirectoryInheriting, 0)
	require.Equal(t, common.ESUCCESS, errno)
	_, errno = g.open(again, "f", common.OflagsTrunc, 0, 0, 0)
	assert.Equal(t, common.ESUCCESS, errno)
	// Dropped from the inheriting set too, it stays dropped for every
	// directory opened through this one afterwards, and for theirs, in
	// both modes: reopening "." does not give truncation back.
	drop(0, common.RightsPathFilestatSetSize)
	for _, h := range []*guest{g, nil} {
		hd := dir
		if h == nil {
			h, _ = newStrictGuest(t)
			sub, errno := h.open(3, "sub", common.OflagsDirectory, common.RightsDirectoryBase, common.RightsDirectoryInheriting, 0)
			require.Equal(t, common.ESUCCESS, errno)
			_, errno = h.open(sub, "f", common.OflagsCreat, 0, 0, 0)
			require.Equal(t, common.ESUCCESS, errno)
			st, _ := h.fdstat(sub)
			require.Equal(t, common.ESUCCESS, h.call("fd_fdstat_set_rights", uint64(sub),
				uint64(st.RightsBase&^common.RightsPathFilestatSetSize), uint64(st.RightsInheriting&^common.RightsPathFilestatSetSize)))
			hd = sub
		}
		reopened, errno := h.open(hd, ".", common.OflagsDirectory, common.RightsDirectoryBase, common.RightsDirectoryInheriting, 0)
		require.Equal(t, common.ESUCCESS, errno)
		_, errno = h.open(reopened, "f", common.OflagsTrunc, 0, 0, 0)
		assert.Equal(t, common.ENOTCAPABLE, errno, "truncation through a directory opened after the drop")
		deeper, errno := h.open(reopened, ".", common.OflagsDirectory, common.RightsDirectoryBase, common.RightsDirectoryInheriting, 0)
		require.Equal(t, common.ESUCCESS, errno)
		_, errno = h.open(deeper, "f", common.OflagsTrunc, 0, 0, 0)
		assert.Equal(t, common.ENOTCAPABLE, errno, "and through its descendants")
	}

	// Not asked for when the directory was opened is not dropped: Go's
	// os.OpenRoot opens a directory without PATH_FILESTAT_SET_SIZE and
	// then creates files with CREAT|TRUNC through it.
	root, errno := g.open(3, "sub", common.OflagsDirectory, common.RightsDirectoryBase&^common.RightsPathFilestatSetSize, common.RightsDirectoryInheriting, 0)
	require.Equal(t, common.ESUCCESS, errno)
	_, errno = g.open(root, "g", common.OflagsCreat|common.OflagsTrunc, common.RightsFdWrite, 0, 0)
	assert.Equal(t, common.ESUCCESS, errno)

	// The synchronous-I/O flags need FD_SYNC (or FD_DATASYNC for DSYNC,
	// FD_READ for RSYNC) in the inheriting rights.
	_, errno = g.open(dir, "f", 0, 0, 0, common.FdflagsSync|common.FdflagsDsync|common.FdflagsRsync)
	assert.Equal(t, common.ESUCCESS, errno)
	drop(0, common.RightsFdSync)
	_, errno = g.open(dir, "f", 0, 0, 0, common.FdflagsSync)
	assert.Equal(t, common.ENOTCAPABLE, errno)
	_, errno = g.open(dir, "f", 0, 0, 0, common.FdflagsDsync)
	assert.Equal(t, common.ESUCCESS, errno, "FD_DATASYNC is left")
	_, errno = g.open(dir, "f", 0, 0, 0, common.FdflagsRsync)
	assert.Equal(t, common.ESUCCESS, errno, "FD_READ is left")
	drop(0, common.RightsFdDatasync|common.RightsFdRead)
	_, errno = g.open(dir, "f", 0, 0, 0, common.FdflagsDsync)
	assert.Equal(t, common.ENOTCAPABLE, errno)
	_, errno = g.open(dir, "f", 0, 0, 0, common.FdflagsRsync)
	assert.Equal(t, common.ENOTCAPABLE, errno)

	// CREAT needs PATH_CREATE_FILE; everything needs PATH_OPEN.
	drop(common.RightsPathCreateFile, 0)
	_, errno = g.open(dir, "g", common.OflagsCreat, 0, 0, 0)
	assert.Equal(t, common.ENOTCAPABLE, errno)
	_, errno = g.open(dir, "f", 0, 0, 0, 0)
	assert.Equal(t, common.ESUCCESS, errno)
	drop(common.RightsPathOpen, 0)
	_, errno = g.open(dir, "f", 0, 0, 0, 0)
	assert.Equal(t, common.ENOTCAPABLE, errno)
}

// TestReadOnlyPreopen: a read-only tree's pre-open reports no write rights,
// and every write-capable call reaches the implementation, which refuses it
// with its own errno (EROFS in the fake, EPERM in capstd-sync, as wasmtime),
// not ENOTCAPABLE: the guest never dropped those rights itself.
func TestReadOnlyPreopen(t *testing.T) {
	c, _, _ := newFakeCtx()
	ro := newMemDir(true)
	ro.add("f", common.FiletypeRegularFile, "data")
	c.preopens = []common.Preopen{{GuestPath: "/ro", Dir: ro}}
	g := defaultEnv(t).start(t, c)
	st, _ := g.fdstat(3)
	assert.Zero(t, st.RightsBase&common.RightsDirectoryWriteMask)
	assert.Zero(t, st.RightsInheriting&common.RightsWriteMask)
	_, errno := g.open(3, "f", 0, common.RightsFdRead|common.RightsFdWrite, 0, 0)
	assert.Equal(t, common.EROFS, errno, "asked for writing: the implementation refuses")
	_, errno = g.open(3, "f", common.OflagsTrunc, 0, 0, 0)
	assert.Equal(t, common.EROFS, errno, "TRUNC: the implementation refuses")
	_, errno = g.open(3, "g", common.OflagsCreat, 0, 0, 0)
	assert.Equal(t, common.EROFS, errno, "CREAT: the implementation refuses")
	p, n := g.str("d")
	assert.Equal(t, common.EROFS, g.call("path_create_directory", 3, p, n), "mkdir: the implementation refuses")
	fd, errno := g.open(3, "f", 0, common.RightsFdRead, 0, 0)
	require.Equal(t, common.ESUCCESS, errno)
	st, _ = g.fdstat(fd)
	assert.True(t, st.RightsBase.Has(common.RightsFdRead))
	assert.Zero(t, st.RightsBase&common.RightsWriteMask, "not opened for writing")
}

func TestPathOpenLimit(t *testing.T) {
	env := newEnv(t, WithMaxOpenFiles(5))
	c, _, root := newFakeCtx()
	g := env.start(t, c)
	fd, errno := g.open(3, "a.txt", 0, common.RightsFdRead, 0, 0)
	require.Equal(t, common.ESUCCESS, errno)
	root.lastOpen = common.OpenOptions{}
	_, errno = g.open(3, "a.txt", 0, common.RightsFdRead, 0, 0)
	assert.Equal(t, common.EMFILE, errno)
	assert.Equal(t, common.OpenOptions{}, root.lastOpen, "refused before the implementation is called")
	require.Equal(t, common.ESUCCESS, g.call("fd_close", uint64(fd)))
	_, errno = g.open(3, "a.txt", 0, common.RightsFdRead, 0, 0)
	assert.Equal(t, common.ESUCCESS, errno)
}

func TestPathLengthLimit(t *testing.T) {
	env := newEnv(t, WithMaxPathLength(5))
	g := env.start(t, func() common.WasiCtx { c, _, _ := newFakeCtx(); return c }())
	_, errno := g.open(3, "a.txt", 0, 0, 0, 0)
	assert.Equal(t, common.ESUCCESS, errno)
	_, errno = g.open(3, "./a.txt", 0, 0, 0, 0)
	assert.Equal(t, common.ENAMETOOLONG, errno)
}

// pathFunc describes a path function for the table-driven error tests:
// how to call it on dirfd with path, and the right it needs.
type pathFunc struct {
	name  string
	right common.Rights
	call  func(g *guest, dirfd uint32, p, n uint64) common.Errno
}

var pathFuncs = []pathFunc{
	{"path_create_directory", common.RightsPathCreateDirectory, func(g *guest, fd uint32, p, n uint64) common.Errno {
		return g.call("path_create_directory", uint64(fd), p, n)
	}},
	{"path_filestat_get", common.RightsPathFilestatGet, func(g *guest, fd uint32, p, n uint64) common.Errno {
		return g.call("path_filestat_get", uint64(fd), 0, p, n, g.out(64))
	}},
	{"path_filestat_set_times", common.RightsPathFilestatSetTimes, func(g *guest, fd uint32, p, n uint64) common.Errno {
		return g.call("path_filestat_set_times", uint64(fd), 0, p, n, 0, 0, 0)
	}},
	{"path_link (source)", common.RightsPathLinkSource, func(g *guest, fd uint32, p, n uint64) common.Errno {
		q, m := g.str("linked")
		return g.call("path_link", uint64(fd), 0, p, n, 3, q, m)
	}},
	{"path_link (target)", common.RightsPathLinkTarget, func(g *guest, fd uint32, p, n uint64) common.Errno {
		q, m := g.str("a.txt")
		return g.call("path_link", 3, 0, q, m, uint64(fd), p, n)
	}},
	{"path_readlink", common.RightsPathReadlink, func(g *guest, fd uint32, p, n uint64) common.Errno {
		return g.call("path_readlink", uint64(fd), p, n, g.out(16), 16, g.out(4))
	}},
	{"path_remove_directory", common.RightsPathRemoveDirectory, func(g *guest, fd uint32, p, n uint64) common.Errno {
		return g.call("path_remove_directory", uint64(fd), p, n)
	}},
	{"path_rename (source)", common.RightsPathRenameSource, func(g *guest, fd uint32, p, n uint64) common.Errno {
		q, m := g.str("renamed")
		return g.call("path_rename", uint64(fd), p, n, 3, q, m)
	}},
	{"path_rename (target)", common.RightsPathRenameTarget, func(g *guest, fd uint32, p, n uint64) common.Errno {
		q, m := g.str("nothing")
		return g.call("path_rename", 3, q, m, uint64(fd), p, n)
	}},
	{"path_symlink (link)", common.RightsPathSymlink, func(g *guest, fd uint32, p, n uint64) common.Errno {
		q, m := g.str("target")
		return g.call("path_symlink", q, m, uint64(fd), p, n)
	}},
	{"path_symlink (content)", common.RightsPathSymlink, func(g *guest, fd uint32, p, n uint64) common.Errno {
		q, m := g.str("newlink")
		return g.call("path_symlink", p, n, uint64(fd), q, m)
	}},
	{"path_unlink_file", common.RightsPathUnlinkFile, func(g *guest, fd uint32, p, n uint64) common.Errno {
		return g.call("path_unlink_file", uint64(fd), p, n)
	}},
	{"path_open", common.RightsPathOpen, func(g *guest, fd uint32, p, n uint64) common.Errno {
		return g.call("path_open", uint64(fd), 0, p, n, 0, 0, 0, 0, g.out(4))
	}},
}

// TestPathErrors runs every path function against the common errors:
// bad paths, a closed descriptor, a file as the directory, a missing right.
func TestPathErrors(t *testing.T) {
	for _, f := range pathFuncs {
		t.Run(f.name, func(t *testing.T) {
			g, _ := newStrictGuest(t)
			for _, bad := range badPaths {
				p, n := bad.path(g)
				assert.Equal(t, bad.errno, f.call(g, 3, p, n), bad.name)
			}
			p, n := g.str("x")
			assert.Equal(t, common.EBADF, f.call(g, 77, p, n))
			file, errno := g.open(3, "a.txt", 0, common.RightsAll, common.RightsAll, 0)
			require.Equal(t, common.ESUCCESS, errno)
			assert.Equal(t, common.ENOTDIR, f.call(g, file, p, n), "a file as the directory")
			assert.Equal(t, common.ENOTDIR, f.call(g, 0, p, n), "stdin as the directory")
			st, _ := g.fdstat(3)
			dir, errno := g.open(3, ".", common.OflagsDirectory, st.RightsBase&^f.right, st.RightsInheriting, 0)
			require.Equal(t, common.ESUCCESS, errno)
			assert.Equal(t, common.ENOTCAPABLE, f.call(g, dir, p, n), "without %v", f.right)
		})
	}
}

func TestPathCreateRemoveDirectory(t *testing.T) {
	g, c := newGuest(t)
	root := c.preopens[0].Dir.(*memDir)
	p, n := g.str("d")
	require.Equal(t, common.ESUCCESS, g.call("path_create_directory", 3, p, n))
	assert.Equal(t, common.FiletypeDirectory, root.n.children["d"].typ)
	assert.Equal(t, common.EEXIST, g.call("path_create_directory", 3, p, n))
	require.Equal(t, common.ESUCCESS, g.call("path_remove_directory", 3, p, n))
	assert.NotContains(t, root.n.children, "d")
	assert.Equal(t, common.ENOENT, g.call("path_remove_directory", 3, p, n))
	q, m := g.str("a.txt")
	assert.Equal(t, common.ENOTDIR, g.call("path_remove_directory", 3, q, m))
}

func TestPathFilestat(t *testing.T) {
	g, c := newGuest(t)
	root := c.preopens[0].Dir.(*memDir)
	root.add("link", common.FiletypeSymbolicLink, "a.txt")
	p, n := g.str("link")
	out := g.out(common.FilestatSize)
	require.Equal(t, common.ESUCCESS, g.call("path_filestat_get", 3, 0, p, n, out))
	assert.Equal(t, byte(common.FiletypeSymbolicLink), g.read(out+16, 1)[0], "without follow: the link")
	assert.Equal(t, uint64(5), g.u64(out+32))
	require.Equal(t, common.ESUCCESS, g.call("path_filestat_get", 3, uint64(common.LookupflagsSymlinkFollow), p, n, out))
	assert.Equal(t, byte(common.FiletypeRegularFile), g.read(out+16, 1)[0], "with follow: the file")
	assert.Equal(t, common.EINVAL, g.call("path_filestat_get", 3, 2, p, n, out))
	assert.Equal(t, common.EFAULT, g.call("path_filestat_get", 3, 0, p, n, g.memSize()-63))

	// Set times: without follow, the link's own times change.
	require.Equal(t, common.ESUCCESS, g.call("path_filestat_set_times", 3, 0, p, n, 10, 20, uint64(common.FstflagsAtim|common.FstflagsMtim)))
	assert.Equal(t, common.Timestamp(20), root.n.children["link"].mtim)
	assert.NotEqual(t, common.Timestamp(20), root.n.children["a.txt"].mtim)
	require.Equal(t, common.ESUCCESS, g.call("path_filestat_set_times", 3, uint64(common.LookupflagsSymlinkFollow), p, n, 10, 30, uint64(common.FstflagsMtim)))
	assert.Equal(t, common.Timestamp(30), root.n.children["a.txt"].mtim)
	for _, bad := range []uint64{uint64(common.FstflagsMtim | common.FstflagsMtimNow), uint64(common.FstflagsAtim | common.FstflagsAtimNow), 0x10} {
		assert.Equal(t, common.EINVAL, g.call("path_filestat_set_times", 3, 0, p, n, 1, 1, bad))
	}
	assert.Equal(t, common.EINVAL, g.call("path_filestat_set_times", 3, 4, p, n, 1, 1, 0), "lookupflags")
	assert.Equal(t, common.Timestamp(30), root.n.children["a.txt"].mtim)
}

func TestPathLink(t *testing.T) {
	g, c := newGuest(t)
	root := c.preopens[0].Dir.(*memDir)
	p, n := g.str("a.txt")
	q, m := g.str("b.txt")
	require.Equal(t, common.ESUCCESS, g.call("path_link", 3, 0, p, n, 3, q, m))
	assert.Same(t, root.n.children["a.txt"], root.n.children["b.txt"])
	assert.Equal(t, common.EEXIST, g.call("path_link", 3, 0, p, n, 3, q, m))
	r, k := g.str("c.txt")
	assert.Equal(t, common.EINVAL, g.call("path_link", 3, uint64(common.LookupflagsSymlinkFollow), p, n, 3, r, k), "SYMLINK_FOLLOW is refused")
	assert.Equal(t, common.EINVAL, g.call("path_link", 3, 2, p, n, 3, r, k))
	assert.NotContains(t, root.n.children, "c.txt")

	// Across implementations: the implementation's EXDEV.
	c2, _, _ := newFakeCtx()
	c2.preopens = append(c2.preopens, common.Preopen{GuestPath: "/other", Dir: newMemDir(false)})
	g2 := defaultEnv(t).start(t, c2)
	p, n = g2.str("a.txt")
	q, m = g2.str("x")
	assert.Equal(t, common.EXDEV, g2.call("path_link", 3, 0, p, n, 4, q, m))
}

func TestPathReadlink(t *testing.T) {
	g, c := newGuest(t)
	root := c.preopens[0].Dir.(*memDir)
	root.add("link", common.FiletypeSymbolicLink, "target")
	p, n := g.str("link")
	buf, used := g.out(10), g.out(4)
	require.Equal(t, common.ESUCCESS, g.call("path_readlink", 3, p, n, buf, 10, used))
	assert.Equal(t, uint32(6), g.u32(used))
	assert.Equal(t, "target\xee\xee\xee\xee", string(g.read(buf, 10)))
	buf = g.out(4)
	require.Equal(t, common.ESUCCESS, g.call("path_readlink", 3, p, n, buf, 4, used))
	assert.Equal(t, uint32(4), g.u32(used), "truncated to the buffer, not an error")
	assert.Equal(t, "targ", string(g.read(buf, 4)))
	require.Equal(t, common.ESUCCESS, g.call("path_readlink", 3, p, n, buf, 0, used))
	assert.Equal(t, uint32(0), g.u32(used))

	// The buffer overlapping the path: the path is read before the buffer
	// is written.
	require.Equal(t, common.ESUCCESS, g.call("path_readlink", 3, p, n, p, 6, used))
	assert.Equal(t, "target", string(g.read(p, 6)))

	q, m := g.str("a.txt")
	assert.Equal(t, common.EINVAL, g.call("path_readlink", 3, q, m, buf, 4, used), "not a link")
	assert.Equal(t, common.EFAULT, g.call("path_readlink", 3, p, n, g.memSize()-2, 4, used))
	assert.Equal(t, common.EFAULT, g.call("path_readlink", 3, p, n, buf, 4, g.memSize()))
}

func TestPathRename(t *testing.T) {
	g, c := newStrictGuest(t)
	root := c.preopens[0].Dir.(*memDir)
	file := root.n.children["a.txt"]
	p, n := g.str("a.txt")
	q, m := g.str("sub/moved")
	require.Equal(t, common.ESUCCESS, g.call("path_rename", 3, p, n, 3, q, m))
	assert.Same(t, file, root.n.children["sub"].children["moved"])
	assert.Equal(t, common.ENOENT, g.call("path_rename", 3, p, n, 3, q, m))

	// Both sides' rights are checked: a directory without
	// PATH_RENAME_TARGET cannot receive.
	st, _ := g.fdstat(3)
	noTarget, errno := g.open(3, ".", common.OflagsDirectory, st.RightsBase&^common.RightsPathRenameTarget, 0, 0)
	require.Equal(t, common.ESUCCESS, errno)
	assert.Equal(t, common.ENOTCAPABLE, g.call("path_rename", 3, q, m, uint64(noTarget), p, n))
	assert.Equal(t, common.ESUCCESS, g.call("path_rename", uint64(noTarget), q, m, 3, p, n), "as a source it may")
}

func TestPathSymlink(t *testing.T) {
	g, c := newGuest(t)
	root := c.preopens[0].Dir.(*memDir)
	p, n := g.str("a.txt")
	q, m := g.str("ln")
	require.Equal(t, common.ESUCCESS, g.call("path_symlink", p, n, 3, q, m))
	assert.Equal(t, "a.txt", root.n.children["ln"].target)
	assert.Equal(t, common.EEXIST, g.call("path_symlink", p, n, 3, q, m))
	abs, k := g.str("/etc/passwd")
	r, j := g.str("abs")
	assert.Equal(t, common.ENOTCAPABLE, g.call("path_symlink", abs, k, 3, r, j), "the implementation refuses absolute targets")
}

func TestPathUnlinkFile(t *testing.T) {
	g, c := newGuest(t)
	root := c.preopens[0].Dir.(*memDir)
	p, n := g.str("a.txt")
	require.Equal(t, common.ESUCCESS, g.call("path_unlink_file", 3, p, n))
	assert.NotContains(t, root.n.children, "a.txt")
	assert.Equal(t, common.ENOENT, g.call("path_unlink_file", 3, p, n))
	q, m := g.str("sub")
	assert.Equal(t, common.EISDIR, g.call("path_unlink_file", 3, q, m))
}
