package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/capwasi/capwasi/conformance/guests"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runCLI runs wasi-run in-process with the given stdin and returns the exit
// code, stdout, stderr and error.
func runCLI(t *testing.T, stdin string, args ...string) (uint32, string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args = append([]string{"--cache", filepath.Join(os.TempDir(), "capwasi-test-wazero-cache")}, args...)
	code, err := run(ctx, args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String(), err
}

func build(t *testing.T, name string) string {
	t.Helper()
	p, err := guests.Build(name)
	require.NoError(t, err)
	return p
}

func TestTourRunsWithExitCodeArgsEnvAndStdin(t *testing.T) {
	tour := build(t, "tour")
	dir := t.TempDir()
	outside := filepath.Join(filepath.Dir(dir), "outside-"+filepath.Base(dir))
	t.Cleanup(func() { os.RemoveAll(outside) })

	code, stdout, stderr, err := runCLI(t, "from stdin",
		"--dir", dir+"::/sandbox", "--env", "TOUR=on", tour, "/sandbox", "x", "exit=7")
	require.NoError(t, err, stderr)
	assert.Equal(t, uint32(7), code, "the guest's exit code is the status")
	assert.Contains(t, stdout, `args: ["x" "exit=7"]`)
	assert.Contains(t, stdout, `env TOUR="on"`)
	assert.Contains(t, stdout, `stdin: "from stdin"`)
	assert.Contains(t, stdout, "listing: a/ hard.txt link@")
	assert.Contains(t, stdout, "mtime: 1700000000123456789", "nanoseconds survive")
	assert.Contains(t, stdout, "cleaned: true")
	assert.NotContains(t, stdout, "FAIL")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "the tour cleaned up after itself in the real directory")
}

func TestEnvWithoutValueComesFromHost(t *testing.T) {
	t.Setenv("CAPWASI_TEST_ENV", "from-host")
	_, stdout, stderr, err := runCLI(t, "", "--dir", t.TempDir()+"::/", "--env", "TOUR", build(t, "tour"), "/")
	require.NoError(t, err, stderr)
	assert.Contains(t, stdout, `env TOUR=""`, "an unset host variable passes as empty")
	_, stdout, _, err = runCLI(t, "", "--dir", t.TempDir()+"::/", "--inherit-env", build(t, "tour"), "/")
	require.NoError(t, err)
	assert.Contains(t, stdout, "done")
}

func TestReadOnlyDirRefusesWrites(t *testing.T) {
	dir := t.TempDir()
	code, stdout, _, err := runCLI(t, "", "--ro-dir", dir+"::/", build(t, "tour"), "/")
	require.NoError(t, err)
	assert.Equal(t, uint32(1), code)
	assert.Contains(t, stdout, "mkdir: FAIL")
	entries, _ := os.ReadDir(dir)
	assert.Empty(t, entries)
}

func TestHelloListsOnlyItsPreopen(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "visible.txt"), nil, 0o644))
	code, stdout, _, err := runCLI(t, "", "--ro-dir", dir+"::/", build(t, "hello"))
	require.NoError(t, err)
	assert.Zero(t, code)
	assert.Contains(t, stdout, "/ holds 1 entries:\n  file    visible.txt\n")
}

func TestHostErrors(t *testing.T) {
	hello := build(t, "hello")
	junk := filepath.Join(t.TempDir(), "junk.wasm")
	require.NoError(t, os.WriteFile(junk, []byte("not wasm"), 0o644))
	cases := []struct {
		name  string
		args  []string
		usage bool
		msg   string
	}{
		{"missing module", []string{"/no/such/module.wasm"}, false, "no such file"},
		{"invalid wasm", []string{junk}, false, "junk.wasm"},
		{"missing host dir", []string{"--dir", "/no/such/dir", hello}, false, "/no/such/dir"},
		{"bad flag", []string{"--no-such-flag", hello}, true, "no-such-flag"},
		{"no module", nil, true, "no module"},
		{"empty guest path", []string{"--dir", t.TempDir() + "::", hello}, true, "HOST[::GUEST]"},
		{"bad listen address", []string{"--tcplisten", "256.0.0.1:0", hello}, false, "256.0.0.1"},
		{"bad budget", []string{"--budget-bytes", "1X", hello}, true, "1X"},
		{"negative budget", []string{"--budget-entries", "-1", hello}, true, "-1"},
		{"budget too large", []string{"--budget-bytes", "9000000000G", hello}, true, "9000000000G"},
		{"budget on wazero", []string{"--engine", "wazero", "--budget-bytes", "1M", hello}, true, "--budget"},
		{"strict rights on wazero", []string{"--engine", "wazero", "--strict-rights", hello}, true, "--strict-rights"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, _, err := runCLI(t, "", c.args...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.msg)
			var ue usageError
			assert.Equal(t, c.usage, errorsAs(err, &ue))
		})
	}
}

func errorsAs(err error, ue *usageError) bool {
	u, ok := err.(usageError)
	if ok {
		*ue = u
	}
	return ok
}

// TestStrictRights: a directory opened with rights 0 (as wasmtime's test
// programs open theirs) creates a file by default; --strict-rights refuses
// it with ENOTCAPABLE (76). The probe takes numbers: OFLAGS_DIRECTORY is 2,
// OFLAGS_CREAT 1.
func TestStrictRights(t *testing.T) {
	script := "path_open 3 0 s:\".\" 2 0 0 0 out:4>d\npath_open $d 0 s:\"f\" 1 0 0 0 out:4\n"
	dir := t.TempDir()
	_, stdout, _, err := runCLI(t, script, "--dir", dir+"::/", build(t, "wasicall"))
	require.NoError(t, err)
	assert.Regexp(t, `^path_open 0 \S+\npath_open 0 \S+\n$`, stdout)
	assert.FileExists(t, filepath.Join(dir, "f"))
	_, stdout, _, err = runCLI(t, script, "--strict-rights", "--dir", t.TempDir()+"::/", build(t, "wasicall"))
	require.NoError(t, err)
	assert.Regexp(t, `^path_open 0 \S+\npath_open 76\b`, stdout)
}

func TestTraceLogsCalls(t *testing.T) {
	_, _, stderr, err := runCLI(t, "", "--trace", "--ro-dir", t.TempDir()+"::/", build(t, "hello"))
	require.NoError(t, err)
	assert.Contains(t, stderr, "fd_prestat_dir_name(")
	assert.Contains(t, stderr, "fd_write(fd=1")
}

func TestTCPListenPreopensASocket(t *testing.T) {
	// Find a free port, then let wasi-run listen on it; the probe guest
	// checks descriptor 4 (after the one directory) is a socket.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	var out, errb bytes.Buffer
	script := "fd_fdstat_get 4 out:24\nfd_fdstat_set_flags 4 4\nsock_accept 4 0 out:4\nfd_prestat_get 4 out:8\n"
	code, err := run(context.Background(), []string{"--cache", "", "--dir", t.TempDir() + "::/", "--tcplisten", addr,
		build(t, "wasicall")}, strings.NewReader(script), &out, &errb)
	require.NoError(t, err, errb.String())
	assert.Zero(t, code)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 4, out.String())
	assert.True(t, strings.HasPrefix(lines[0], "fd_fdstat_get 0 06"), "fd 4 is a SOCKET_STREAM: %s", lines[0])
	assert.Equal(t, "fd_fdstat_set_flags 0", lines[1])
	assert.Equal(t, "sock_accept 6 00000000", lines[2], "non-blocking accept with nobody connecting: EAGAIN")
	assert.Equal(t, "fd_prestat_get 8 0000000000000000", lines[3], "a socket is not a pre-opened directory: EBADF")
}

// spinModule is a module whose _start loops forever without a host call:
// only wazero's close-on-context-done can stop it.
var spinModule = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
	0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type: func() -> ()
	0x03, 0x02, 0x01, 0x00, // function 0 of type 0
	0x05, 0x03, 0x01, 0x00, 0x01, // memory: one page
	0x07, 0x13, 0x02, // exports:
	0x06, '_', 's', 't', 'a', 'r', 't', 0x00, 0x00, // _start, function 0
	0x06, 'm', 'e', 'm', 'o', 'r', 'y', 0x02, 0x00, // memory, memory 0
	0x0a, 0x09, 0x01, 0x07, 0x00, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b, // code: loop br 0 end end
}

func TestTimeoutStopsARunningGuest(t *testing.T) {
	spin := filepath.Join(t.TempDir(), "spin.wasm")
	require.NoError(t, os.WriteFile(spin, spinModule, 0o644))
	start := time.Now()
	_, _, _, err := runCLI(t, "", "--timeout", "200ms", spin)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "deadline exceeded")
	assert.Less(t, time.Since(start), 20*time.Second)

	_, _, _, err = runCLI(t, "", "--timeout", "-1s", spin)
	require.Error(t, err)
}

// TestTimeoutEndsAWaitOnAGoPipe: stdin is an io.Pipe that never delivers
// (as when wasi-run's run is embedded); the guest keeps ticking while it
// waits, and --timeout ends the wait.
func TestTimeoutEndsAWaitOnAGoPipe(t *testing.T) {
	ticker := build(t, "ticker")
	// Compiled, with --timeout's code, before the clock starts.
	_, stdout, stderr, err := runCLI(t, "warm", "--timeout", "1m", ticker, "read")
	require.NoError(t, err, stderr)
	require.Contains(t, stdout, `read "warm"`)

	pr, pw := io.Pipe()
	defer pw.Close()
	var out, errb bytes.Buffer
	start := time.Now()
	_, err = run(context.Background(), []string{"--cache", filepath.Join(os.TempDir(), "capwasi-test-wazero-cache"),
		"--timeout", "2s", ticker, "read"}, pr, &out, &errb)
	took := time.Since(start)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "deadline exceeded")
	assert.Less(t, took, 6*time.Second)
	// Ticks every 100 ms; the guest's start under --timeout and the race
	// detector on a loaded machine can take most of a second, so a few
	// ticks prove it ran while it waited (a frozen guest prints none).
	assert.Contains(t, errb.String(), "tick 3\n", "the guest ran while it waited")
}

// TestDeterministicRunsAreByteIdentical: two --deterministic runs of a
// guest that prints the time, 32 random bytes and the measured length of a
// 10 s sleep print the same bytes, in well under a second each.
func TestDeterministicRunsAreByteIdentical(t *testing.T) {
	guest := build(t, "determinism")
	_, _, stderr, err := runCLI(t, "", "--deterministic", guest) // compiled before the clock starts
	require.NoError(t, err, stderr)

	var outs [2]string
	start := time.Now()
	for i := range outs {
		code, stdout, stderr, err := runCLI(t, "", "--deterministic", "--env", "A=1", guest)
		require.NoError(t, err, stderr)
		require.Zero(t, code, stderr)
		outs[i] = stdout
	}
	took := time.Since(start)
	t.Logf("two runs in %v:\n%s", took, outs[0])
	assert.Equal(t, outs[0], outs[1], "byte-identical")
	assert.Less(t, took, 3*time.Second)
	assert.Contains(t, outs[0], "now: 2022-01-01T00:00:00Z\n")
	assert.Contains(t, outs[0], "slept: 10s\n", "virtual time advanced by exactly the sleep")
	assert.Contains(t, outs[0], `environment: ["A=1"]`, "no host environment")

	_, other, _, err := runCLI(t, "", "--deterministic=42", guest)
	require.NoError(t, err)
	assert.NotEqual(t, outs[0], other, "another seed, other random bytes")
	_, again, _, err := runCLI(t, "", "--deterministic=42", guest)
	require.NoError(t, err)
	assert.Equal(t, other, again)

	// wazero's WASI gets the same seeded generator (its fake clocks
	// advance 1 ms per reading).
	_, onWazero, stderr, err := runCLI(t, "", "--deterministic", "--engine", "wazero", guest)
	require.NoError(t, err, stderr)
	randomLine := regexp.MustCompile(`random: \w+\n`)
	require.NotEmpty(t, randomLine.FindString(outs[0]))
	assert.Equal(t, randomLine.FindString(outs[0]), randomLine.FindString(onWazero))

	for _, args := range [][]string{
		{"--deterministic", "--inherit-env", guest},
		{"--deterministic", "--env", "HOME", guest},
		{"--deterministic=x", guest},
	} {
		_, _, _, err := runCLI(t, "", args...)
		var ue usageError
		assert.ErrorAs(t, err, &ue, "%q", args)
	}
}

// TestResolverFlag runs the tour with each resolver; an unknown one, or
// one given to wazero, is a usage error.
func TestResolverFlag(t *testing.T) {
	tour := build(t, "tour")
	for _, r := range []string{"auto", "walk"} {
		code, stdout, stderr, err := runCLI(t, "", "--resolver", r, "--dir", t.TempDir()+"::/sandbox", tour, "/sandbox")
		require.NoError(t, err, stderr)
		assert.Zero(t, code, stdout)
		assert.NotContains(t, stdout, "FAIL")
	}
	for _, args := range [][]string{{"--resolver", "fast", tour}, {"--engine", "wazero", "--resolver", "walk", tour}} {
		_, _, _, err := runCLI(t, "", args...)
		var ue usageError
		assert.True(t, errorsAs(err, &ue), "%v: %v", args, err)
	}
	_, _, _, err := runSuites(t, "--engine", "wazero", "--resolver", "walk", t.TempDir())
	var ue usageError
	assert.True(t, errorsAs(err, &ue), "%v", err)
}

// TestRootPreopenFollowsAbsoluteLinksInside gives the wasicall probe a
// directory as "/" and one as "/data", each holding a link the host
// planted to the host path of a file outside, and a copy of that file at
// the same path inside "/": in "/" the guest makes and follows absolute
// links, and the host's lands on the copy; in "/data" both are refused.
func TestRootPreopenFollowsAbsoluteLinksInside(t *testing.T) {
	base := t.TempDir()
	root, data, outside := filepath.Join(base, "root"), filepath.Join(base, "data"), filepath.Join(base, "outside")
	for _, d := range []string{filepath.Join(root, outside), data} {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	require.NoError(t, os.MkdirAll(outside, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("SECRET"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, outside, "secret"), []byte("inside"), 0o644))
	for _, d := range []string{root, data} {
		require.NoError(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(d, "host")))
	}
	// LOOKUP_SYMLINK_FOLLOW is 1, RIGHTS_FD_READ 2; EPERM is 63.
	script := strings.Join([]string{
		`path_open 3 1 s:"host" 0 2 0 0 out:4>a`,
		`fd_read $a iovout:8 out:4`,
		`path_symlink s:"/host" 3 s:"made"`,
		`path_open 3 1 s:"made" 0 2 0 0 out:4>b`,
		`fd_read $b iovout:8 out:4`,
		`path_open 4 1 s:"host" 0 2 0 0 out:4`,
		`path_symlink s:"/host" 4 s:"made"`,
	}, "\n") + "\n"
	inside := hex.EncodeToString([]byte("inside\x00\x00")) + " 06000000"
	for _, r := range []string{"auto", "walk"} {
		require.NoError(t, os.RemoveAll(filepath.Join(root, "made")))
		code, stdout, stderr, err := runCLI(t, script, "--resolver", r, "--dir", root+"::/", "--dir", data+"::/data", build(t, "wasicall"))
		require.NoError(t, err, stderr)
		assert.Zero(t, code, stderr)
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		require.Len(t, lines, 7, stdout)
		assert.Regexp(t, "^path_open 0 ", lines[0])
		assert.Equal(t, "fd_read 0 "+inside, lines[1], "the host's absolute link lands on the copy inside /")
		assert.Equal(t, "path_symlink 0", lines[2])
		assert.Regexp(t, "^path_open 0 ", lines[3])
		assert.Equal(t, "fd_read 0 "+inside, lines[4], "the guest's absolute link too")
		assert.Equal(t, "path_open 63 00000000", lines[5], "in /data the host's absolute link is refused")
		assert.Equal(t, "path_symlink 63", lines[6], "and none can be made")
		target, err := os.Readlink(filepath.Join(root, "made"))
		require.NoError(t, err)
		assert.Equal(t, "/host", target)
	}
	b, err := os.ReadFile(filepath.Join(outside, "secret"))
	require.NoError(t, err)
	assert.Equal(t, "SECRET", string(b))
}
