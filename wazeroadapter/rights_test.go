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
	f := &memFile{fs: &memFS{}}
	base, inh := openedRights(f, common.FiletypeRegularFile, common.RightsAll, common.RightsAll, common.RightsDirectoryInheriting, false, false)
	assert.Zero(t, base&(common.RightsReadMask|common.RightsWriteMask))
	assert.Equal(t, common.RightsRegularFileBase, inh)
	base, _ = openedRights(f, common.FiletypeRegularFile, common.RightsAll, 0, common.RightsFdRead|common.RightsFdWrite, true, true)
	assert.Equal(t, common.RightsFdRead|common.RightsFdWrite, base, "within the directory's inheriting rights")
	f.fs.readOnly = true
	base, _ = openedRights(f, common.FiletypeRegularFile, common.RightsAll, 0, common.RightsAll, true, true)
	assert.Zero(t, base&common.RightsWriteMask, "within what the file can honour")

	assert.True(t, syncRightsOK(0, 0))
	assert.False(t, syncRightsOK(common.FdflagsSync, common.RightsFdDatasync))
	assert.True(t, syncRightsOK(common.FdflagsDsync, common.RightsFdDatasync))
	assert.True(t, syncRightsOK(common.FdflagsRsync, common.RightsFdRead))
	assert.Equal(t, common.RightsPathOpen|common.RightsPathCreateFile|common.RightsPathFilestatSetSize, openNeeds(common.OflagsAll))
}
