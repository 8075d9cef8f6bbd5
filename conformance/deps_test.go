package conformance

import (
	"bufio"
	"fmt"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const modPrefix = "github.com/capwasi/capwasi/"

// pkgInfo is what the dependency rules need to know of one package.
type pkgInfo struct {
	path     string
	standard bool
	imports  []string
}

// depRule says which non-standard packages the packages of one module may
// depend on, directly or not, outside their tests.
type depRule struct {
	module  string   // directory name of the module, e.g. "capstd-sync"
	allowed []string // import path prefixes allowed besides the standard library and the module itself
	why     string   // the architecture rule, quoted in failures
	// pkg, when set, narrows the rule to one package of the module (an
	// import path below modPrefix): it may import of its own module only
	// what allowed lists.
	pkg string
	// forbidden lists import path prefixes refused even where allowed
	// would admit them.
	forbidden []string
}

var depRules = []depRule{
	{module: "common", why: "common imports only the standard library"},
	{module: "capstd", allowed: []string{"golang.org/x/sys/"}, why: "capstd imports only the standard library and golang.org/x/sys"},
	{module: "capstd-sync", allowed: []string{modPrefix + "common", modPrefix + "capstd/", "golang.org/x/sys/"},
		why: "capstd-sync imports common, capstd and golang.org/x/sys; never wazero"},
	{module: "capstd-sync", pkg: "capstd-sync/vfs", allowed: []string{modPrefix + "common"},
		why: "capstd-sync/vfs imports only common: a third-party implementation imports it without capstd-sync's operating-system code"},
	{module: "wazeroadapter", allowed: []string{modPrefix + "common", "github.com/tetratelabs/wazero", "golang.org/x/sys/"},
		why: "wazeroadapter imports common and wazero; never capstd or capstd-sync"},
	{module: "conformance", allowed: []string{modPrefix, "github.com/tetratelabs/wazero", "golang.org/x/sys/"},
		why: "conformance may import every module of the project and wazero"},
	{module: "conformance", pkg: "conformance",
		allowed: []string{modPrefix + "common", modPrefix + "wazeroadapter", modPrefix + "conformance/guests",
			"github.com/tetratelabs/wazero", "golang.org/x/sys/"},
		forbidden: []string{"github.com/tetratelabs/wazero/imports/"},
		why:       "the suite package costs a third-party author only the suite: common, wazeroadapter, wazero (not its WASI) and the guests; capwasi's own implementations live in conformance/impls"},
}

// name names the rule in test names and failures.
func (r depRule) name() string {
	if r.pkg != "" {
		return r.pkg + " (package)"
	}
	return r.module
}

// checkDeps returns one message per package of pkgs that breaks rule,
// naming the forbidden import and the package that imports it.
func checkDeps(rule depRule, pkgs []pkgInfo) []string {
	self := modPrefix + rule.module
	if rule.pkg != "" {
		self = modPrefix + rule.pkg
	}
	allowed := func(p pkgInfo) bool {
		for _, f := range rule.forbidden {
			if strings.HasPrefix(p.path, f) {
				return false
			}
		}
		if p.standard || p.path == self || (rule.pkg == "" && strings.HasPrefix(p.path, self+"/")) {
			return true
		}
		if strings.HasPrefix(p.path, "github.com/stretchr/testify") {
			return false // test-only everywhere
		}
		for _, a := range rule.allowed {
			if p.path == strings.TrimSuffix(a, "/") || strings.HasPrefix(p.path, a) {
				return true
			}
		}
		return false
	}
	var bad []string
	for _, p := range pkgs {
		if allowed(p) {
			continue
		}
		var importers []string
		for _, q := range pkgs {
			for _, imp := range q.imports {
				if imp == p.path {
					importers = append(importers, q.path)
				}
			}
		}
		sort.Strings(importers)
		bad = append(bad, fmt.Sprintf("%s: forbidden import %s (imported by %s); rule: %s",
			rule.name(), p.path, strings.Join(importers, ", "), rule.why))
	}
	return bad
}

// listDeps runs go list -deps on the packages a rule covers, without tests.
func listDeps(t *testing.T, rule depRule) []pkgInfo {
	t.Helper()
	pattern := modPrefix + rule.module + "/..."
	if rule.pkg != "" {
		pattern = modPrefix + rule.pkg
	}
	cmd := exec.Command("go", "list", "-deps",
		"-f", "{{.ImportPath}}\t{{.Standard}}\t{{join .Imports \" \"}}",
		pattern)
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		require.NoError(t, err, "go list: %s", ee.Stderr)
	}
	require.NoError(t, err)
	var pkgs []pkgInfo
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		f := strings.SplitN(sc.Text(), "\t", 3)
		if len(f) < 2 || strings.Contains(f[0], "matched no packages") {
			continue
		}
		p := pkgInfo{path: f[0], standard: f[1] == "true"}
		if len(f) == 3 && f[2] != "" {
			p.imports = strings.Fields(f[2])
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// TestDependencyRules enforces the dependency rules of docs/architecture.md
// on the real module graph.
func TestDependencyRules(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
	for _, rule := range depRules {
		t.Run(rule.name(), func(t *testing.T) {
			pkgs := listDeps(t, rule)
			for _, msg := range checkDeps(rule, pkgs) {
				t.Error(msg)
			}
		})
	}
}

// TestDependencyRulesReportViolations shows that the checker catches what the
// rules forbid, and names the import and its importer.
func TestDependencyRulesReportViolations(t *testing.T) {
	rule := func(m string) depRule {
		for _, r := range depRules {
			if r.name() == m {
				return r
			}
		}
		t.Fatalf("no rule for %s", m)
		return depRule{}
	}
	adapter := []pkgInfo{
		{path: modPrefix + "wazeroadapter", imports: []string{modPrefix + "capstd-sync", "context"}},
		{path: modPrefix + "capstd-sync", imports: []string{modPrefix + "capstd"}},
		{path: modPrefix + "capstd"},
		{path: "context", standard: true},
	}
	msgs := checkDeps(rule("wazeroadapter"), adapter)
	require.Len(t, msgs, 2)
	assert.Contains(t, msgs[0], "forbidden import "+modPrefix+"capstd-sync (imported by "+modPrefix+"wazeroadapter)")
	assert.Contains(t, msgs[1], "forbidden import "+modPrefix+"capstd (imported by "+modPrefix+"capstd-sync)")

	syncPkgs := []pkgInfo{
		{path: modPrefix + "capstd-sync", imports: []string{"github.com/tetratelabs/wazero/api"}},
		{path: "github.com/tetratelabs/wazero/api"},
	}
	msgs = checkDeps(rule("capstd-sync"), syncPkgs)
	require.Len(t, msgs, 1)
	assert.Contains(t, msgs[0], "github.com/tetratelabs/wazero/api")

	common := []pkgInfo{
		{path: modPrefix + "common", imports: []string{"github.com/stretchr/testify/assert"}},
		{path: "github.com/stretchr/testify/assert"},
	}
	msgs = checkDeps(rule("common"), common)
	require.Len(t, msgs, 1, "testify outside tests is forbidden")

	capstd := []pkgInfo{
		{path: modPrefix + "capstd", imports: []string{"golang.org/x/sys/unix", "os"}},
		{path: "golang.org/x/sys/unix"},
		{path: "os", standard: true},
	}
	assert.Empty(t, checkDeps(rule("capstd"), capstd), "x/sys is allowed in capstd")
	assert.Len(t, checkDeps(rule("common"), capstd[1:]), 1, "x/sys is not allowed in common")

	suite := []pkgInfo{
		{path: modPrefix + "conformance", imports: []string{modPrefix + "conformance/impls", modPrefix + "wazeroadapter",
			"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"}},
		{path: modPrefix + "conformance/impls", imports: []string{modPrefix + "capstd-sync"}},
		{path: modPrefix + "capstd-sync"},
		{path: modPrefix + "wazeroadapter"},
		{path: "github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"},
	}
	msgs = checkDeps(rule("conformance (package)"), suite)
	require.Len(t, msgs, 3, "%v", msgs)
	assert.Contains(t, msgs[0], "forbidden import "+modPrefix+"conformance/impls (imported by "+modPrefix+"conformance)")
	assert.Contains(t, msgs[1], "forbidden import "+modPrefix+"capstd-sync (imported by "+modPrefix+"conformance/impls)")
	assert.Contains(t, msgs[2], "forbidden import github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1")
	assert.Empty(t, checkDeps(rule("conformance"), suite[:4]), "the module as a whole may import every module")
}
