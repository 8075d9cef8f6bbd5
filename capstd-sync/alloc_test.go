//go:build linux || darwin || freebsd

package capstdsync

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The hot paths allocate nothing per call: the caller's slices go straight
// to the system calls, errors are bare Errnos, and Readdir reuses its
// buffers.
func TestHotPathsDoNotAllocate(t *testing.T) {
	d, _ := openTree(t, ReadWrite, func(root string) {
		for i := range 64 {
			writeFile(t, root, "dir/file."+itoa(i), "x")
		}
	})
	f := openF(t, d, "f", crw)
	buf := make([]byte, 4096)
	iovs := [][]byte{buf[:1024], buf[1024:2048], buf[2048:]}
	_, err := f.Write(bg, iovs)
	require.NoError(t, err)

	for name, op := range map[string]func(){
		"Read": func() {
			_, _ = f.Seek(bg, 0, common.WhenceSet)
			_, _ = f.Read(bg, iovs)
		},
		"Write":    func() { _, _ = f.Pwrite(bg, iovs, 0) },
		"Pread":    func() { _, _ = f.Pread(bg, iovs, 0) },
		"Pwrite":   func() { _, _ = f.Pwrite(bg, iovs, 4096) },
		"Seek":     func() { _, _ = f.Seek(bg, 0, common.WhenceEnd) },
		"Filestat": func() { _, _ = f.Filestat(bg) },
		"Fdflags": func() {
			_ = f.SetFdflags(bg, common.FdflagsNonblock)
			_, _ = f.Fdflags(bg)
			_ = f.SetFdflags(bg, 0)
		},
	} {
		assert.Zero(t, testing.AllocsPerRun(100, op), name)
	}
	_, _ = f.Seek(bg, 0, common.WhenceSet)
	allocs := testing.AllocsPerRun(100, func() { _, _ = f.Write(bg, iovs) })
	assert.Zero(t, allocs, "Write")

	// Readdir, steady state: listing a 66-entry directory in batches.
	sub := openF(t, d, "dir", dirO).(common.WasiDir)
	entries := make([]common.DirEntry, 10)
	list := func() { readdirBatches(sub, entries) }
	list()
	assert.Zero(t, testing.AllocsPerRun(50, list), "Readdir")

	// OpenFile allocates the path's copy, capstd's File and ours.
	opens := testing.AllocsPerRun(100, func() {
		g, err := d.OpenFile(bg, "f", rd)
		if err == nil {
			_ = g.Close()
		}
	})
	assert.LessOrEqual(t, opens, 3.0, "OpenFile+Close")
	t.Logf("OpenFile+Close: %.0f allocations", opens)
}

func TestFdsReturnToBaseline(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "a/b", "b")
	require.NoError(t, os.Symlink("a", filepath.Join(root, "ln")))
	before := openFds(t)
	if before < 0 {
		t.Skip("no /proc/self/fd")
	}
	goroutines := settle(1 << 30)
	for range 10 {
		dir, err := OpenAmbientDir(root)
		require.NoError(t, err)
		ctx, err := NewWasiCtxBuilder().PreopenDir(dir, "/", ReadWrite).InheritStdio().Build()
		require.NoError(t, err)
		d := ctx.Preopens()[0].Dir
		for _, p := range []string{"a", "a/b", "ln", "."} {
			f, err := d.OpenFile(bg, p, common.OpenOptions{Read: true, Lookup: common.LookupflagsSymlinkFollow})
			require.NoError(t, err)
			if sub, ok := f.(common.WasiDir); ok {
				_, err = sub.Readdir(bg, 0, make([]common.DirEntry, 4))
				require.NoError(t, err)
			}
			require.NoError(t, f.Close())
		}
		_, err = d.Readdir(bg, 0, make([]common.DirEntry, 4))
		require.NoError(t, err)
		_, err = ctx.Sched().Poll(bg, []common.Subscription{clockSub(1, common.ClockidMonotonic, 0, false)}, make([]common.Event, 1))
		require.NoError(t, err)
		for _, f := range []common.WasiFile{ctx.Stdin(), ctx.Stdout(), ctx.Stderr(), d} {
			require.NoError(t, f.Close())
		}
		require.NoError(t, ctx.Close())
	}
	assert.Equal(t, before, openFds(t), "every descriptor released")
	assert.LessOrEqual(t, settle(goroutines), goroutines, "no goroutine left behind")
}
