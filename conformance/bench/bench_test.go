package bench

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// BenchmarkCrossEngine takes samples of every workload under every engine
// as wasi-bench does, one process per iteration, and reports the guest's
// own time per operation as ns/op (the process's start is not in it; for
// the startup rows it is the whole run), with the peak RSS. The tools and
// fixtures are made on first use, which takes a while. Run it with one
// iteration per sample and several counts, e.g.
//
//	go test -run '^$' -bench CrossEngine -benchtime 1x -count 5 ./conformance/bench | tee b.txt
//	go run golang.org/x/perf/cmd/benchstat@latest -col /engine b.txt
func BenchmarkCrossEngine(b *testing.B) {
	env := sharedEnv(b)
	for _, w := range Workloads() {
		if w.Density {
			continue // BenchmarkInstance, in this process
		}
		b.Run(w.Name, func(b *testing.B) {
			for _, eng := range Engines {
				if eng == Memfs && w.Startup {
					continue
				}
				b.Run("engine="+eng, func(b *testing.B) {
					var ns, ops, rss, wall int64
					runs := int64(0)
					for b.Loop() {
						s, err := env.Run(context.Background(), w, eng)
						if err != nil {
							b.Fatal(err)
						}
						ns, ops, rss, wall = ns+s.Ns, ops+s.Ops, rss+s.MaxRSS, wall+s.Wall.Nanoseconds()
						runs++
					}
					b.ReportMetric(float64(ns)/float64(max(ops, 1)), "ns/op")
					b.ReportMetric(float64(wall)/float64(runs), "wall-ns/run")
					b.ReportMetric(float64(rss)/float64(runs), "peak-RSS-KiB")
				})
			}
		})
	}
}

var (
	envOnce sync.Once
	env     *Env
	envBin  string
	envErr  error
)

// sharedEnv builds the tools and fixtures once per test binary; TestMain
// removes them.
func sharedEnv(b *testing.B) *Env {
	envOnce.Do(func() {
		envBin, envErr = os.MkdirTemp("", "wasi-bench-bin-")
		if envErr != nil {
			return
		}
		self, err := os.Executable()
		if err != nil {
			envErr = err
			return
		}
		var tools Tools
		if tools, envErr = BuildTools(Tools{Memfs: self}, envBin); envErr != nil {
			return
		}
		env, envErr = NewEnv(context.Background(), tools, "", 1)
	})
	if envErr != nil {
		b.Fatal(envErr)
	}
	return env
}

func TestMain(m *testing.M) {
	ServeMemfs()
	code := m.Run()
	if env != nil {
		env.Close()
	}
	if envBin != "" {
		os.RemoveAll(envBin)
	}
	os.Exit(code)
}

func TestSelect(t *testing.T) {
	all, err := Select("")
	require.NoError(t, err)
	assert.Equal(t, Workloads(), all)

	ws, err := Select("^open")
	require.NoError(t, err)
	require.Len(t, ws, 2)
	assert.Equal(t, "open1", ws[0].Name)
	assert.Equal(t, "open8", ws[1].Name)

	_, err = Select("nothing-matches")
	assert.Error(t, err)
	_, err = Select("(")
	assert.Error(t, err)
}

func TestMedianAndPairedRatio(t *testing.T) {
	assert.Equal(t, 0.0, median(nil))
	assert.Equal(t, 2.0, median([]float64{3, 1, 2}))
	assert.Equal(t, 2.5, median([]float64{4, 1, 3, 2}))
	// Ratios are paired by run: run 2's load weighs on both sides.
	assert.Equal(t, 0.5, pairedRatio([]float64{1, 4, 2}, []float64{2, 8, 4}))
	assert.Equal(t, 0.0, pairedRatio(nil, []float64{1}))
}

func sample(ns ...int64) []Sample {
	var out []Sample
	for _, n := range ns {
		out = append(out, Sample{Ops: 10, Ns: n * 10, MaxRSS: 2048})
	}
	return out
}

func TestSummarize(t *testing.T) {
	row := summarize(Workload{Name: "fstat", Op: "an fstat"}, map[string][]Sample{
		Capwasi: sample(100, 120, 110),
		Wazero:  sample(200, 200, 220),
		Native:  sample(50, 60, 55),
	})
	assert.Equal(t, 110.0, row.NsPerOp[Capwasi])
	assert.Equal(t, 200.0, row.NsPerOp[Wazero])
	assert.InDelta(t, 20.0/110, row.Spread[Capwasi], 1e-9)
	assert.InDelta(t, 0.5, row.VsWazero, 1e-9)
	assert.InDelta(t, 2.0, row.VsNative, 1e-9)
	assert.Equal(t, int64(2048), row.MaxRSSKiB[Native])
}

func testReport() *Report {
	return &Report{Runs: 3, Scale: 1, Rows: []Row{
		summarize(Workload{Name: "fstat", Op: "an fstat"}, map[string][]Sample{
			Capwasi: sample(100), Wazero: sample(200), Native: sample(50),
		}),
		summarize(Workload{Name: "clock", Op: "a clock read"}, map[string][]Sample{
			Capwasi: sample(30), Wazero: sample(60), Native: sample(10),
		}),
	}}
}

func TestWriteTable(t *testing.T) {
	var text, md bytes.Buffer
	rep := testReport()
	require.NoError(t, rep.WriteTable(&text, false))
	require.NoError(t, rep.WriteTable(&md, true))
	assert.Contains(t, text.String(), "fstat")
	assert.Contains(t, text.String(), "100 ns")
	assert.Contains(t, text.String(), "0.50")
	assert.Contains(t, text.String(), "2.00")
	lines := strings.Split(strings.TrimSpace(md.String()), "\n")
	require.Len(t, lines, 4)
	assert.True(t, strings.HasPrefix(lines[2], "| fstat | 100 ns | 200 ns | 50 ns | - | 0.50 | 2.00 |"), lines[2])
}

func TestSaveLoadCompare(t *testing.T) {
	base := testReport()
	p := filepath.Join(t.TempDir(), "base.json")
	require.NoError(t, base.Save(p))
	loaded, err := Load(p)
	require.NoError(t, err)
	assert.Equal(t, base.Rows, loaded.Rows)

	cur := testReport()
	// fstat: both ratios 20 % worse. clock: only against native (the
	// native reference was faster this time): not a regression.
	cur.Rows[0].VsNative, cur.Rows[0].VsWazero = 2.4, 0.6
	cur.Rows[1].VsNative = 3.6
	changes := Compare(loaded, cur, 0.1)
	require.Len(t, changes, 2)
	assert.True(t, changes[0].Regressed)
	assert.False(t, changes[1].Regressed)
	assert.False(t, Compare(loaded, cur, 0.25)[0].Regressed)

	var out bytes.Buffer
	require.NoError(t, WriteChanges(&out, changes))
	assert.Contains(t, out.String(), "REGRESSED")

	_, err = Load(filepath.Join(t.TempDir(), "missing.json"))
	assert.Error(t, err)
}

// TestGuestNatively runs every workload of the bench guest, built for the
// host, at a small scale: the guest and the driver's parsing agree. The
// wasm engines run the same source; they are exercised by the benchmark.
func TestGuestNatively(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the guest")
	}
	tools, err := BuildTools(Tools{WasiRun: "-", Wazero: "-", BenchWasm: "-", EmptyWasm: "-"}, t.TempDir())
	require.NoError(t, err)
	dir := t.TempDir()
	e := &Env{Tools: tools, Dir: dir, fixtures: dir, Scale: 0.002}
	ctx := context.Background()
	_, _, err = e.exec(ctx, Native, e.guestArgs("setup", dir))
	require.NoError(t, err)
	for _, w := range Workloads() {
		if w.Name == "sleep" || w.Density {
			continue // 1 ms each, at least once: fine, but adds nothing here; density is not a process
		}
		s, err := e.Run(ctx, w, Native)
		require.NoError(t, err, w.Name)
		assert.Positive(t, s.Ops, w.Name)
		assert.Positive(t, s.Wall, w.Name)
	}
}

// TestMemfsEngine runs the bench guest on the memfs engine (this test
// binary serving it, as wasi-bench does) over a small fixture tree.
func TestMemfsEngine(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("builds and compiles the guest: a minute under the race detector")
	}
	self, err := os.Executable()
	require.NoError(t, err)
	tools, err := BuildTools(Tools{WasiRun: "-", Wazero: "-", EmptyWasm: "-", EmptyNative: "-", Memfs: self}, t.TempDir())
	require.NoError(t, err)
	dir := t.TempDir()
	e := &Env{Tools: tools, Dir: dir, fixtures: filepath.Join(dir, "fixtures"), memfsCache: filepath.Join(dir, "cache"), Scale: 0.002}
	require.NoError(t, os.Mkdir(e.fixtures, 0o755))
	ctx := context.Background()
	_, _, err = e.exec(ctx, Native, e.guestArgs("setup", e.fixtures))
	require.NoError(t, err)
	for _, name := range []string{"open8", "churn", "list"} {
		s, err := e.Run(ctx, Workload{Name: name}, Memfs)
		require.NoError(t, err, name)
		assert.Positive(t, s.Ops, name)
	}
	s, err := e.Run(ctx, Workload{Name: "startup-warm", Startup: true}, Memfs)
	require.NoError(t, err)
	assert.Zero(t, s.Ops, "no startup rows for memfs")
}
