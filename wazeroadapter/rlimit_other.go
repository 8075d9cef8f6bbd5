//go:build !unix

package wazeroadapter

// processFileLimit returns 0: the system has no per-process limit on open
// descriptors that the Host could read.
func processFileLimit() int64 { return 0 }
