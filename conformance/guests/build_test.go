package guests

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBuildProducesAWasmModuleAndCachesIt(t *testing.T) {
	t.Setenv("CAPWASI_CACHE", t.TempDir())
	buildMu.Lock()
	clear(buildDone)
	buildMu.Unlock()

	p, err := Build("hello")
	require.NoError(t, err)
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	require.Greater(t, len(b), 8)
	assert.Equal(t, []byte("\x00asm\x01\x00\x00\x00"), b[:8], "a wasm binary, version 1")
	st1, err := os.Stat(p)
	require.NoError(t, err)

	// A second Build in a fresh process state finds the cached file.
	buildMu.Lock()
	clear(buildDone)
	buildMu.Unlock()
	p2, err := Build("hello")
	require.NoError(t, err)
	assert.Equal(t, p, p2)
	st2, err := os.Stat(p2)
	require.NoError(t, err)
	assert.Equal(t, st1.ModTime(), st2.ModTime(), "not rebuilt")
}

func TestBuildUnknownGuest(t *testing.T) {
	_, err := Build("no-such-guest")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "hello", "the error lists the guests there are")
}

func TestNames(t *testing.T) {
	assert.Contains(t, Names(), "hello")
}

func TestBuildNativeRunsOnTheHost(t *testing.T) {
	t.Setenv("CAPWASI_CACHE", t.TempDir())
	p, err := BuildNative("empty")
	require.NoError(t, err)
	require.NoError(t, exec.Command(p).Run())
	w, err := Build("empty")
	require.NoError(t, err)
	assert.NotEqual(t, p, w, "the wasm and native builds are cached apart")
}

func TestSharedPackageIsNotAGuest(t *testing.T) {
	assert.NotContains(t, Names(), sharedDir)
	_, err := Build(sharedDir)
	assert.Error(t, err)
}
