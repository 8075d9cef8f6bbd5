package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

// guestDir is where the wasm engines mount the scratch directory.
const guestDir = "/bench"

// Env is a scratch directory holding the workloads' fixtures, with a
// compilation cache per engine, ready to take samples.
type Env struct {
	Tools
	// Dir is the scratch directory: the fixtures are in its subdirectory
	// "fixtures", which the wasm engines mount as /bench, the compilation
	// caches beside it.
	Dir string
	// Scale is the bench guest's -scale: 1 for the real sizes, less for
	// quick checks.
	Scale float64

	fixtures, capwasiCache, wazeroCache, memfsCache string
	ownDir                                          bool
}

// NewEnv prepares an Env: the scratch directory dir (a new temporary one
// when dir is empty, removed by Close), the fixtures the bench guest's setup
// makes in it at scale, a compilation cache per engine, warmed by one run
// of each guest. The tools must be complete (see [BuildTools]).
func NewEnv(ctx context.Context, tools Tools, dir string, scale float64) (*Env, error) {
	e := &Env{Tools: tools, Dir: dir, Scale: scale}
	if dir == "" {
		d, err := os.MkdirTemp("", "wasi-bench-")
		if err != nil {
			return nil, err
		}
		e.Dir, e.ownDir = d, true
	}
	fail := func(err error) (*Env, error) {
		e.Close()
		return nil, err
	}
	e.fixtures = filepath.Join(e.Dir, "fixtures")
	e.capwasiCache = filepath.Join(e.Dir, "cache-capwasi")
	e.wazeroCache = filepath.Join(e.Dir, "cache-wazero")
	e.memfsCache = filepath.Join(e.Dir, "cache-memfs")
	for _, d := range []string{e.fixtures, e.capwasiCache, e.wazeroCache, e.memfsCache, e.densityDir()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fail(err)
		}
	}
	if err := PrepareDensityDir(e.densityDir()); err != nil {
		return fail(err)
	}
	if _, _, err := e.exec(ctx, Native, e.guestArgs("setup", e.fixtures)); err != nil {
		return fail(fmt.Errorf("bench: making the fixtures: %w", err))
	}
	// Warm the caches: one run of each guest under each wasm engine.
	for _, eng := range []string{Capwasi, Wazero, Memfs} {
		if eng == Memfs {
			if e.Memfs == "" {
				continue
			}
			if _, err := e.Run(ctx, Workload{Name: "nop"}, eng); err != nil {
				return fail(err)
			}
			continue
		}
		if _, err := e.Run(ctx, Workload{Name: "startup-warm", Startup: true}, eng); err != nil {
			return fail(err)
		}
		if _, err := e.Run(ctx, Workload{Name: "nop"}, eng); err != nil {
			return fail(err)
		}
	}
	return e, nil
}

// Close removes the scratch directory if NewEnv made it.
func (e *Env) Close() error {
	if e.ownDir {
		return os.RemoveAll(e.Dir)
	}
	return nil
}

// Sample is one measured process.
type Sample struct {
	Ops    int64         // operations the guest timed (1 for a startup run)
	Ns     int64         // nanoseconds they took: the guest's own timing, or the whole run for startup
	Wall   time.Duration // the whole process, start to exit
	MaxRSS int64         // peak resident set size, KiB (0 where the system does not say)
}

// NsPerOp is the time of one operation.
func (s Sample) NsPerOp() float64 { return float64(s.Ns) / float64(max(s.Ops, 1)) }

// resultLine is the line the bench guest prints to standard error.
var resultLine = regexp.MustCompile(`(?m)^bench (\S+) ops=(\d+) ns=(\d+)$`)

// Run takes one sample of workload w under engine (Capwasi, Wazero, Native
// or Memfs), in a process of its own. Memfs has no startup rows (it does
// not say how fast a command starts). The density workload is not run
// here but by [Env.Measure] (see [MeasureDensity]): an error.
func (e *Env) Run(ctx context.Context, w Workload, engine string) (Sample, error) {
	if w.Density {
		return Sample{}, fmt.Errorf("bench: %s is measured in this process (MeasureDensity), not by Run", w.Name)
	}
	if w.Startup {
		return e.runStartup(ctx, w, engine)
	}
	dir := e.fixtures
	if engine != Native {
		dir = guestDir
	}
	stderr, s, err := e.exec(ctx, engine, e.guestArgs(w.Name, dir))
	if err != nil {
		return Sample{}, err
	}
	m := resultLine.FindSubmatch(stderr)
	if m == nil || string(m[1]) != w.Name {
		return Sample{}, fmt.Errorf("bench: %s under %s: no result in its output:\n%s", w.Name, engine, stderr)
	}
	s.Ops, _ = strconv.ParseInt(string(m[2]), 10, 64)
	s.Ns, _ = strconv.ParseInt(string(m[3]), 10, 64)
	return s, nil
}

// runStartup times a whole run of the empty guest.
func (e *Env) runStartup(ctx context.Context, w Workload, engine string) (Sample, error) {
	var cmd []string
	switch engine {
	case Native:
		cmd = []string{e.EmptyNative}
	case Memfs:
		return Sample{}, nil
	case Capwasi, Wazero:
		cache := e.capwasiCache
		if engine == Wazero {
			cache = e.wazeroCache
		}
		if w.Cold {
			d, err := os.MkdirTemp(e.Dir, "cache-cold-")
			if err != nil {
				return Sample{}, err
			}
			defer os.RemoveAll(d)
			cache = d
		}
		cmd = e.wasmCommand(engine, cache, e.EmptyWasm)
	default:
		return Sample{}, fmt.Errorf("bench: unknown engine %q", engine)
	}
	_, s, err := e.run(ctx, cmd, false)
	if err != nil {
		return Sample{}, fmt.Errorf("bench: %s under %s: %w", w.Name, engine, err)
	}
	s.Ops, s.Ns = 1, s.Wall.Nanoseconds()
	return s, nil
}

// guestArgs are the bench guest's arguments for a workload in dir.
func (e *Env) guestArgs(workload, dir string) []string {
	return []string{"-scale", strconv.FormatFloat(e.Scale, 'g', -1, 64), workload, dir}
}

// exec runs the bench guest with args under engine.
func (e *Env) exec(ctx context.Context, engine string, args []string) ([]byte, Sample, error) {
	var cmd []string
	switch engine {
	case Native:
		cmd = append([]string{e.BenchNative}, args...)
	case Capwasi:
		cmd = append(e.wasmCommand(engine, e.capwasiCache, e.BenchWasm), args...)
	case Wazero:
		cmd = append(e.wasmCommand(engine, e.wazeroCache, e.BenchWasm), args...)
	case Memfs:
		cmd = append([]string{e.Memfs, e.memfsCache, e.fixtures, e.BenchWasm}, args...)
	default:
		return nil, Sample{}, fmt.Errorf("bench: unknown engine %q", engine)
	}
	stderr, s, err := e.run(ctx, cmd, engine == Memfs)
	if err != nil {
		return stderr, s, fmt.Errorf("bench: %s under %s: %w\n%s", args[len(args)-2], engine, err, stderr)
	}
	return stderr, s, nil
}

// wasmCommand is the command line that runs module under a wasm engine
// with the scratch directory mounted at guestDir, read-write, and cache as
// the compilation cache; the guest's arguments follow.
func (e *Env) wasmCommand(engine, cache, module string) []string {
	if engine == Capwasi {
		return []string{e.WasiRun, "--cache", cache, "--dir", e.fixtures + "::" + guestDir, module}
	}
	return []string{e.Wazero, "run", "-cachedir", cache, "-mount", e.fixtures + ":" + guestDir, module}
}

// run runs argv with standard output to the null device, and returns its
// standard error and the sample's wall time and peak RSS. With memfs, it
// is a memfs runner (see [ServeMemfs]).
func (e *Env) run(ctx context.Context, argv []string, memfs bool) ([]byte, Sample, error) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return nil, Sample{}, err
	}
	defer null.Close()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = null, &stderr
	if memfs {
		cmd.Env = append(os.Environ(), memfsEnv+"=1")
	}
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return stderr.Bytes(), Sample{}, err
	}
	return stderr.Bytes(), Sample{Wall: wall, MaxRSS: maxRSS(cmd.ProcessState)}, nil
}
