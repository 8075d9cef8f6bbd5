package conformance

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Difference is one place where capwasi (an Impl through wazeroadapter) and
// wazero's built-in WASI, running the same case, disagree.
type Difference struct {
	Case     string // the case
	Call     string // the script line, or "exit code" / "sandbox" / "outcome" for whole-run checks
	Capwasi  string // what capwasi did
	Wazero   string // what wazero's WASI did
	Expected string // what the case expects
	Reason   string // why they differ, and whose bug it is
}

// wazeroReasons explains known differences, by case name prefix: the
// behaviour wazero v1.12.0's WASI has and why the case expects otherwise.
var wazeroReasons = map[string]string{}

// reasonFor returns the curated explanation for a case, or a default one
// that names who departs from the expectation.
func reasonFor(caseName string, capwasiOK, wazeroOK bool) string {
	best := ""
	for prefix := range wazeroReasons {
		if strings.HasPrefix(caseName, prefix) && len(prefix) > len(best) {
			best = prefix
		}
	}
	if best != "" {
		return wazeroReasons[best]
	}
	switch {
	case capwasiOK && wazeroOK:
		return "both answers are accepted (the specification and the wasi-testsuite allow either)"
	case capwasiOK:
		return "wazero departs from the expectation (wazero bug)"
	case wazeroOK:
		return "capwasi departs from the expectation (capwasi bug)"
	}
	return "both depart from the expectation"
}

// wazeroImpl stands for wazero's built-in WASI in runCase: it has no
// Listeners configuration here.
var wazeroImpl = Impl{Name: "wazero", Unsupported: []Feature{FeatureSockets}}

// Differential runs every case the suite has under impl and under wazero's
// built-in WASI and returns where they differ: per script line (errno or
// results), and per run (exit code, output, the tree outside the sandbox).
// Cases either side cannot run are left out.
func Differential(ctx context.Context, impl Impl) ([]Difference, error) {
	ours, err := sharedRunner(false)
	if err != nil {
		return nil, err
	}
	theirs, err := sharedRunner(true)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "capwasi-differential-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	cases := Cases()
	diffs := make([][]Difference, len(cases))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i, c := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			a := runCase(ctx, ours, impl, c, fmt.Sprintf("%s/%d-capwasi", tmp, i))
			b := runCase(ctx, theirs, wazeroImpl, c, fmt.Sprintf("%s/%d-wazero", tmp, i))
			if a.skipped != "" || b.skipped != "" {
				return
			}
			diffs[i] = compareRuns(c, a, b)
		}()
	}
	wg.Wait()
	var out []Difference
	for _, d := range diffs {
		out = append(out, d...)
	}
	return out, nil
}

// compareRuns lists the differences between two runs of c.
func compareRuns(c Case, a, b caseResult) []Difference {
	var out []Difference
	steps, _ := parseScript(c.Script)
	for i, s := range steps {
		var ra, rb *result
		if i < len(a.results) {
			ra = &a.results[i]
		}
		if i < len(b.results) {
			rb = &b.results[i]
		}
		okA := ra != nil && s.verify(*ra) == ""
		okB := rb != nil && s.verify(*rb) == ""
		if okA == okB && (ra == nil) == (rb == nil) && (ra == nil || ra.errno == rb.errno) {
			continue
		}
		out = append(out, Difference{
			Case: c.Name, Call: strings.TrimSpace(strings.SplitN(s.text, " => ", 2)[0]),
			Capwasi: describe(s, ra), Wazero: describe(s, rb), Expected: errnoList(s.errnos),
			Reason: reasonFor(c.Name, okA, okB),
		})
	}
	// Whole-run checks: failures that are not about a script line.
	fa, fb := runFailures(a), runFailures(b)
	if fa != fb {
		call := "outcome"
		if strings.Contains(fa+fb, "outside the pre-opened directory") {
			call = "sandbox"
		}
		out = append(out, Difference{
			Case: c.Name, Call: call, Capwasi: orOK(fa), Wazero: orOK(fb),
			Expected: "exit code, output and tree as the case says",
			Reason:   reasonFor(c.Name, fa == "", fb == ""),
		})
	}
	return out
}

// runFailures joins the failures of a run that are not script lines.
func runFailures(r caseResult) string {
	var fs []string
	for _, f := range r.failures {
		if !strings.HasPrefix(f, "line ") {
			fs = append(fs, stable(f))
		}
	}
	sort.Strings(fs)
	return strings.Join(fs, "; ")
}

// describe says what a step produced: its errno, and why its outputs fail
// the step's matchers when they do.
// stable reduces a failure message to what stays the same from run to run:
// its first clause, without numbers and temporary paths, so that the
// differential table does not change with timestamps, inode numbers or
// timings.
func stable(msg string) string {
	msg, _, _ = strings.Cut(msg, "\n")
	msg, _, _ = strings.Cut(msg, ";")
	msg = tempPath.ReplaceAllString(msg, "…")
	return digits.ReplaceAllString(msg, "N")
}

var (
	tempPath = regexp.MustCompile(`/tmp/[^\s:"]*`)
	digits   = regexp.MustCompile(`[0-9]+(\.[0-9]+)?`)
)

func describe(s step, r *result) string {
	if r == nil {
		return "no result"
	}
	if why := s.verify(*r); strings.HasPrefix(why, "output area") {
		area, _, _ := strings.Cut(why, ":")
		return r.errno.String() + ", " + area + " differs"
	}
	return r.errno.String()
}

func orOK(s string) string {
	if s == "" {
		return "as expected"
	}
	return s
}

// differentialTable renders differences as a markdown table.
func differentialTable(ds []Difference) string {
	if len(ds) == 0 {
		return "No differences.\n"
	}
	var b strings.Builder
	b.WriteString("| case | call | capwasi | wazero | expected | reason |\n|---|---|---|---|---|---|\n")
	for _, d := range ds {
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s | %s |\n", d.Case,
			strings.ReplaceAll(d.Call, "|", `\|`), cell(d.Capwasi), cell(d.Wazero), cell(d.Expected), cell(d.Reason))
	}
	return b.String()
}

// cell makes s fit a table cell: one line, escaped bars, at most 160 bytes.
func cell(s string) string {
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}
