package wazeroadapter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"sync/atomic"

	"github.com/tetratelabs/wazero/api"

	"github.com/capwasi/capwasi/common"
)

// fdEntry is what one guest descriptor refers to.
type fdEntry struct {
	file common.WasiFile
	dir  common.WasiDir // file as a directory, or nil when it is not one
	typ  common.Filetype
	rights
	preopen   string // the guest path, when isPreopen
	isPreopen bool
	isStdio   bool // a standard stream the instance started with (see fdFilestatGet)
	// opened: the guest opened it (path_open, sock_accept), so that it
	// counts against WithMaxHostOpenFiles; what the WasiCtx handed out
	// does not.
	opened bool
}

// binding ties an instance to the module it serves. It never changes once
// made, so that a pointer to it can be cached and compared.
type binding struct {
	mod api.Module
	in  *instance
	mem api.Memory // mod's memory, or nil when it has none
}

// instance is the state of one guest instance: its WasiCtx, descriptor
// table and the scratch space that keeps the calls free of allocations.
//
// mu serialises the calls of the instance and its release. A release
// requested while a call runs (the module closed from another goroutine)
// is carried out by that call when it leaves (see requestClose).
type instance struct {
	host    *Host
	id      uint64
	wasi    common.WasiCtx
	binding atomic.Pointer[binding]
	misses  atomic.Uint32 // lookups that missed the Host's cache

	mu             sync.Mutex
	closeRequested atomic.Bool
	closed         bool // guarded by mu

	hasMemory     bool
	maxPath       int    // WithMaxPathLength
	maxComponents int    // WithMaxPathComponents
	maxReaddir    int    // WithMaxReaddirEntries
	maxIO         uint32 // WithMaxIOBytes
	strictRights  bool   // WithStrictRights
	fds           fdTable[fdEntry]

	args, environ         []string
	argsSize, environSize uint32 // bytes of the strings with their NULs
	clocks                common.Clocks
	random                io.Reader
	sched                 common.Sched

	// Scratch space reused from call to call.
	view    memory // the guest memory, while its size is unchanged
	iovs    [][]byte
	iovsBuf [4][]byte // iovs' first array, allocated with the instance
	subs    []common.Subscription
	events  []common.Event
	dirents []common.DirEntry
	line    []byte // a trace line
}

// newInstance builds the instance for wasiCtx: the descriptor table holds
// the standard streams at 0 to 2, then the pre-opened directories, then the
// sockets. It takes every file the context hands out even when it fails,
// so that the returned instance, released, closes them all.
func (h *Host) newInstance(w common.WasiCtx) (*instance, error) {
	preopens, sockets := w.Preopens(), w.Sockets()
	in := &instance{
		host:          h,
		id:            h.nextID.Add(1),
		wasi:          w,
		maxPath:       h.opts.maxPathLength,
		maxComponents: h.opts.maxPathComponents,
		maxReaddir:    h.opts.maxReaddirEntries,
		maxIO:         h.opts.maxIOBytes,
		strictRights:  h.opts.strictRights,
		fds:           fdTable[fdEntry]{limit: h.opts.maxOpenFiles},
		clocks:        w.Clocks(),
		random:        w.Random(),
		sched:         w.Sched(),
	}
	// Room for what the context hands out and a few files of the guest's,
	// in one allocation.
	in.fds.slots = make([]fdSlot[fdEntry], 0, 3+len(preopens)+len(sockets)+initialGuestFiles)
	in.iovs = in.iovsBuf[:0]
	var errs []error
	add := func(what ctxFile, f common.WasiFile, dir common.WasiDir, isPreopen, isStdio bool) {
		if f == nil {
			errs = append(errs, fmt.Errorf("wazeroadapter: WasiCtx: nil %s", what))
			return
		}
		e := newEntry(f)
		if isPreopen {
			e.dir, e.typ = dir, common.FiletypeDirectory
			e.preopen, e.isPreopen = what.guestPath, true
		}
		e.isStdio = isStdio
		e.rights = fileRights(f, e.typ)
		if _, err := in.fds.Insert(e); err != nil {
			errs = append(errs, fmt.Errorf("wazeroadapter: WasiCtx: %s: more than %d descriptors (WithMaxOpenFiles)",
				what, h.opts.maxOpenFiles))
			_ = f.Close()
		}
	}
	add(ctxFile{method: "Stdin"}, w.Stdin(), nil, false, true)
	add(ctxFile{method: "Stdout"}, w.Stdout(), nil, false, true)
	add(ctxFile{method: "Stderr"}, w.Stderr(), nil, false, true)
	for i, p := range preopens {
		add(ctxFile{"Preopens", i, p.GuestPath}, p.Dir, p.Dir, true, false)
	}
	for i, s := range sockets {
		add(ctxFile{method: "Sockets", index: i}, s, nil, false, false)
	}

	in.args, in.environ = w.Args(), w.Environ()
	var err error
	if in.argsSize, err = listSize(in.args); err != nil {
		errs = append(errs, fmt.Errorf("wazeroadapter: WasiCtx.Args: %w", err))
	}
	if in.environSize, err = listSize(in.environ); err != nil {
		errs = append(errs, fmt.Errorf("wazeroadapter: WasiCtx.Environ: %w", err))
	}
	if total := listBytes(in.args) + listBytes(in.environ); total > h.opts.maxArgsEnvSize {
		errs = append(errs, fmt.Errorf("wazeroadapter: WasiCtx: arguments and environment of %d bytes, more than %d (WithMaxArgsEnvSize): %w",
			total, h.opts.maxArgsEnvSize, common.E2BIG))
	}
	switch {
	case in.clocks == nil:
		errs = append(errs, errors.New("wazeroadapter: WasiCtx: nil Clocks"))
	case in.random == nil:
		errs = append(errs, errors.New("wazeroadapter: WasiCtx: nil Random"))
	case in.sched == nil:
		errs = append(errs, errors.New("wazeroadapter: WasiCtx: nil Sched"))
	}
	return in, errors.Join(errs...)
}

// initialGuestFiles is how many descriptors of its own a new instance's
// table has room for before it grows.
const initialGuestFiles = 2

// ctxFile names a file of a WasiCtx in errors (formatted only then).
type ctxFile struct {
	method    string // "Stdin", "Stdout", "Stderr", "Preopens" or "Sockets"
	index     int
	guestPath string
}

func (n ctxFile) String() string {
	switch n.method {
	case "Preopens":
		return fmt.Sprintf("Preopens()[%d] (%q)", n.index, n.guestPath)
	case "Sockets":
		return fmt.Sprintf("Sockets()[%d]", n.index)
	}
	return n.method
}

// newEntry returns the table entry of a file an instance receives, with
// its type and, for a directory, the file as a WasiDir; the caller sets the
// rights.
func newEntry(f common.WasiFile) fdEntry {
	e := fdEntry{file: f, typ: f.Filetype()}
	if e.typ == common.FiletypeDirectory {
		e.dir, _ = f.(common.WasiDir)
	}
	return e
}

// listSize returns the bytes args_get or environ_get write for list: each
// string and its NUL. More than 4 GiB, which the guest could not address:
// E2BIG.
func listSize(list []string) (uint32, error) {
	n := listBytes(list)
	if n > math.MaxUint32 || uint64(len(list))*4 > math.MaxUint32 {
		return 0, common.E2BIG
	}
	return uint32(n), nil
}

// listBytes returns the bytes of the strings of list, each with its NUL.
func listBytes(list []string) uint64 {
	var n uint64
	for _, s := range list {
		n += uint64(len(s)) + 1
	}
	return n
}

// bind ties the instance to mod, once, and reports whether mod is the
// module it is tied to.
func (in *instance) bind(mod api.Module) bool {
	b := &binding{mod: mod, in: in}
	if in.hasMemory {
		b.mem = mod.Memory()
	}
	if in.binding.CompareAndSwap(nil, b) {
		in.host.bound.Store(mod, in)
		in.host.live.Add(1)
		return true
	}
	return in.binding.Load().mod == mod
}

// CloseNotify implements wazero's experimental.CloseNotifier: the module
// is closing, so the instance releases its files and its WasiCtx. A
// notification for another module (one instantiated, during this module's
// start, with the context that carries this notifier) is ignored: while
// the instance is not bound yet, InstantiateModule releases it itself if
// the module closed.
func (in *instance) CloseNotify(context.Context, uint32) {
	if b := in.binding.Load(); b != nil && b.mod.IsClosed() {
		in.requestClose()
	}
}

// requestClose releases the instance now if no call holds it, or else lets
// the call holding it release it when it leaves.
func (in *instance) requestClose() {
	in.closeRequested.Store(true)
	in.releaseIfIdle()
}

// leave ends a call: it unlocks the instance, and releases it if a release
// was requested meanwhile.
func (in *instance) leave() {
	in.mu.Unlock()
	if in.closeRequested.Load() {
		in.releaseIfIdle()
	}
}

// releaseIfIdle releases the instance unless a call holds it, which then
// does when it leaves.
func (in *instance) releaseIfIdle() {
	if in.mu.TryLock() {
		in.release()
		in.mu.Unlock()
	}
}

// releaseNow releases the instance, waiting for a release another
// goroutine is carrying out (see Host.releaseClosed) to finish. Only for
// an instance whose module runs no more guest code, so that no call can
// hold it long.
func (in *instance) releaseNow() {
	in.closeRequested.Store(true)
	in.mu.Lock()
	in.release()
	in.mu.Unlock()
}

// lock locks the instance for a call, unless it was released: false.
func (in *instance) lock() bool {
	in.mu.Lock()
	if in.closed {
		in.mu.Unlock()
		return false
	}
	return true
}

// release closes every descriptor still open, in ascending order, then the
// WasiCtx; only the first call does anything. in.mu must be held. Errors
// from Close have nowhere to go and are dropped.
func (in *instance) release() {
	if in.closed {
		return
	}
	in.closed = true
	if b := in.binding.Load(); b != nil {
		in.host.bound.Delete(b.mod)
		in.host.live.Add(-1)
		in.host.last.CompareAndSwap(b, noBinding)
	}
	for fd, e := range in.fds.All() {
		f, opened := e.file, e.opened
		in.fds.Remove(fd)
		if opened {
			in.host.giveFile()
		}
		_ = f.Close()
	}
	_ = in.wasi.Close()
	in.view, in.iovs, in.subs, in.events, in.dirents, in.line = nil, nil, nil, nil, nil, nil
	in.iovsBuf = [len(in.iovsBuf)][]byte{} // no view of guest memory kept
}
