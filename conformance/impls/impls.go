// Package impls holds capwasi's own implementations of common as
// conformance suite implementations ([conformance.Impl]): capstd-sync, the
// implementation capwasi ships (over host directories, read-write or all
// read-only, and over io/fs file systems), and memfs, the in-memory one the
// suite keeps to show that the contracts admit more than one. The suite itself
// (package conformance) does not import them, so that a third-party
// author who runs it pays only for the suite.
package impls

import (
	"bytes"

	capstdsync "github.com/capwasi/capwasi/capstd-sync"
	"github.com/capwasi/capwasi/common"
	"github.com/capwasi/capwasi/conformance"
	"github.com/capwasi/capwasi/conformance/engine"
)

// CapstdSync is capstd-sync as an Impl, its contexts built the way every
// capwasi tool builds them from host paths ([engine.CapwasiCtx]).
var CapstdSync = conformance.Impl{Name: "capstd-sync", NewCtx: newCapstdSyncCtx}

func newCapstdSyncCtx(spec conformance.Spec) (common.WasiCtx, error) {
	return engine.CapwasiCtx(Invocation(spec))
}

// CapstdSyncReadOnly is capstd-sync with every pre-opened directory
// read-only, declaring no writable tree: what the suite asks of any
// read-only implementation, on the implementation that can also write.
var CapstdSyncReadOnly = conformance.Impl{
	Name:        "capstd-sync-read-only",
	NewCtx:      newCapstdSyncReadOnlyCtx,
	Unsupported: []conformance.Feature{conformance.FeatureWritableTree},
}

// FSDir is capstd-sync's io/fs directory (capstdsync.NewFSDir) as an Impl:
// each directory is pre-opened from the case's tree as data (Dir.FS, an
// in-memory fs.FS, never the host path), declaring that it cannot write
// and that absolute links in "/" stay refused.
var FSDir = conformance.Impl{
	Name:        "capstd-sync-fs",
	NewCtx:      newFSDirCtx,
	Unsupported: []conformance.Feature{conformance.FeatureWritableTree, conformance.FeatureRootSemantics},
}

func newFSDirCtx(spec conformance.Spec) (common.WasiCtx, error) {
	inv := Invocation(spec)
	for i := range inv.Dirs {
		inv.Dirs[i].FS = spec.Dirs[i].FS
	}
	return engine.CapwasiCtx(inv)
}

func newCapstdSyncReadOnlyCtx(spec conformance.Spec) (common.WasiCtx, error) {
	inv := Invocation(spec)
	for i := range inv.Dirs {
		inv.Dirs[i].ReadOnly = true
	}
	return engine.CapwasiCtx(inv)
}

// CapstdSyncWalk is CapstdSync with every path resolved by capstd's
// component walk (capstdsync.ResolverWalk), even where openat2 works: the
// resolver of darwin, freebsd and older Linux kernels, run through the
// whole suite on any system.
var CapstdSyncWalk = conformance.Impl{Name: "capstd-sync-walk", NewCtx: newCapstdSyncWalkCtx}

func newCapstdSyncWalkCtx(spec conformance.Spec) (common.WasiCtx, error) {
	return engine.CapwasiCtx(Invocation(spec), capstdsync.WithResolver(capstdsync.ResolverWalk))
}

// Invocation returns the engine invocation that gives a guest what spec
// describes (the module's binary left empty): the one translation between
// the suite's terms and the engines', used to run a case's guest on
// capstd-sync and on wazero's built-in WASI alike.
func Invocation(spec conformance.Spec) *engine.Invocation {
	inv := &engine.Invocation{
		Args: spec.Args, Env: spec.Env, Listeners: spec.Listeners, Clocks: spec.Clocks,
		Stdin: bytes.NewReader(spec.Stdin), Stdout: spec.Stdout, Stderr: spec.Stderr,
	}
	for _, d := range spec.Dirs {
		inv.Dirs = append(inv.Dirs, engine.Dir{HostPath: d.HostPath, GuestPath: d.GuestPath, ReadOnly: d.ReadOnly})
	}
	return inv
}
