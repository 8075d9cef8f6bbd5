package bench

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDensityGuest runs the density guest on every density engine: each
// instance writes, opens, reads and closes (a failed call traps, failing
// the measurement), the capwasi engines hold at most one descriptor per
// instance with a pre-open of its own and none with a shared one, and
// closing the instances gives every descriptor back (MeasureDensity
// checks that).
func TestDensityGuest(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, PrepareDensityDir(dir))
	const n = 200
	for _, eng := range DensityEngines {
		for _, g := range []int{1, 2} {
			s, err := MeasureDensity(context.Background(), eng, dir, n, g)
			require.NoError(t, err, "%s, %d goroutines", eng, g)
			assert.Equal(t, n, s.Instances)
			assert.Positive(t, s.SetupNs)
			assert.Positive(t, s.HeapBytes, "the instances' memory is Go heap")
			if s.FDs < 0 {
				continue // the system does not list descriptors
			}
			switch eng {
			case DensityOwn:
				assert.LessOrEqual(t, s.FDs, n, "%s: one descriptor per instance at most", eng)
			case DensityShared:
				assert.LessOrEqual(t, s.FDs, 2, "%s: the shared one (and no wake-up descriptor)", eng)
			}
			t.Logf("%s, %d goroutines: %.2f descriptors and %.1f KiB per live instance, %.1f µs each",
				eng, g, float64(s.FDs)/n, float64(s.HeapBytes)/n/1024, float64(s.SetupNs+s.ReleaseNs)/n/1e3)
		}
	}
}

// BenchmarkInstance is the set-up cost of one instance of the density
// guest on each density engine, made, run and closed one at a time: build
// its context, instantiate the guest (its _start runs), close it. Profile
// it with -cpuprofile and -memprofile.
func BenchmarkInstance(b *testing.B) {
	dir := b.TempDir()
	require.NoError(b, PrepareDensityDir(dir))
	for _, eng := range DensityEngines {
		b.Run("engine="+eng, func(b *testing.B) {
			ctx := context.Background()
			d, err := newDensityEngine(ctx, eng, dir)
			require.NoError(b, err)
			defer d.close(ctx)
			b.ReportAllocs()
			for b.Loop() {
				m, err := d.instantiate()
				if err != nil {
					b.Fatal(err)
				}
				if err := m.Close(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func testDensityReport() *Report {
	samples := map[string]map[string][]float64{
		DensityRate1:   {DensityOwn: {100, 120, 110}, DensityShared: {130, 140, 150}, DensityWazero: {100, 100, 100}},
		DensityRate2:   {DensityOwn: {180}, DensityShared: {200}, DensityWazero: {200}},
		DensityFDs:     {DensityOwn: {1, 1, 1}, DensityShared: {0, 0.001, 0}, DensityWazero: {1, 1, 1}},
		DensityHeapKiB: {DensityOwn: {70, 70, 70}, DensityShared: {70, 70, 70}, DensityWazero: {68, 68, 68}},
	}
	return &Report{Runs: 3, Scale: 1, DensityInstances: 2000, Density: summarizeDensity(samples)}
}

func TestDensityReport(t *testing.T) {
	rep := testDensityReport()
	require.Len(t, rep.Density, 4)
	r := rep.Density[0]
	assert.Equal(t, DensityRate1, r.Name)
	assert.Equal(t, 110.0, r.Values[DensityOwn])
	assert.InDelta(t, 1.1, r.VsWazero[DensityOwn], 1e-9)
	assert.InDelta(t, 1.4, r.VsWazero[DensityShared], 1e-9)
	assert.InDelta(t, 20.0/110, r.Spread[DensityOwn], 1e-9)
	fds := rep.Density[2]
	assert.Equal(t, 0.0, fds.Values[DensityShared])
	assert.Equal(t, 0.0, fds.VsWazero[DensityShared], "a ratio of 0: no descriptor against wazero's one")

	var text, md bytes.Buffer
	require.NoError(t, rep.WriteDensityTable(&text, false))
	require.NoError(t, rep.WriteDensityTable(&md, true))
	assert.Contains(t, text.String(), DensityFDs)
	lines := strings.Split(strings.TrimSpace(md.String()), "\n")
	require.Len(t, lines, 6)
	assert.Equal(t, "| instances/s, 1 goroutine | 110 | 140 | 100 | 1.10 | 1.40 | 18% |", lines[2])
	assert.Equal(t, "| host descriptors per live instance | 1.00 | 0.00 | 1.00 | 1.00 | 0.00 | 0% |", lines[4])

	// Without wazero's descriptors there is no ratio.
	noWazero := summarizeDensity(map[string]map[string][]float64{DensityFDs: {DensityOwn: {1}, DensityWazero: {0}}})
	_, ok := noWazero[0].VsWazero[DensityOwn]
	assert.False(t, ok)
}

func TestDensityBaseline(t *testing.T) {
	base := testDensityReport()
	p := filepath.Join(t.TempDir(), "base.json")
	require.NoError(t, base.Save(p))
	loaded, err := Load(p)
	require.NoError(t, err)
	assert.Equal(t, base.Density, loaded.Density)
	assert.Empty(t, CompareDensity(loaded, &Report{}, 0.1), "a report without density rows compares nothing")

	same := CompareDensity(loaded, testDensityReport(), 0.1)
	require.Len(t, same, 8, "4 rows × 2 capwasi engines")
	for _, c := range same {
		assert.False(t, c.Regressed, "%s %s", c.Row, c.Engine)
	}

	cur := testDensityReport()
	cur.Density[0].VsWazero[DensityOwn] = 0.95             // 14 % slower against wazero at 1 goroutine
	cur.Density[1].VsWazero[DensityOwn] = 0.8              // and 20 % at 2: regressed
	cur.Density[0].VsWazero[DensityShared] = 1.2           // 14 % slower at 1 goroutine only: noise
	cur.Density[1].VsWazero[DensityShared] = 0.95          // 5 % slower: noise
	cur.Density[2].Values[DensityShared] = 1               // a descriptor per instance again
	cur.Density[3].VsWazero[DensityOwn] = 70.0 / 68 * 1.15 // 15 % more heap against wazero
	regressed := map[string]bool{}
	var out bytes.Buffer
	changes := CompareDensity(loaded, cur, 0.1)
	require.NoError(t, WriteDensityChanges(&out, changes))
	for _, c := range changes {
		if c.Regressed {
			regressed[c.Row+" "+c.Engine] = true
		}
	}
	assert.Equal(t, map[string]bool{
		DensityRate1 + " " + DensityOwn:   true,
		DensityRate2 + " " + DensityOwn:   true,
		DensityFDs + " " + DensityShared:  true,
		DensityHeapKiB + " " + DensityOwn: true,
	}, regressed)
	assert.Contains(t, out.String(), "REGRESSED")
}
