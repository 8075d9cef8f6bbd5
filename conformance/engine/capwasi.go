package engine

import (
	"context"
	"io"
	"os"
	"slices"
	"strings"

	capstdsync "github.com/capwasi/capwasi/capstd-sync"
	"github.com/capwasi/capwasi/common"
	"github.com/capwasi/capwasi/wazeroadapter"
	"github.com/tetratelabs/wazero"
)

// capwasiEngine runs guests on wazeroadapter, by default over capstd-sync.
type capwasiEngine struct {
	cache        wazero.CompilationCache
	trace        io.Writer
	stoppable    bool
	strictRights bool
	newCtx       func(*Invocation) (common.WasiCtx, error)
}

func (*capwasiEngine) Name() string { return "capwasi" }

func (e *capwasiEngine) Run(ctx context.Context, inv *Invocation) (uint32, error) {
	rt, ictx := start(ctx, e.cache, e.stoppable)
	defer rt.Close(ctx)
	var opts []wazeroadapter.Option
	if e.trace != nil {
		opts = append(opts, wazeroadapter.WithTrace(e.trace))
	}
	if e.strictRights {
		opts = append(opts, wazeroadapter.WithStrictRights())
	}
	host, compiled, wasiCtx, err := e.prepare(ctx, rt, inv, opts)
	if err != nil {
		closeListeners(inv) // the context, which would own them, was not built
		return 0, err
	}
	code, err := host.Run(ictx, compiled, wasiCtx, nil)
	return finish(ctx, e.stoppable, code, err)
}

// prepare instantiates the host module into rt, compiles the guest and
// builds its context, in that order, so that nothing the context owns
// exists before everything that can fail without it has succeeded.
func (e *capwasiEngine) prepare(ctx context.Context, rt wazero.Runtime, inv *Invocation, opts []wazeroadapter.Option) (*wazeroadapter.Host, wazero.CompiledModule, common.WasiCtx, error) {
	host, err := wazeroadapter.Instantiate(ctx, rt, opts...)
	if err != nil {
		return nil, nil, nil, err
	}
	compiled, err := compile(ctx, rt, inv.Wasm)
	if err != nil {
		return nil, nil, nil, err
	}
	wasiCtx, err := e.newCtx(inv)
	return host, compiled, wasiCtx, err
}

// CapwasiCtx builds the capstd-sync context that gives a guest what inv
// describes: its arguments and environment, its directories pre-opened
// with capstd-sync's WasiCtxBuilder.PreopenHostDir (read-only ones with
// capstdsync.ReadOnly, read-write ones with inv.Budget when there is one)
// or, for an io/fs one, PreopenFS, its listeners, its streams (the
// process's own inherited, others wrapped with NewReaderFile and
// NewWriterFile), and its clocks and randomness
// (WasiCtxBuilder.Deterministic, Clocks). It is
// the one place where capwasi's tools turn host paths into a context.
//
// Every host directory is opened with opts (capstdsync.WithResolver, say);
// one pre-opened as "/" also with capstdsync.WithRootSemantics, so that
// absolute symbolic links in it are made and followed inside it, as a
// chroot does (other pre-opens, and io/fs ones, refuse them).
//
// Errors: those of the builder, a directory that cannot be opened among
// them; on error nothing stays open but inv's listeners, which stay the
// caller's.
func CapwasiCtx(inv *Invocation, opts ...capstdsync.DirOption) (common.WasiCtx, error) {
	b := capstdsync.NewWasiCtxBuilder().Args(inv.Args...)
	for _, kv := range inv.Env {
		name, value, _ := strings.Cut(kv, "=")
		b.Env(name, value)
	}
	switch {
	case inv.Stdin == io.Reader(os.Stdin):
		b.InheritStdin()
	case inv.Stdin != nil:
		b.Stdin(capstdsync.NewReaderFile(inv.Stdin))
	}
	switch {
	case inv.Stdout == io.Writer(os.Stdout):
		b.InheritStdout()
	case inv.Stdout != nil:
		b.Stdout(capstdsync.NewWriterFile(inv.Stdout))
	}
	switch {
	case inv.Stderr == io.Writer(os.Stderr):
		b.InheritStderr()
	case inv.Stderr != nil:
		b.Stderr(capstdsync.NewWriterFile(inv.Stderr))
	}
	for _, d := range inv.Dirs {
		dirOpts := opts
		if d.GuestPath == "/" {
			dirOpts = append(slices.Clip(opts), capstdsync.WithRootSemantics())
		}
		switch {
		case d.FS != nil:
			b.PreopenFS(d.FS, d.GuestPath)
		case d.ReadOnly:
			b.PreopenHostDir(d.HostPath, d.GuestPath, capstdsync.ReadOnly, dirOpts...)
		case inv.Budget != nil:
			b.PreopenHostDirWithBudget(d.HostPath, d.GuestPath, capstdsync.ReadWrite, inv.Budget, dirOpts...)
		default:
			b.PreopenHostDir(d.HostPath, d.GuestPath, capstdsync.ReadWrite, dirOpts...)
		}
	}
	for _, l := range inv.Listeners {
		b.PreopenSocket(l)
	}
	if inv.Deterministic {
		b.Deterministic(inv.Seed)
	}
	if inv.Clocks != nil {
		b.Clocks(inv.Clocks)
	}
	return b.Build()
}

// closeListeners closes inv's listeners, which a run that fails before the
// guest starts has taken over.
func closeListeners(inv *Invocation) {
	for _, l := range inv.Listeners {
		l.Close()
	}
}
