package impls_test

import (
	"testing"

	"github.com/capwasi/capwasi/conformance"
	"github.com/capwasi/capwasi/conformance/impls"
)

func TestCapstdSync(t *testing.T) { conformance.Run(t, impls.CapstdSync) }

func TestMemfs(t *testing.T) { conformance.Run(t, impls.Memfs) }
