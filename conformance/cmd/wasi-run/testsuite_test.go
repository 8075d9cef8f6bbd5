package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// makeSuite writes a wasi-testsuite directory: the suiteprobe guest under
// each test name, with its JSON specification.
func makeSuite(t *testing.T, specs map[string]string) string {
	t.Helper()
	wasm, err := os.ReadFile(build(t, "suiteprobe"))
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "fs-tests.dir"), 0o755))
	for name, spec := range specs {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name+".wasm"), wasm, 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name+".json"), []byte(spec), 0o644))
	}
	return dir
}

// runSuites runs "wasi-run testsuite" with the test compilation cache and
// args, and returns the exit code, stdout, stderr and error.
func runSuites(t *testing.T, args ...string) (uint32, string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args = append([]string{"testsuite", "--cache", filepath.Join(os.TempDir(), "capwasi-test-wazero-cache")}, args...)
	code, err := run(ctx, args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String(), err
}

func TestTestsuiteReportsFailuresAndSummary(t *testing.T) {
	dir := makeSuite(t, map[string]string{
		"good":       `{"args": ["out:hi"], "stdout": "hi"}`,
		"good_ops":   `{"operations": [{"type": "run", "args": ["exit:4"]}, {"type": "wait", "exit_code": 4}]}`,
		"bad_exit":   `{"args": ["exit:1"]}`,
		"bad_stdout": `{"args": ["out:hi"], "stdout": "ho"}`,
		"skipped":    `{"operations": [{"type": "run"}, {"type": "connect"}, {"type": "wait"}]}`,
	})
	for _, eng := range []string{"capwasi", "wazero"} {
		t.Run(eng, func(t *testing.T) {
			code, stdout, _, err := runSuites(t, "--engine", eng, dir)
			require.NoError(t, err)
			assert.Equal(t, uint32(1), code, "a test failed")
			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			assert.Equal(t, []string{
				"FAIL " + filepath.Join(dir, "bad_exit") + ": exit code 1, want 0",
				"FAIL " + filepath.Join(dir, "bad_stdout") + `: stdout "hi", want "ho"`,
				"2 passed, 2 failed, 1 skipped",
			}, lines)
		})
	}
}

func TestTestsuiteAllPassAndFlags(t *testing.T) {
	dir := makeSuite(t, map[string]string{
		"a":   `{"args": ["put:f.txt=x", "cat:f.txt"], "dirs": ["fs-tests.dir"], "stdout": "x"}`,
		"b":   `{"args": ["absent:f.txt"], "dirs": ["fs-tests.dir"]}`,
		"bad": `{"exit_code": 1}`,
	})
	code, stdout, stderr, err := runSuites(t, "-v", "--skip", "bad=known", "--timeout", "1m", dir)
	require.NoError(t, err, stderr)
	assert.Zero(t, code, "no test failed")
	assert.Contains(t, stdout, "PASS "+filepath.Join(dir, "a")+" (")
	assert.Contains(t, stdout, "SKIP "+filepath.Join(dir, "bad")+": known\n")
	assert.True(t, strings.HasSuffix(stdout, "\n2 passed, 0 failed, 1 skipped\n"), stdout)
	assert.Contains(t, stderr, "3 tests on capwasi in")

	// Two directories: the summary counts both.
	code, stdout, _, err = runSuites(t, "--skip", "bad", dir, dir)
	require.NoError(t, err)
	assert.Zero(t, code)
	assert.Equal(t, "4 passed, 0 failed, 2 skipped\n", stdout)
}

func TestTestsuiteErrors(t *testing.T) {
	_, _, _, err := runSuites(t)
	var ue usageError
	require.ErrorAs(t, err, &ue, "no directory")
	_, _, _, err = runSuites(t, "--engine", "nope", t.TempDir())
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, err.Error(), `unknown engine "nope"`)
	_, _, _, err = runSuites(t, "--no-such-flag", t.TempDir())
	require.ErrorAs(t, err, &ue)

	missing := filepath.Join(t.TempDir(), "missing")
	code, stdout, _, err := runSuites(t, missing)
	require.Error(t, err)
	assert.NotErrorAs(t, err, &ue, "not a usage error")
	assert.Equal(t, uint32(1), code)
	assert.Contains(t, stdout, "ERROR "+missing)
	assert.Contains(t, stdout, "0 passed, 0 failed\n")
}

func TestEngineWazeroRunsTheSameCommandLine(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "data.txt"), []byte("contents"), 0o644))
	t.Setenv("CAPWASI_TEST_ENV", "from-host")
	probe := build(t, "suiteprobe")
	for _, eng := range []string{"capwasi", "wazero"} {
		t.Run(eng, func(t *testing.T) {
			code, stdout, stderr, err := runCLI(t, "line\n", "--engine", eng, "--ro-dir", dir+"::/", "--env", "CAPWASI_TEST_ENV",
				"--env", "B=2", probe, "cat:data.txt", "env:CAPWASI_TEST_ENV", "env:B", "line", "put:new.txt=x")
			require.NoError(t, err)
			assert.Equal(t, uint32(1), code, "a read-only directory refuses the write")
			assert.Equal(t, "contentsCAPWASI_TEST_ENV=from-host\nB=2\nline\n", stdout)
			assert.Contains(t, stderr, "put:new.txt=x")
		})
	}
	code, stdout, _, err := runCLI(t, "", "--engine", "wazero", "--inherit-env", probe, "env:CAPWASI_TEST_ENV", "exit:5")
	require.NoError(t, err)
	assert.Equal(t, uint32(5), code)
	assert.Equal(t, "CAPWASI_TEST_ENV=from-host\n", stdout)

	for _, args := range [][]string{
		{"--engine", "nope", probe},
		{"--engine", "wazero", "--trace", probe},
		{"--engine", "wazero", "--tcplisten", "127.0.0.1:0", probe},
		{"--engine", "wazero", "--dir", "::/x", probe},
	} {
		_, _, _, err := runCLI(t, "", args...)
		var ue usageError
		assert.ErrorAs(t, err, &ue, "%q", args)
	}
	_, _, _, err = runCLI(t, "", "--engine", "wazero", "--dir", filepath.Join(dir, "missing"), probe)
	assert.ErrorIs(t, err, os.ErrNotExist)
}

// TestTestsuiteStrictRights: a test whose guest opens its directory with
// rights 0 and creates a file in it (as wasmtime's test programs do) passes
// by default and fails with --strict-rights, where the create answers
// ENOTCAPABLE (76); --strict-rights needs capwasi.
func TestTestsuiteStrictRights(t *testing.T) {
	wasm, err := os.ReadFile(build(t, "wasicall"))
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "fs-tests.dir"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "zero_rights.wasm"), wasm, 0o644))
	// The probe reads its script from the pre-opened directory (fd 3, "/"),
	// which keeps fd 4 open;
	// OFLAGS_DIRECTORY is 2, OFLAGS_CREAT 1.
	script := "path_open 3 0 s:\".\" 2 0 0 0 out:4>d\npath_open $d 0 s:\"f\" 1 0 0 0 out:4\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "fs-tests.dir", "script"), []byte(script), 0o644))
	spec := `{"root": "fs-tests.dir", "args": ["-f", "/script"], "stdout": "path_open 0 05000000\npath_open 0 06000000\n"}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "zero_rights.json"), []byte(spec), 0o644))

	code, stdout, _, err := runSuites(t, dir)
	require.NoError(t, err)
	assert.Zero(t, code, stdout)
	assert.Equal(t, "1 passed, 0 failed\n", stdout)

	code, stdout, _, err = runSuites(t, "--strict-rights", dir)
	require.NoError(t, err)
	assert.Equal(t, uint32(1), code)
	assert.Contains(t, stdout, "FAIL "+filepath.Join(dir, "zero_rights")+": ")
	assert.Contains(t, stdout, "path_open 76 ")
	assert.True(t, strings.HasSuffix(stdout, "\n0 passed, 1 failed\n"), stdout)

	_, _, _, err = runSuites(t, "--engine", "wazero", "--strict-rights", dir)
	var ue usageError
	assert.ErrorAs(t, err, &ue)
}
