package testsuite

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	capstdsync "github.com/capwasi/capwasi/capstd-sync"
	"github.com/capwasi/capwasi/conformance/engine"
	"github.com/capwasi/capwasi/conformance/guests"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// probeWasm returns the suiteprobe guest's binary.
func probeWasm(t *testing.T) []byte {
	t.Helper()
	p, err := guests.Build("suiteprobe")
	require.NoError(t, err)
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return b
}

// writeSuite makes a suite directory: one copy of wasm per test name, the
// test's JSON specification beside it unless it is "-", and a pre-opened
// directory fs-tests.dir holding data.txt.
func writeSuite(t *testing.T, wasm []byte, tests map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "suite")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "fs-tests.dir"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "fs-tests.dir", "data.txt"), []byte("file contents\n"), 0o644))
	for name, spec := range tests {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name+".wasm"), wasm, 0o644))
		if spec != "-" {
			require.NoError(t, os.WriteFile(filepath.Join(dir, name+".json"), []byte(spec), 0o644))
		}
	}
	return dir
}

// newRunner returns a runner on the engine named name; "capwasi-walk" is
// capwasi with the component walk forced (capstdsync.ResolverWalk).
func newRunner(t *testing.T, name string) *Runner {
	t.Helper()
	opts := engine.Options{CacheDir: filepath.Join(os.TempDir(), "capwasi-test-wazero-cache"), Stoppable: true}
	if name == "capwasi-walk" {
		name, opts.Resolver = "capwasi", capstdsync.ResolverWalk
	}
	eng, err := engine.New(name, opts)
	require.NoError(t, err)
	return &Runner{Engine: eng, Timeout: time.Minute, TempDir: t.TempDir()}
}

// byName indexes results by test name.
func byName(results []Result) map[string]Result {
	m := map[string]Result{}
	for _, r := range results {
		m[r.Name] = r
	}
	return m
}

// generatedSuite is a suite of both JSON forms, with tests that pass, tests
// that fail in known ways and tests that are skipped.
var generatedSuite = map[string]string{
	// Legacy form.
	"default_spec": "-",
	"legacy_pass": `{
		"args": ["env:FOO", "env:NONE", "environ", "out:hello\n", "err:oops\n", "present:data.txt", "cat:data.txt"],
		"env": {"FOO": "bar", "OTHER": "x"},
		"dirs": ["fs-tests.dir"],
		"stdout": "FOO=bar\nNONE unset\n2\nhello\nfile contents\n",
		"stderr": "oops\n"
	}`,
	"legacy_exit_code":       `{"args": ["exit:7"], "exit_code": 7}`,
	"legacy_root":            `{"root": "fs-tests.dir", "args": ["cat:data.txt"], "stdout": "file contents\n"}`,
	"legacy_wrong_exit_code": `{"args": ["err:bad things\n", "exit:3"]}`,
	"legacy_wrong_stdout":    `{"args": ["out:abc"], "stdout": "abd"}`,
	"legacy_extra_stdout":    `{"args": ["out:abc\nmore"], "stdout": "abc\n"}`,
	"legacy_wrong_stderr":    `{"args": ["err:x"], "stderr": ""}`,
	"legacy_missing_dir":     `{"dirs": ["no-such.dir"]}`,
	"legacy_bad_json":        `{"args": [}`,
	// Newer form.
	"ops_pass": `{"operations": [
		{"type": "run", "args": ["line", "err:e", "line", "env:foo"], "env": {"foo": "bar"}},
		{"type": "write", "id": "stdin", "payload": "one\n"},
		{"type": "read", "id": "stdout", "payload": "one\n"},
		{"type": "read", "id": "stderr", "payload": "e"},
		{"type": "write", "payload": "two\n"},
		{"type": "read", "payload": "two\nfoo=bar\n"},
		{"type": "wait", "exit_code": 0}
	]}`,
	"ops_two_runs": `{"operations": [
		{"type": "run", "args": ["put:state.txt=kept"], "dirs": ["fs-tests.dir"]},
		{"type": "wait"},
		{"type": "run", "args": ["cat:state.txt", "exit:9"], "dirs": ["fs-tests.dir"]},
		{"type": "read", "payload": "kept"},
		{"type": "wait", "exit_code": 9}
	]}`,
	"ops_echo_stdin": `{"operations": [
		{"type": "run", "args": ["echo"]},
		{"type": "write", "payload": "all of it"},
		{"type": "read", "payload": "all of it"},
		{"type": "wait"}
	]}`,
	"ops_implicit_wait":   `{"operations": [{"type": "run", "args": ["out:x"]}, {"type": "read", "payload": "x"}]}`,
	"ops_wrong_exit_code": `{"operations": [{"type": "run", "args": ["exit:2"]}, {"type": "wait", "exit_code": 5}]}`,
	"ops_short_read":      `{"operations": [{"type": "run", "args": ["out:xy"]}, {"type": "read", "payload": "xyz"}, {"type": "wait"}]}`,
	"ops_skip_socket":     `{"operations": [{"type": "run"}, {"type": "connect"}, {"type": "wait"}]}`,
	"ops_skip_http":       `{"proposals": ["http"], "operations": [{"type": "run"}, {"type": "wait"}]}`,
	// Isolation: the first leaves files behind in its copy of the
	// directory, the second must not see them.
	"isolation_1_write": `{"args": ["absent:left.txt", "put:left.txt=x", "put:out.cleanup=y"], "dirs": ["fs-tests.dir"]}`,
	"isolation_2_check": `{"args": ["absent:left.txt", "absent:out.cleanup", "absent:old.cleanup", "absent:state.txt"], "dirs": ["fs-tests.dir"]}`,
}

// wantFailures are the failing tests of generatedSuite and a piece of each
// failure message.
var wantFailures = map[string]string{
	"legacy_wrong_exit_code": `exit code 3, want 0 (stderr "bad things\n")`,
	"legacy_wrong_stdout":    `stdout "abc", want "abd"`,
	"legacy_extra_stdout":    `stdout "abc\nmore", want "abc\n"`,
	"legacy_wrong_stderr":    `stderr "x", want ""`,
	"legacy_missing_dir":     "pre-opened directory no-such.dir",
	"legacy_bad_json":        "spec: invalid character",
	"ops_wrong_exit_code":    "exit code 2, want 5",
	"ops_short_read":         `stdout "xy", want "xyz"`,
}

func TestRunSuiteOnGeneratedSuite(t *testing.T) {
	wasm := probeWasm(t)
	for _, eng := range append(engine.Names(), "capwasi-walk") {
		t.Run(eng, func(t *testing.T) {
			dir := writeSuite(t, wasm, generatedSuite)
			// Leftovers of an earlier run, which the runner removes.
			require.NoError(t, os.MkdirAll(filepath.Join(dir, "fs-tests.dir", "old.cleanup"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "stale.cleanup"), nil, 0o644))
			r := newRunner(t, eng)
			var progress []string
			r.Progress = func(res Result) { progress = append(progress, res.Name) }

			results, err := r.RunSuite(context.Background(), dir)
			require.NoError(t, err)
			require.Len(t, results, len(generatedSuite))
			assert.Equal(t, len(results), len(progress), "progress reports every test")
			got := byName(results)
			for name := range generatedSuite {
				res := got[name]
				assert.Equal(t, dir, res.Dir)
				assert.Equal(t, dir, res.Suite, "no manifest: the suite is named by its directory")
				switch want, fails := wantFailures[name]; {
				case fails:
					if assert.Equal(t, Failed, res.Status, name) && assert.Len(t, res.Failures, 1, name) {
						assert.Contains(t, res.Failures[0], want, name)
					}
				case strings.HasPrefix(name, "ops_skip"):
					assert.Equal(t, Skipped, res.Status, name)
					assert.NotEmpty(t, res.Reason, name)
				default:
					assert.Equal(t, Passed, res.Status, "%s: %v", name, res.Failures)
				}
			}
			assert.Equal(t, "10 passed, 8 failed, 2 skipped", Summary(results))

			_, err = os.Stat(filepath.Join(dir, "stale.cleanup"))
			assert.ErrorIs(t, err, os.ErrNotExist, "*.cleanup files are removed")
			_, err = os.Stat(filepath.Join(dir, "fs-tests.dir", "old.cleanup"))
			assert.ErrorIs(t, err, os.ErrNotExist, "*.cleanup directories are removed")
			entries, err := os.ReadDir(filepath.Join(dir, "fs-tests.dir"))
			require.NoError(t, err)
			require.Len(t, entries, 1, "the suite's own directory is never changed")
			assert.Equal(t, "data.txt", entries[0].Name())
			left, err := os.ReadDir(r.TempDir)
			require.NoError(t, err)
			assert.Empty(t, left, "the per-test copies are removed")
		})
	}
}

func TestRunSuiteTimeout(t *testing.T) {
	dir := writeSuite(t, probeWasm(t), map[string]string{
		// The guest waits for a line nobody writes: the read times out,
		// then the wait closes stdin and the guest exits.
		"starved": `{"operations": [{"type": "run", "args": ["line", "out:late"]}, {"type": "read", "payload": "x"}, {"type": "wait"}]}`,
		// The guest does not exit in time: the wait times out and the
		// guest is stopped.
		"endless": `{"operations": [{"type": "run", "args": ["sleep:1h"]}, {"type": "wait"}]}`,
		// The last operation leaves the guest running: an implicit wait
		// closes its stdin, and it exits.
		"implicit_wait": `{"operations": [{"type": "run", "args": ["line"]}, {"type": "write", "payload": ""}]}`,
	})
	r := newRunner(t, "capwasi")
	r.Timeout = 2 * time.Second
	start := time.Now()
	results, err := r.RunSuite(context.Background(), dir)
	require.NoError(t, err)
	got := byName(results)
	assert.Equal(t, Failed, got["starved"].Status)
	assert.Contains(t, strings.Join(got["starved"].Failures, ";"), `stdout "", want "x" (timed out after 2s)`)
	assert.Equal(t, []string{"the guest did not exit within 2s"}, got["endless"].Failures)
	assert.Less(t, time.Since(start), time.Minute)
	assert.Equal(t, Passed, got["implicit_wait"].Status, "an implicit wait closes stdin: %v", got["implicit_wait"].Failures)
}

func TestRunSuiteManifestAndSkips(t *testing.T) {
	wasm := probeWasm(t)
	dir := writeSuite(t, wasm, map[string]string{"a": "-", "b": `{"exit_code": 1}`, "c": "-"})
	require.NoError(t, os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(`{"name": "WASI generated tests"}`), 0o644))
	r := newRunner(t, "capwasi")
	r.Skip = map[string]string{"b": "known failure", filepath.Join(dir, "c"): ""}
	results, err := r.RunSuite(context.Background(), dir)
	require.NoError(t, err)
	got := byName(results)
	assert.Equal(t, "WASI generated tests", got["a"].Suite)
	assert.Equal(t, Passed, got["a"].Status)
	assert.Equal(t, Result{Dir: dir, Suite: "WASI generated tests", Name: "b", Status: Skipped, Reason: "known failure"}, got["b"])
	assert.Equal(t, Skipped, got["c"].Status, "skipped by Dir/Name")
	assert.Equal(t, "1 passed, 0 failed, 2 skipped", Summary(results))

	// A preview 2/3 suite is skipped whole, by manifest or by directory name.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(`{"name": "p3", "version": "wasm32-wasip3"}`), 0o644))
	results, err = r.RunSuite(context.Background(), dir)
	require.NoError(t, err)
	assert.Equal(t, "0 passed, 0 failed, 3 skipped", Summary(results))
	assert.Contains(t, results[0].Reason, "wasm32-wasip3")
	p2 := filepath.Join(t.TempDir(), "wasm32-wasip2")
	require.NoError(t, os.Mkdir(p2, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(p2, "t.wasm"), wasm, 0o644))
	results, err = r.RunSuite(context.Background(), p2)
	require.NoError(t, err)
	assert.Equal(t, "0 passed, 0 failed, 1 skipped", Summary(results))

	require.NoError(t, os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(`{`), 0o644))
	_, err = r.RunSuite(context.Background(), dir)
	assert.ErrorContains(t, err, "manifest.json")
	_, err = r.RunSuite(context.Background(), filepath.Join(dir, "missing"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestRunSuiteStopsWhenCancelled(t *testing.T) {
	dir := writeSuite(t, probeWasm(t), map[string]string{"a": "-", "b": "-"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	results, err := newRunner(t, "capwasi").RunSuite(ctx, dir)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, results)
}

func TestReport(t *testing.T) {
	results := []Result{
		{Dir: "s", Name: "ok", Status: Passed, Duration: 1500 * time.Microsecond},
		{Dir: "s", Name: "bad", Status: Failed, Failures: []string{"exit code 1, want 0", `stdout "a", want "b"`}},
		{Dir: "s", Name: "later", Status: Skipped, Reason: "needs sockets"},
	}
	var b strings.Builder
	require.NoError(t, Report(&b, results, false))
	assert.Equal(t, "FAIL "+filepath.Join("s", "bad")+`: exit code 1, want 0; stdout "a", want "b"`+"\n1 passed, 1 failed, 1 skipped\n", b.String())
	b.Reset()
	require.NoError(t, Report(&b, results[:1], true))
	assert.Equal(t, "PASS "+filepath.Join("s", "ok")+" (2ms)\n1 passed, 0 failed\n", b.String())
	assert.Equal(t, "SKIP", Skipped.String())
	assert.Equal(t, "Status(7)", Status(7).String())
}
