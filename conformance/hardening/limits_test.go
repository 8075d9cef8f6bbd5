//go:build linux

package hardening

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	capstdsync "github.com/capwasi/capwasi/capstd-sync"
	"github.com/capwasi/capwasi/common"
	"github.com/capwasi/capwasi/wazeroadapter"
)

// runReport runs a faultGuest's module (one that does not wait for the
// host) with root pre-opened read-write on host, and returns its report.
func runReport(t *testing.T, e *env, wasm []byte, root string) []uint32 {
	d, err := capstdsync.OpenAmbientDir(root)
	require.NoError(t, err)
	var out syncBuffer
	out.signal = make(chan struct{})
	wasiCtx, err := capstdsync.NewWasiCtxBuilder().Stdout(capstdsync.NewWriterFile(&out)).PreopenDir(d, "/", capstdsync.ReadWrite).Build()
	require.NoError(t, err)
	code, err := e.host.Run(context.Background(), e.module(t, wasm), wasiCtx, nil)
	require.NoError(t, err)
	require.Zero(t, code)
	return decodeReport(out.Bytes())
}

// TestSymlinkDepth follows chains of symbolic links through the whole
// stack (guest, adapter, capstd-sync, capstd): 40 links resolve, the 41st
// is ELOOP, as Linux's MAXSYMLINKS; a loop is ELOOP; without
// LOOKUPFLAGS_SYMLINK_FOLLOW a final link is ELOOP at once.
func TestSymlinkDepth(t *testing.T) {
	e := sharedEnv(t)
	root := tempDir(t)
	require.NoError(t, os.WriteFile(filepath.Join(root, "target"), []byte("end"), 0o644))
	for i := range 41 {
		next := fmt.Sprintf("l%d", i+1)
		if i == 40 {
			next = "target"
		}
		require.NoError(t, os.Symlink(next, filepath.Join(root, fmt.Sprintf("l%d", i))))
	}
	require.NoError(t, os.Symlink("loop2", filepath.Join(root, "loop1")))
	require.NoError(t, os.Symlink("loop1", filepath.Join(root, "loop2")))
	// Through directories: d0/x is a link to d1/x, and so on, 41 deep.
	require.NoError(t, os.Mkdir(filepath.Join(root, "dirs"), 0o755))
	for i := range 42 {
		require.NoError(t, os.Mkdir(filepath.Join(root, "dirs", fmt.Sprintf("d%d", i)), 0o755))
	}
	for i := range 41 {
		require.NoError(t, os.Symlink(fmt.Sprintf("../d%d/x", i+1), filepath.Join(root, "dirs", fmt.Sprintf("d%d", i), "x")))
	}
	require.NoError(t, os.WriteFile(filepath.Join(root, "dirs", "d41", "x"), []byte("end"), 0o644))

	g := newFaultGuest("l1", "l0", "loop1", "dirs/d1/x", "dirs/d0/x", "l40")
	openFollow := func(i uint32, n int32) []byte {
		return g.open(name(i), n, 0, faultFd1)
	}
	noFollow := func(i uint32, n int32) []byte {
		return g.openWith(0, name(i), n, 0, common.RightsFdRead, faultFd1)
	}
	wasm := g.bytes(0,
		g.record(openFollow(0, 2)),
		g.record(openFollow(1, 2)),
		g.record(openFollow(2, 5)),
		g.record(openFollow(3, 9)),
		g.record(openFollow(4, 9)),
		g.record(noFollow(5, 3)),
		g.record(g.call("path_filestat_get", i32c(3), i32c(int32(common.LookupflagsSymlinkFollow)), i32c(int32(name(1))), i32c(2), i32c(faultOut))),
	)
	assert.Equal(t, []common.Errno{common.ESUCCESS, common.ELOOP, common.ELOOP, common.ESUCCESS, common.ELOOP, common.ELOOP, common.ELOOP},
		errnos(runReport(t, e, wasm, root)),
		"40 links, 41 links, a loop, 40 links through directories, 41 of them, a final link without follow, stat through 41")
}

// TestLimitsEndToEnd runs a guest against a Host with small limits, through
// capstd-sync: each limit gives its errno (or short transfer) and nothing
// else breaks.
func TestLimitsEndToEnd(t *testing.T) {
	own, err := newEnv(context.Background(),
		wazeroadapter.WithMaxOpenFiles(8), wazeroadapter.WithMaxPathComponents(4), wazeroadapter.WithMaxPathLength(64),
		wazeroadapter.WithMaxReaddirEntries(3), wazeroadapter.WithMaxIOBytes(1000), wazeroadapter.WithMaxArgsEnvSize(100))
	require.NoError(t, err)
	defer own.rt.Close(context.Background())
	root := tempDir(t)
	for i := range 10 {
		require.NoError(t, os.WriteFile(filepath.Join(root, fmt.Sprintf("file%d", i)), nil, 0o644))
	}
	require.NoError(t, os.MkdirAll(filepath.Join(root, "a/b/c"), 0o755))

	g := newFaultGuest("file0", "a/b/c/.", "a/b/c/./.", strings.Repeat("x", 65), "out")
	wasm := g.bytes(1,
		// fds 0-2 and the pre-open are 4 of 8: the fifth open fails.
		g.record(g.open(name(0), 5, 0, faultFd1)),
		g.record(g.open(name(0), 5, 0, faultFd1)),
		g.record(g.open(name(0), 5, 0, faultFd1)),
		g.record(g.open(name(0), 5, 0, faultFd1)),
		g.record(g.open(name(0), 5, 0, faultFd1)),
		g.record(g.call("fd_close", i32c(4))),
		g.record(g.call("fd_close", i32c(5))),
		g.record(g.openWith(0, name(1), 7, common.OflagsDirectory, common.RightsFdReaddir, faultFd1)), // 4 components
		g.record(g.openWith(0, name(2), 9, common.OflagsDirectory, common.RightsFdReaddir, faultFd1)), // 5 components
		g.record(g.open(name(3), 65, 0, faultFd1)),                                                    // 65 bytes
		g.record(g.open(name(4), 3, common.OflagsCreat, faultFd2)),
		g.record(g.call("fd_write", loadAt(faultFd2), i32c(faultIovBig), i32c(1), i32c(faultN))),
		g.record(loadAt(faultN)),
		g.record(g.call("fd_readdir", i32c(3), i32c(faultDirBuf), i32c(1024), i64c(0), i32c(faultN))),
		g.record(loadAt(faultN)),
	)
	report := runReport(t, own, wasm, root)
	require.Len(t, report, 15)
	want := []uint32{0, 0, 0, 0, uint32(common.EMFILE), 0, 0,
		0, uint32(common.ENAMETOOLONG), uint32(common.ENAMETOOLONG),
		0, 0, 1000,
		0, 1024}
	assert.Equal(t, want, report, "EMFILE, closing, 4 then 5 components, 65 bytes, a 64 KiB write moving 1000, a 1 KiB readdir cut short")
	st, err := os.Stat(filepath.Join(root, "out"))
	require.NoError(t, err)
	assert.Equal(t, int64(1000), st.Size())

	// Arguments and environment beyond the limit: E2BIG, before the guest.
	wasiCtx, err := capstdsync.NewWasiCtxBuilder().Args("prog", strings.Repeat("a", 100)).Build()
	require.NoError(t, err)
	_, err = own.host.Run(context.Background(), own.module(t, wasm), wasiCtx, nil)
	require.ErrorIs(t, err, common.E2BIG)
	_, err = capstdsync.NewWasiCtxBuilder().MaxArgsEnvSize(100).Args("prog", strings.Repeat("a", 100)).Build()
	require.ErrorIs(t, err, common.E2BIG, "the builder says so first")
}

// TestReaddirLimitWithGoGuest lists a directory of 2,000 entries with a Go
// guest (os.ReadDir, 8 KiB buffers) on a Host that answers at most 7
// entries per fd_readdir: every entry comes back once.
func TestReaddirLimitWithGoGuest(t *testing.T) {
	own, err := newEnv(context.Background(), wazeroadapter.WithMaxReaddirEntries(7))
	require.NoError(t, err)
	defer own.rt.Close(context.Background())
	root := tempDir(t)
	var want []string
	for i := range 2000 {
		name := fmt.Sprintf("entry-%04d", i)
		want = append(want, "  file    "+name)
		require.NoError(t, os.WriteFile(filepath.Join(root, name), nil, 0o644))
	}
	d, err := capstdsync.OpenAmbientDir(root)
	require.NoError(t, err)
	var out bytes.Buffer
	wasiCtx, err := capstdsync.NewWasiCtxBuilder().Args("hello").Stdout(capstdsync.NewWriterFile(&out)).PreopenDir(d, "/", capstdsync.ReadOnly).Build()
	require.NoError(t, err)
	code, err := own.host.Run(context.Background(), own.guest(t, "hello"), wasiCtx, nil)
	require.NoError(t, err)
	require.Zero(t, code, out.String())
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Greater(t, len(lines), 3)
	assert.Equal(t, "/ holds 2000 entries:", lines[2])
	assert.Equal(t, want, lines[3:])
}
