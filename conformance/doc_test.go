package conformance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// docPath is docs/conformance.md, relative to this package.
var docPath = filepath.Join("..", "docs", "conformance.md")

// updateDocs rewrites the generated sections instead of checking them.
var updateDocs = os.Getenv("CAPWASI_UPDATE_DOCS") != ""

// replaceSection replaces the text between <!-- name:begin --> and
// <!-- name:end --> markers, appending the section if it is missing.
func replaceSection(doc, name, body string) string {
	begin, end := "<!-- "+name+":begin -->\n", "<!-- "+name+":end -->"
	i := strings.Index(doc, begin)
	j := strings.Index(doc, end)
	if i < 0 || j < i {
		return doc + "\n" + begin + body + end + "\n"
	}
	return doc[:i+len(begin)] + body + doc[j:]
}

// checkSection compares a generated section with the doc, or rewrites it
// when CAPWASI_UPDATE_DOCS is set.
func checkSection(t *testing.T, name, body string) {
	t.Helper()
	b, err := os.ReadFile(docPath)
	require.NoError(t, err)
	doc := string(b)
	updated := replaceSection(doc, name, body)
	if updateDocs {
		require.NoError(t, os.WriteFile(docPath, []byte(updated), 0o644))
		return
	}
	if updated != doc {
		t.Errorf("docs/conformance.md section %q is stale: run\n\tCAPWASI_UPDATE_DOCS=1 go test -run TestConformanceDoc github.com/capwasi/capwasi/conformance\nand commit the result", name)
	}
}

// TestConformanceDoc keeps docs/conformance.md's function coverage table
// true to the suite. (The differential table is regenerated, not checked,
// by TestDifferentialDoc.)
func TestConformanceDoc(t *testing.T) {
	cov, err := FunctionCoverage()
	require.NoError(t, err)
	checkSection(t, "coverage", coverageTable(cov))
	checkSection(t, "features", featureTable(FeatureCases()))
}

// TestFeaturesAreKnown: every feature a case needs is in Features, so the
// table shows it.
func TestFeaturesAreKnown(t *testing.T) {
	for _, c := range Cases() {
		for _, f := range c.Needs {
			require.Contains(t, Features, f, "case %s", c.Name)
		}
	}
}

// The doc helpers, for the external tests (TestDifferentialDoc).
var (
	CheckDocSection   = checkSection
	DifferentialTable = differentialTable
	UpdateDocs        = updateDocs
)
