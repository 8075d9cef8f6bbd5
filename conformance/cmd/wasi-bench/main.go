// Command wasi-bench is capwasi's cross-engine benchmark (package
// conformance/bench): it runs the same guest workloads under capwasi (the
// wasi-run command), under wazero's built-in WASI (the wazero command) and
// natively, interleaved, and prints the median time of one operation of
// each workload under each engine, the ratios capwasi/wazero and
// capwasi/native, the noise and the peak RSS. The memfs column is the
// bench guest on capwasi's binding over an in-memory file system (wasi-bench
// runs itself for it): the guest's own cost, which capwasi cannot lower;
// capwasi less memfs is the host's.
//
// The density workload is measured in the wasi-bench process itself: many
// live instances of a small hand-encoded guest on capwasi (each with a
// pre-open of its own, and all sharing one), and on wazero's built-in WASI,
// interleaved: instances per second at 1 and 2 goroutines, host
// descriptors and Go heap per live instance. It prints a second table.
//
// Usage:
//
//	wasi-bench [flags]
//
// Flags:
//
//	--runs N            samples per workload and engine (default 5)
//	--run REGEXP        only the workloads whose names match
//	--scale F           the guest's -scale: sizes and counts times F (default 1)
//	--dir DIR           scratch directory (default: a new temporary one, removed after)
//	--markdown          print the table as Markdown
//	--save FILE         save the report as JSON
//	--baseline FILE     compare with a saved report; exit status 1 if a row regressed
//	--threshold F       how much both of capwasi's ratios must grow for a row to
//	                    count as regressed (default 0.1: 10 %)
//	--wasi-run PATH     the wasi-run command to measure (default: built from this module)
//	--wazero PATH       the wazero command (default: built from the module cache's
//	                    wazero, the version capwasi uses)
//	--no-memfs          leave out the memfs column
//
// It needs the go command to build the guests and the commands it is not
// given. Run it on a quiet machine: it prints the load average before and
// after.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/capwasi/capwasi/conformance/bench"
)

func main() {
	bench.ServeMemfs() // when wasi-bench runs itself as the memfs engine
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	var regressed errRegressed
	switch {
	case errors.As(err, &regressed):
		fmt.Fprintln(os.Stderr, "wasi-bench:", err)
		os.Exit(1)
	case err != nil:
		fmt.Fprintln(os.Stderr, "wasi-bench:", err)
		os.Exit(2)
	}
}

// errRegressed says that rows regressed against the baseline.
type errRegressed int

func (e errRegressed) Error() string { return fmt.Sprintf("%d rows regressed", int(e)) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("wasi-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	runs := fs.Int("runs", 5, "samples per workload and engine")
	pattern := fs.String("run", "", "only the workloads matching `REGEXP`")
	scale := fs.Float64("scale", 1, "sizes and counts times `F`")
	dir := fs.String("dir", "", "scratch `DIR` (default: a temporary one)")
	markdown := fs.Bool("markdown", false, "print the table as Markdown")
	save := fs.String("save", "", "save the report as JSON to `FILE`")
	baseline := fs.String("baseline", "", "compare with the report saved in `FILE`")
	threshold := fs.Float64("threshold", 0.1, "regression threshold for both ratios (0.1: 10 %)")
	var tools bench.Tools
	fs.StringVar(&tools.WasiRun, "wasi-run", "", "the wasi-run command `PATH` (default: built)")
	fs.StringVar(&tools.Wazero, "wazero", "", "the wazero command `PATH` (default: built)")
	noMemfs := fs.Bool("no-memfs", false, "leave out the memfs column")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*noMemfs {
		self, err := os.Executable()
		if err != nil {
			return err
		}
		tools.Memfs = self
	}
	if fs.NArg() > 0 || *runs < 1 || *scale <= 0 {
		fs.Usage()
		return errors.New("bad arguments")
	}
	ws, err := bench.Select(*pattern)
	if err != nil {
		return err
	}
	var base *bench.Report
	if *baseline != "" {
		if base, err = bench.Load(*baseline); err != nil {
			return err
		}
	}

	binDir, err := os.MkdirTemp("", "wasi-bench-bin-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(binDir)
	fmt.Fprintln(stderr, "building...")
	if tools, err = bench.BuildTools(tools, binDir); err != nil {
		return err
	}
	fmt.Fprintln(stderr, "making the fixtures...")
	env, err := bench.NewEnv(ctx, tools, *dir, *scale)
	if err != nil {
		return err
	}
	defer env.Close()
	rep, err := env.Measure(ctx, ws, *runs, stderr)
	if err != nil {
		return err
	}

	rep.WriteHeader(stdout)
	if len(rep.Rows) > 0 {
		fmt.Fprintln(stdout)
		if err := rep.WriteTable(stdout, *markdown); err != nil {
			return err
		}
	}
	if len(rep.Density) > 0 {
		fmt.Fprintln(stdout)
		if err := rep.WriteDensityTable(stdout, *markdown); err != nil {
			return err
		}
	}
	fmt.Fprintln(stdout, "\nOne operation is:")
	rep.WriteLegend(stdout)
	if *save != "" {
		if err := rep.Save(*save); err != nil {
			return err
		}
	}
	if base != nil {
		changes := bench.Compare(base, rep, *threshold)
		fmt.Fprintf(stdout, "\nAgainst %s (%s):\n", *baseline, base.Machine.Date.Format("2006-01-02"))
		if len(changes) > 0 {
			if err := bench.WriteChanges(stdout, changes); err != nil {
				return err
			}
		}
		n := 0
		for _, c := range changes {
			if c.Regressed {
				n++
			}
		}
		if density := bench.CompareDensity(base, rep, *threshold); len(density) > 0 {
			if len(changes) > 0 {
				fmt.Fprintln(stdout)
			}
			if err := bench.WriteDensityChanges(stdout, density); err != nil {
				return err
			}
			for _, c := range density {
				if c.Regressed {
					n++
				}
			}
		}
		if n > 0 {
			return errRegressed(n)
		}
	}
	return nil
}
