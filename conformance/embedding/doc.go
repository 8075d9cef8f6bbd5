// Package embedding holds the tests of capwasi as a Go program embeds it:
// a context from capstd-sync's WasiCtxBuilder, run on wazero through
// wazeroadapter, with Go streams, deterministic clocks and randomness, and
// the migration from wazero's own WASI that docs/migrating.md describes.
// It has no API; its tests run with
//
//	go test github.com/capwasi/capwasi/conformance/embedding
package embedding
