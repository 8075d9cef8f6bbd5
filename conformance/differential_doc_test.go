package conformance_test

import (
	"context"
	"testing"

	"github.com/capwasi/capwasi/conformance"
	"github.com/capwasi/capwasi/conformance/engine"
	"github.com/capwasi/capwasi/conformance/impls"
	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero"
)

// TestDifferentialDoc reruns the whole suite on capstd-sync and on wazero's
// built-in WASI and rewrites the differential table of docs/conformance.md,
// when CAPWASI_UPDATE_DOCS is set:
//
//	CAPWASI_UPDATE_DOCS=1 go test -run 'TestConformanceDoc|TestDifferentialDoc' github.com/capwasi/capwasi/conformance
//
// It does not check the table otherwise, because some of wazero's answers
// depend on timing (its poll_oneoff waits on one descriptor at a time).
func TestDifferentialDoc(t *testing.T) {
	if !conformance.UpdateDocs {
		t.Skip("set CAPWASI_UPDATE_DOCS=1 to regenerate the differential table")
	}
	wazeroConfig := func(spec conformance.Spec) wazero.ModuleConfig {
		return engine.WazeroConfig(impls.Invocation(spec))
	}
	diffs, err := conformance.Differential(context.Background(), impls.CapstdSync, wazeroConfig)
	require.NoError(t, err)
	conformance.CheckDocSection(t, "differential", conformance.DifferentialTable(diffs))
}
