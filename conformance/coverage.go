package conformance

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/capwasi/capwasi/common"
)

// Coverage is what the suite checks of one preview1 function.
type Coverage struct {
	Function string
	Steps    int      // probe script lines calling it
	Errnos   []string // errnos some step expects of it, sorted
	Cases    []string // cases calling it (scripts) or declaring it (Funcs), sorted
}

// FunctionCoverage returns, for each of the 46 preview1 functions in spec
// order, what the suite's cases check of it. It is computed from the cases
// themselves, so docs/conformance.md's table cannot go stale.
func FunctionCoverage() ([]Coverage, error) {
	byFn := map[string]*Coverage{}
	errnos := map[string]map[string]bool{}
	cases := map[string]map[string]bool{}
	for _, f := range common.Functions() {
		byFn[f] = &Coverage{Function: f}
		errnos[f] = map[string]bool{}
		cases[f] = map[string]bool{}
	}
	for _, c := range Cases() {
		steps, err := parseScript(c.Script)
		if err != nil {
			return nil, fmt.Errorf("case %s: %w", c.Name, err)
		}
		for _, s := range steps {
			cov, ok := byFn[s.fn]
			if !ok {
				return nil, fmt.Errorf("case %s line %d: %q is not a preview1 function", c.Name, s.line, s.fn)
			}
			cov.Steps++
			cases[s.fn][c.Name] = true
			for _, e := range s.errnos {
				errnos[s.fn][e.String()] = true
			}
		}
		for _, f := range c.Funcs {
			if _, ok := byFn[f]; !ok {
				return nil, fmt.Errorf("case %s: Funcs names %q, not a preview1 function", c.Name, f)
			}
			cases[f][c.Name] = true
		}
	}
	var out []Coverage
	for _, f := range common.Functions() {
		cov := byFn[f]
		cov.Errnos = sortedKeys(errnos[f])
		cov.Cases = sortedKeys(cases[f])
		out = append(out, *cov)
	}
	return out, nil
}

// FeatureCases returns, for each of Features in order, the cases that need
// it, sorted by name: what an implementation declaring the feature
// unsupported skips.
func FeatureCases() map[Feature][]string {
	out := map[Feature][]string{}
	for _, c := range Cases() {
		for _, f := range c.Needs {
			out[f] = append(out[f], c.Name)
		}
	}
	return out
}

// featureTable renders FeatureCases as a markdown table.
func featureTable(byFeature map[Feature][]string) string {
	var b strings.Builder
	b.WriteString("| feature | cases it gates | cases |\n|---|---:|---|\n")
	for _, f := range Features {
		fmt.Fprintf(&b, "| `%s` | %d | %s |\n", f, len(byFeature[f]), orNone(strings.Join(byFeature[f], ", ")))
	}
	return b.String()
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// coverageTable renders FunctionCoverage as a markdown table.
func coverageTable(cov []Coverage) string {
	var b strings.Builder
	b.WriteString("| function | script steps | errnos checked | cases |\n|---|---:|---|---|\n")
	for _, c := range cov {
		errs := slices.DeleteFunc(slices.Clone(c.Errnos), func(s string) bool { return s == "ESUCCESS" })
		success := "no"
		if slices.Contains(c.Errnos, "ESUCCESS") {
			success = "yes"
		}
		fmt.Fprintf(&b, "| `%s` | %d | success: %s; %s | %s |\n", c.Function, c.Steps, success,
			orNone(strings.Join(errs, ", ")), orNone(strings.Join(c.Cases, ", ")))
	}
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
