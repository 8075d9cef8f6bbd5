// Package testsuite runs test suites in the format of the WebAssembly
// wasi-testsuite (https://github.com/WebAssembly/wasi-testsuite) on a WASI
// host: a directory of NAME.wasm test modules, each with an optional
// NAME.json specification beside it (see [ParseSpec] for both of its forms),
// and an optional manifest.json naming the suite.
//
// For each test the runner removes every *.cleanup file or directory under
// the suite directory, copies the directories the test pre-opens into a
// fresh temporary directory (so that no test sees another's leftovers and
// the suite's own tree is never changed), runs the operations of the
// specification against the guest, and removes the copy.
//
// It is what "wasi-run testsuite DIR..." runs; [Runner] is the API.
package testsuite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/capwasi/capwasi/conformance/engine"
)

// DefaultTimeout is how long a read, a write or a wait waits for the guest
// when [Runner.Timeout] is zero.
const DefaultTimeout = 30 * time.Second

// Status is the outcome of one test.
type Status int

// The outcomes.
const (
	Passed  Status = iota // every check held
	Failed                // a check failed, or the test could not run
	Skipped               // not run: see Result.Reason
)

// String returns "PASS", "FAIL" or "SKIP".
func (s Status) String() string {
	switch s {
	case Passed:
		return "PASS"
	case Failed:
		return "FAIL"
	case Skipped:
		return "SKIP"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Result is the outcome of one test.
type Result struct {
	Dir      string // the suite directory, as given to RunSuite
	Suite    string // the suite's name: manifest.json's "name", else Dir
	Name     string // the test's name: its module's base name without .wasm
	Status   Status
	Failures []string // what went wrong, one entry per failed check (Failed only)
	Reason   string   // why the test was skipped (Skipped only)
	Duration time.Duration
}

// ID returns the test's path without .wasm: Dir/Name.
func (r Result) ID() string { return filepath.Join(r.Dir, r.Name) }

// Runner runs suites on an engine. The zero value is not usable: Engine must
// be set. A Runner runs one test at a time and may be reused.
type Runner struct {
	// Engine runs the test modules. Without engine.Options.Stoppable, a
	// guest that outlives a timeout while running its own code cannot be
	// stopped, and RunSuite waits for it.
	Engine engine.Engine
	// Timeout bounds each read, write and wait; 0 means DefaultTimeout.
	Timeout time.Duration
	// Skip maps a test, by name or by Dir/Name, to the reason it is
	// skipped.
	Skip map[string]string
	// TempDir is where the per-test copies of pre-opened directories go;
	// "" means os.TempDir().
	TempDir string
	// Progress, when not nil, is called with each result as soon as the
	// test has run.
	Progress func(Result)
}

// manifest is a suite's manifest.json.
type manifest struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// suite is what the tests of one directory share.
type suite struct {
	dir, name string
	skip      string // why every test of the suite is skipped, if it is
}

// readSuite reads dir's manifest.json, if any.
func readSuite(dir string) (*suite, error) {
	s := &suite{dir: dir, name: dir}
	version := filepath.Base(filepath.Clean(dir))
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	switch {
	case err == nil:
		var m manifest
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "manifest.json"), err)
		}
		if m.Name != "" {
			s.name = m.Name
		}
		if m.Version != "" {
			version = m.Version
		}
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	switch v := strings.ToLower(strings.ReplaceAll(version, "_", "-")); v {
	case "wasm32-wasip2", "wasm32-wasip3":
		s.skip = "a " + v + " suite; this host runs preview1 (wasm32-wasip1) modules"
	}
	return s, nil
}

// RunSuite runs every NAME.wasm test of dir, in name order, and returns one
// Result per test. A test that cannot be set up (invalid JSON, a missing
// directory, an invalid module) fails; it does not end the suite. Errors:
// dir cannot be listed, an invalid manifest.json, or ctx ended (with the
// results so far).
func (r *Runner) RunSuite(ctx context.Context, dir string) ([]Result, error) {
	s, err := readSuite(dir)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".wasm"); ok && n != "" && !e.IsDir() {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var results []Result
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return results, err
		}
		res := r.runTest(ctx, s, name)
		if r.Progress != nil {
			r.Progress(res)
		}
		results = append(results, res)
	}
	return results, nil
}

// runTest runs one test of s.
func (r *Runner) runTest(ctx context.Context, s *suite, name string) Result {
	res := Result{Dir: s.dir, Suite: s.name, Name: name}
	skip := func(reason string) Result {
		res.Status, res.Reason = Skipped, reason
		return res
	}
	if s.skip != "" {
		return skip(s.skip)
	}
	for _, key := range []string{name, res.ID(), filepath.ToSlash(res.ID())} {
		if reason, ok := r.Skip[key]; ok {
			if reason == "" {
				reason = "skipped by request"
			}
			return skip(reason)
		}
	}
	wasmPath := filepath.Join(s.dir, name+".wasm")
	spec, err := LoadSpec(wasmPath)
	if err != nil {
		res.Status, res.Failures = Failed, []string{err.Error()}
		return res
	}
	if why := spec.Unsupported(); why != "" {
		return skip(why)
	}
	start := time.Now()
	res.Failures = r.execute(ctx, s.dir, wasmPath, spec)
	res.Duration = time.Since(start)
	res.Status = Passed
	if len(res.Failures) > 0 {
		res.Status = Failed
	}
	return res
}

// execute sets up the test at wasmPath, runs spec's operations, cleans up
// and returns what failed.
func (r *Runner) execute(ctx context.Context, dir, wasmPath string, spec *Spec) (failures []string) {
	fail := func(format string, a ...any) { failures = append(failures, fmt.Sprintf(format, a...)) }
	if err := removeCleanup(dir); err != nil {
		fail("removing *.cleanup: %v", err)
		return failures
	}
	defer func() {
		if err := removeCleanup(dir); err != nil {
			fail("removing *.cleanup: %v", err)
		}
	}()
	wasm, err := os.ReadFile(wasmPath)
	if err != nil {
		fail("%v", err)
		return failures
	}
	scratch, err := os.MkdirTemp(r.TempDir, "wasi-testsuite-")
	if err != nil {
		fail("%v", err)
		return failures
	}
	defer func() {
		if err := os.RemoveAll(scratch); err != nil {
			fail("removing the test's copies: %v", err)
		}
	}()
	for _, d := range spec.dirs() {
		if err := copyTree(filepath.Join(dir, filepath.FromSlash(d)), filepath.Join(scratch, filepath.FromSlash(d))); err != nil {
			fail("pre-opened directory %s: %v", d, err)
			return failures
		}
	}
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	t := &testRun{
		engine: r.Engine, timeout: timeout, scratch: scratch, wasm: wasm,
		argv0: filepath.Base(wasmPath), fail: fail,
	}
	defer t.stop()
	for _, op := range spec.Operations {
		t.do(ctx, op)
	}
	if t.g != nil {
		// Operations that leave the guest running end with an implicit
		// wait for exit code 0.
		t.do(ctx, Operation{Type: OpWait})
	}
	return failures
}

// removeCleanup removes every *.cleanup file or directory under dir, as
// the suite's tests leave them.
func removeCleanup(dir string) error {
	var found []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir && strings.HasSuffix(d.Name(), ".cleanup") {
			found = append(found, p)
			if d.IsDir() {
				return filepath.SkipDir
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, p := range found {
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	return nil
}
