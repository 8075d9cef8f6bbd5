package conformance

import (
	"context"
	"sort"
	"sync"
	"testing"
)

// registry holds every case of the suite, added by the cases_*.go files.
var registry []Case

// register adds cases to the suite.
func register(cs ...Case) { registry = append(registry, cs...) }

// Cases returns every case of the suite, sorted by name.
func Cases() []Case {
	cs := append([]Case(nil), registry...)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Name < cs[j].Name })
	return cs
}

var (
	sharedOnce   sync.Once
	sharedRun    *runner
	sharedRunErr error
)

// sharedRunner returns one runner for the whole process, so that a guest is
// compiled once however many suites run. It lives until the process ends.
func sharedRunner() (*runner, error) {
	sharedOnce.Do(func() { sharedRun, sharedRunErr = newRunner(context.Background()) })
	return sharedRun, sharedRunErr
}

// Run runs the whole conformance suite against impl, one subtest per case:
// each case runs a guest (most often the wasicall probe) through
// wazeroadapter with a context impl builds, in a fresh directory tree, and
// checks the guest's exit code, output, every call's errno and results, and
// the tree afterwards — including that nothing outside the pre-opened
// directory changed. Cases needing a feature impl declares unsupported are
// skipped with the reason.
//
// To run it against your own implementation:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, conformance.Impl{Name: "mine", NewCtx: newMyCtx})
//	}
func Run(t *testing.T, impl Impl) {
	e, err := sharedRunner()
	if err != nil {
		t.Fatalf("conformance: %v", err)
	}
	for _, c := range Cases() {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			res := runCase(t.Context(), e, impl, c, t.TempDir())
			if res.skipped != "" {
				t.Skip(res.skipped)
			}
			for _, f := range res.failures {
				t.Error(f)
			}
		})
	}
}
