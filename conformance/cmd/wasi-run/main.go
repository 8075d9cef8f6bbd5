// Command wasi-run runs a WebAssembly module that imports
// wasi_snapshot_preview1 on wazero, with capwasi's sandboxed host
// (wazeroadapter over capstd-sync). The guest sees only the directories and
// sockets it is given.
//
// Usage:
//
//	wasi-run [flags] MODULE.wasm [ARGS...]
//	wasi-run testsuite [flags] DIR...
//
// Flags:
//
//	--dir HOST[::GUEST]     pre-open the host directory HOST as GUEST (default: HOST itself),
//	                        read-write; repeatable
//	--ro-dir HOST[::GUEST]  the same, read-only
//	--env NAME[=VALUE]      set an environment variable; without "=VALUE" its value is
//	                        taken from the host; repeatable
//	--inherit-env           pass the whole host environment
//	--tcplisten ADDR        pre-open a TCP listener on ADDR (e.g. 127.0.0.1:8080); repeatable
//	--trace                 log every WASI call to stderr
//	--strict-rights         path_open gives a descriptor only the rights asked for, as
//	                        the preview1 specification says (the default follows
//	                        wasmtime: the rights asked for choose only read/write
//	                        access; see wazeroadapter.WithStrictRights)
//	--cache DIR             compilation cache directory (default: capwasi/wazero in the
//	                        user cache directory); --cache="" disables it
//	--timeout D             stop the guest after D (e.g. 30s); exit status 1
//	--deterministic[=SEED]  run deterministically: clocks that start at
//	                        2022-01-01T00:00:00Z (monotonic: 1 s) and move only by
//	                        what the guest waits for (a sleep returns at once),
//	                        random bytes from a generator seeded with SEED
//	                        (default 0), and no host environment (no
//	                        --inherit-env, no --env NAME without a value)
//	--budget-bytes SIZE     let the guest make the read-write directories grow by at most
//	                        SIZE bytes, together (e.g. 1048576, 512K, 1M, 2G; K, M, G and
//	                        KiB, MiB, GiB are powers of 1024); past it writes fail with
//	                        ENOSPC (capstd-sync's Budget says what counts)
//	--budget-entries N      likewise for the number of new names (files, directories, links)
//	--engine NAME           capwasi (the default), or wazero to run the module on
//	                        wazero's built-in WASI instead, for comparison (no
//	                        --tcplisten, --trace, --budget-*, --strict-rights or --resolver then)
//	--resolver NAME         how capwasi resolves the guest's paths: auto (the default:
//	                        openat2 on Linux 5.6+, the component walk elsewhere) or walk
//	                        (the component walk everywhere, as on darwin and freebsd)
//
// A directory pre-opened as "/" is the root of the guest's tree, as a chroot
// is: the guest may create symbolic links with absolute targets in it, and
// absolute targets there are followed from it, never from the host's root
// (so --dir /::/ sees the host's own absolute links as the host does). In
// other pre-opens absolute targets are refused.
//
// "wasi-run testsuite" runs WebAssembly wasi-testsuite directories (NAME.wasm
// tests with NAME.json specifications, see package testsuite): it prints one
// line per failed test and the summary "N passed, N failed" (", N skipped"
// when some were), and exits with status 0 only if no test failed. Its
// flags: --engine capwasi|wazero (wazero's own WASI, to compare), --timeout
// D (per read, write and wait; default 30s), --skip NAME[=REASON]
// (repeatable), -v (a line per test), --trace, --cache, --resolver and
// --strict-rights as above.
//
// Interrupting wasi-run (SIGINT, SIGTERM) ends it at once, as it ends a
// native program. Only with --timeout can a guest be stopped while it runs:
// wazero's close-on-context-done then checks for the deadline at every loop
// and call of the guest's code, which makes that code up to 3x slower, so
// it is off otherwise (as in "wazero run" without -timeout).
//
// The exit status is the guest's exit code. wasi-run's own failures (a bad
// flag, a missing module or directory, invalid wasm, a trap) print one line
// to stderr and exit with status 2 for usage errors and 1 otherwise.
//
// To run Go's tests for GOOS=wasip1 with it, build it and pass it to go test
// as the exec wrapper, giving the guest the whole file system and its
// working directory, as Go's own go_wasip1_wasm_exec does:
//
//	go build -o /tmp/wasi-run github.com/capwasi/capwasi/conformance/cmd/wasi-run
//	GOOS=wasip1 GOARCH=wasm go test -exec "/tmp/wasi-run --dir /::/ --env PWD --env PATH" strings
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	capstdsync "github.com/capwasi/capwasi/capstd-sync"
	"github.com/capwasi/capwasi/conformance/engine"
)

// usageError is a problem with the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	ctx, stop := context.Background(), func() {}
	if len(os.Args) > 1 && os.Args[1] == "testsuite" {
		// The suite runner stops between tests and reports what ran.
		ctx, stop = signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	}
	code, err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasi-run:", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
	os.Exit(int(code))
}

// resolverFlag defines the --resolver flag, which sets *r.
func resolverFlag(fs *flag.FlagSet, r *capstdsync.Resolver) {
	fs.TextVar(r, "resolver", capstdsync.ResolverAuto,
		"how capwasi resolves guest paths: `auto` (openat2 where it works) or walk (capstd's component walk everywhere)")
}

// listFlag collects the values of a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// config is a parsed command line.
type config struct {
	dirs, roDirs, env, listen  listFlag
	inheritEnv, trace, strict  bool
	cache                      string
	timeout                    time.Duration
	deterministic              seedFlag
	budgetBytes, budgetEntries sizeFlag
	engine                     string
	resolver                   capstdsync.Resolver
	module                     string
	args                       []string
}

func parse(args []string, stderr io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("wasi-run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Var(&c.dirs, "dir", "pre-open `HOST[::GUEST]` read-write (repeatable)")
	fs.Var(&c.roDirs, "ro-dir", "pre-open `HOST[::GUEST]` read-only (repeatable)")
	fs.Var(&c.env, "env", "set `NAME[=VALUE]`; without a value, take it from the host (repeatable)")
	fs.BoolVar(&c.inheritEnv, "inherit-env", false, "pass the whole host environment")
	fs.Var(&c.listen, "tcplisten", "pre-open a TCP listener on `ADDR` (repeatable)")
	fs.BoolVar(&c.trace, "trace", false, "log every WASI call to stderr")
	fs.BoolVar(&c.strict, "strict-rights", false, "path_open gives only the rights asked for, as the specification says (breaks programs written for wasmtime, which open directories with rights 0)")
	fs.StringVar(&c.cache, "cache", engine.DefaultCacheDir(), "compilation cache `DIR` (empty: none)")
	fs.StringVar(&c.engine, "engine", "capwasi", "the WASI host: `capwasi`, or wazero for wazero's built-in WASI")
	fs.DurationVar(&c.timeout, "timeout", 0, "stop the guest after `D` (0: never; the guest runs slower with one)")
	fs.Var(&c.deterministic, "deterministic", "run deterministically: fixed clocks that move only by what the guest waits for, random bytes seeded with SEED (--deterministic=SEED; alone: 0), no host environment")
	fs.Var(&c.budgetBytes, "budget-bytes", "let the read-write directories grow by at most `SIZE` bytes together (e.g. 1M)")
	fs.Var(&c.budgetEntries, "budget-entries", "let the read-write directories gain at most `N` names together")
	resolverFlag(fs, &c.resolver)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wasi-run [flags] MODULE.wasm [ARGS...]\n       wasi-run testsuite [flags] DIR...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, usageError{err.Error()}
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return nil, usageError{"no module given"}
	}
	c.module, c.args = fs.Arg(0), fs.Args()[1:]
	switch {
	case c.timeout < 0:
		return nil, usageError{fmt.Sprintf("--timeout %v: negative", c.timeout)}
	case c.engine == "capwasi":
	case c.engine != "wazero":
		return nil, usageError{fmt.Sprintf("--engine %q: want capwasi or wazero", c.engine)}
	case len(c.listen) > 0 || c.trace || c.strict || c.budgetBytes.set || c.budgetEntries.set || c.resolver != capstdsync.ResolverAuto:
		return nil, usageError{"--tcplisten, --trace, --strict-rights, --budget-* and --resolver need --engine capwasi"}
	}
	if c.deterministic.on {
		if c.inheritEnv {
			return nil, usageError{"--deterministic passes no host environment: no --inherit-env"}
		}
		for _, e := range c.env {
			if !strings.Contains(e, "=") {
				return nil, usageError{fmt.Sprintf("--deterministic passes no host environment: --env %s needs a value", e)}
			}
		}
	}
	return c, nil
}

// seedFlag is --deterministic: a boolean flag that may carry a seed.
type seedFlag struct {
	on   bool
	seed int64
}

func (f *seedFlag) String() string {
	if f == nil || !f.on {
		return "false"
	}
	return strconv.FormatInt(f.seed, 10)
}

func (f *seedFlag) IsBoolFlag() bool { return true }

func (f *seedFlag) Set(v string) error {
	switch v {
	case "true":
		f.on, f.seed = true, 0
	case "false":
		f.on, f.seed = false, 0
	default:
		seed, err := strconv.ParseInt(v, 0, 64)
		if err != nil {
			return fmt.Errorf("want an integer seed, got %q", v)
		}
		f.on, f.seed = true, seed
	}
	return nil
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (uint32, error) {
	if len(args) > 0 && args[0] == "testsuite" {
		return runTestsuite(ctx, args[1:], stdout, stderr)
	}
	c, err := parse(args, stderr)
	if err != nil {
		return 0, err
	}
	wasm, err := os.ReadFile(c.module)
	if err != nil {
		return 0, err
	}
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	opts := engine.Options{CacheDir: c.cache, Stoppable: c.timeout > 0, StrictRights: c.strict, Resolver: c.resolver}
	if c.trace {
		opts.Trace = stderr
	}
	eng, err := engine.New(c.engine, opts)
	if err != nil {
		return 0, err
	}
	inv, err := c.invocation(wasm, stdin, stdout, stderr)
	if err != nil {
		return 0, err
	}
	code, err := eng.Run(ctx, inv)
	if err != nil {
		return code, fmt.Errorf("%s: %w", c.module, err)
	}
	return code, nil
}

// invocation turns the command line into the guest's invocation: its
// arguments (the module's path first), environment, directories and
// listeners, and the given streams. On error, nothing stays open.
func (c *config) invocation(wasm []byte, stdin io.Reader, stdout, stderr io.Writer) (*engine.Invocation, error) {
	inv := &engine.Invocation{
		Wasm: wasm, Args: append([]string{c.module}, c.args...),
		Stdin: stdin, Stdout: stdout, Stderr: stderr,
		Deterministic: c.deterministic.on, Seed: c.deterministic.seed,
	}
	if c.budgetBytes.set || c.budgetEntries.set {
		inv.Budget = capstdsync.NewBudget(c.budgetBytes.limit(), c.budgetEntries.limit())
	}
	if c.inheritEnv {
		inv.Env = os.Environ()
	}
	for _, e := range c.env {
		if !strings.Contains(e, "=") {
			e += "=" + os.Getenv(e)
		}
		inv.Env = append(inv.Env, e)
	}
	for i, list := range [][]string{c.dirs, c.roDirs} {
		for _, spec := range list {
			host, guest, err := splitDir(spec)
			if err != nil {
				return nil, err
			}
			inv.Dirs = append(inv.Dirs, engine.Dir{HostPath: host, GuestPath: guest, ReadOnly: i == 1})
		}
	}
	for _, addr := range c.listen {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			for _, o := range inv.Listeners {
				o.Close()
			}
			return nil, err
		}
		inv.Listeners = append(inv.Listeners, l)
	}
	return inv, nil
}

// sizeFlag is a --budget-* value: a count of bytes or entries, with an
// optional binary unit.
type sizeFlag struct {
	n   int64
	set bool
}

func (f *sizeFlag) String() string {
	if !f.set {
		return ""
	}
	return strconv.FormatInt(f.n, 10)
}

// Set parses N, NK, NM or NG (or NKiB, NMiB, NGiB): N times 1, 2^10, 2^20
// or 2^30.
func (f *sizeFlag) Set(v string) error {
	num, shift := v, 0
	for _, u := range []struct {
		suffix string
		shift  int
	}{{"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"K", 10}, {"M", 20}, {"G", 30}} {
		if strings.HasSuffix(v, u.suffix) {
			num, shift = strings.TrimSuffix(v, u.suffix), u.shift
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > math.MaxInt64>>shift {
		return fmt.Errorf("%q: want a count such as 1048576, 512K, 1M or 2G", v)
	}
	f.n, f.set = n<<shift, true
	return nil
}

// limit is the value, or no limit when the flag was not given.
func (f *sizeFlag) limit() int64 {
	if !f.set {
		return math.MaxInt64
	}
	return f.n
}

// splitDir splits a --dir or --ro-dir value, HOST[::GUEST], into the host
// directory and the guest path (HOST itself by default).
func splitDir(spec string) (host, guest string, err error) {
	host, guest, ok := strings.Cut(spec, "::")
	if !ok {
		guest = host
	}
	if host == "" || guest == "" {
		return "", "", usageError{fmt.Sprintf("--dir %q: want HOST[::GUEST]", spec)}
	}
	return host, guest, nil
}
