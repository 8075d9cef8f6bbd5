package bench

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/sys"

	"github.com/capwasi/capwasi/common"
	"github.com/capwasi/capwasi/conformance/memfs"
	"github.com/capwasi/capwasi/wazeroadapter"
)

// memfsEnv, set in a process's environment, makes ServeMemfs run the
// memfs engine.
const memfsEnv = "CAPWASI_BENCH_MEMFS"

// ServeMemfs returns at once, unless the environment variable
// CAPWASI_BENCH_MEMFS is set: then the process is a sample of the memfs
// engine, and ServeMemfs runs it and exits with the guest's exit code. Its
// arguments are then
//
//	CACHE-DIR HOST-DIR MODULE [ARGS...]
//
// HOST-DIR is copied into a new memfs file system, which the guest gets as
// /bench, read-write; its standard output is discarded, its standard error
// is the process's. A program that is [Tools.Memfs] calls ServeMemfs first
// thing in main (or TestMain).
func ServeMemfs() {
	if os.Getenv(memfsEnv) == "" {
		return
	}
	code, err := serveMemfs(context.Background(), os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "memfs:", err)
		os.Exit(125)
	}
	os.Exit(int(code))
}

func serveMemfs(ctx context.Context, args []string) (uint32, error) {
	if len(args) < 3 {
		return 0, errors.New("want CACHE-DIR HOST-DIR MODULE [ARGS...]")
	}
	cacheDir, hostDir, module := args[0], args[1], args[2]
	wasm, err := os.ReadFile(module)
	if err != nil {
		return 0, err
	}
	fsys := memfs.New()
	if err := fsys.Load(hostDir); err != nil {
		return 0, err
	}
	cache, err := wazero.NewCompilationCacheWithDir(cacheDir)
	if err != nil {
		return 0, err
	}
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(cache))
	defer rt.Close(ctx)
	wasiCtx := memfs.NewCtx(memfs.Config{
		Args:     append([]string{module}, args[3:]...),
		Stderr:   os.Stderr,
		Preopens: []common.Preopen{{GuestPath: guestDir, Dir: fsys.Root(false)}},
	})
	code, err := wazeroadapter.Run(ctx, rt, wasm, wasiCtx)
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), nil
	}
	return code, err
}
