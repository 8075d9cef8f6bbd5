//go:build linux || darwin || freebsd

package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildCLI builds wasi-run into a temporary directory, so that a test
// checks the command as a user runs it: a process with its flags, streams
// and exit status.
func buildCLI(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "wasi-run")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

// A guest stuck on a FIFO the host planted in its directory, with nobody
// at the other end, is stopped by --timeout 1s about a second after
// wasi-run starts: path_open returns at once, and the read that waits for
// a writer ends with the deadline.
func TestTimeoutStopsAGuestStuckOnAFIFO(t *testing.T) {
	bin := buildCLI(t)
	wasicall := build(t, "wasicall")
	cache := filepath.Join(os.TempDir(), "capwasi-test-wazero-cache")
	dir := t.TempDir()
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644))

	// Compile the guest into the cache first (with a timeout, which
	// compiles the code differently), so that the second is the guest's.
	warm := exec.Command(bin, "--cache", cache, "--timeout", "1m", "--dir", dir+"::/", wasicall)
	warm.Stdin = strings.NewReader("fd_prestat_get 3 out:8\n")
	out, err := warm.CombinedOutput()
	require.NoError(t, err, "%s", out)

	for _, c := range []struct{ name, script string }{
		{"read", `path_open 3 0 s:"fifo" 0 2 0 0 out:4>f` + "\nfd_read $f iovout:16 out:4\n"},
		{"poll", `path_open 3 0 s:"fifo" 0 2 0 0 out:4>f` + "\npoll_oneoff hex:" +
			"0700000000000000010000000000000004000000" + strings.Repeat("00", 28) + " out:32 1 out:4\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(bin, "--cache", cache, "--timeout", "1s", "--dir", dir+"::/", wasicall)
			cmd.Stdin = strings.NewReader(c.script)
			stdout, err := cmd.StdoutPipe()
			require.NoError(t, err)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			start := time.Now()
			require.NoError(t, cmd.Start())
			watchdog := time.AfterFunc(10*time.Second, func() { _ = cmd.Process.Kill() })
			defer watchdog.Stop()
			line, err := bufio.NewReader(stdout).ReadString('\n')
			opened := time.Since(start)
			if err != nil {
				_ = cmd.Wait() // before reading stderr, which the process writes to until then
				t.Fatalf("no line from the guest: %v; stderr: %s", err, stderr.String())
			}
			assert.True(t, strings.HasPrefix(line, "path_open 0 04000000"), "path_open of the FIFO returns at once: %q", line)
			err = cmd.Wait()
			took := time.Since(start)
			t.Logf("path_open returned %v after the start; wasi-run exited %v after the start", opened.Round(time.Millisecond), took.Round(time.Millisecond))
			var exit *exec.ExitError
			require.True(t, errors.As(err, &exit), "%v: %s", err, stderr.String())
			assert.Equal(t, 1, exit.ExitCode())
			assert.Contains(t, stderr.String(), "deadline exceeded")
			assert.GreaterOrEqual(t, took, time.Second)
			assert.Less(t, took, 1500*time.Millisecond, "stopped within about a second")
		})
	}
}
