// Package bench is capwasi's cross-engine benchmark. It runs the workloads
// of the bench guest (conformance/guests/bench) under three engines:
//
//   - capwasi: the wasi-run command (wazeroadapter over capstd-sync);
//   - wazero: the wazero command's "wazero run", wazero's built-in WASI with
//     the directory mounted by -mount;
//   - native: the same guest source compiled for the host;
//   - memfs: wazeroadapter over an in-memory file system, so that
//     capwasi's time splits into the guest's own (with the binding) and
//     the host's.
//
// Each sample is one process, so that its peak RSS can be read; the guest
// times its own loop (time.Now around it), so that a sample's time per
// operation does not include the start of the process. The startup rows
// time whole runs of an empty main instead, with a warm and a cold
// compilation cache. Engines are interleaved within each run, and each run
// starts with a different engine, so that the load of a shared machine
// falls on all three alike; a row's ratios are the medians of the per-run
// ratios.
//
// The density workload is measured in the calling process instead
// ([MeasureDensity]): many live instances of a hand-encoded guest
// ([DensityGuest]) on capwasi, with a pre-opened directory of each
// instance's own and with one shared by all, and on wazero's built-in
// WASI; its rows (instances per second, host descriptors and Go heap per
// live instance) are a second table.
//
// The wasi-bench command prints the tables and saves and compares
// baselines; BenchmarkCrossEngine runs the same samples under go test
// -bench, BenchmarkInstance the density guest's set-up.
package bench

import (
	"fmt"
	"regexp"
)

// The engines, in the order of the table's columns.
const (
	Capwasi = "capwasi" // wasi-run: wazeroadapter over capstd-sync
	Wazero  = "wazero"  // wazero run: wazero's built-in WASI
	Native  = "native"  // the guest's source built for the host
	// Memfs is wazeroadapter over the conformance suite's in-memory file
	// system (conformance/memfs), with the fixtures loaded into it: the
	// guest's own code and the binding, without system calls. capwasi's
	// time less this one is what capstd-sync and the kernel cost.
	Memfs = "memfs"
)

// Engines lists the engines in column order.
var Engines = []string{Capwasi, Wazero, Native, Memfs}

// Workload is one row of the table.
type Workload struct {
	// Name is the bench guest's name for it, or startup-warm and
	// startup-cold for the startup rows.
	Name string
	// Op says what one operation is, for the table's legend.
	Op string
	// Startup rows time whole runs of the empty guest; Cold ones with a
	// fresh, empty compilation cache each time.
	Startup, Cold bool
	// Density is the density table's workload: many live instances of
	// the density guest, measured in this process ([MeasureDensity]),
	// not by [Env.Run].
	Density bool
}

// workloads are the rows, in table order.
var workloads = []Workload{
	{Name: "read4k", Op: "a 4 KiB read, sequential through 64 MiB"},
	{Name: "read1m", Op: "a 1 MiB read, sequential through 64 MiB"},
	{Name: "write4k", Op: "a 4 KiB write, 64 MiB to a new file (open and close included)"},
	{Name: "write1m", Op: "a 1 MiB write, 64 MiB to a new file (open and close included)"},
	{Name: "pread4k", Op: "a 4 KiB pread at a random offset of a 64 MiB file"},
	{Name: "pwrite4k", Op: "a 4 KiB pwrite at a random offset of a 64 MiB file"},
	{Name: "churn", Op: "one file's create+write+close, stat, unlink (10,000 files in 100 nested directories)"},
	{Name: "open1", Op: "stat+open+close of a file at depth 1"},
	{Name: "open8", Op: "stat+open+close of a file at depth 8"},
	{Name: "fstat", Op: "an fstat of an open file"},
	{Name: "list", Op: "one entry of a 10,000-entry directory listed by name (open, read, close)"},
	{Name: "liststat", Op: "one entry of the same listing with an lstat per entry"},
	{Name: "sleep", Op: "a 1 ms sleep"},
	{Name: "clock", Op: "a clock read (time.Now)"},
	{Name: "random", Op: "64 KiB of random bytes"},
	{Name: "stdout", Op: "a 4 KiB write to standard output (/dev/null)"},
	{Name: "cpu", Op: "one element of a 2M-element sort: no host call, the guest code alone"},
	{Name: "startup-warm", Op: "a whole run of an empty main, compilation cache warm", Startup: true},
	{Name: "startup-cold", Op: "a whole run of an empty main, compilation cache empty", Startup: true, Cold: true},
	{Name: "density", Op: densityOp, Density: true},
}

// densityOp says what the density workload measures.
const densityOp = "live instances of a hand-encoded guest (fd_write, path_open+fd_read+fd_close beneath a read-only pre-open), " +
	"made (context, instantiation, _start) and kept, then closed, in this process: instances per second, and what each holds"

// Workloads returns the rows of the table, in order.
func Workloads() []Workload { return append([]Workload(nil), workloads...) }

// Select returns the workloads whose names match the regular expression
// pattern (all of them for ""). Errors: a bad pattern, or no match.
func Select(pattern string) ([]Workload, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("bench: workload pattern: %w", err)
	}
	var out []Workload
	for _, w := range workloads {
		if re.MatchString(w.Name) {
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("bench: no workload matches %q", pattern)
	}
	return out, nil
}
