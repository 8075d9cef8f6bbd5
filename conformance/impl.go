package conformance

import (
	"io"
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
)

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

// Dir is a host directory to pre-open.
type Dir struct {
	HostPath  string // a directory on the host the implementation exposes
	GuestPath string // the name the guest sees, e.g. "/"
	ReadOnly  bool   // refuse every change beneath it
}
