// Package gostd runs the Go standard library's own tests for GOOS=wasip1
// on WASI hosts: "go test -exec WRAPPER" with GOOS=wasip1 GOARCH=wasm, where
// the wrapper is wasi-run on capwasi or on wazero's built-in WASI, invoked
// as Go's lib/wasm/go_wasip1_wasm_exec invokes a runtime (the whole host
// file system mounted as /, PWD and PATH passed on). It collects, per
// package and host, the outcome and the failing tests, and renders them as
// a Markdown table for docs/conformance.md.
//
// It is what the gostd command runs; the package's own test runs a small
// subset through capwasi.
package gostd

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Packages are the standard-library packages the gostd command tests by
// default: those whose tests exercise the file system, clocks, stdio and
// the environment through WASI, and a few that mostly exercise the
// runtime, as a baseline.
//
// Left out: packages whose tests only stress the wasm engine (compress/gzip's
// TestCVE202230631 alone runs two minutes on either host), and packages
// with no tests for wasip1 (embed's are elsewhere, os/signal has none).
var Packages = []string{
	"archive/tar", "archive/zip", "bufio", "bytes", "context",
	"crypto/rand", "encoding/json", "internal/poll", "io", "io/fs",
	"io/ioutil", "mime/multipart", "net", "os", "os/exec", "path/filepath",
	"strings", "syscall", "testing/fstest", "time",
}

// CISubset is the fast subset the package's test runs on capwasi.
var CISubset = []string{"path/filepath", "bufio", "testing/fstest"}

// Host is one WASI host to run the tests on.
type Host struct {
	Name string // as shown in the table: "capwasi", "wazero"
	// Exec is the -exec command: the wrapper and its leading arguments,
	// before the test binary and its flags.
	Exec []string
}

// WasiRunHost returns the Host that runs test binaries with the wasi-run
// binary at wasiRun on engine ("capwasi" or "wazero"), compiling into
// cacheDir (none when empty), mounting / as / and passing PWD and PATH, as
// Go's go_wasip1_wasm_exec does, and GOWASIRUNTIME=engine: Go's tests skip
// what they know a runtime gets wrong by that variable (wazero's untracked
// directory renames, wasmtime's when it is unset), so each host is judged
// as Go's own builders judge it, and capwasi, which Go does not know, on
// every test.
func WasiRunHost(wasiRun, engine, cacheDir string) Host {
	return Host{Name: engine, Exec: []string{wasiRun, "--engine", engine, "--cache", cacheDir,
		"--dir", "/::/", "--env", "PWD", "--env", "PATH", "--env", "GOWASIRUNTIME=" + engine}}
}

// BuildWasiRun builds the wasi-run command for the host system into dir
// and returns the binary's path. It needs the go command and the capwasi
// module (the working directory must lie in its module or workspace).
// Errors: the build's, with its output.
func BuildWasiRun(ctx context.Context, goCmd, dir string) (string, error) {
	out := filepath.Join(dir, "wasi-run")
	if filepath.Separator == '\\' {
		out += ".exe"
	}
	cmd := exec.CommandContext(ctx, goCmd, "build", "-buildvcs=false", "-o", out, "github.com/capwasi/capwasi/conformance/cmd/wasi-run")
	cmd.Env = hostEnv()
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building wasi-run: %w\n%s", err, b)
	}
	return out, nil
}

// hostEnv is the caller's environment without GOOS and GOARCH, so that a
// build targets this system unless they are set again.
func hostEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOOS=") && !strings.HasPrefix(kv, "GOARCH=") {
			env = append(env, kv)
		}
	}
	return env
}

// Options configure Run.
type Options struct {
	Packages []string // import paths; Packages by default
	Hosts    []Host   // at least one
	GoCmd    string   // the go command; "go" by default
	// Short passes -short, as Go's own builders run the wasip1 port.
	Short bool
	// Timeout is go test's -timeout for each package; 20 minutes by
	// default.
	Timeout time.Duration
	// Progress, when not nil, gets a line as each package and host ends.
	Progress io.Writer
}

// Outcome is the result of one package's tests on one host.
type Outcome struct {
	Status  string        // "ok", "FAIL" or "no tests"
	Failed  []string      // the failing tests, innermost subtests only
	Note    string        // for a FAIL with no failing test: the last line of output
	Passed  int           // tests and subtests that passed
	Skipped int           // tests and subtests skipped
	Elapsed time.Duration // the test binary's run, as go test reports it
}

// OK reports whether the package passed or has no tests.
func (o Outcome) OK() bool { return o.Status == "ok" || o.Status == "no tests" }

// Row is one package's outcomes, in the order of Options.Hosts.
type Row struct {
	Package  string
	Outcomes []Outcome
}

// Run runs "go test -json -count=1 -exec HOST PACKAGE" for GOOS=wasip1
// GOARCH=wasm, package by package and host by host, and returns a row per
// package. A package that fails to build or whose tests fail is an Outcome,
// not an error. Errors: no hosts, ctx ended, or the go command could not be
// started.
func Run(ctx context.Context, opts Options) ([]Row, error) {
	if len(opts.Hosts) == 0 {
		return nil, errors.New("gostd: no hosts")
	}
	pkgs := opts.Packages
	if len(pkgs) == 0 {
		pkgs = Packages
	}
	var rows []Row
	for _, pkg := range pkgs {
		row := Row{Package: pkg}
		for _, h := range opts.Hosts {
			o, err := runPackage(ctx, opts, h, pkg)
			if err != nil {
				return rows, err
			}
			if opts.Progress != nil {
				fmt.Fprintf(opts.Progress, "%-16s %-8s %s\n", pkg, h.Name, cell(o))
			}
			row.Outcomes = append(row.Outcomes, o)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// runPackage runs one package's tests on one host.
func runPackage(ctx context.Context, opts Options, h Host, pkg string) (Outcome, error) {
	goCmd := opts.GoCmd
	if goCmd == "" {
		goCmd = "go"
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 20 * time.Minute
	}
	args := []string{"test", "-json", "-count=1", "-timeout", timeout.String(), "-exec", quoteExec(h.Exec)}
	if opts.Short {
		args = append(args, "-short")
	}
	cmd := exec.CommandContext(ctx, goCmd, append(args, pkg)...)
	cmd.Env = append(hostEnv(), "GOOS=wasip1", "GOARCH=wasm")
	// On cancellation, interrupt go test, which passes the interrupt on
	// to the running test binary (wasi-run then stops the guest), rather
	// than kill it and leave the binary running.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if ctx.Err() != nil {
		return Outcome{}, ctx.Err()
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return Outcome{}, fmt.Errorf("gostd: go test %s: %w", pkg, err)
	}
	o := parseEvents(out, pkg)
	if o.Status == "" {
		// No package event: go test failed before running anything.
		o.Status = "FAIL"
		o.Note = lastLine(stderr.String())
		if o.Note == "" {
			o.Note = lastLine(string(out))
		}
	}
	return o, nil
}

// quoteExec joins args into one -exec value, quoting those with spaces
// as go test's quoted-field splitting expects.
func quoteExec(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\"'") {
			a = "'" + a + "'"
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}

// event is one line of go test -json.
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

// parseEvents turns go test -json output for pkg into an Outcome (Status
// empty if the package never reported an end).
func parseEvents(out []byte, pkg string) Outcome {
	var o Outcome
	var failed []string
	var pkgOutput []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue
		}
		if e.Package != pkg && e.Package != "" {
			continue
		}
		switch {
		case e.Action == "output" && e.Test == "":
			pkgOutput = append(pkgOutput, e.Output)
		case e.Action == "build-output":
			pkgOutput = append(pkgOutput, e.Output)
		case e.Test != "" && e.Action == "pass":
			o.Passed++
		case e.Test != "" && e.Action == "skip":
			o.Skipped++
		case e.Test != "" && e.Action == "fail":
			failed = append(failed, e.Test)
		case e.Test == "" && (e.Action == "pass" || e.Action == "fail" || e.Action == "skip"):
			o.Elapsed = time.Duration(e.Elapsed * float64(time.Second))
			switch e.Action {
			case "pass":
				o.Status = "ok"
			case "fail":
				o.Status = "FAIL"
			case "skip":
				o.Status = "no tests"
			}
		}
	}
	o.Failed = innermost(failed)
	if o.Status == "FAIL" && len(o.Failed) == 0 {
		o.Note = lastLine(strings.Join(pkgOutput, ""))
	}
	return o
}

// innermost drops each failed test that has a failed subtest: the
// subtest says more.
func innermost(failed []string) []string {
	var out []string
	for _, t := range failed {
		parent := slices.ContainsFunc(failed, func(u string) bool { return strings.HasPrefix(u, t+"/") })
		if !parent && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}

// lastLine returns the last line of s that says something, ignoring the
// "FAIL pkg" and "exit status" lines go test adds.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" || l == "FAIL" || strings.HasPrefix(l, "FAIL\t") || strings.HasPrefix(l, "exit status ") {
			continue
		}
		return l
	}
	return ""
}
