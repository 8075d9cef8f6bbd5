package conformance

import "testing"

func TestCapstdSync(t *testing.T) { Run(t, CapstdSync) }

func TestMemfs(t *testing.T) { Run(t, Memfs) }
