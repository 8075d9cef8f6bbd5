package bench

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	capstdsync "github.com/capwasi/capwasi/capstd-sync"
	"github.com/capwasi/capwasi/wazeroadapter"
)

// The density engines: how each live instance of the density guest gets
// its read-only directory.
const (
	// DensityOwn is capwasi with a pre-opened directory of each instance's
	// own (WasiCtxBuilder.PreopenHostDir: one host descriptor each).
	DensityOwn = "capwasi"
	// DensityShared is capwasi with one directory shared by every
	// instance (WasiCtxBuilder.PreopenSharedDir).
	DensityShared = "capwasi-shared"
	// DensityWazero is wazero's built-in WASI, the directory mounted
	// read-only in a module configuration every instance uses.
	DensityWazero = "wazero"
)

// DensityEngines lists the density engines in column order.
var DensityEngines = []string{DensityOwn, DensityShared, DensityWazero}

// densityGuestPath is the name the density guest's directory has.
const densityGuestPath = "/data"

// DensitySample is one measurement of n live instances of the density
// guest on one engine.
type DensitySample struct {
	Instances  int
	Goroutines int
	// SetupNs is the time it took to make the instances live: build each
	// one's context, instantiate the guest and run its _start (the
	// instance stays alive afterwards), from Goroutines goroutines.
	SetupNs int64
	// ReleaseNs is the time it took to close them all (one goroutine).
	ReleaseNs int64
	// FDs is how many more descriptors the process held with the
	// instances live than before (-1 where the system does not say).
	FDs int
	// HeapBytes is how much more Go heap was in use with the instances
	// live than before, both after a garbage collection.
	HeapBytes int64
}

// PerSecond is the instances made and released per second.
func (s DensitySample) PerSecond() float64 {
	ns := s.SetupNs + s.ReleaseNs
	if ns <= 0 {
		return 0
	}
	return float64(s.Instances) / (float64(ns) / 1e9)
}

// MeasureDensity makes n live instances of [DensityGuest] on engine (one of
// [DensityEngines]), from goroutines goroutines, in a runtime of its own
// (the guest compiled before the clock starts), measures what they hold,
// closes them and the runtime. dir is the host directory the instances
// read [DensityFile] from; PrepareDensityDir makes it. It fails when an
// instance fails, and when the descriptors held before are not all that
// is left once the instances are closed.
func MeasureDensity(ctx context.Context, engine, dir string, n, goroutines int) (DensitySample, error) {
	s := DensitySample{Instances: n, Goroutines: goroutines}
	if n < 1 || goroutines < 1 {
		return s, errors.New("bench: density: need at least one instance and one goroutine")
	}
	d, err := newDensityEngine(ctx, engine, dir)
	if err != nil {
		return s, err
	}
	defer d.close(ctx) // closes the instances left after a failure too

	mods := make([]api.Module, n)
	fds0, heap0 := openDescriptors(), liveHeap()
	start := time.Now()
	errs := make([]error, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := g; i < n; i += goroutines {
				if mods[i], errs[g] = d.instantiate(); errs[g] != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	s.SetupNs = time.Since(start).Nanoseconds()
	if err := errors.Join(errs...); err != nil {
		return s, fmt.Errorf("bench: density on %s: %w", engine, err)
	}
	fds1, heap1 := openDescriptors(), liveHeap()
	start = time.Now()
	for i, m := range mods {
		if err := m.Close(ctx); err != nil {
			return s, err
		}
		mods[i] = nil
	}
	s.ReleaseNs = time.Since(start).Nanoseconds()
	s.FDs, s.HeapBytes = -1, heap1-heap0
	if fds0 >= 0 && fds1 >= 0 {
		s.FDs = fds1 - fds0
		if left := openDescriptors(); left != fds0 {
			return s, fmt.Errorf("bench: density on %s: %d descriptors before, %d after closing every instance", engine, fds0, left)
		}
	}
	return s, nil
}

// densityEngine is a runtime with the density guest compiled, ready to
// make instances of it on one density engine.
type densityEngine struct {
	rt          wazero.Runtime
	instantiate func() (api.Module, error) // makes an instance and runs its _start
	shared      *capstdsync.SharedDir      // DensityShared's directory
}

// newDensityEngine compiles the density guest in a new runtime for engine,
// whose instances get dir.
func newDensityEngine(ctx context.Context, engine, dir string) (*densityEngine, error) {
	d := &densityEngine{rt: wazero.NewRuntime(ctx)}
	fail := func(err error) (*densityEngine, error) {
		d.close(ctx)
		return nil, err
	}
	compiled, err := d.rt.CompileModule(ctx, DensityGuest())
	if err != nil {
		return fail(err)
	}
	switch engine {
	case DensityOwn, DensityShared:
		host, err := wazeroadapter.Instantiate(ctx, d.rt)
		if err != nil {
			return fail(err)
		}
		preopen := func(b *capstdsync.WasiCtxBuilder) *capstdsync.WasiCtxBuilder {
			return b.PreopenHostDir(dir, densityGuestPath, capstdsync.ReadOnly)
		}
		if engine == DensityShared {
			if d.shared, err = capstdsync.OpenSharedDir(dir); err != nil {
				return fail(err)
			}
			preopen = func(b *capstdsync.WasiCtxBuilder) *capstdsync.WasiCtxBuilder {
				return b.PreopenSharedDir(d.shared, densityGuestPath, capstdsync.ReadOnly)
			}
		}
		d.instantiate = func() (api.Module, error) {
			wasiCtx, err := preopen(capstdsync.NewWasiCtxBuilder()).Build()
			if err != nil {
				return nil, err
			}
			return host.InstantiateModule(ctx, compiled, wasiCtx, nil)
		}
	case DensityWazero:
		if _, err := wasi_snapshot_preview1.Instantiate(ctx, d.rt); err != nil {
			return fail(err)
		}
		// What capwasi gives its guests too: real random bytes.
		config := wazero.NewModuleConfig().WithRandSource(rand.Reader).
			WithFSConfig(wazero.NewFSConfig().WithReadOnlyDirMount(dir, densityGuestPath))
		d.instantiate = func() (api.Module, error) { return d.rt.InstantiateModule(ctx, compiled, config) }
	default:
		return fail(fmt.Errorf("bench: unknown density engine %q", engine))
	}
	return d, nil
}

// close closes the runtime (and every instance left in it) and the shared
// directory.
func (d *densityEngine) close(ctx context.Context) {
	d.rt.Close(ctx)
	if d.shared != nil {
		d.shared.Close()
	}
}

// PrepareDensityDir writes [DensityFile] into dir.
func PrepareDensityDir(dir string) error {
	return os.WriteFile(filepath.Join(dir, DensityFile), []byte("density guest's file\n"), 0o644)
}

// openDescriptors is how many descriptors the process has open, or -1
// where the system does not list them (/proc/self/fd, /dev/fd).
func openDescriptors() int {
	for _, d := range []string{"/proc/self/fd", "/dev/fd"} {
		f, err := os.Open(d)
		if err != nil {
			continue
		}
		names, err := f.Readdirnames(-1)
		f.Close()
		if err == nil {
			return len(names) - 1 // less the one listing them
		}
	}
	return -1
}

// liveHeap is the Go heap in use after a garbage collection.
func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
