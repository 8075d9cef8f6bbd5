//go:build linux

package hardening

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero"

	capstdsync "github.com/capwasi/capwasi/capstd-sync"
	"github.com/capwasi/capwasi/common"
)

// Addresses in the memory of the fault guests.
const (
	faultNames  = 512   // file names, 16 bytes apart
	faultFd1    = 32    // a descriptor
	faultFd2    = 36    // another
	faultN      = 40    // counts
	faultIovBig = 48    // one iovec over faultBig
	faultIovOne = 56    // one iovec over one byte of faultBig
	faultIovRep = 64    // one iovec over the report
	faultOut    = 80    // 64 bytes of output (filestat, offsets)
	faultRep    = 256   // the report: one u32 per value
	faultDirBuf = 1024  // 1 KiB for fd_readdir
	faultBig    = 65536 // 64 KiB of data
)

// faultGuest is a hand-made guest for the host-fault tests: it runs
// before, signals the host by writing to stdout, waits for a byte on
// stdin, runs after, and writes its report (the u32 values after stored)
// to stdout. Its memory is two pages.
type faultGuest struct {
	m      *wasmModule
	report int32 // values stored so far
}

func newFaultGuest(names ...string) *faultGuest {
	m := newWasmModule(2, "path_open", "fd_read", "fd_write", "fd_pread", "fd_close", "fd_seek", "fd_filestat_get",
		"fd_readdir", "path_create_directory", "path_unlink_file", "path_filestat_get")
	for i, n := range names {
		m.put(faultNames+16*uint32(i), []byte(n))
	}
	m.putU32(faultIovBig, faultBig)
	m.putU32(faultIovBig+4, 65536)
	m.putU32(faultIovOne, faultBig)
	m.putU32(faultIovOne+4, 1)
	m.putU32(faultIovRep, faultRep)
	return &faultGuest{m: m}
}

// name returns the address of the guest's i-th name.
func name(i uint32) uint32 { return faultNames + 16*i }

// open is path_open(3, name, oflags) into out, following links and asking
// for every right; it leaves the errno.
func (g *faultGuest) open(name uint32, n int32, oflags common.Oflags, out uint32) []byte {
	return g.openWith(common.LookupflagsSymlinkFollow, name, n, oflags, common.Rights(1<<64-1), out)
}

// openWith is path_open(3, name, oflags) with lookup flags and rights.
func (g *faultGuest) openWith(lookup common.Lookupflags, name uint32, n int32, oflags common.Oflags, rights common.Rights, out uint32) []byte {
	var b []byte
	for _, op := range [][]byte{i32c(3), i32c(int32(lookup)), i32c(int32(name)), i32c(n), i32c(int32(oflags)),
		i64c(int64(rights)), i64c(-1), i32c(0), i32c(int32(out)), call(g.m.imp("path_open"))} {
		b = append(b, op...)
	}
	return b
}

// call calls the import name with ops pushing its parameters; it leaves
// the errno.
func (g *faultGuest) call(name string, params ...[]byte) []byte {
	var b []byte
	for _, p := range params {
		b = append(b, p...)
	}
	return append(b, call(g.m.imp(name))...)
}

// record stores the i32 the ops leave in the next report slot.
func (g *faultGuest) record(ops ...[]byte) []byte {
	b := store32(faultRep+4*uint32(g.report), ops...)
	g.report++
	return b
}

// waitForHost writes one byte to stdout, then reads one from stdin.
func (g *faultGuest) waitForHost() []byte {
	b := g.call("fd_write", i32c(1), i32c(faultIovOne), i32c(1), i32c(faultN))
	b = append(b, trapUnlessZero()...)
	b = append(b, g.call("fd_read", i32c(0), i32c(faultIovOne), i32c(1), i32c(faultN))...)
	return append(b, trapUnlessZero()...)
}

// bytes returns the module with _start running body then writing the
// report to stdout.
func (g *faultGuest) bytes(i32Locals uint32, body ...[]byte) []byte {
	g.m.putU32(faultIovRep+4, uint32(4*g.report))
	body = append(body, g.call("fd_write", i32c(1), i32c(faultIovRep), i32c(1), i32c(faultN)), trapUnlessZero())
	g.m.function("_start", nil, i32Locals, body...)
	return g.m.bytes()
}

// faultRun is a running fault guest: the host waits for its signal, acts,
// and lets it go on.
type faultRun struct {
	stdin  *os.File // the host's end of the guest's stdin
	pipe   *os.File // the guest's end
	out    *syncBuffer
	done   chan struct{}
	code   uint32
	err    error
	signal chan struct{}
}

// syncBuffer is a bytes.Buffer safe for one writer and readers, which
// closes signal at the first write.
type syncBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	once   sync.Once
	signal chan struct{}
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.once.Do(func() { close(b.signal) })
	return b.b.Write(p)
}

func (b *syncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]byte(nil), b.b.Bytes()...)
}

// startFault starts wasm with root pre-opened read-write as fd 3 and
// waits until it signals (or ends).
func startFault(t *testing.T, e *env, wasm []byte, root string, preopen func(*capstdsync.WasiCtxBuilder)) *faultRun {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	t.Cleanup(func() { r.Close(); w.Close() })
	run := &faultRun{stdin: w, pipe: r, done: make(chan struct{}), signal: make(chan struct{})}
	run.out = &syncBuffer{signal: run.signal}
	b := capstdsync.NewWasiCtxBuilder().Stdin(capstdsync.NewReaderFile(r)).Stdout(capstdsync.NewWriterFile(run.out))
	if preopen != nil {
		preopen(b)
	} else {
		d, err := capstdsync.OpenAmbientDir(root)
		require.NoError(t, err)
		b.PreopenDir(d, "/", capstdsync.ReadWrite)
	}
	wasiCtx, err := b.Build()
	require.NoError(t, err)
	compiled := e.module(t, wasm)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	go func() {
		defer close(run.done)
		defer cancel()
		run.code, run.err = e.host.Run(ctx, compiled, wasiCtx, nil)
	}()
	select {
	case <-run.signal:
	case <-run.done:
	}
	return run
}

// resume lets the guest go on and returns its report.
func (run *faultRun) resume(t *testing.T) []uint32 {
	_, err := run.stdin.Write([]byte{1})
	require.NoError(t, err)
	<-run.done
	run.stdin.Close()
	run.pipe.Close()
	require.NoError(t, run.err)
	require.Zero(t, run.code)
	out := run.out.Bytes()
	require.NotEmpty(t, out, "the guest's signal")
	return decodeReport(out[1:])
}

func decodeReport(b []byte) []uint32 {
	var r []uint32
	for ; len(b) >= 4; b = b[4:] {
		r = append(r, binary.LittleEndian.Uint32(b))
	}
	return r
}

// errnos returns a report's values as errnos.
func errnos(r []uint32) []common.Errno {
	var e []common.Errno
	for _, v := range r {
		e = append(e, common.Errno(v))
	}
	return e
}

// stillServes checks the Host still runs guests.
func stillServes(t *testing.T, e *env) {
	dir := tempDir(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "id"), []byte("stillok!"), 0o644))
	d, err := capstdsync.OpenAmbientDir(dir)
	require.NoError(t, err)
	wasiCtx, err := capstdsync.NewWasiCtxBuilder().Args("stillok!").PreopenDir(d, "/", capstdsync.ReadWrite).Build()
	require.NoError(t, err)
	code, err := e.host.Run(context.Background(), e.module(t, churnGuest(3)), wasiCtx, nil)
	require.NoError(t, err, "the Host runs the next guest")
	require.Zero(t, code)
}

// outsideTree makes a tree next to the guest's, to check that nothing
// there changes, and returns its path.
func outsideTree(t *testing.T, parent string) string {
	out := filepath.Join(parent, "outside")
	require.NoError(t, os.MkdirAll(filepath.Join(out, "dir"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(out, "secret.txt"), []byte(secretMarker), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(out, "dir", "f"), []byte("f"), 0o644))
	return out
}

// diskFullGuest writes 64 KiB at a time to "big" until a write fails and
// records that errno; then records the errno of a write to a new file
// "other", of unlinking "big" and of writing to "other" again.
func diskFullGuest() []byte {
	g := newFaultGuest("big", "other")
	writeBig := func(fd uint32) []byte {
		return g.call("fd_write", loadAt(fd), i32c(faultIovBig), i32c(1), i32c(faultN))
	}
	return g.bytes(1,
		g.open(name(0), 3, common.OflagsCreat|common.OflagsTrunc, faultFd1), trapUnlessZero(),
		until(0, writeBig(faultFd1)),
		g.record(localGet(0)),
		g.call("fd_close", loadAt(faultFd1)), trapUnlessZero(),
		g.open(name(1), 5, common.OflagsCreat|common.OflagsTrunc, faultFd2), trapUnlessZero(),
		g.record(writeBig(faultFd2)),
		g.record(g.call("path_unlink_file", i32c(3), i32c(int32(name(0))), i32c(3))),
		g.record(writeBig(faultFd2)),
		g.call("fd_close", loadAt(faultFd2)), trapUnlessZero(),
	)
}

// quotaDir is a WasiDir whose files fail writes with ENOSPC once quota
// bytes are written, for the disk-full test where no file system can be
// mounted.
type quotaDir struct {
	common.WasiDir
	left *atomic.Int64
}

func (d quotaDir) OpenFile(ctx context.Context, path string, o common.OpenOptions) (common.WasiFile, error) {
	f, err := d.WasiDir.OpenFile(ctx, path, o)
	if err != nil || f.Filetype() != common.FiletypeRegularFile {
		return f, err
	}
	return quotaFile{WasiFile: f, left: d.left}, nil
}

func (d quotaDir) UnlinkFile(ctx context.Context, path string) error {
	err := d.WasiDir.UnlinkFile(ctx, path)
	if err == nil {
		d.left.Store(1 << 20) // the space comes back
	}
	return err
}

type quotaFile struct {
	common.WasiFile
	left *atomic.Int64
}

func (f quotaFile) Write(ctx context.Context, iovs [][]byte) (int, error) {
	left := f.left.Load()
	if left <= 0 {
		return 0, common.ENOSPC
	}
	var cut [][]byte
	for _, b := range iovs {
		if int64(len(b)) > left {
			b = b[:left]
		}
		cut = append(cut, b)
		left -= int64(len(b))
	}
	n, err := f.WasiFile.Write(ctx, cut)
	f.left.Add(-int64(n))
	return n, err
}

// quotaCtx is a WasiCtx whose first pre-open is a quotaDir.
type quotaCtx struct {
	common.WasiCtx
	preopens []common.Preopen
}

func (c quotaCtx) Preopens() []common.Preopen { return c.preopens }

// TestDiskFull fills the file system under a running guest: on a 1 MiB
// tmpfs mounted for the test when that is allowed, else through a
// WasiDir whose files answer ENOSPC past a quota (simulated; a loop-mounted
// file system would need the same privilege as the tmpfs). The guest
// gets ENOSPC, not a crash; removing its file gives the space back; the
// tree outside is untouched and the Host goes on serving guests.
func TestDiskFull(t *testing.T) {
	e := sharedEnv(t)
	parent := tempDir(t)
	outside := outsideTree(t, parent)
	before := snapshot(t, outside)
	fdsBefore := openFds(t)

	root, err := mountTmpfs("capwasi-diskfull-", "1m")
	simulated := err != nil
	if simulated {
		t.Logf("cannot mount a tmpfs (%v): simulating ENOSPC with a 1 MiB quota", err)
		root = filepath.Join(parent, "root")
		require.NoError(t, os.Mkdir(root, 0o755))
	} else {
		t.Cleanup(func() { require.NoError(t, unmountTmpfs(root)) })
		t.Logf("on a 1 MiB tmpfs at %s", root)
	}
	neighbour := filepath.Join(root, "..", filepath.Base(root)+"-neighbour")
	require.NoError(t, os.WriteFile(neighbour, []byte("next to the tmpfs"), 0o644))

	d, err := capstdsync.OpenAmbientDir(root)
	require.NoError(t, err)
	var out syncBuffer
	out.signal = make(chan struct{})
	built, err := capstdsync.NewWasiCtxBuilder().Stdout(capstdsync.NewWriterFile(&out)).PreopenDir(d, "/", capstdsync.ReadWrite).Build()
	require.NoError(t, err)
	wasiCtx := built
	if simulated {
		left := &atomic.Int64{}
		left.Store(1 << 20)
		p := built.Preopens()[0]
		wasiCtx = quotaCtx{WasiCtx: built, preopens: []common.Preopen{{GuestPath: p.GuestPath, Dir: quotaDir{WasiDir: p.Dir, left: left}}}}
	}
	code, err := e.host.Run(context.Background(), e.module(t, diskFullGuest()), wasiCtx, nil)
	require.NoError(t, err)
	require.Zero(t, code)
	report := decodeReport(out.Bytes())
	require.Len(t, report, 4)
	assert.Equal(t, []common.Errno{common.ENOSPC, common.ENOSPC, common.ESUCCESS, common.ESUCCESS}, errnos(report),
		"writing until full, writing another file, removing the first, writing again")
	requireUnchanged(t, before, snapshot(t, outside), "the tree outside")
	b, err := os.ReadFile(neighbour)
	require.NoError(t, err)
	assert.Equal(t, "next to the tmpfs", string(b))
	requireFdsBack(t, fdsBefore, "after the disk-full guest")
	stillServes(t, e)
}

// preopenGoneGuest opens "f", waits for the host, then records the errnos
// of: opening "f" again, creating "new", reading the descriptor opened
// before, creating directory "d", listing the pre-open, stat-ing ".", and
// opening "..".
func preopenGoneGuest() []byte {
	g := newFaultGuest("f", "new", "d", ".", "..")
	return g.bytes(0,
		g.open(name(0), 1, 0, faultFd1), trapUnlessZero(),
		g.waitForHost(),
		g.record(g.open(name(0), 1, 0, faultFd2)),
		g.record(g.open(name(1), 3, common.OflagsCreat, faultFd2)),
		g.record(g.call("fd_read", loadAt(faultFd1), i32c(faultIovOne), i32c(1), i32c(faultN))),
		g.record(g.call("path_create_directory", i32c(3), i32c(int32(name(2))), i32c(1))),
		g.record(g.call("fd_readdir", i32c(3), i32c(faultDirBuf), i32c(1024), i64c(0), i32c(faultN))),
		g.record(g.call("path_filestat_get", i32c(3), i32c(0), i32c(int32(name(3))), i32c(1), i32c(faultOut))),
		g.record(g.open(name(4), 2, 0, faultFd2)),
	)
}

// preopenGoneTree makes root, holding "f", and a tree outside beside it,
// and returns them with the outside tree's snapshot.
func preopenGoneTree(t *testing.T) (root, outside string, before map[string]string) {
	parent := tempDir(t)
	outside = outsideTree(t, parent)
	root = filepath.Join(parent, "root")
	require.NoError(t, os.Mkdir(root, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "f"), []byte("the guest's"), 0o644))
	return root, outside, snapshot(t, outside)
}

// TestPreopenRenamedUnderGuest renames the pre-opened directory while the
// guest runs, and puts another directory at its old path: the guest's
// descriptor follows its directory (it is a descriptor, not a path), so
// the guest keeps working in the moved tree and never sees the new one.
func TestPreopenRenamedUnderGuest(t *testing.T) {
	e := sharedEnv(t)
	root, outside, before := preopenGoneTree(t)

	run := startFault(t, e, preopenGoneGuest(), root, nil)
	moved := root + "-moved"
	require.NoError(t, os.Rename(root, moved))
	require.NoError(t, os.Mkdir(root, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "decoy"), []byte("not the guest's"), 0o644))
	decoy := snapshot(t, root)
	report := run.resume(t)

	assert.Equal(t, []common.Errno{common.ESUCCESS, common.ESUCCESS, common.ESUCCESS, common.ESUCCESS, common.ESUCCESS, common.ESUCCESS, common.EPERM},
		errnos(report), "open f, create new, read, mkdir d, readdir, stat ., open ..")
	assert.FileExists(t, filepath.Join(moved, "new"))
	assert.DirExists(t, filepath.Join(moved, "d"))
	requireUnchanged(t, decoy, snapshot(t, root), "the directory now at the pre-open's old path")
	requireUnchanged(t, before, snapshot(t, outside), "the tree outside")
	stillServes(t, e)
}

// TestPreopenDeletedUnderGuest removes the pre-opened directory and all it
// holds while the guest runs: the guest gets ENOENT for what is gone,
// reads on from the descriptor it holds, and nothing else changes.
func TestPreopenDeletedUnderGuest(t *testing.T) {
	e := sharedEnv(t)
	root, outside, before := preopenGoneTree(t)
	fdsBefore := openFds(t)

	run := startFault(t, e, preopenGoneGuest(), root, nil)
	require.NoError(t, os.RemoveAll(root))
	report := run.resume(t)

	got := errnos(report)
	require.Len(t, got, 7)
	assert.Equal(t, common.ENOENT, got[0], "open f")
	assert.Equal(t, common.ENOENT, got[1], "create new")
	assert.Equal(t, common.ESUCCESS, got[2], "read from the descriptor opened before")
	assert.Equal(t, common.ENOENT, got[3], "mkdir d")
	assert.Contains(t, []common.Errno{common.ESUCCESS, common.ENOENT}, got[4], "readdir")
	assert.Contains(t, []common.Errno{common.ESUCCESS, common.ENOENT}, got[5], "stat .")
	assert.Equal(t, common.EPERM, got[6], "open ..")
	assert.NoDirExists(t, root, "nothing recreated the pre-open")
	requireUnchanged(t, before, snapshot(t, outside), "the tree outside")
	requireFdsBack(t, fdsBefore, "after the guest")
	stillServes(t, e)
}

// truncatedGuest reads 64 KiB of "data", waits for the host, then records
// the errno and count of a read, of a read at offset 100, the errno of
// fd_filestat_get and the size it reports, and the errno and result of a
// seek to the end.
func truncatedGuest() []byte {
	g := newFaultGuest("data")
	return g.bytes(0,
		g.open(name(0), 4, 0, faultFd1), trapUnlessZero(),
		g.call("fd_read", loadAt(faultFd1), i32c(faultIovBig), i32c(1), i32c(faultN)), trapUnlessZero(),
		loadAt(faultN), trapUnlessEq(65536),
		g.waitForHost(),
		g.record(g.call("fd_read", loadAt(faultFd1), i32c(faultIovBig), i32c(1), i32c(faultN))),
		g.record(loadAt(faultN)),
		g.record(g.call("fd_pread", loadAt(faultFd1), i32c(faultIovBig), i32c(1), i64c(100), i32c(faultN))),
		g.record(loadAt(faultN)),
		g.record(g.call("fd_filestat_get", loadAt(faultFd1), i32c(faultOut))),
		g.record(loadAt(faultOut+32)), // the size's low half
		g.record(g.call("fd_seek", loadAt(faultFd1), i64c(0), i32c(int32(common.WhenceEnd)), i32c(faultOut))),
		g.record(loadAt(faultOut)),
	)
}

// TestFileTruncatedUnderGuest truncates, from another process, the file a
// guest is reading: its reads then return nothing (end of file), and
// stat and seek see the new size. (No memory mapping is involved, so
// there is no SIGBUS to fear.)
func TestFileTruncatedUnderGuest(t *testing.T) {
	e := sharedEnv(t)
	root := tempDir(t)
	data := filepath.Join(root, "data")
	require.NoError(t, os.WriteFile(data, bytes.Repeat([]byte("0123456789abcdef"), 1<<16), 0o644)) // 1 MiB

	run := startFault(t, e, truncatedGuest(), root, nil)
	if tool, err := exec.LookPath("truncate"); err == nil {
		out, err := exec.Command(tool, "-s", "0", data).CombinedOutput()
		require.NoError(t, err, "%s", out)
	} else {
		t.Logf("no truncate command: truncating from this process")
		require.NoError(t, os.Truncate(data, 0))
	}
	report := run.resume(t)
	assert.Equal(t, []uint32{0, 0, 0, 0, 0, 0, 0, 0}, report,
		"read: ESUCCESS, 0 bytes; pread: ESUCCESS, 0 bytes; filestat: ESUCCESS, size 0; seek to the end: ESUCCESS, 0")
	stillServes(t, e)
}

// TestFileTruncatedWhileRead truncates and refills a file in a loop while
// a guest reads it 64 KiB at a time, 2,000 times: every read must succeed
// (short or empty, never an error, never a crash).
func TestFileTruncatedWhileRead(t *testing.T) {
	e := sharedEnv(t)
	root := tempDir(t)
	data := filepath.Join(root, "data")
	content := bytes.Repeat([]byte("0123456789abcdef"), 1<<14) // 256 KiB
	require.NoError(t, os.WriteFile(data, content, 0o644))
	g := newFaultGuest("data")
	wasm := g.bytes(1,
		g.open(name(0), 4, 0, faultFd1), trapUnlessZero(),
		i32c(2000), localSet(0),
		loop(0, g.call("fd_pread", loadAt(faultFd1), i32c(faultIovBig), i32c(1), i64c(65536), i32c(faultN)), trapUnlessZero()),
	)
	stop := make(chan struct{})
	var rounds atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		f, err := os.OpenFile(data, os.O_WRONLY, 0)
		if !assert.NoError(t, err) {
			return
		}
		defer f.Close()
		for {
			select {
			case <-stop:
				return
			default:
			}
			_ = f.Truncate(0)
			_, _ = f.WriteAt(content[:int(rounds.Load()%4)*65536+100], 0)
			rounds.Add(1)
		}
	}()
	d, err := capstdsync.OpenAmbientDir(root)
	require.NoError(t, err)
	wasiCtx, err := capstdsync.NewWasiCtxBuilder().PreopenDir(d, "/", capstdsync.ReadWrite).Build()
	require.NoError(t, err)
	code, err := e.host.Run(context.Background(), e.module(t, wasm), wasiCtx, wazero.NewModuleConfig())
	close(stop)
	wg.Wait()
	require.NoError(t, err, "a read failed or the guest crashed")
	require.Zero(t, code)
	t.Logf("the file was truncated and refilled %d times during the guest's 2,000 reads", rounds.Load())
}
