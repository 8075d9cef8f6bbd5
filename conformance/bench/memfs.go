package bench

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/capwasi/capwasi/common"
	"github.com/capwasi/capwasi/conformance/engine"
	"github.com/capwasi/capwasi/conformance/memfs"
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
	eng, err := engine.New("capwasi", engine.Options{CacheDir: cacheDir, NewCtx: newMemfsCtx})
	if err != nil {
		return 0, err
	}
	return eng.Run(ctx, &engine.Invocation{
		Wasm:   wasm,
		Args:   append([]string{module}, args[3:]...),
		Dirs:   []engine.Dir{{HostPath: hostDir, GuestPath: guestDir}},
		Stderr: os.Stderr,
	})
}

// newMemfsCtx gives the guest inv's directories as memfs trees loaded from
// the host, read-write and never saved back, and its stderr.
func newMemfsCtx(inv *engine.Invocation) (common.WasiCtx, error) {
	var preopens []common.Preopen
	for _, d := range inv.Dirs {
		fsys := memfs.New()
		if err := fsys.Load(os.DirFS(d.HostPath)); err != nil {
			return nil, err
		}
		preopens = append(preopens, common.Preopen{GuestPath: d.GuestPath, Dir: fsys.Root(d.ReadOnly)})
	}
	return memfs.NewCtx(memfs.Config{Args: inv.Args, Stderr: inv.Stderr, Preopens: preopens}), nil
}
