package capstd

import (
	"flag"
	"fmt"
	"os"
	"testing"
)

// TestMain runs every test twice: first with the resolver the system
// offers (openat2 on Linux 5.6+), then with the component walk forced, so
// that both resolvers meet every case. Benchmarks and fuzzing choose their
// resolver themselves and run once.
func TestMain(m *testing.M) {
	flag.Parse()
	if flagSet("test.bench") || flagSet("test.fuzz") {
		os.Exit(m.Run())
	}
	fmt.Printf("capstd: tests with resolver %q\n", resolverName())
	if code := m.Run(); code != 0 {
		os.Exit(code)
	}
	testResolver = ResolverWalk
	fmt.Printf("capstd: tests with resolver %q\n", resolverName())
	os.Exit(m.Run())
}

// flagSet reports whether the test flag name has a non-empty value.
func flagSet(name string) bool {
	f := flag.Lookup(name)
	return f != nil && f.Value.String() != ""
}

// testResolver is the resolver of the Dirs the tests open with
// openTestDir.
var testResolver = ResolverAuto

// resolverName names the resolver those Dirs use.
func resolverName() string {
	if testResolver == ResolverWalk || !kernelResolver() {
		return "walk"
	}
	return "openat2"
}
