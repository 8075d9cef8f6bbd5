package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is the outcome of [Env.Measure]: a row per workload.
type Report struct {
	Machine Machine `json:"machine"`
	Runs    int     `json:"runs"`
	Scale   float64 `json:"scale"`
	Rows    []Row   `json:"rows"`
	// DensityInstances is how many live instances each density sample
	// made, and Density the density rows (none when the density workload
	// was not run).
	DensityInstances int          `json:"density_instances,omitempty"`
	Density          []DensityRow `json:"density,omitempty"`
}

// Machine describes where a report was measured.
type Machine struct {
	OS, Arch   string
	CPUs       int    // runtime.NumCPU
	Kernel     string // the kernel release, where known
	Go         string // the Go version that built wasi-bench
	LoadBefore string // the 1, 5 and 15 minute load averages before the runs, where known
	LoadAfter  string // and after them
	Date       time.Time
}

// Row is one workload's result.
type Row struct {
	Name string `json:"name"`
	Op   string `json:"op"` // what one operation is
	// NsPerOp is the median time of one operation, per engine.
	NsPerOp map[string]float64 `json:"ns_per_op"`
	// Spread is (max-min)/median of an engine's samples: the noise.
	Spread map[string]float64 `json:"spread"`
	// MaxRSSKiB is the median peak RSS of an engine's processes.
	MaxRSSKiB map[string]int64 `json:"max_rss_kib"`
	// VsWazero and VsNative are the medians of the per-run ratios of
	// capwasi's time to wazero's and to native.
	VsWazero float64 `json:"capwasi_vs_wazero"`
	VsNative float64 `json:"capwasi_vs_native"`
	// Samples are the times per operation of every run, per engine.
	Samples map[string][]float64 `json:"samples"`
}

// Measure takes runs samples of each workload under each engine,
// interleaved: every run takes one sample of each workload under each
// engine in turn, the engines in an order rotated from run to run. It
// writes a line per run to progress (if not nil).
func (e *Env) Measure(ctx context.Context, ws []Workload, runs int, progress io.Writer) (*Report, error) {
	rep := &Report{Machine: thisMachine(), Runs: runs, Scale: e.Scale}
	rep.Machine.LoadBefore = loadAverage()
	samples := make([]map[string][]Sample, len(ws))
	for i := range samples {
		samples[i] = map[string][]Sample{}
	}
	density := map[string]map[string][]float64{}
	for r := range runs {
		start := time.Now()
		order := append(slices.Clone(Engines[r%len(Engines):]), Engines[:r%len(Engines)]...)
		for i, w := range ws {
			if w.Density {
				if err := e.measureDensity(ctx, r, density); err != nil {
					return nil, err
				}
				rep.DensityInstances = e.densityInstances()
				continue
			}
			for _, eng := range order {
				if eng == Memfs && (e.Memfs == "" || w.Startup) {
					continue
				}
				s, err := e.Run(ctx, w, eng)
				if err != nil {
					return nil, err
				}
				samples[i][eng] = append(samples[i][eng], s)
			}
		}
		if progress != nil {
			fmt.Fprintf(progress, "run %d/%d done in %v (load %s)\n", r+1, runs, time.Since(start).Round(time.Second), loadAverage())
		}
	}
	rep.Machine.LoadAfter = loadAverage()
	for i, w := range ws {
		if !w.Density {
			rep.Rows = append(rep.Rows, summarize(w, samples[i]))
		}
	}
	rep.Density = summarizeDensity(density)
	return rep, nil
}

// summarize makes the row of one workload from its samples.
func summarize(w Workload, samples map[string][]Sample) Row {
	row := Row{
		Name: w.Name, Op: w.Op,
		NsPerOp: map[string]float64{}, Spread: map[string]float64{},
		MaxRSSKiB: map[string]int64{}, Samples: map[string][]float64{},
	}
	for eng, ss := range samples {
		var ns []float64
		var rss []float64
		for _, s := range ss {
			ns = append(ns, s.NsPerOp())
			rss = append(rss, float64(s.MaxRSS))
		}
		row.Samples[eng] = ns
		m := median(ns)
		row.NsPerOp[eng] = m
		if m > 0 {
			row.Spread[eng] = (slices.Max(ns) - slices.Min(ns)) / m
		}
		row.MaxRSSKiB[eng] = int64(median(rss))
	}
	row.VsWazero = pairedRatio(row.Samples[Capwasi], row.Samples[Wazero])
	row.VsNative = pairedRatio(row.Samples[Capwasi], row.Samples[Native])
	return row
}

// pairedRatio is the median of a[i]/b[i], or 0 when there is none.
func pairedRatio(a, b []float64) float64 {
	var r []float64
	for i := range min(len(a), len(b)) {
		if b[i] > 0 {
			r = append(r, a[i]/b[i])
		}
	}
	return median(r)
}

// median is the median of v (the mean of the middle two for an even
// count), or 0 for none.
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// maxSpread is the largest spread of a row's engines.
func (r *Row) maxSpread() float64 {
	m := 0.0
	for _, s := range r.Spread {
		m = max(m, s)
	}
	return m
}

// WriteTable writes the report as a table: aligned text, or Markdown.
func (rep *Report) WriteTable(w io.Writer, markdown bool) error {
	header := []string{"workload", "capwasi", "wazero", "native", "memfs", "capwasi/wazero", "capwasi/native", "spread", "peak RSS MiB c/w/n"}
	var lines [][]string
	for _, r := range rep.Rows {
		lines = append(lines, []string{
			r.Name,
			formatNs(r.NsPerOp[Capwasi]), formatNs(r.NsPerOp[Wazero]), formatNs(r.NsPerOp[Native]), formatNs(r.NsPerOp[Memfs]),
			fmt.Sprintf("%.2f", r.VsWazero), fmt.Sprintf("%.2f", r.VsNative),
			fmt.Sprintf("%.0f%%", 100*r.maxSpread()),
			fmt.Sprintf("%s/%s/%s", formatMiB(r.MaxRSSKiB[Capwasi]), formatMiB(r.MaxRSSKiB[Wazero]), formatMiB(r.MaxRSSKiB[Native])),
		})
	}
	return writeTable(w, markdown, header, lines)
}

// writeTable writes header and lines as Markdown, or as aligned text: the
// first column (names) padded to the left, the others (numbers) aligned
// to the right.
func writeTable(w io.Writer, markdown bool, header []string, lines [][]string) error {
	if markdown {
		var b strings.Builder
		row := func(cells []string) { b.WriteString("| " + strings.Join(cells, " | ") + " |\n") }
		row(header)
		align := []string{"---"}
		for range header[1:] {
			align = append(align, "---:")
		}
		row(align)
		for _, l := range lines {
			row(l)
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	width := 0
	for _, l := range append(lines, header) {
		width = max(width, len(l[0]))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, l := range append([][]string{header}, lines...) {
		l[0] = fmt.Sprintf("%-*s", width, l[0])
		fmt.Fprintln(tw, strings.Join(l, "\t")+"\t")
	}
	return tw.Flush()
}

// WriteHeader writes where and how the report was measured, and what the
// operation of each row is.
func (rep *Report) WriteHeader(w io.Writer) error {
	m := rep.Machine
	_, err := fmt.Fprintf(w, "%s/%s, %d CPUs, kernel %s, %s; load average %s before, %s after; %d runs, scale %g, %s\n",
		m.OS, m.Arch, m.CPUs, m.Kernel, m.Go, m.LoadBefore, m.LoadAfter, rep.Runs, rep.Scale, m.Date.Format(time.DateOnly))
	return err
}

// WriteLegend writes what one operation of each row is, and what the
// density table measured.
func (rep *Report) WriteLegend(w io.Writer) error {
	for _, r := range rep.Rows {
		if _, err := fmt.Fprintf(w, "  %-13s %s\n", r.Name, r.Op); err != nil {
			return err
		}
	}
	if len(rep.Density) > 0 {
		_, err := fmt.Fprintf(w, "  %-13s %s (%d live instances per sample)\n", "density", densityOp, rep.DensityInstances)
		return err
	}
	return nil
}

// formatNs prints a duration in nanoseconds with three significant digits.
func formatNs(ns float64) string {
	switch {
	case ns == 0:
		return "-"
	case ns < 1e3:
		return fmt.Sprintf("%.3g ns", ns)
	case ns < 1e6:
		return fmt.Sprintf("%.3g µs", ns/1e3)
	case ns < 1e9:
		return fmt.Sprintf("%.3g ms", ns/1e6)
	}
	return fmt.Sprintf("%.3g s", ns/1e9)
}

func formatMiB(kib int64) string {
	if kib == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", float64(kib)/1024)
}

// Save writes the report as JSON to path.
func (rep *Report) Save(path string) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// Load reads a report saved by Save.
func Load(path string) (*Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rep Report
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("bench: %s: %w", path, err)
	}
	return &rep, nil
}

// Change is one row of a comparison with a baseline.
type Change struct {
	Name                 string
	OldNs, NewNs         float64 // capwasi's time per operation
	OldNative, NewNative float64 // capwasi/native
	OldWazero, NewWazero float64 // capwasi/wazero
	// Regressed: both of capwasi's ratios grew by more than the
	// threshold. Going by the ratios measured in the same run, not by
	// times, keeps the load of the machine out of it; requiring both keeps
	// out the noise of one reference.
	Regressed bool
}

// Compare compares the rows of rep that base also has. A row regressed when
// both capwasi/native and capwasi/wazero grew by more than threshold (0.1
// for 10 %).
func Compare(base, rep *Report, threshold float64) []Change {
	var out []Change
	sameRows(base.Rows, rep.Rows, func(r Row) string { return r.Name }, func(o, r Row) {
		c := Change{
			Name:  r.Name,
			OldNs: o.NsPerOp[Capwasi], NewNs: r.NsPerOp[Capwasi],
			OldNative: o.VsNative, NewNative: r.VsNative,
			OldWazero: o.VsWazero, NewWazero: r.VsWazero,
		}
		c.Regressed = grew(c.OldNative, c.NewNative, threshold) && grew(c.OldWazero, c.NewWazero, threshold)
		out = append(out, c)
	})
	return out
}

// sameRows calls f with each row of rows that base also has, by name, and
// the base's row, in the order of rows.
func sameRows[R any](base, rows []R, name func(R) string, f func(old, cur R)) {
	old := make(map[string]R, len(base))
	for _, r := range base {
		old[name(r)] = r
	}
	for _, r := range rows {
		if o, ok := old[name(r)]; ok {
			f(o, r)
		}
	}
}

func grew(old, cur, threshold float64) bool { return old > 0 && cur > old*(1+threshold) }

// WriteChanges writes a comparison as a table, flagging regressions.
func WriteChanges(w io.Writer, changes []Change) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "workload\tcapwasi before\tnow\tcapwasi/native before\tnow\tcapwasi/wazero before\tnow\t")
	for _, c := range changes {
		flag := ""
		if c.Regressed {
			flag = "REGRESSED"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f\t%.2f\t%.2f\t%.2f\t%s\n", c.Name, formatNs(c.OldNs), formatNs(c.NewNs),
			c.OldNative, c.NewNative, c.OldWazero, c.NewWazero, flag)
	}
	return tw.Flush()
}

// thisMachine describes the machine, but for its load.
func thisMachine() Machine {
	return Machine{
		OS: runtime.GOOS, Arch: runtime.GOARCH, CPUs: runtime.NumCPU(),
		Kernel: kernelRelease(), Go: runtime.Version(), Date: time.Now().UTC(),
	}
}

// kernelRelease is the Linux kernel's release, or "" elsewhere.
func kernelRelease() string {
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// loadAverage is the 1, 5 and 15 minute load averages (Linux), or "?".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
