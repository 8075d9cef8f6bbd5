//go:build linux || darwin || freebsd

package capstdsync

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/require"
)

// TestResolverReachesGuestDirs checks that the resolver chosen for a
// pre-open is the one of every directory a guest opens beneath it, with
// OFLAGS_DIRECTORY or without.
func TestResolverReachesGuestDirs(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "a/b/f", "x")
	for _, r := range []Resolver{ResolverAuto, ResolverWalk} {
		d, err := OpenAmbientDir(root, WithResolver(r))
		require.NoError(t, err)
		wd, err := NewWasiDir(d, ReadOnly)
		require.NoError(t, err)
		defer wd.Close()
		sub := openF(t, wd, "a", common.OpenOptions{Read: true, Oflags: common.OflagsDirectory})
		require.Equal(t, r, sub.(*dirFile).d.Resolver())
		subsub := openF(t, sub.(common.WasiDir), "b", common.OpenOptions{Read: true})
		require.Equal(t, r, subsub.(*dirFile).d.Resolver())
		f := openF(t, subsub.(common.WasiDir), "f", common.OpenOptions{Read: true})
		require.NoError(t, f.Close())
	}
	_, err := OpenAmbientDir(root, WithResolver(Resolver(5)))
	require.ErrorIs(t, err, syscall.EINVAL)
}

// TestRootSemanticsPreopen runs a pre-open with root semantics: absolute
// links are made and followed inside it, an absolute link to the host's
// own path of a file outside lands on the same path inside, and
// directories opened beneath it refuse absolute targets.
func TestRootSemanticsPreopen(t *testing.T) {
	base := t.TempDir()
	root, outside := filepath.Join(base, "root"), filepath.Join(base, "outside")
	writeFile(t, outside, "secret", "TOP SECRET")
	writeFile(t, root, filepath.Join(outside, "secret"), "mirror")
	writeFile(t, root, "d/f", "inside")
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "hostabs")))
	for _, r := range []Resolver{ResolverAuto, ResolverWalk} {
		d, err := OpenAmbientDir(root, WithResolver(r), WithRootSemantics())
		require.NoError(t, err)
		ctx, err := NewWasiCtxBuilder().PreopenDir(d, "/", ReadWrite).Build()
		require.NoError(t, err)
		wd := ctx.Preopens()[0].Dir
		abs, up := "abs-"+r.String(), "d/up-"+r.String()

		require.NoError(t, wd.Symlink(bg, "/d/f", abs))
		require.Equal(t, "inside", readF(t, openF(t, wd, abs, common.OpenOptions{Read: true, Lookup: common.LookupflagsSymlinkFollow})))
		require.Equal(t, "mirror", readF(t, openF(t, wd, "hostabs", common.OpenOptions{Read: true, Lookup: common.LookupflagsSymlinkFollow})))
		require.NoError(t, wd.Symlink(bg, "/../..", up))
		require.Equal(t, "inside", readF(t, openF(t, wd, up+"/d/f", common.OpenOptions{Read: true})))
		_, err = wd.OpenFile(bg, "../outside/secret", common.OpenOptions{Read: true})
		errnoIs(t, common.EPERM, err)

		sub := openF(t, wd, "d", common.OpenOptions{Read: true, Oflags: common.OflagsDirectory}).(common.WasiDir)
		errnoIs(t, common.EPERM, sub.Symlink(bg, "/d/f", "x"))
		_, err = sub.OpenFile(bg, "up-"+r.String(), common.OpenOptions{Read: true, Lookup: common.LookupflagsSymlinkFollow})
		errnoIs(t, common.EPERM, err)
		require.NoError(t, sub.Close())
		require.NoError(t, ctx.Close())
	}
	data, err := os.ReadFile(filepath.Join(outside, "secret"))
	require.NoError(t, err)
	require.Equal(t, "TOP SECRET", string(data))
}

// readF reads what f holds from its offset, up to 256 bytes.
func readF(t *testing.T, f common.WasiFile) string {
	t.Helper()
	buf := make([]byte, 256)
	n, err := f.Read(bg, [][]byte{buf})
	require.NoError(t, err)
	return string(buf[:n])
}

// TestPreopenHostDirOptions checks that the options of PreopenHostDir are
// those Build opens the directory with, and that root semantics are
// refused for a pre-open not named "/", with nothing left open.
func TestPreopenHostDirOptions(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "d/f", "inside")
	ctx, err := NewWasiCtxBuilder().
		PreopenHostDir(root, "/", ReadWrite, WithResolver(ResolverWalk), WithRootSemantics()).
		Build()
	require.NoError(t, err)
	wd := ctx.Preopens()[0].Dir
	require.Equal(t, ResolverWalk, wd.(*dirFile).d.Resolver())
	require.NoError(t, wd.Symlink(bg, "/d/f", "abs"))
	require.Equal(t, "inside", readF(t, openF(t, wd, "abs", common.OpenOptions{Read: true, Lookup: common.LookupflagsSymlinkFollow})))
	require.NoError(t, ctx.Close())

	before := openFds(t)
	_, err = NewWasiCtxBuilder().
		PreopenHostDir(root, "/", ReadOnly).
		PreopenHostDir(t.TempDir(), "/data", ReadOnly, WithRootSemantics()).
		Build()
	require.ErrorIs(t, err, ErrInvalidBuilder)
	require.Contains(t, err.Error(), "/data")
	_, err = NewWasiCtxBuilder().PreopenHostDir(root, "/", ReadOnly, WithResolver(Resolver(3))).Build()
	require.ErrorIs(t, err, syscall.EINVAL)
	if before >= 0 {
		require.Equal(t, before, openFds(t), "what Build opened is closed again")
	}
}
