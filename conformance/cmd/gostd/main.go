// Command gostd runs the Go standard library's tests for GOOS=wasip1 on
// capwasi and on wazero's built-in WASI, and writes the per-package table
// into docs/conformance.md between <!-- gostd:begin --> and
// <!-- gostd:end -->, leaving the rest of the file alone.
//
// Usage (from the repository root):
//
//	go run ./conformance/cmd/gostd [flags]
//
// Flags:
//
//	-pkgs LIST     comma-separated packages (default: gostd.Packages)
//	-engines LIST  comma-separated hosts, capwasi and/or wazero (default: both)
//	-short         pass -short to go test, as Go's builders do (default true)
//	-timeout D     go test's -timeout per package (default 20m)
//	-cache DIR     compilation caches, one subdirectory per engine (default:
//	               capwasi/gostd in the user cache directory; "" for none)
//	-doc FILE      the file to update (default docs/conformance.md; "" for none)
//
// It builds wasi-run once, then runs "go test -json -count=1 -exec
// 'wasi-run --engine E --dir /::/ --env PWD --env PATH --env
// GOWASIRUNTIME=E' PKG" with
// GOOS=wasip1 GOARCH=wasm for each package and engine, one at a time,
// printing a line as each ends and the table at the end. The exit status is
// 0 when the table was made, whatever the tests' outcomes; 1 on an error
// (the build, the go command, the doc file), 2 on a bad flag.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/capwasi/capwasi/conformance/engine"
	"github.com/capwasi/capwasi/conformance/gostd"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gostd:", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError is a bad command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// config is a parsed command line.
type config struct {
	pkgs, engines []string
	short         bool
	timeout       time.Duration
	cache, doc    string
}

func parse(args []string, stderr io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("gostd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pkgs := fs.String("pkgs", strings.Join(gostd.Packages, ","), "comma-separated `packages` to test")
	engines := fs.String("engines", strings.Join(engine.Names(), ","), "comma-separated `hosts`: capwasi, wazero")
	fs.BoolVar(&c.short, "short", true, "pass -short to go test, as Go's builders do")
	fs.DurationVar(&c.timeout, "timeout", 20*time.Minute, "go test's -timeout per package")
	fs.StringVar(&c.cache, "cache", filepath.Join(filepath.Dir(engine.DefaultCacheDir()), "gostd"), "compilation caches, one subdirectory per engine (empty: none)")
	fs.StringVar(&c.doc, "doc", filepath.Join("docs", "conformance.md"), "the file whose gostd section to update (empty: none)")
	if err := fs.Parse(args); err != nil {
		return nil, usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return nil, usageError{"unexpected arguments: " + strings.Join(fs.Args(), " ")}
	}
	c.pkgs = split(*pkgs)
	c.engines = split(*engines)
	if len(c.pkgs) == 0 || len(c.engines) == 0 {
		return nil, usageError{"-pkgs and -engines need at least one entry"}
	}
	for _, e := range c.engines {
		if e != "capwasi" && e != "wazero" {
			return nil, usageError{fmt.Sprintf("-engines: unknown engine %q (want capwasi or wazero)", e)}
		}
	}
	if c.cache == filepath.Join(".", "gostd") {
		c.cache = "" // no user cache directory
	}
	return c, nil
}

// split splits a comma-separated list, dropping empty entries.
func split(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parse(args, stderr)
	if err != nil {
		return err
	}
	if c.doc != "" {
		if _, err := os.Stat(c.doc); err != nil {
			return fmt.Errorf("%w (run from the repository root, or give -doc)", err)
		}
	}
	tmp, err := os.MkdirTemp("", "capwasi-gostd-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	wasiRun, err := gostd.BuildWasiRun(ctx, "go", tmp)
	if err != nil {
		return err
	}
	var hosts []gostd.Host
	for _, e := range c.engines {
		cache := ""
		if c.cache != "" {
			cache = filepath.Join(c.cache, e)
		}
		hosts = append(hosts, gostd.WasiRunHost(wasiRun, e, cache))
	}
	start := time.Now()
	rows, err := gostd.Run(ctx, gostd.Options{Packages: c.pkgs, Hosts: hosts, Short: c.short, Timeout: c.timeout, Progress: stderr})
	if err != nil {
		return err
	}
	table := header(ctx, wasiRun, c.short, time.Since(start)) + "\n" + gostd.Markdown(rows, hosts)
	fmt.Fprint(stdout, table)
	if c.doc != "" {
		if err := gostd.UpdateDoc(c.doc, table); err != nil {
			return err
		}
		fmt.Fprintln(stderr, "updated", c.doc)
	}
	return nil
}

// header says how the table was made.
func header(ctx context.Context, wasiRun string, short bool, took time.Duration) string {
	shortFlag := ""
	if short {
		shortFlag = " -short"
	}
	return fmt.Sprintf("Generated by `go run ./conformance/cmd/gostd` on %s (%s, wazero %s, %s/%s, %d CPUs; the run took %v): "+
		"`go test%s -count=1 -exec 'wasi-run --engine ENGINE --dir /::/ --env PWD --env PATH --env GOWASIRUNTIME=ENGINE'` with GOOS=wasip1 GOARCH=wasm, "+
		"one package at a time. A time is the test binary's run as go test reports it, which includes compiling the module "+
		"unless the engine's compilation cache holds it (run twice for times of the tests alone). "+
		"A failing test's subtests are named instead of it.\n",
		time.Now().UTC().Format("2006-01-02"), runtime.Version(), depVersion(ctx, wasiRun, "github.com/tetratelabs/wazero"),
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), took.Round(time.Second), shortFlag)
}

// depVersion returns the version of module mod built into the binary at
// path, or "(unknown)".
func depVersion(ctx context.Context, path, mod string) string {
	out, err := exec.CommandContext(ctx, "go", "version", "-m", path).Output()
	if err != nil {
		return "(unknown)"
	}
	for _, line := range bytes.Split(out, []byte("\n")) {
		f := strings.Fields(string(line))
		if len(f) >= 3 && f[0] == "dep" && f[1] == mod {
			return f[2]
		}
	}
	return "(unknown)"
}
