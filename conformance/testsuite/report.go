package testsuite

import (
	"fmt"
	"io"
	"strings"
)

// Counts returns how many of results passed, failed and were skipped.
func Counts(results []Result) (passed, failed, skipped int) {
	for _, r := range results {
		switch r.Status {
		case Passed:
			passed++
		case Failed:
			failed++
		case Skipped:
			skipped++
		}
	}
	return passed, failed, skipped
}

// Summary returns the summary line of results: "N passed, N failed", with
// ", N skipped" appended when some were skipped.
func Summary(results []Result) string {
	p, f, s := Counts(results)
	line := fmt.Sprintf("%d passed, %d failed", p, f)
	if s > 0 {
		line += fmt.Sprintf(", %d skipped", s)
	}
	return line
}

// Line returns the report line of one result: "FAIL Dir/Name: what
// differed; ...", "SKIP Dir/Name: reason" or "PASS Dir/Name (duration)".
func Line(r Result) string {
	switch r.Status {
	case Failed:
		return fmt.Sprintf("FAIL %s: %s", r.ID(), strings.Join(r.Failures, "; "))
	case Skipped:
		return fmt.Sprintf("SKIP %s: %s", r.ID(), r.Reason)
	}
	return fmt.Sprintf("%s %s (%v)", r.Status, r.ID(), r.Duration.Round(1e6))
}

// Report writes one line per failed test to w (per test when verbose,
// skips and passes included), then the summary line. Errors: w's.
func Report(w io.Writer, results []Result, verbose bool) error {
	for _, r := range results {
		if r.Status == Failed || verbose {
			if _, err := fmt.Fprintln(w, Line(r)); err != nil {
				return err
			}
		}
	}
	_, err := fmt.Fprintln(w, Summary(results))
	return err
}
