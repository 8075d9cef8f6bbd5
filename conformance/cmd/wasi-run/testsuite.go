package main

import (
	"context"
	"io"
)

// runTestsuite runs WebAssembly wasi-testsuite directories (issue #6).
func runTestsuite(ctx context.Context, args []string, stdout, stderr io.Writer) (uint32, error) {
	return 0, usageError{"testsuite: not implemented yet"}
}
