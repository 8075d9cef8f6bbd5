package bench

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"text/tabwriter"
)

// densityInstances is how many live instances a density sample makes at
// scale 1.
const densityInstances = 2000

// The rows of the density table.
const (
	DensityRate1   = "instances/s, 1 goroutine"
	DensityRate2   = "instances/s, 2 goroutines"
	DensityFDs     = "host descriptors per live instance"
	DensityHeapKiB = "Go heap per live instance, KiB"
)

// DensityRow is one row of the density table: a value per density engine.
type DensityRow struct {
	Name string `json:"name"`
	// Values is the median of each engine's samples.
	Values map[string]float64 `json:"values"`
	// Spread is (max-min)/median of an engine's samples.
	Spread map[string]float64 `json:"spread"`
	// VsWazero is, per capwasi engine, the median of the per-run ratios
	// of its value to wazero's (none when wazero's is 0).
	VsWazero map[string]float64 `json:"vs_wazero"`
	// Samples are the values of every run, per engine.
	Samples map[string][]float64 `json:"samples"`
}

// higherIsBetter reports whether a row's values are rates.
func (r *DensityRow) higherIsBetter() bool { return r.Name == DensityRate1 || r.Name == DensityRate2 }

// densityDir is where an Env keeps the density guest's directory.
func (e *Env) densityDir() string { return filepath.Join(e.Dir, "density") }

// densityInstances is how many live instances a density sample of e makes.
func (e *Env) densityInstances() int { return max(50, int(densityInstances*e.Scale)) }

// measureDensity takes one sample per density engine at 1 and at 2
// goroutines, the engines in an order rotated by run, and adds them to
// samples (per row name, per engine).
func (e *Env) measureDensity(ctx context.Context, run int, samples map[string]map[string][]float64) error {
	order := append(slices.Clone(DensityEngines[run%len(DensityEngines):]), DensityEngines[:run%len(DensityEngines)]...)
	n := e.densityInstances()
	add := func(row, eng string, v float64) {
		if samples[row] == nil {
			samples[row] = map[string][]float64{}
		}
		samples[row][eng] = append(samples[row][eng], v)
	}
	for _, g := range []int{1, 2} {
		for _, eng := range order {
			s, err := MeasureDensity(ctx, eng, e.densityDir(), n, g)
			if err != nil {
				return err
			}
			row := DensityRate1
			if g == 2 {
				row = DensityRate2
			}
			add(row, eng, s.PerSecond())
			if g == 1 { // what the instances hold does not depend on how they were made
				if s.FDs >= 0 {
					add(DensityFDs, eng, float64(s.FDs)/float64(n))
				}
				add(DensityHeapKiB, eng, float64(s.HeapBytes)/float64(n)/1024)
			}
		}
	}
	return nil
}

// summarizeDensity makes the density rows from their samples.
func summarizeDensity(samples map[string]map[string][]float64) []DensityRow {
	var rows []DensityRow
	for _, name := range []string{DensityRate1, DensityRate2, DensityFDs, DensityHeapKiB} {
		s := samples[name]
		if s == nil {
			continue
		}
		row := DensityRow{Name: name, Values: map[string]float64{}, Spread: map[string]float64{},
			VsWazero: map[string]float64{}, Samples: s}
		for eng, v := range s {
			m := median(v)
			row.Values[eng] = m
			if m > 0 {
				row.Spread[eng] = (slices.Max(v) - slices.Min(v)) / m
			}
		}
		for _, eng := range []string{DensityOwn, DensityShared} {
			if row.Values[DensityWazero] > 0 && s[eng] != nil {
				row.VsWazero[eng] = pairedRatio(s[eng], s[DensityWazero])
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// WriteDensityTable writes the density rows as a table: aligned text, or
// Markdown.
func (rep *Report) WriteDensityTable(w io.Writer, markdown bool) error {
	header := []string{"density", DensityOwn, DensityShared, DensityWazero, "capwasi/wazero", "shared/wazero", "spread"}
	var lines [][]string
	for _, r := range rep.Density {
		spread := 0.0
		for _, s := range r.Spread {
			spread = max(spread, s)
		}
		line := []string{r.Name}
		for _, eng := range DensityEngines {
			line = append(line, formatDensity(r.Name, r.Values[eng], r.Samples[eng] != nil))
		}
		for _, eng := range []string{DensityOwn, DensityShared} {
			v, ok := r.VsWazero[eng]
			line = append(line, formatRatio(v, ok))
		}
		lines = append(lines, append(line, fmt.Sprintf("%.0f%%", 100*spread)))
	}
	return writeTable(w, markdown, header, lines)
}

// formatDensity prints a density value: rates as whole numbers, the rest
// with two decimals; "-" when the engine has no sample.
func formatDensity(row string, v float64, measured bool) string {
	switch {
	case !measured:
		return "-"
	case row == DensityRate1 || row == DensityRate2:
		return fmt.Sprintf("%.0f", v)
	case row == DensityHeapKiB:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// formatRatio prints a ratio, or "-" when there is none.
func formatRatio(r float64, ok bool) string {
	if !ok {
		return "-"
	}
	return fmt.Sprintf("%.2f", r)
}

// DensityChange is one density row of one capwasi engine compared with a
// baseline.
type DensityChange struct {
	Row, Engine string
	Old, New    float64 // the engine's value
	// OldVsWazero and NewVsWazero are its ratio to wazero in each run.
	OldVsWazero, NewVsWazero float64
	oldOK, newOK             bool // whether there are such ratios
	// Regressed: for the rates, the engine's ratio to wazero fell by more
	// than the threshold at 1 and at 2 goroutines both (two measurements
	// must agree, as the main table asks both of its ratios: a loaded
	// machine pulls one ratio towards 1 now and then); for the heap, the
	// ratio grew by more than the threshold; for the descriptors (a count,
	// not a time), the value grew by more than 0.01 per instance.
	Regressed bool
}

// CompareDensity compares the density rows of rep that base also has.
func CompareDensity(base, rep *Report, threshold float64) []DensityChange {
	var out []DensityChange
	sameRows(base.Density, rep.Density, func(r DensityRow) string { return r.Name }, func(o, r DensityRow) {
		for _, eng := range []string{DensityOwn, DensityShared} {
			if o.Samples[eng] == nil || r.Samples[eng] == nil {
				continue
			}
			c := DensityChange{Row: r.Name, Engine: eng, Old: o.Values[eng], New: r.Values[eng]}
			c.OldVsWazero, c.oldOK = o.VsWazero[eng]
			c.NewVsWazero, c.newOK = r.VsWazero[eng]
			switch {
			case r.Name == DensityFDs:
				c.Regressed = c.New > c.Old+0.01
			case !c.oldOK || !c.newOK:
			case r.higherIsBetter():
				c.Regressed = c.NewVsWazero < c.OldVsWazero*(1-threshold)
			default:
				c.Regressed = grew(c.OldVsWazero, c.NewVsWazero, threshold)
			}
			out = append(out, c)
		}
	})
	// A rate regressed only when it did at both goroutine counts.
	fell := map[string]int{} // engine → rate rows that fell
	for _, c := range out {
		if c.Regressed && (c.Row == DensityRate1 || c.Row == DensityRate2) {
			fell[c.Engine]++
		}
	}
	for i, c := range out {
		if c.Row == DensityRate1 || c.Row == DensityRate2 {
			out[i].Regressed = fell[c.Engine] == 2
		}
	}
	return out
}

// WriteDensityChanges writes a density comparison as a table, flagging
// regressions.
func WriteDensityChanges(w io.Writer, changes []DensityChange) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "density\tengine\tbefore\tnow\tvs wazero before\tnow\t")
	for _, c := range changes {
		flag := ""
		if c.Regressed {
			flag = "REGRESSED"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Row, c.Engine, formatDensity(c.Row, c.Old, true),
			formatDensity(c.Row, c.New, true), formatRatio(c.OldVsWazero, c.oldOK), formatRatio(c.NewVsWazero, c.newOK), flag)
	}
	return tw.Flush()
}
