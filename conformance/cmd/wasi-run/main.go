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
//	--cache DIR             compilation cache directory (default: capwasi/wazero in the
//	                        user cache directory); --cache="" disables it
//	--timeout D             stop the guest after D (e.g. 30s); exit status 1
//	--engine NAME           capwasi (the default), or wazero to run the module on
//	                        wazero's built-in WASI instead, for comparison (no
//	                        --tcplisten or --trace then)
//
// "wasi-run testsuite" runs WebAssembly wasi-testsuite directories (NAME.wasm
// tests with NAME.json specifications, see package testsuite): it prints one
// line per failed test and the summary "N passed, N failed" (", N skipped"
// when some were), and exits with status 0 only if no test failed. Its
// flags: --engine capwasi|wazero (wazero's own WASI, to compare), --timeout
// D (per read, write and wait; default 30s), --skip NAME[=REASON]
// (repeatable), -v (a line per test), --trace and --cache as above.
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
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	capstdsync "github.com/capwasi/capwasi/capstd-sync"
	"github.com/capwasi/capwasi/common"
	"github.com/capwasi/capwasi/conformance/engine"
	"github.com/capwasi/capwasi/wazeroadapter"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/experimental"
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

// listFlag collects the values of a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// config is a parsed command line.
type config struct {
	dirs, roDirs, env, listen listFlag
	inheritEnv, trace         bool
	cache                     string
	timeout                   time.Duration
	engine                    string
	module                    string
	args                      []string
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
	fs.StringVar(&c.cache, "cache", defaultCacheDir(), "compilation cache `DIR` (empty: none)")
	fs.StringVar(&c.engine, "engine", "capwasi", "the WASI host: `capwasi`, or wazero for wazero's built-in WASI")
	fs.DurationVar(&c.timeout, "timeout", 0, "stop the guest after `D` (0: never; the guest runs slower with one)")
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
	case len(c.listen) > 0 || c.trace:
		return nil, usageError{"--tcplisten and --trace need --engine capwasi"}
	}
	return c, nil
}

// defaultCacheDir returns capwasi/wazero in the user cache directory, or ""
// when there is none.
func defaultCacheDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "capwasi", "wazero")
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
	if c.engine == "wazero" {
		return c.runWazero(ctx, wasm, stdin, stdout, stderr)
	}
	wasiCtx, err := c.build(stdin, stdout, stderr)
	if err != nil {
		return 0, err
	}
	rt, err := newRuntime(ctx, c.cache, c.timeout > 0)
	if err != nil {
		wasiCtx.Close()
		return 0, err
	}
	defer rt.Close(ctx)
	var opts []wazeroadapter.Option
	if c.trace {
		opts = append(opts, wazeroadapter.WithTrace(stderr))
	}
	ctx = experimental.WithMemoryAllocator(ctx, memoryAllocator(c.timeout > 0))
	host, err := wazeroadapter.Instantiate(ctx, rt, opts...)
	if err != nil {
		wasiCtx.Close()
		return 0, err
	}
	compiled, err := compile(ctx, rt, wasm)
	if err != nil {
		wasiCtx.Close()
		return 0, fmt.Errorf("%s: %w", c.module, err)
	}
	code, err := host.Run(ctx, compiled, wasiCtx, nil)
	if err != nil {
		return code, fmt.Errorf("%s: %w", c.module, err)
	}
	return code, nil
}

// compile compiles wasm, or loads it from the compilation cache, with the
// garbage collector off: decoding and validating a module allocates a few
// megabytes of structures that all stay alive, so collections during it
// find nothing to free (two of them for a Go guest), and cost about 4 % of
// an empty guest's run.
func compile(ctx context.Context, rt wazero.Runtime, wasm []byte) (wazero.CompiledModule, error) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	return rt.CompileModule(ctx, wasm)
}

// newRuntime returns a wazero runtime that caches compiled code in cacheDir
// (unless it is empty) and, if stoppable, stops guests when ctx is done.
func newRuntime(ctx context.Context, cacheDir string, stoppable bool) (wazero.Runtime, error) {
	rc := wazero.NewRuntimeConfig().WithCloseOnContextDone(stoppable)
	if cacheDir != "" {
		cache, err := wazero.NewCompilationCacheWithDir(cacheDir)
		if err != nil {
			return nil, fmt.Errorf("compilation cache: %w", err)
		}
		rc = rc.WithCompilationCache(cache)
	}
	return wazero.NewRuntimeWithConfig(ctx, rc), nil
}

// build turns the command line into a WasiCtx. On error, nothing stays open.
func (c *config) build(stdin io.Reader, stdout, stderr io.Writer) (common.WasiCtx, error) {
	b := capstdsync.NewWasiCtxBuilder().Args(append([]string{c.module}, c.args...)...)
	if c.inheritEnv {
		b.InheritEnv()
	}
	for _, e := range c.env {
		name, value, ok := strings.Cut(e, "=")
		if !ok {
			value = os.Getenv(name)
		}
		b.Env(name, value)
	}
	// The process's own streams are inherited, so that the guest gets the
	// real descriptors (a terminal stays a terminal); others are wrapped.
	if stdin == io.Reader(os.Stdin) {
		b.InheritStdin()
	} else {
		b.Stdin(capstdsync.NewReaderFile(stdin))
	}
	if stdout == io.Writer(os.Stdout) {
		b.InheritStdout()
	} else {
		b.Stdout(capstdsync.NewWriterFile(stdout))
	}
	if stderr == io.Writer(os.Stderr) {
		b.InheritStderr()
	} else {
		b.Stderr(capstdsync.NewWriterFile(stderr))
	}

	var opened []io.Closer
	cleanup := func() {
		for _, o := range opened {
			o.Close()
		}
	}
	preopen := func(spec string, perms capstdsync.Perms) error {
		host, guest, err := splitDir(spec)
		if err != nil {
			return err
		}
		d, err := capstdsync.OpenAmbientDir(host)
		if err != nil {
			return err
		}
		opened = append(opened, d)
		b.PreopenDir(d, guest, perms)
		return nil
	}
	for _, d := range c.dirs {
		if err := preopen(d, capstdsync.ReadWrite); err != nil {
			cleanup()
			return nil, err
		}
	}
	for _, d := range c.roDirs {
		if err := preopen(d, capstdsync.ReadOnly); err != nil {
			cleanup()
			return nil, err
		}
	}
	for _, addr := range c.listen {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			cleanup()
			return nil, err
		}
		opened = append(opened, l)
		b.PreopenSocket(l)
	}
	wasiCtx, err := b.Build()
	if err != nil {
		cleanup()
		return nil, err
	}
	return wasiCtx, nil
}

// runWazero runs wasm on wazero's built-in WASI with the command line's
// arguments, environment and directories.
func (c *config) runWazero(ctx context.Context, wasm []byte, stdin io.Reader, stdout, stderr io.Writer) (uint32, error) {
	eng, err := engine.New("wazero", engine.Options{CacheDir: c.cache, Stoppable: c.timeout > 0})
	if err != nil {
		return 0, err
	}
	inv := &engine.Invocation{
		Wasm: wasm, Args: append([]string{c.module}, c.args...),
		Stdin: stdin, Stdout: stdout, Stderr: stderr,
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
				return 0, err
			}
			inv.Dirs = append(inv.Dirs, engine.Dir{Host: host, Guest: guest, ReadOnly: i == 1})
		}
	}
	// The same memory as a capwasi run, so that the two differ only in
	// their WASI.
	ctx = experimental.WithMemoryAllocator(ctx, memoryAllocator(c.timeout > 0))
	code, err := eng.Run(ctx, inv)
	if err != nil {
		return code, fmt.Errorf("%s: %w", c.module, err)
	}
	return code, nil
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
