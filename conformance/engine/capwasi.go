package engine

import (
	"context"
	"io"
	"strings"

	capstdsync "github.com/capwasi/capwasi/capstd-sync"
	"github.com/capwasi/capwasi/common"
	"github.com/capwasi/capwasi/wazeroadapter"
	"github.com/tetratelabs/wazero"
)

// capwasiEngine runs guests on wazeroadapter over capstd-sync.
type capwasiEngine struct {
	cache     wazero.CompilationCache
	trace     io.Writer
	stoppable bool
}

func (*capwasiEngine) Name() string { return "capwasi" }

func (e *capwasiEngine) Run(ctx context.Context, inv *Invocation) (uint32, error) {
	wasiCtx, err := capwasiCtx(inv)
	if err != nil {
		return 0, err
	}
	rt := newRuntime(ctx, e.cache, e.stoppable)
	defer rt.Close(ctx)
	var opts []wazeroadapter.Option
	if e.trace != nil {
		opts = append(opts, wazeroadapter.WithTrace(e.trace))
	}
	return wazeroadapter.Run(ctx, rt, inv.Wasm, wasiCtx, opts...)
}

// capwasiCtx builds the WasiCtx of inv; on error nothing stays open.
func capwasiCtx(inv *Invocation) (common.WasiCtx, error) {
	b := capstdsync.NewWasiCtxBuilder().Args(inv.Args...)
	for _, kv := range inv.Env {
		name, value, _ := strings.Cut(kv, "=")
		b.Env(name, value)
	}
	if inv.Stdin != nil {
		b.Stdin(capstdsync.NewReaderFile(inv.Stdin))
	}
	if inv.Stdout != nil {
		b.Stdout(capstdsync.NewWriterFile(inv.Stdout))
	}
	if inv.Stderr != nil {
		b.Stderr(capstdsync.NewWriterFile(inv.Stderr))
	}
	var opened []io.Closer
	closeAll := func() {
		for _, c := range opened {
			c.Close()
		}
	}
	for _, d := range inv.Dirs {
		dir, err := capstdsync.OpenAmbientDir(d.Host)
		if err != nil {
			closeAll()
			return nil, err
		}
		opened = append(opened, dir)
		perms := capstdsync.ReadWrite
		if d.ReadOnly {
			perms = capstdsync.ReadOnly
		}
		b.PreopenDir(dir, d.Guest, perms)
	}
	wasiCtx, err := b.Build()
	if err != nil {
		closeAll()
		return nil, err
	}
	return wasiCtx, nil
}
