package embedding

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	capstdsync "github.com/capwasi/capwasi/capstd-sync"

	"github.com/capwasi/capwasi/conformance/bench"
	"github.com/capwasi/capwasi/wazeroadapter"
)

// openFds counts the process's open descriptors, or skips the test where
// /proc/self/fd does not list them.
func openFds(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(ents) - 1 // the one ReadDir had open
}

// densityHost is a runtime with a Host and the density guest compiled,
// closed when the test ends.
func densityHost(t *testing.T) (*wazeroadapter.Host, wazero.CompiledModule) {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	t.Cleanup(func() { rt.Close(ctx) })
	host, err := wazeroadapter.Instantiate(ctx, rt)
	require.NoError(t, err)
	compiled, err := rt.CompileModule(ctx, bench.DensityGuest())
	require.NoError(t, err)
	return host, compiled
}

// readBack returns what the density guest read from its file.
func readBack(t *testing.T, mod api.Module, n int) string {
	t.Helper()
	b, ok := mod.Memory().Read(bench.DensityReadAt, uint32(n))
	require.True(t, ok)
	return string(b)
}

// TestTenThousandInstancesShareOnePreopen: 10,000 live instances of a small
// guest (its _start run, the instance kept), half of them given a shared
// directory read-only and half read-write, hold one descriptor between
// them — no pre-open of their own, no wake-up descriptor — each reads its
// file through it, and once they are all closed, and the embedder's
// reference released, the process holds the descriptors it held before.
func TestTenThousandInstancesShareOnePreopen(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 1000
	}
	dir := t.TempDir()
	require.NoError(t, bench.PrepareDensityDir(dir))
	content, err := os.ReadFile(filepath.Join(dir, bench.DensityFile))
	require.NoError(t, err)
	ctx := context.Background()
	host, compiled := densityHost(t)

	before := openFds(t)
	shared, err := capstdsync.OpenSharedDir(dir)
	require.NoError(t, err)
	mods := make([]api.Module, n)
	for i := range mods {
		perms := capstdsync.ReadOnly
		if i%2 == 1 {
			perms = capstdsync.ReadWrite
		}
		wasiCtx, err := capstdsync.NewWasiCtxBuilder().PreopenSharedDir(shared, "/data", perms).Build()
		require.NoError(t, err)
		mods[i], err = host.InstantiateModule(ctx, compiled, wasiCtx, nil)
		require.NoError(t, err, "instance %d: a failed call traps", i)
	}
	held := openFds(t) - before
	t.Logf("%d live instances hold %d descriptors", n, held)
	assert.LessOrEqual(t, held, 4, "one shared descriptor, and a handful at most")
	for i, m := range mods {
		if !assert.Equal(t, string(content), readBack(t, m, len(content)), "instance %d", i) {
			break
		}
	}

	require.NoError(t, shared.Close()) // the embedder's reference first: the instances keep it open
	assert.Equal(t, before+held, openFds(t))
	for _, m := range mods {
		require.NoError(t, m.Close(ctx))
	}
	assert.Equal(t, before, openFds(t), "every descriptor given back")
}

// TestInstancesWithTheirOwnPreopen: instances with a pre-opened directory
// of their own hold that one descriptor each, and nothing else (no
// wake-up descriptor for a guest that never waits).
func TestInstancesWithTheirOwnPreopen(t *testing.T) {
	const n = 1000
	dir := t.TempDir()
	require.NoError(t, bench.PrepareDensityDir(dir))
	ctx := context.Background()
	host, compiled := densityHost(t)

	before := openFds(t)
	mods := make([]api.Module, n)
	for i := range mods {
		wasiCtx, err := capstdsync.NewWasiCtxBuilder().PreopenHostDir(dir, "/data", capstdsync.ReadOnly).Build()
		require.NoError(t, err)
		mods[i], err = host.InstantiateModule(ctx, compiled, wasiCtx, nil)
		require.NoError(t, err, "instance %d", i)
	}
	assert.Equal(t, before+n, openFds(t), "one descriptor per instance")
	for _, m := range mods {
		require.NoError(t, m.Close(ctx))
	}
	assert.Equal(t, before, openFds(t))
}
