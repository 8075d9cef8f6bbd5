package impls_test

import (
	"testing"

	"github.com/capwasi/capwasi/conformance"
	"github.com/capwasi/capwasi/conformance/impls"
)

func TestCapstdSync(t *testing.T) { conformance.Run(t, impls.CapstdSync) }

func TestCapstdSyncWalk(t *testing.T) { conformance.Run(t, impls.CapstdSyncWalk) }

func TestMemfs(t *testing.T) { conformance.Run(t, impls.Memfs) }

// TestCapstdSyncReadOnly: with every pre-open read-only and the writable
// tree declared missing, every case that runs passes.
func TestCapstdSyncReadOnly(t *testing.T) { conformance.Run(t, impls.CapstdSyncReadOnly) }

// TestFSDir: capstd-sync's io/fs directory over each case's tree as data,
// declaring that it cannot write and has no root semantics, passes every
// case it runs.
func TestFSDir(t *testing.T) { conformance.Run(t, impls.FSDir) }
