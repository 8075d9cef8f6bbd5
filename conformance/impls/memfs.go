package impls

import (
	"fmt"

	"github.com/capwasi/capwasi/common"
	"github.com/capwasi/capwasi/conformance"
	"github.com/capwasi/capwasi/conformance/memfs"
)

// Memfs is the in-memory implementation in conformance/memfs as an Impl:
// each Dir's tree is loaded from its data (Dir.FS, no host access) into its
// own memfs tree, and written back to the host when the guest ends, so that
// cases check its effects like any other's.
var Memfs = conformance.Impl{
	Name:        "memfs",
	NewCtx:      newMemfsCtx,
	Unsupported: []conformance.Feature{conformance.FeatureSockets, conformance.FeatureHostStreams, conformance.FeatureRootSemantics},
}

// memfsCtx saves every tree back to its host directory when closed.
type memfsCtx struct {
	*memfs.Ctx
	trees []*memfs.FS
	dirs  []conformance.Dir
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

func newMemfsCtx(spec conformance.Spec) (common.WasiCtx, error) {
	if len(spec.Listeners) > 0 {
		return nil, fmt.Errorf("memfs: %s not supported", conformance.FeatureSockets)
	}
	c := &memfsCtx{dirs: spec.Dirs}
	var preopens []common.Preopen
	for _, d := range spec.Dirs {
		t := memfs.New()
		if err := t.Load(d.FS); err != nil {
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
