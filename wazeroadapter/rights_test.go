package wazeroadapter

import (
	"testing"

	"github.com/stretchr/testify/assert"

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
	r := openedRights(f, common.FiletypeRegularFile, common.RightsAll, common.RightsAll, dirRights(common.RightsDirectoryInheriting), false, false)
	assert.Zero(t, r.base&(common.RightsReadMask|common.RightsWriteMask))
	assert.Zero(t, r.heldBase&(common.RightsReadMask|common.RightsWriteMask), "not opened for it: not held either")
	assert.Equal(t, common.RightsRegularFileBase, r.inheriting)
	r = openedRights(f, common.FiletypeRegularFile, common.RightsAll, 0, dirRights(common.RightsFdRead|common.RightsFdWrite), true, true)
	assert.Equal(t, common.RightsFdRead|common.RightsFdWrite, r.base, "within the directory's inheriting rights")
	f.fs.readOnly = true
	r = openedRights(f, common.FiletypeRegularFile, common.RightsAll, 0, dirRights(common.RightsAll), true, true)
	assert.Zero(t, r.base&common.RightsWriteMask, "reported within what the file can honour")
	assert.True(t, r.heldBase.Has(common.RightsFdWrite), "held, so that the implementation answers with its own errno")
	r = openedRights(f, common.FiletypeRegularFile, common.RightsFdRead, 0, dirRights(common.RightsAll), true, true)
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
