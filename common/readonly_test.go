package common

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
)

// roFile and roDir are what a read-only implementation writes on top of
// the defaults: here nothing, to check the defaults themselves.
type roFile struct{ ReadOnlyFile }

type roDir struct{ ReadOnlyDir }

var (
	_ WasiFile = (*roFile)(nil)
	_ WasiDir  = (*roDir)(nil)
)

func TestReadOnlyFile(t *testing.T) {
	ctx := context.Background()
	f := &roFile{ReadOnlyFile{Flags: FdflagsAppend | FdflagsRsync}}
	assert.Equal(t, FiletypeRegularFile, f.Filetype())
	base, inh := f.Rights()
	assert.False(t, base.Has(RightsFdWrite), "%v", base)
	assert.False(t, base.Has(RightsFdFilestatSetSize))
	assert.False(t, base.Has(RightsFdFilestatSetTimes))
	assert.True(t, base.Has(RightsFdRead|RightsFdSeek|RightsFdFilestatGet))
	assert.Zero(t, inh)

	flags, err := f.Fdflags(ctx)
	assert.NoError(t, err)
	assert.Equal(t, FdflagsAppend|FdflagsRsync, flags, "flags given at open come back")
	assert.NoError(t, f.SetFdflags(ctx, FdflagsNonblock))
	flags, _ = f.Fdflags(ctx)
	assert.Equal(t, FdflagsNonblock, flags)

	_, err = f.Write(ctx, [][]byte{[]byte("x")})
	assert.Equal(t, EBADF, err)
	_, err = f.Pwrite(ctx, [][]byte{[]byte("x")}, 0)
	assert.Equal(t, EBADF, err)
	assert.Equal(t, EPERM, f.SetSize(ctx, 0))
	assert.Equal(t, EPERM, f.SetTimes(ctx, 0, 0, FstflagsMtimNow))
	assert.Equal(t, EPERM, f.Allocate(ctx, 0, 1))
	assert.NoError(t, f.Advise(ctx, 0, 0, AdviceNormal))
	assert.NoError(t, f.Sync(ctx))
	assert.NoError(t, f.Datasync(ctx))
	// What the implementation must supply still answers as unimplemented.
	_, err = f.Read(ctx, nil)
	assert.Equal(t, EBADF, err)
	_, err = f.Filestat(ctx)
	assert.Equal(t, ENOTSUP, err)
}

func TestReadOnlyDir(t *testing.T) {
	ctx := context.Background()
	d := &roDir{ReadOnlyDir{Flags: FdflagsSync}}
	assert.Equal(t, FiletypeDirectory, d.Filetype())
	base, inh := d.Rights()
	assert.Zero(t, base&RightsDirectoryWriteMask, "%v", base&RightsDirectoryWriteMask)
	assert.Zero(t, inh&RightsDirectoryWriteMask)
	assert.True(t, inh.Has(RightsWriteMask), "a write open must reach OpenFile to be refused")
	flags, _ := d.Fdflags(ctx)
	assert.Equal(t, FdflagsSync, flags)
	assert.NoError(t, d.SetFdflags(ctx, FdflagsNonblock))
	flags, _ = d.Fdflags(ctx)
	assert.Equal(t, FdflagsNonblock, flags)

	for name, err := range map[string]error{
		"CreateDirectory":  d.CreateDirectory(ctx, "x"),
		"Symlink":          d.Symlink(ctx, "t", "x"),
		"Symlink abs":      d.Symlink(ctx, "/t", "x"),
		"RemoveDirectory":  d.RemoveDirectory(ctx, "."),
		"UnlinkFile":       d.UnlinkFile(ctx, "../x"),
		"PathSetTimes":     d.PathSetTimes(ctx, 0, "x", 0, 0, FstflagsMtimNow),
		"Rename":           d.Rename(ctx, "a", d, "b"),
		"Rename elsewhere": d.Rename(ctx, "a", &roDir{}, "b"),
		"Link":             d.Link(ctx, 0, "a", d, "b"),
		"SetTimes":         d.SetTimes(ctx, 0, 0, FstflagsAtimNow),
	} {
		assert.Equal(t, EPERM, err, name)
	}
	assert.Equal(t, EISDIR, d.SetSize(ctx, 0))
	assert.Equal(t, EBADF, d.Allocate(ctx, 0, 1))
	assert.Equal(t, EBADF, d.Advise(ctx, 0, 1, AdviceNormal))
	_, err := d.Seek(ctx, 0, WhenceCur)
	assert.Equal(t, EBADF, err)
	_, err = d.Write(ctx, nil)
	assert.Equal(t, EISDIR, err)
	assert.NoError(t, d.Sync(ctx))
	_, err = d.OpenFile(ctx, "x", OpenOptions{})
	assert.Equal(t, ENOTSUP, err, "OpenFile is the implementation's")
}

func TestOpenOptionsMutates(t *testing.T) {
	assert.False(t, OpenOptions{Read: true}.Mutates())
	assert.False(t, OpenOptions{Oflags: OflagsDirectory | OflagsExcl, Fdflags: FdflagsAppend}.Mutates())
	assert.True(t, OpenOptions{Write: true}.Mutates())
	assert.True(t, OpenOptions{Read: true, Oflags: OflagsCreat}.Mutates())
	assert.True(t, OpenOptions{Read: true, Oflags: OflagsTrunc}.Mutates())
}
