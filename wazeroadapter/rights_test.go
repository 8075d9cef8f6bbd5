package wazeroadapter

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/capwasi/capwasi/common"
)

func TestTypeRights(t *testing.T) {
	for typ := range common.Filetype(9) {
		base, inh := typeRights(typ)
		if typ == common.FiletypeDirectory {
			assert.Equal(t, common.RightsDirectoryBase, base)
			assert.Equal(t, common.RightsDirectoryInheriting, inh)
			assert.False(t, base.Has(common.RightsFdSeek), "a directory never has FD_SEEK")
			continue
		}
		assert.Zero(t, base&(common.RightsPathOpen|common.RightsFdReaddir), "only directories open paths: %v", typ)
		assert.Equal(t, base, inh)
	}
	assert.True(t, seekable(common.FiletypeRegularFile))
	assert.True(t, seekable(common.FiletypeUnknown))
	assert.False(t, seekable(common.FiletypeCharacterDevice))
	assert.False(t, seekable(common.FiletypeSocketStream))
	assert.False(t, seekable(common.FiletypeDirectory))
}

func TestOpenedRights(t *testing.T) {
	dirRights := func(inh common.Rights) rights { return rights{inheriting: inh, heldInheriting: inh} }
	f := &memFile{fs: &memFS{}}
	r := openedRights(f, common.FiletypeRegularFile, common.RightsAll, common.RightsAll, dirRights(common.RightsDirectoryInheriting), false, false, true)
	assert.Zero(t, r.base&(common.RightsReadMask|common.RightsWriteMask))
	assert.Zero(t, r.heldBase&(common.RightsReadMask|common.RightsWriteMask), "not opened for it: not held either")
	assert.Equal(t, common.RightsRegularFileBase, r.inheriting)
	r = openedRights(f, common.FiletypeRegularFile, common.RightsAll, 0, dirRights(common.RightsFdRead|common.RightsFdWrite), true, true, true)
	assert.Equal(t, common.RightsFdRead|common.RightsFdWrite, r.base, "within the directory's inheriting rights")
	f.fs.readOnly = true
	r = openedRights(f, common.FiletypeRegularFile, common.RightsAll, 0, dirRights(common.RightsAll), true, true, true)
	assert.Zero(t, r.base&common.RightsWriteMask, "reported within what the file can honour")
	assert.True(t, r.heldBase.Has(common.RightsFdWrite), "held, so that the implementation answers with its own errno")
	r = openedRights(f, common.FiletypeRegularFile, common.RightsFdRead, 0, dirRights(common.RightsAll), true, true, true)
	assert.False(t, r.heldBase.Has(common.RightsFdWrite), "a right the guest did not ask for is not held")

	assert.True(t, syncRightsOK(0, 0))
	assert.False(t, syncRightsOK(common.FdflagsSync, common.RightsFdDatasync))
	assert.True(t, syncRightsOK(common.FdflagsDsync, common.RightsFdDatasync))
	assert.True(t, syncRightsOK(common.FdflagsRsync, common.RightsFdRead))
	assert.Equal(t, common.RightsPathOpen|common.RightsPathCreateFile, openNeeds(common.OflagsAll))
	assert.True(t, truncAllowed(common.OflagsTrunc, rights{}), "not asked for is not dropped (Go's os.OpenRoot)")
	assert.False(t, truncAllowed(common.OflagsTrunc, rights{dropped: common.RightsPathFilestatSetSize}))
	assert.True(t, truncAllowed(0, rights{dropped: common.RightsPathFilestatSetSize}))
}

// TestZeroRightsDirectory: by default (wasmtime's rule since 2023) the
// rights path_open asks for choose only whether a file is opened for
// reading and writing. A directory opened with rights 0, as wasmtime's
// preview1 test programs open their scratch directory, can create, write,
// rename, list and remove inside; rights dropped with fd_fdstat_set_rights
// stay dropped, for the descriptor and what is opened through it. With
// WithStrictRights the same program is refused at its first step.
func TestZeroRightsDirectory(t *testing.T) {
	g, _ := newGuest(t)
	dir, errno := g.open(3, ".", common.OflagsDirectory, 0, 0, 0)
	require.Equal(t, common.ESUCCESS, errno)
	st, _ := g.fdstat(dir)
	assert.Equal(t, common.RightsDirectoryBase, st.RightsBase)
	assert.Equal(t, common.RightsDirectoryInheriting, st.RightsInheriting)

	f, errno := g.open(dir, "new", common.OflagsCreat, common.RightsFdRead|common.RightsFdWrite, 0, 0)
	require.Equal(t, common.ESUCCESS, errno)
	_, errno = g.write(f, "data")
	require.Equal(t, common.ESUCCESS, errno)
	assert.Equal(t, common.ESUCCESS, g.call("fd_seek", uint64(f), 0, uint64(common.WhenceSet), g.out(8)), "FD_SEEK was not asked for")
	got, errno := g.readN(f, 4)
	require.Equal(t, common.ESUCCESS, errno)
	assert.Equal(t, "data", got)
	assert.Equal(t, common.ESUCCESS, g.call("fd_close", uint64(f)))

	op, on := g.str("new")
	np, nn := g.str("renamed")
	assert.Equal(t, common.ESUCCESS, g.call("path_rename", uint64(dir), op, on, uint64(dir), np, nn))
	dp, dn := g.str("d")
	assert.Equal(t, common.ESUCCESS, g.call("path_create_directory", uint64(dir), dp, dn))
	assert.Equal(t, common.ESUCCESS, g.call("fd_readdir", uint64(dir), g.out(256), 256, 0, g.out(4)))
	assert.Equal(t, common.ESUCCESS, g.call("path_remove_directory", uint64(dir), dp, dn))
	assert.Equal(t, common.ESUCCESS, g.call("path_unlink_file", uint64(dir), np, nn))

	// A file opened with rights 0 is opened neither for reading nor for
	// writing (wasi-testsuite path_open_read_without_rights), but may be
	// stat'ed and seeked, as on wasmtime.
	z, errno := g.open(dir, "a.txt", 0, 0, 0, 0)
	require.Equal(t, common.ESUCCESS, errno)
	st, _ = g.fdstat(z)
	assert.Zero(t, st.RightsBase&(common.RightsReadMask|common.RightsWriteMask))
	_, errno = g.readN(z, 1)
	assert.Equal(t, common.EBADF, errno)
	assert.Equal(t, common.ESUCCESS, g.call("fd_filestat_get", uint64(z), g.out(64)))

	// Dropped rights hold, for the directory and its descendants.
	require.Equal(t, common.ESUCCESS, g.call("fd_fdstat_set_rights", uint64(dir),
		uint64(common.RightsDirectoryBase&^common.RightsPathCreateFile), uint64(common.RightsDirectoryInheriting&^common.RightsFdWrite)))
	_, errno = g.open(dir, "other", common.OflagsCreat, 0, 0, 0)
	assert.Equal(t, common.ENOTCAPABLE, errno, "PATH_CREATE_FILE dropped")
	sub, errno := g.open(dir, "sub", common.OflagsDirectory, 0, 0, 0)
	require.Equal(t, common.ESUCCESS, errno)
	st, _ = g.fdstat(sub)
	assert.False(t, st.RightsInheriting.Has(common.RightsFdWrite), "the drop is inherited")
	w, errno := g.open(dir, "a.txt", 0, common.RightsFdWrite, 0, 0)
	require.Equal(t, common.ESUCCESS, errno)
	_, errno = g.write(w, "x")
	assert.Equal(t, common.EBADF, errno, "FD_WRITE dropped from the inheriting rights: not open for writing")

	// The same program with strict rights fails at its first step.
	s, _ := newStrictGuest(t)
	sdir, errno := s.open(3, ".", common.OflagsDirectory, 0, 0, 0)
	require.Equal(t, common.ESUCCESS, errno)
	_, errno = s.open(sdir, "new", common.OflagsCreat, common.RightsFdRead|common.RightsFdWrite, 0, 0)
	assert.Equal(t, common.ENOTCAPABLE, errno)
}
