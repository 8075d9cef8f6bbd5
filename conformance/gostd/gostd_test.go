package gostd

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseEvents(t *testing.T) {
	out := `{"Action":"start","Package":"p"}
{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"pass","Package":"p","Test":"TestA","Elapsed":0.1}
{"Action":"skip","Package":"p","Test":"TestS","Elapsed":0}
{"Action":"fail","Package":"p","Test":"TestB/sub1","Elapsed":0}
{"Action":"pass","Package":"p","Test":"TestB/sub2","Elapsed":0}
{"Action":"fail","Package":"p","Test":"TestB","Elapsed":0}
{"Action":"fail","Package":"p","Test":"TestC","Elapsed":0}
{"Action":"output","Package":"p","Output":"FAIL\n"}
not json
{"Action":"pass","Package":"other","Test":"TestX"}
{"Action":"fail","Package":"p","Elapsed":12.5}
`
	o := parseEvents([]byte(out), "p")
	assert.Equal(t, Outcome{Status: "FAIL", Failed: []string{"TestB/sub1", "TestC"}, Passed: 2, Skipped: 1, Elapsed: 12500 * time.Millisecond}, o)
	assert.False(t, o.OK())

	o = parseEvents([]byte(`{"Action":"pass","Package":"p","Test":"T"}
{"Action":"pass","Package":"p","Elapsed":1}`), "p")
	assert.Equal(t, Outcome{Status: "ok", Passed: 1, Elapsed: time.Second}, o)
	assert.True(t, o.OK())

	o = parseEvents([]byte(`{"Action":"output","Package":"p","Output":"?   \tp\t[no test files]\n"}
{"Action":"skip","Package":"p","Elapsed":0}`), "p")
	assert.Equal(t, "no tests", o.Status)
	assert.True(t, o.OK())

	// The binary died without a failing test: the last line says why.
	o = parseEvents([]byte(`{"Action":"output","Package":"p","Output":"wasi-run: p.test: wasm error: unreachable\n"}
{"Action":"output","Package":"p","Output":"FAIL\tp\t3.2s\n"}
{"Action":"fail","Package":"p","Elapsed":3.2}`), "p")
	assert.Equal(t, "FAIL", o.Status)
	assert.Equal(t, "wasi-run: p.test: wasm error: unreachable", o.Note)

	o = parseEvents([]byte(`{"ImportPath":"p","Action":"build-output","Output":"x.go:1: syntax error\n"}`), "p")
	assert.Empty(t, o.Status, "no end reported")
}

func TestInnermostAndLastLine(t *testing.T) {
	assert.Equal(t, []string{"A/x/y", "B", "C/z"}, innermost([]string{"C/z", "C", "B", "A/x/y", "A/x", "A", "B"}))
	assert.Nil(t, innermost(nil))
	assert.Equal(t, "panic: boom", lastLine("a\npanic: boom\nexit status 2\nFAIL\tos\t1s\nFAIL\n\n"))
	assert.Empty(t, lastLine("FAIL\n"))
}

func TestQuoteExec(t *testing.T) {
	assert.Equal(t, "/bin/wasi-run --cache '' --dir /::/ '/a b'", quoteExec([]string{"/bin/wasi-run", "--cache", "", "--dir", "/::/", "/a b"}))
	h := WasiRunHost("/t/wasi-run", "wazero", "/c")
	assert.Equal(t, "wazero", h.Name)
	assert.Equal(t, []string{"/t/wasi-run", "--engine", "wazero", "--cache", "/c", "--dir", "/::/", "--env", "PWD", "--env", "PATH",
		"--env", "GOWASIRUNTIME=wazero"}, h.Exec)
}

func TestMarkdown(t *testing.T) {
	hosts := []Host{{Name: "capwasi"}, {Name: "wazero"}}
	many := make([]string, 14)
	for i := range many {
		many[i] = "T" + string(rune('a'+i))
	}
	rows := []Row{
		{Package: "os", Outcomes: []Outcome{
			{Status: "ok", Passed: 10, Skipped: 2, Elapsed: 1500 * time.Millisecond},
			{Status: "FAIL", Failed: []string{"TestX", "TestY|Z"}, Elapsed: 2 * time.Second},
		}},
		{Package: "io", Outcomes: []Outcome{
			{Status: "FAIL", Note: "wasi-run: trap"},
			{Status: "FAIL", Failed: many},
		}},
		{Package: "embed", Outcomes: []Outcome{{Status: "no tests"}, {Status: "no tests"}}},
	}
	got := Markdown(rows, hosts)
	assert.Equal(t, `| package | capwasi | time | wazero | time |
|---|---|--:|---|--:|
| `+"`os`"+` | ok (10 passed, 2 skipped) | 1.5 s | **FAIL** (2): TestX, TestY\|Z | 2.0 s |
| `+"`io`"+` | **FAIL**: wasi-run: trap | 0.0 s | **FAIL** (14): Ta, Tb, Tc, Td, Te, Tf, Tg, Th, Ti, Tj, Tk, Tl and 2 more | 0.0 s |
| `+"`embed`"+` | no tests | 0.0 s | no tests | 0.0 s |
| **total** | 2 of 3 packages pass | 1.5 s | 1 of 3 packages pass | 2.0 s |

Failing on capwasi only: none.

Failing on wazero only: `+"`os`"+` (2: TestX, TestY\|Z); `+"`io`"+` (14: Ta, Tb, Tc, Td, Te, Tf, Tg, Th, Ti, Tj, Tk, Tl and 2 more).
`, got)

	// Both fail: the tests that fail on one host only; a crash against a
	// pass.
	a := Outcome{Status: "FAIL", Failed: []string{"TestA", "TestB"}}
	b := Outcome{Status: "FAIL", Failed: []string{"TestB", "TestC"}}
	assert.Equal(t, "1: TestA", failingOnly(a, b))
	assert.Equal(t, "1: TestC", failingOnly(b, a))
	assert.Empty(t, failingOnly(a, a))
	crash := Outcome{Status: "FAIL", Note: "panic"}
	assert.Equal(t, "the test binary failed: panic", failingOnly(crash, Outcome{Status: "ok"}))
	assert.Empty(t, failingOnly(crash, b), "both failed")
	assert.Empty(t, failingOnly(Outcome{Status: "ok"}, b))
}

func TestUpdateDoc(t *testing.T) {
	path := filepath.Join(t.TempDir(), "conformance.md")
	require.NoError(t, os.WriteFile(path, []byte("# Conformance\n\nintro\n"), 0o644))
	require.NoError(t, UpdateDoc(path, "table 1\n"))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "# Conformance\n\nintro\n\n"+BeginMarker+"\ntable 1\n"+EndMarker+"\n", string(b), "no markers: appended")

	require.NoError(t, os.WriteFile(path, []byte("a\n"+BeginMarker+"\nold\nold\n"+EndMarker+"\n<!-- other:begin -->\nkeep\n<!-- other:end -->\n"), 0o600))
	require.NoError(t, UpdateDoc(path, "new\n\n"))
	b, err = os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "a\n"+BeginMarker+"\nnew\n"+EndMarker+"\n<!-- other:begin -->\nkeep\n<!-- other:end -->\n", string(b), "only the section changes")
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm()&0o600)

	require.NoError(t, os.WriteFile(path, []byte(EndMarker+"\n"+BeginMarker+"\n"), 0o644))
	assert.ErrorContains(t, UpdateDoc(path, "x"), "not a pair")
	require.NoError(t, os.WriteFile(path, []byte(BeginMarker+"\n"), 0o644))
	assert.ErrorContains(t, UpdateDoc(path, "x"), "not a pair")
	assert.Error(t, UpdateDoc(filepath.Join(t.TempDir(), "missing.md"), "x"))
}

func TestRunNeedsHosts(t *testing.T) {
	_, err := Run(context.Background(), Options{})
	assert.ErrorContains(t, err, "no hosts")
}

// TestCISubsetPassesOnCapwasi runs the fast subset of the standard
// library's tests through wasi-run on capwasi, as CI does; the gostd
// command runs the whole list on both hosts.
func TestCISubsetPassesOnCapwasi(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	start := time.Now()
	wasiRun, err := BuildWasiRun(ctx, goCmd, t.TempDir())
	require.NoError(t, err)
	hosts := []Host{WasiRunHost(wasiRun, "capwasi", filepath.Join(os.TempDir(), "capwasi-test-wazero-cache"))}
	var progress strings.Builder
	rows, err := Run(ctx, Options{Packages: CISubset, Hosts: hosts, GoCmd: goCmd, Short: true, Progress: &progress})
	require.NoError(t, err)
	require.Len(t, rows, len(CISubset))
	for _, r := range rows {
		o := r.Outcomes[0]
		assert.Equal(t, "ok", o.Status, "%s: %s", r.Package, cell(o))
		assert.Positive(t, o.Passed, r.Package)
	}
	assert.Equal(t, len(CISubset), strings.Count(progress.String(), "\n"))
	t.Logf("%s(%v with the build)", progress.String(), time.Since(start).Round(time.Millisecond))
}
