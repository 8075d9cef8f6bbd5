package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	capstdsync "github.com/capwasi/capwasi/capstd-sync"
	"github.com/capwasi/capwasi/conformance/engine"
	"github.com/capwasi/capwasi/conformance/testsuite"
)

// runTestsuite is "wasi-run testsuite [flags] DIR...": it runs every test of
// every WebAssembly wasi-testsuite directory DIR, prints one line per failed
// test (its path and what differed) and the summary line "N passed, N
// failed" (", N skipped" when some were), and returns status 0 only when
// no test failed and every DIR could be read.
func runTestsuite(ctx context.Context, args []string, stdout, stderr io.Writer) (uint32, error) {
	fs := flag.NewFlagSet("wasi-run testsuite", flag.ContinueOnError)
	fs.SetOutput(stderr)
	engineName := fs.String("engine", "capwasi", "the WASI host: `capwasi` or wazero (wazero's built-in WASI, to compare)")
	timeout := fs.Duration("timeout", testsuite.DefaultTimeout, "how long a read, write or wait waits for the guest")
	cache := fs.String("cache", engine.DefaultCacheDir(), "compilation cache `DIR` (empty: none)")
	verbose := fs.Bool("v", false, "print a line per test, passes and skips included")
	trace := fs.Bool("trace", false, "log every WASI call to stderr (capwasi only)")
	strict := fs.Bool("strict-rights", false, "path_open gives only the rights asked for, as the specification says (capwasi only)")
	var resolver capstdsync.Resolver
	resolverFlag(fs, &resolver)
	var skips listFlag
	fs.Var(&skips, "skip", "skip the test `NAME` (or DIR/NAME), with an optional =REASON (repeatable)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wasi-run testsuite [flags] DIR...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 0, usageError{err.Error()}
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 0, usageError{"testsuite: no directory given"}
	}
	// Stoppable: a test that times out must stop, wherever the guest is.
	if *engineName != "capwasi" && (resolver != capstdsync.ResolverAuto || *strict) {
		return 0, usageError{"testsuite: --resolver and --strict-rights need --engine capwasi"}
	}
	opts := engine.Options{CacheDir: *cache, Stoppable: true, Resolver: resolver, StrictRights: *strict}
	if *trace {
		opts.Trace = stderr
	}
	eng, err := engine.New(*engineName, opts)
	if err != nil {
		return 0, usageError{err.Error()}
	}
	r := &testsuite.Runner{Engine: eng, Timeout: *timeout, Skip: map[string]string{}}
	for _, s := range skips {
		name, reason, _ := strings.Cut(s, "=")
		r.Skip[name] = reason
	}
	r.Progress = func(res testsuite.Result) {
		if res.Status == testsuite.Failed || *verbose {
			fmt.Fprintln(stdout, testsuite.Line(res))
		}
	}
	start := time.Now()
	var all []testsuite.Result
	var errs []string
	for _, dir := range fs.Args() {
		results, err := r.RunSuite(ctx, dir)
		all = append(all, results...)
		if err != nil {
			errs = append(errs, err.Error())
			fmt.Fprintf(stdout, "ERROR %s: %v\n", dir, err)
			if ctx.Err() != nil {
				break
			}
		}
	}
	fmt.Fprintln(stdout, testsuite.Summary(all))
	if *verbose {
		fmt.Fprintf(stderr, "(%d tests on %s in %v)\n", len(all), eng.Name(), time.Since(start).Round(time.Millisecond))
	}
	if len(errs) > 0 {
		return 1, fmt.Errorf("testsuite: %s", strings.Join(errs, "; "))
	}
	if _, failed, _ := testsuite.Counts(all); failed > 0 {
		return 1, nil
	}
	return 0, nil
}
