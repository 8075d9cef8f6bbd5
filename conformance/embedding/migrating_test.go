package embedding

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/capwasi/capwasi/conformance/guests"
)

// migratingDoc is docs/migrating.md, from this package's directory.
const migratingDoc = "../../docs/migrating.md"

// docPrograms returns the Go programs of a Markdown page, by the name of
// the "<!-- migrating: NAME -->" comment before each.
func docPrograms(t *testing.T, page string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(page)
	require.NoError(t, err)
	re := regexp.MustCompile("(?s)<!-- migrating: (\\w+) -->\n```go\n(.*?)\n```")
	progs := map[string]string{}
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		progs[m[1]] = m[2] + "\n"
	}
	return progs
}

// TestMigratingExample compiles the before (wazero's WASI) and after
// (capwasi) programs of docs/migrating.md, runs both with the same guest,
// arguments, input and directories, and wants the same output, exit code
// and files.
func TestMigratingExample(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two programs")
	}
	progs := docPrograms(t, migratingDoc)
	require.Contains(t, progs, "before")
	require.Contains(t, progs, "after")
	probe, err := guests.Build("suiteprobe")
	require.NoError(t, err)

	type result struct {
		code           int
		stdout, stderr string
		scratch        string
	}
	results := map[string]result{}
	for _, name := range []string{"before", "after"} {
		src := filepath.Join(t.TempDir(), name, "main.go")
		require.NoError(t, os.MkdirAll(filepath.Dir(src), 0o755))
		require.NoError(t, os.WriteFile(src, []byte(progs[name]), 0o644))
		bin := filepath.Join(t.TempDir(), "plugin-"+name)
		if runtime.GOOS == "windows" {
			bin += ".exe"
		}
		// Built from this module, whose requirements (wazero, capstd-sync,
		// wazeroadapter) the programs use.
		build := exec.Command("go", "build", "-o", bin, src)
		build.Dir = ".."
		out, err := build.CombinedOutput()
		require.NoError(t, err, "%s program of %s:\n%s", name, migratingDoc, out)

		data, scratch := t.TempDir(), t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(data, "in.txt"), []byte("from the data dir"), 0o644))
		cmd := exec.Command(bin, probe, data, scratch,
			"env:GREETING", "line", "cat:/data/in.txt", "put:/scratch/out.txt=written",
			"put:/data/refused.txt=x")
		cmd.Stdin = strings.NewReader("a line\nmore\n")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err = cmd.Run()
		var exit *exec.ExitError
		if err != nil {
			require.True(t, errors.As(err, &exit), "%s: %v", name, err)
		}
		written, err := os.ReadFile(filepath.Join(scratch, "out.txt"))
		require.NoError(t, err, "%s: %s", name, stderr.String())
		_, err = os.Stat(filepath.Join(data, "refused.txt"))
		assert.ErrorIs(t, err, os.ErrNotExist, "%s: the read-only directory is not written", name)
		results[name] = result{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String(), scratch: string(written)}
	}
	before, after := results["before"], results["after"]
	t.Logf("after: exit %d, stdout %q, stderr %q", after.code, after.stdout, after.stderr)
	assert.Equal(t, "GREETING=hello\na line\nfrom the data dir", after.stdout)
	assert.Equal(t, 1, after.code, "the refused write fails the probe")
	assert.Contains(t, after.stderr, "refused.txt")
	assert.Equal(t, "written", after.scratch)
	assert.Equal(t, before.stdout, after.stdout)
	assert.Equal(t, before.code, after.code)
	assert.Equal(t, before.scratch, after.scratch)
}
