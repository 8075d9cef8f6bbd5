package conformance

import (
	"io"
	"io/fs"
	"net"
	"slices"

	"github.com/capwasi/capwasi/common"
)

// Impl is an implementation of capwasi's contracts under test: a name and a
// constructor that builds the [common.WasiCtx] one test asks for.
type Impl struct {
	// Name names the implementation in test names and reports.
	Name string
	// NewCtx builds the context for one guest run as spec describes. The
	// suite hands it to wazeroadapter, which closes it when the guest
	// ends; an implementation that must write state back to spec.Dirs
	// (an in-memory one, say) does so in its Close.
	NewCtx func(spec Spec) (common.WasiCtx, error)
	// Unsupported lists the features the implementation declares it does
	// not have (see the Feature constants); the cases that need one are
	// skipped with a message naming it, never silently.
	Unsupported []Feature
}

// Feature names a capability some cases need.
type Feature string

// Features cases may need.
const (
	// FeatureSockets: pre-opened TCP listeners (Spec.Listeners) and the
	// sock_* functions on real sockets.
	FeatureSockets Feature = "sockets"
	// FeatureHostStreams: stdin and stdout are real host descriptors that
	// poll_oneoff can wait on.
	FeatureHostStreams Feature = "host-streams"
	// FeatureWritableTree: the guest may change a pre-opened directory
	// that Spec.Dirs does not mark ReadOnly — create, write, truncate,
	// remove, rename, link, set times. A read-only implementation (an
	// io/fs.FS, an archive, a snapshot) declares it unsupported: the cases
	// that change a tree are skipped, and the others, which only read, run
	// on the same trees. Cases whose directory is ReadOnly, which check
	// that every change is refused, run on every implementation.
	FeatureWritableTree Feature = "writable-tree"
	// FeatureRootSemantics: a directory pre-opened as "/" is the root of
	// the guest's tree, as a chroot is: a symbolic link with an absolute
	// target may be created in it (path_symlink), and such a target is
	// followed from it, never from the host's root; ".." there then stays
	// there. ".." above it in a guest's path is still refused. Without
	// the feature, absolute targets are refused there as in every other
	// pre-open (EPERM).
	FeatureRootSemantics Feature = "root-semantics"
)

// writes is what a case that changes its tree needs.
var writes = []Feature{FeatureWritableTree}

// Features lists every feature a case may need, in the order the coverage
// table shows them.
var Features = []Feature{FeatureWritableTree, FeatureSockets, FeatureHostStreams, FeatureRootSemantics}

// supports reports whether impl declares no lack of f.
func (impl Impl) supports(f Feature) bool { return !slices.Contains(impl.Unsupported, f) }

// Spec is what one test asks an implementation to provide to a guest.
type Spec struct {
	Args      []string       // argv, program name first
	Env       []string       // "KEY=VALUE" entries
	Dirs      []Dir          // directories to pre-open, from fd 3 in order
	Stdin     []byte         // what the guest reads from stdin
	Stdout    io.Writer      // where the guest's stdout goes
	Stderr    io.Writer      // where the guest's stderr goes
	Clocks    common.Clocks  // nil: the implementation's own
	Listeners []net.Listener // TCP listeners to pre-open after the directories
}

// Dir is a directory to pre-open: a host directory holding the case's
// tree, and the same tree as data.
type Dir struct {
	HostPath  string // a directory on the host the implementation exposes
	GuestPath string // the name the guest sees, e.g. "/"
	ReadOnly  bool   // refuse every change beneath it
	// FS is the tree HostPath holds when the guest starts, as data: an
	// in-memory copy taken after the case prepared it (directories,
	// regular files with their modes and modification times, and
	// symbolic links, which it implements fs.ReadLinkFS for). An
	// in-memory or virtual implementation loads it instead of reading
	// the host; it never changes. The tree the guest leaves is checked on
	// HostPath: an implementation that lets the guest change the tree
	// (FeatureWritableTree) writes it back there when its context closes.
	FS fs.FS
}
