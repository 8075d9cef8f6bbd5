package conformance

import (
	"fmt"
	"io"
	"net"
	"slices"

	capstdsync "github.com/capwasi/capwasi/capstd-sync"
	"github.com/capwasi/capwasi/common"
	"github.com/capwasi/capwasi/conformance/memfs"
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

// CapstdSync is capwasi's own implementation, capstd-sync, as an Impl.
var CapstdSync = Impl{Name: "capstd-sync", NewCtx: newCapstdSyncCtx}

func newCapstdSyncCtx(spec Spec) (common.WasiCtx, error) {
	b := capstdsync.NewWasiCtxBuilder().Args(spec.Args...).
		Stdin(capstdsync.NewReaderFile(bytesReader(spec.Stdin))).
		Stdout(capstdsync.NewWriterFile(orDiscard(spec.Stdout))).
		Stderr(capstdsync.NewWriterFile(orDiscard(spec.Stderr)))
	for _, kv := range spec.Env {
		k, v, _ := cutEnv(kv)
		b.Env(k, v)
	}
	var dirs []*capstdsync.Dir
	for _, d := range spec.Dirs {
		dir, err := capstdsync.OpenAmbientDir(d.HostPath)
		if err != nil {
			for _, o := range dirs {
				o.Close()
			}
			return nil, err
		}
		dirs = append(dirs, dir)
		perms := capstdsync.ReadWrite
		if d.ReadOnly {
			perms = capstdsync.ReadOnly
		}
		b.PreopenDir(dir, d.GuestPath, perms)
	}
	for _, l := range spec.Listeners {
		b.PreopenSocket(l)
	}
	if spec.Clocks != nil {
		b.Clocks(spec.Clocks)
	}
	ctx, err := b.Build()
	if err != nil {
		for _, o := range dirs {
			o.Close()
		}
	}
	return ctx, err
}

// Memfs is the in-memory implementation in conformance/memfs as an Impl:
// each Dir is loaded into its own memfs tree and written back to the host
// when the guest ends, so that cases check its effects like any other's.
var Memfs = Impl{
	Name:        "memfs",
	NewCtx:      newMemfsCtx,
	Unsupported: []Feature{FeatureSockets, FeatureHostStreams},
}

// memfsCtx saves every tree back to its host directory when closed.
type memfsCtx struct {
	*memfs.Ctx
	trees []*memfs.FS
	dirs  []Dir
}

func (c *memfsCtx) Close() error {
	for i, t := range c.trees {
		if c.dirs[i].ReadOnly {
			continue
		}
		if err := t.Save(c.dirs[i].HostPath); err != nil {
			return fmt.Errorf("memfs: saving %s: %w", c.dirs[i].HostPath, err)
		}
	}
	return c.Ctx.Close()
}

func newMemfsCtx(spec Spec) (common.WasiCtx, error) {
	if len(spec.Listeners) > 0 {
		return nil, fmt.Errorf("memfs: %s not supported", FeatureSockets)
	}
	c := &memfsCtx{dirs: spec.Dirs}
	var preopens []common.Preopen
	for _, d := range spec.Dirs {
		t := memfs.New()
		if err := t.Load(d.HostPath); err != nil {
			return nil, err
		}
		c.trees = append(c.trees, t)
		preopens = append(preopens, common.Preopen{GuestPath: d.GuestPath, Dir: t.Root(d.ReadOnly)})
	}
	c.Ctx = memfs.NewCtx(memfs.Config{
		Args: spec.Args, Env: spec.Env, Stdin: spec.Stdin,
		Stdout: spec.Stdout, Stderr: spec.Stderr, Preopens: preopens, Clocks: spec.Clocks,
	})
	return c, nil
}
