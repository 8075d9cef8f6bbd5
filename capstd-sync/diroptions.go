package capstdsync

import "github.com/capwasi/capwasi/capstd"

// capstd's options for opening a directory, re-exported so that an
// embedder needs only this package.

// DirOption is capstd's Option: it changes how a [Dir] opened by
// [OpenAmbientDir] resolves the paths guests use beneath it. The zero
// DirOption changes nothing.
type DirOption = capstd.Option

// Resolver is capstd's Resolver: how a Dir resolves paths. Every resolver
// keeps a guest beneath its pre-opens; they differ in how (see
// docs/security.md in the capwasi repository).
type Resolver = capstd.Resolver

// The resolvers.
const (
	// ResolverAuto, the default: openat2(2) on Linux 5.6 and later, the
	// component walk elsewhere and for what openat2 cannot settle.
	ResolverAuto = capstd.ResolverAuto
	// ResolverWalk: the component walk everywhere, as on darwin, freebsd
	// and older Linux kernels.
	ResolverWalk = capstd.ResolverWalk
)

// WithResolver makes the Dir, and every directory and file the guest
// opens beneath it, resolve paths with r (capstd.WithResolver). An
// unknown r makes OpenAmbientDir fail with EINVAL.
func WithResolver(r Resolver) DirOption { return capstd.WithResolver(r) }

// WithRootSemantics makes the Dir the root of the guest's file system, as
// a chroot would (capstd.WithRootSemantics): a guest may create symbolic
// links with absolute targets in it (path_symlink), and an absolute
// target met while resolving a path from the pre-open is followed from
// the pre-open itself, never from the host's root; ".." there then stays
// there. ".." above the pre-open in a guest's path, or in relative targets
// before any absolute one, is still EPERM, and directories the guest opens
// beneath it refuse absolute targets (EPERM). Such a Dir can be pre-opened
// only as "/" (see [WasiCtxBuilder.PreopenDir]), where an absolute target
// means to the guest what it means to capstd.
func WithRootSemantics() DirOption { return capstd.WithRootSemantics() }
