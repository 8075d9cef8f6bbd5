package capstdsync

import (
	"io"

	"github.com/capwasi/capwasi/common"
)

// wasiCtx is the [common.WasiCtx] a [WasiCtxBuilder] builds.
type wasiCtx struct {
	args, env             []string
	stdin, stdout, stderr common.WasiFile
	preopens              []common.Preopen
	sockets               []common.WasiFile
	clocks                common.Clocks
	random                io.Reader
	sched                 Sched
}

func (c *wasiCtx) Args() []string             { return c.args }
func (c *wasiCtx) Environ() []string          { return c.env }
func (c *wasiCtx) Stdin() common.WasiFile     { return c.stdin }
func (c *wasiCtx) Stdout() common.WasiFile    { return c.stdout }
func (c *wasiCtx) Stderr() common.WasiFile    { return c.stderr }
func (c *wasiCtx) Preopens() []common.Preopen { return c.preopens }
func (c *wasiCtx) Sockets() []common.WasiFile { return c.sockets }
func (c *wasiCtx) Clocks() common.Clocks      { return c.clocks }
func (c *wasiCtx) Random() io.Reader          { return c.random }
func (c *wasiCtx) Sched() common.Sched        { return &c.sched }

// Close releases the scheduler's wake-up descriptor. The files the context
// handed out are the binding's to close, before this.
func (c *wasiCtx) Close() error { return c.sched.Close() }
