package capstdsync

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/capwasi/capwasi/common"
)

// readFile opens path beneath d for reading and returns its contents.
func readFile(t *testing.T, d common.WasiDir, path string) string {
	t.Helper()
	f, err := d.OpenFile(bg, path, common.OpenOptions{Read: true})
	require.NoError(t, err)
	defer f.Close()
	buf := make([]byte, 64)
	n, err := f.Read(bg, [][]byte{buf})
	require.NoError(t, err)
	return string(buf[:n])
}

// TestSharedDirOneDescriptor: contexts pre-opening one SharedDir hold its
// one descriptor between them, each reads through it, and it is closed
// with the last reference, whether that is the embedder's or a context's.
func TestSharedDirOneDescriptor(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "f", "shared")
	before := openFds(t)
	if before < 0 {
		t.Skip("no /proc/self/fd")
	}
	for _, embedderFirst := range []bool{true, false} {
		s, err := OpenSharedDir(root)
		require.NoError(t, err)
		var ctxs []common.WasiCtx
		for range 50 {
			c, err := NewWasiCtxBuilder().PreopenSharedDir(s, "/data", ReadOnly).Build()
			require.NoError(t, err)
			ctxs = append(ctxs, c)
		}
		assert.Equal(t, before+1, openFds(t), "50 contexts, one descriptor")
		for _, c := range ctxs {
			assert.Equal(t, "shared", readFile(t, c.Preopens()[0].Dir, "f"))
		}
		if embedderFirst {
			require.NoError(t, s.Close())
			assert.Equal(t, before+1, openFds(t), "the contexts still hold it")
		}
		for i, c := range ctxs {
			require.NoError(t, c.Preopens()[0].Dir.Close())
			require.NoError(t, c.Close())
			if i < len(ctxs)-1 {
				assert.Equal(t, before+1, openFds(t))
			}
		}
		if !embedderFirst {
			assert.Equal(t, before+1, openFds(t), "the embedder still holds it")
			require.NoError(t, s.Close())
		}
		assert.Equal(t, before, openFds(t), "closed with the last reference (embedder first: %v)", embedderFirst)
		err = s.Close()
		assert.ErrorIs(t, err, fs.ErrClosed)
	}
}

// TestSharedDirPermissionsPerContext: one context gets the shared directory
// read-only, another read-write; each keeps its own permissions, flags and
// sandbox, and a closed pre-open fails alone.
func TestSharedDirPermissionsPerContext(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "f", "shared")
	s, err := OpenSharedDir(root)
	require.NoError(t, err)
	defer s.Close()
	ro, err := NewWasiCtxBuilder().PreopenSharedDir(s, "/data", ReadOnly).Build()
	require.NoError(t, err)
	rw, err := NewWasiCtxBuilder().PreopenSharedDir(s, "/data", ReadWrite).Build()
	require.NoError(t, err)
	roDir, rwDir := ro.Preopens()[0].Dir, rw.Preopens()[0].Dir

	create := common.OpenOptions{Write: true, Oflags: common.OflagsCreat}
	_, err = roDir.OpenFile(bg, "new", create)
	errnoIs(t, common.EPERM, err, "read-only context creates")
	_, err = roDir.OpenFile(bg, "f", common.OpenOptions{Write: true})
	errnoIs(t, common.EPERM, err, "read-only context writes")
	errnoIs(t, common.EPERM, roDir.CreateDirectory(bg, "d"))
	roBase, _ := roDir.Rights()
	assert.Zero(t, roBase&common.RightsPathCreateFile)

	f, err := rwDir.OpenFile(bg, "new", create)
	require.NoError(t, err, "read-write context creates")
	require.NoError(t, f.Close())
	require.NoError(t, rwDir.CreateDirectory(bg, "d"))
	rwBase, _ := rwDir.Rights()
	assert.NotZero(t, rwBase&common.RightsPathCreateFile)
	assert.Equal(t, "shared", readFile(t, roDir, "f"))

	// A rename from the read-only side into the read-write side, and the
	// other way, are refused as between any two such directories.
	errnoIs(t, common.EPERM, roDir.Rename(bg, "f", rwDir, "g"))
	errnoIs(t, common.EPERM, rwDir.Rename(bg, "new", roDir, "g"))

	// Both are confined to the shared tree.
	_, err = roDir.OpenFile(bg, "../"+filepath.Base(root)+"/f", common.OpenOptions{Read: true})
	errnoIs(t, common.EPERM, err)
	_, err = rwDir.OpenFile(bg, "/etc/passwd", common.OpenOptions{Read: true})
	errnoIs(t, common.EPERM, err)

	// Flags are per context.
	require.NoError(t, rwDir.SetFdflags(bg, common.FdflagsNonblock))
	flags, err := roDir.Fdflags(bg)
	require.NoError(t, err)
	assert.Zero(t, flags)

	// Closing one context's pre-open leaves the other working; the closed
	// one answers EBADF and is no rename target.
	require.NoError(t, rwDir.Close())
	errnoIs(t, common.EBADF, rwDir.Close(), "second close")
	_, err = rwDir.OpenFile(bg, "f", common.OpenOptions{Read: true})
	errnoIs(t, common.EBADF, err)
	errnoIs(t, common.EBADF, rwDir.CreateDirectory(bg, "e"))
	rw2, err := NewWasiCtxBuilder().PreopenSharedDir(s, "/data", ReadWrite).Build()
	require.NoError(t, err)
	errnoIs(t, common.EBADF, rw2.Preopens()[0].Dir.Rename(bg, "new", rwDir, "moved"))
	_, err = os.Stat(filepath.Join(root, "new"))
	require.NoError(t, err, "nothing was renamed")
	assert.Equal(t, "shared", readFile(t, roDir, "f"))
	require.NoError(t, rw2.Preopens()[0].Dir.Close())
	require.NoError(t, roDir.Close())
}

// TestSharedDirBuilderRules: a nil or closed SharedDir is invalid input;
// the same one twice is allowed; a failed Build gives its references back.
func TestSharedDirBuilderRules(t *testing.T) {
	root := t.TempDir()
	_, err := NewWasiCtxBuilder().PreopenSharedDir(nil, "/a", ReadOnly).Build()
	assert.ErrorIs(t, err, ErrInvalidBuilder)
	_, err = NewSharedDir(nil)
	errnoIs(t, common.EBADF, err)
	d, err := OpenAmbientDir(root)
	require.NoError(t, err)
	require.NoError(t, d.Close())
	_, err = NewSharedDir(d)
	errnoIs(t, common.EBADF, err)

	before := openFds(t)
	s, err := OpenSharedDir(root)
	require.NoError(t, err)
	c, err := NewWasiCtxBuilder().
		PreopenSharedDir(s, "/a", ReadOnly).
		PreopenSharedDir(s, "/b", ReadWrite).
		Build()
	require.NoError(t, err, "the same SharedDir twice")
	require.Len(t, c.Preopens(), 2)

	// Build fails after taking a reference: it gives it back.
	_, err = NewWasiCtxBuilder().
		PreopenSharedDir(s, "/a", ReadOnly).
		PreopenHostDir(filepath.Join(root, "missing"), "/m", ReadOnly).
		Build()
	require.Error(t, err)
	assert.False(t, errors.Is(err, ErrInvalidBuilder))

	// Closed between PreopenSharedDir and Build, and before.
	late := NewWasiCtxBuilder().PreopenSharedDir(s, "/a", ReadOnly)
	require.NoError(t, s.Close())
	_, err = late.Build()
	assert.ErrorIs(t, err, ErrInvalidBuilder)
	assert.ErrorIs(t, err, fs.ErrClosed)
	_, err = NewWasiCtxBuilder().PreopenSharedDir(s, "/a", ReadOnly).Build()
	assert.ErrorIs(t, err, fs.ErrClosed)

	for _, p := range c.Preopens() {
		require.NoError(t, p.Dir.Close())
	}
	if before >= 0 {
		assert.Equal(t, before, openFds(t), "the failed Build's reference was given back")
	}
}

// TestSharedDirConcurrent: contexts built and closed from many goroutines
// while the embedder closes its reference: every Build either succeeds
// (and reads) or fails with fs.ErrClosed, and the descriptor is closed
// exactly once, when the last goes.
func TestSharedDirConcurrent(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "f", "shared")
	before := openFds(t)
	s, err := OpenSharedDir(root)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 200 {
				c, err := NewWasiCtxBuilder().PreopenSharedDir(s, "/data", ReadOnly).Build()
				if err != nil {
					assert.ErrorIs(t, err, fs.ErrClosed)
					continue
				}
				d := c.Preopens()[0].Dir
				assert.Equal(t, "shared", readFile(t, d, "f"))
				assert.NoError(t, d.Close())
			}
		})
	}
	time.Sleep(5 * time.Millisecond)
	require.NoError(t, s.Close())
	wg.Wait()
	if before >= 0 {
		assert.Equal(t, before, openFds(t))
	}
}
