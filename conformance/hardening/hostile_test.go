//go:build linux

package hardening

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	capstdsync "github.com/capwasi/capwasi/capstd-sync"
	"github.com/capwasi/capwasi/common"
	"github.com/capwasi/capwasi/wazeroadapter"
)

// The markers of conformance/guests/hostile: the content of the secret file
// outside the sandbox and a name only files outside carry. The guest holds
// them reversed and reports any appearance in its memory.
const (
	secretMarker = "capwasi-hostile-secret-outside-the-sandbox"
	nameMarker   = "capwasi-hostile-outside-only-name"
)

// hostileTree is the directory tree a hostile guest attacks:
//
//	run/
//	  root/       pre-opened read-write as fd 3, with links leading out
//	  ro/         pre-opened read-only as fd 4
//	  outside/    the secret file, a file named with nameMarker, a directory
//	  sibling-…   a file next to root, named with nameMarker
type hostileTree struct {
	run, root, ro, outside string
	dev                    uint64
	inos                   []uint64 // of everything outside root and ro
}

func newHostileTree(t testing.TB) *hostileTree {
	t.Helper()
	run := tempDir(t)
	tr := &hostileTree{run: run, root: filepath.Join(run, "root"), ro: filepath.Join(run, "ro"), outside: filepath.Join(run, "outside")}
	secret := bytes.Repeat([]byte(secretMarker+"\n"), 100)
	files := map[string]string{
		"root/file.txt":             "inside\n",
		"root/sub/f":                "in sub\n",
		"root/a":                    "a\n",
		"ro/file.txt":               "read-only\n",
		"ro/sub/f":                  "read-only in sub\n",
		"outside/secret.txt":        string(secret),
		"outside/" + nameMarker:     string(secret),
		"outside/dir/inner.txt":     string(secret),
		"sibling-" + nameMarker:     string(secret),
		"outside/dir/" + nameMarker: "",
	}
	for rel, content := range files {
		p := filepath.Join(run, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	require.NoError(t, os.Mkdir(filepath.Join(run, "root/d"), 0o755))
	links := map[string]string{
		"root/link_out":   "../outside",
		"root/abs_link":   filepath.Join(tr.outside, "secret.txt"),
		"root/dir_link":   "sub",
		"root/up":         "..",
		"root/sub/up":     "../..",
		"root/loop1":      "loop2",
		"root/loop2":      "loop1",
		"root/proc_link":  "/proc/self/root",
		"root/fd_link":    "/proc/self/fd/3",
		"root/ro_link":    "../ro",
		"ro/link_out":     "../outside/secret.txt",
		"outside/to_root": "../root",
	}
	for i := range 40 {
		links[fmt.Sprintf("root/chain%d", i)] = fmt.Sprintf("chain%d", i+1)
	}
	links["root/chain40"] = "file.txt" // chain0 is 41 links deep: ELOOP; chain1 resolves
	for rel, target := range links {
		require.NoError(t, os.Symlink(target, filepath.Join(run, rel)))
	}
	require.NoError(t, os.Link(filepath.Join(run, "root/file.txt"), filepath.Join(run, "root/hard")))

	var st syscall.Stat_t
	require.NoError(t, syscall.Stat(run, &st))
	tr.dev = st.Dev
	tr.inos = append(tr.inos, st.Ino)
	for _, rel := range []string{"outside", "outside/secret.txt", "outside/" + nameMarker, "outside/dir", "outside/dir/inner.txt", "sibling-" + nameMarker} {
		require.NoError(t, syscall.Lstat(filepath.Join(run, rel), &st))
		tr.inos = append(tr.inos, st.Ino)
	}
	return tr
}

// snapshot describes everything the guest must not change: the whole run
// directory except what lies beneath the read-write pre-open (whose own
// entry, an inode, is kept).
func (tr *hostileTree) snapshot(t testing.TB) map[string]string {
	return snapshot(t, tr.run, "root")
}

// watch watches everything outside both pre-opens for any access, and the
// run directory and ro for changes; root's own entry in the run directory
// changes when the guest changes root (its modification time, its link
// count), and that does not count.
func (tr *hostileTree) watch(t testing.TB) *watcher {
	return watch(t, map[string]uint32{
		tr.outside:                                   everything,
		filepath.Join(tr.outside, "dir"):             everything,
		filepath.Join(tr.run, "sibling-"+nameMarker): everything,
		tr.run: quiet,
		tr.ro:  quiet,
	}, filepath.Join(tr.run, "root"))
}

// hostileReport is what one run of the hostile guest reported.
type hostileReport struct {
	calls      [][2]int // (function index, errno)
	violations []string
	ended      bool
	exitCode   uint32
}

// parseHostileReport decodes the guest's report (see the guest's package
// comment).
func parseHostileReport(b []byte) (hostileReport, error) {
	var r hostileReport
	names := common.Functions()
	for len(b) >= 4 {
		if bytes.HasPrefix(b, []byte("END!")) {
			if len(b) != 12 {
				return r, fmt.Errorf("%d bytes after the trailer's start, want 12", len(b))
			}
			if n := binary.LittleEndian.Uint32(b[4:]); int(n) != len(r.calls) {
				return r, fmt.Errorf("trailer counts %d calls, %d reported", n, len(r.calls))
			}
			r.ended, r.exitCode = true, binary.LittleEndian.Uint32(b[8:])
			return r, nil
		}
		fn, kind, v := int(b[0]), b[1], binary.LittleEndian.Uint16(b[2:])
		b = b[4:]
		if fn >= len(names) {
			return r, fmt.Errorf("record of unknown function %d", fn)
		}
		switch kind {
		case 0:
			r.calls = append(r.calls, [2]int{fn, int(v)})
		case 1:
			what := map[uint16]string{1: "read the secret file's content", 2: "listed a file outside", 3: "stat-ed a file outside"}[v]
			r.violations = append(r.violations, fmt.Sprintf("%s %s (call %d)", names[fn], what, len(r.calls)+1))
		default:
			return r, fmt.Errorf("record of unknown kind %d", kind)
		}
	}
	return r, fmt.Errorf("the report ends without a trailer after %d calls (%d bytes left)", len(r.calls), len(b))
}

// hostileStats counts, over many runs, the errnos each function returned.
type hostileStats struct {
	mu     sync.Mutex
	errnos [46]map[common.Errno]int
}

func (s *hostileStats) add(r hostileReport) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range r.calls {
		if s.errnos[c[0]] == nil {
			s.errnos[c[0]] = map[common.Errno]int{}
		}
		s.errnos[c[0]][common.Errno(c[1])]++
	}
}

// hostileOptions are a run's parameters.
type hostileOptions struct {
	calls   int
	timeout time.Duration
	stats   *hostileStats
	opts    []wazeroadapter.Option // a Host of its own with these options, if any
	budget  *capstdsync.Budget     // for the read-write pre-open, if any
	// resolver resolves the paths beneath the pre-opens ("/" has root
	// semantics, as wasi-run gives it).
	resolver capstdsync.Resolver
	// concurrent leaves out the checks of the process's descriptors and
	// goroutines, which runs beside others cannot make: their caller
	// checks them after all have ended.
	concurrent bool
}

// hostileRun is one run's setup: the tree, the context the guest gets, the
// clients of its listener.
type hostileRun struct {
	tree    *hostileTree
	ctx     common.WasiCtx
	report  *bytes.Buffer
	stopped func() // stops the clients and waits for them
}

// newHostileRun builds the tree and the context of a run of seed: the
// read-write pre-open is "/", with root semantics, as wasi-run gives it.
func newHostileRun(t *testing.T, seed uint64, o hostileOptions) *hostileRun {
	tr := newHostileTree(t)
	rootDir, err := capstdsync.OpenAmbientDir(tr.root, capstdsync.WithResolver(o.resolver), capstdsync.WithRootSemantics())
	require.NoError(t, err)
	roDir, err := capstdsync.OpenAmbientDir(tr.ro, capstdsync.WithResolver(o.resolver))
	require.NoError(t, err)
	l, err := net.Listen("unix", "@"+uniqueName("hostile"))
	require.NoError(t, err)
	report := &bytes.Buffer{}
	args := []string{"hostile", strconv.FormatUint(seed, 10), strconv.Itoa(o.calls), strconv.FormatUint(tr.dev, 10)}
	for _, ino := range tr.inos {
		args = append(args, strconv.FormatUint(ino, 10))
	}
	b := capstdsync.NewWasiCtxBuilder()
	if o.budget != nil {
		b.PreopenDirWithBudget(rootDir, "/", capstdsync.ReadWrite, o.budget)
	} else {
		b.PreopenDir(rootDir, "/", capstdsync.ReadWrite)
	}
	wasiCtx, err := b.
		Args(args...).
		Env("HOME", "/").Env("PWD", "/").
		Stdin(capstdsync.NewReaderFile(strings.NewReader("standard input\n"))).
		Stdout(capstdsync.NewWriterFile(report)).
		Stderr(capstdsync.NewWriterFile(io.Discard)).
		PreopenDir(roDir, "/ro", capstdsync.ReadOnly).
		PreopenSocket(l).
		Build()
	require.NoError(t, err)

	// Clients keep connecting, so that a blocking sock_accept always has
	// a connection to take; each sends a line and hangs up, so that reads
	// of accepted sockets end.
	dialCtx, stopDialing := context.WithCancel(context.Background())
	var dialers sync.WaitGroup
	dialers.Add(1)
	go func() {
		defer dialers.Done()
		for i := 0; i < 5000 && dialCtx.Err() == nil; i++ {
			d := net.Dialer{Timeout: 100 * time.Millisecond}
			if c, err := d.DialContext(dialCtx, "unix", l.Addr().String()); err == nil {
				_, _ = c.Write([]byte("from a client of the host\n"))
				_ = c.Close()
			}
			select {
			case <-dialCtx.Done():
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	return &hostileRun{tree: tr, ctx: wasiCtx, report: report, stopped: func() { stopDialing(); dialers.Wait() }}
}

// runHostile runs the hostile guest once with seed and checks every
// property: the run ends in time, the guest reports a valid errno for
// every call and no violation, the tree outside the read-write pre-open is
// unchanged and was not even opened, and every host descriptor and
// goroutine the run used is released.
func runHostile(t *testing.T, seed uint64, o hostileOptions) {
	e := sharedEnv(t)
	compiled := e.guest(t, "hostile")
	host := e.host
	if len(o.opts) > 0 {
		own, err := newEnv(context.Background(), o.opts...)
		require.NoError(t, err)
		defer own.rt.Close(context.Background())
		host, compiled = own.host, own.guest(t, "hostile")
	}
	fdsBefore := openFds(t)
	goroutinesBefore := runtime.NumGoroutine()

	run := newHostileRun(t, seed, o)
	tr, report := run.tree, run.report
	before := tr.snapshot(t)
	usageBefore := treeUsage(t, tr.root)
	w := tr.watch(t)
	// At the deadline, the stacks show where a call blocks; then the
	// context ends the run.
	ctx, cancel := context.WithCancel(context.Background())
	var stacks []byte
	watchdog := time.AfterFunc(o.timeout, func() {
		stacks = make([]byte, 1<<20)
		stacks = stacks[:runtime.Stack(stacks, true)]
		cancel()
	})
	start := time.Now()
	code, runErr := host.Run(ctx, compiled, run.ctx, nil)
	elapsed := time.Since(start)
	watchdog.Stop()
	cancel()
	events := w.stop(t)
	run.stopped()

	if stacks != nil {
		t.Fatalf("seed %d: the guest did not end within %v (a deadlock or a call that blocks): %v\n%s\ngoroutines at the deadline:\n%s\nthe same run traced:\n%s",
			seed, o.timeout, runErr, lastCalls(report.Bytes(), 20), stacks, traceHostile(t, seed, o))
	}
	require.NoError(t, runErr, "seed %d: the run failed (a trap or a host panic)", seed)
	r, err := parseHostileReport(report.Bytes())
	require.NoError(t, err, "seed %d: the guest's report\n%s", seed, lastCalls(report.Bytes(), 20))
	assert.Equal(t, r.exitCode, code, "seed %d: the exit code proc_exit gave", seed)
	assert.Len(t, r.calls, o.calls)
	assert.Empty(t, r.violations, "seed %d: the guest saw something outside the sandbox", seed)
	names := common.Functions()
	for i, c := range r.calls {
		errno := common.Errno(c[1])
		if !errno.Valid() || errno == common.ENOSYS {
			t.Errorf("seed %d: call %d, %s, returned errno %d", seed, i+1, names[c[0]], c[1])
		}
	}
	assert.Empty(t, events, "seed %d: files outside the pre-opens were accessed", seed)
	requireUnchanged(t, before, tr.snapshot(t), fmt.Sprintf("seed %d: the tree outside the read-write pre-open", seed))
	if o.budget != nil {
		after := treeUsage(t, tr.root)
		bytes, entries := o.budget.Used()
		maxBytes, maxEntries := o.budget.Limits()
		t.Logf("seed %d: the read-write tree grew by %d bytes and %d entries; the budget counted %d and %d",
			seed, after.bytes-usageBefore.bytes, after.entries-usageBefore.entries, bytes, entries)
		assert.LessOrEqual(t, after.bytes-usageBefore.bytes, maxBytes, "seed %d: bytes past the budget", seed)
		assert.LessOrEqual(t, after.entries-usageBefore.entries, maxEntries, "seed %d: entries past the budget", seed)
		assert.Equal(t, [2]int64{after.bytes - usageBefore.bytes, after.entries - usageBefore.entries}, [2]int64{bytes, entries},
			"seed %d: the budget counted what the tree grew by", seed)
	}
	if !o.concurrent {
		requireFdsBack(t, fdsBefore, fmt.Sprintf("seed %d: after the instance closed", seed))
		goroutinesBack(t, goroutinesBefore, fmt.Sprintf("seed %d: after the instance closed", seed))
	}
	if o.stats != nil {
		o.stats.add(r)
	}
	t.Logf("seed %d, resolver %v: %d calls in %v, exit code %d", seed, o.resolver, len(r.calls), elapsed.Round(time.Millisecond), code)
}

// traceHostile runs seed again on a Host of its own that traces every
// call, and returns the last lines of the trace: the call that did not
// return is the last one begun.
func traceHostile(t *testing.T, seed uint64, o hostileOptions) string {
	ring := &lastLines{n: 30}
	own, err := newEnv(context.Background(), append(o.opts, wazeroadapter.WithTrace(ring))...)
	require.NoError(t, err)
	defer own.rt.Close(context.Background())
	run := newHostileRun(t, seed, o)
	defer run.stopped()
	ctx, cancel := context.WithTimeout(context.Background(), min(o.timeout, 20*time.Second))
	defer cancel()
	_, _ = own.host.Run(ctx, own.guest(t, "hostile"), run.ctx, nil)
	return ring.String()
}

// lastLines keeps the last n lines written to it.
type lastLines struct {
	mu    sync.Mutex
	n     int
	lines []string
}

func (l *lastLines) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, strings.TrimRight(string(b), "\n"))
	if len(l.lines) > l.n {
		l.lines = l.lines[len(l.lines)-l.n:]
	}
	return len(b), nil
}

func (l *lastLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// lastCalls describes the last n calls of a (possibly partial) report.
func lastCalls(report []byte, n int) string {
	names := common.Functions()
	var lines []string
	for i := 0; i+4 <= len(report); i += 4 {
		if bytes.HasPrefix(report[i:], []byte("END!")) {
			break
		}
		fn, errno := int(report[i]), common.Errno(binary.LittleEndian.Uint16(report[i+2:]))
		if fn < len(names) {
			lines = append(lines, fmt.Sprintf("  %s -> %v", names[fn], errno))
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	if len(lines) == 0 {
		return "(no call reported)"
	}
	return "last calls reported (the report is flushed every 1024 calls):\n" + strings.Join(lines, "\n")
}

// hostileCorpus is the fixed corpus every `go test` runs.
var hostileCorpus = []uint64{1, 2, 3, 4, 5, 6, 7, 8, 0x9e3779b97f4a7c15, 1 << 63}

// hostileCalls is how many calls one run makes.
const hostileCalls = 3000

// TestHostileGuest runs the hostile guest with each seed of the fixed
// corpus, under each resolver, then checks that the corpus reaches the
// functions' success paths and not only their argument checks.
func TestHostileGuest(t *testing.T) {
	stats := &hostileStats{}
	for _, r := range []capstdsync.Resolver{capstdsync.ResolverAuto, capstdsync.ResolverWalk} {
		for _, seed := range hostileCorpus {
			t.Run(fmt.Sprintf("%v/seed=%d", r, seed), func(t *testing.T) {
				runHostile(t, seed, hostileOptions{calls: hostileCalls, timeout: hostileTimeout, stats: stats, resolver: r})
			})
		}
	}
	// Tight limits, so that the hostile calls run into each of them.
	t.Run("tight-limits", func(t *testing.T) {
		runHostile(t, 42, hostileOptions{calls: hostileCalls, timeout: hostileTimeout, stats: stats, opts: []wazeroadapter.Option{
			wazeroadapter.WithMaxOpenFiles(10), wazeroadapter.WithMaxPathComponents(6), wazeroadapter.WithMaxPathLength(300),
			wazeroadapter.WithMaxReaddirEntries(2), wazeroadapter.WithMaxIOBytes(100),
		}})
	})
	// Budgets, so that the hostile calls grow the tree into them.
	for _, seed := range hostileCorpus[:3] {
		t.Run(fmt.Sprintf("budget/seed=%d", seed), func(t *testing.T) {
			runHostile(t, seed, hostileOptions{calls: hostileCalls, timeout: hostileTimeout,
				budget: capstdsync.NewBudget(64<<10, 16)})
		})
	}
	if t.Failed() {
		return
	}
	names := common.Functions()
	succeeded := 0
	var summary []string
	for i, m := range stats.errnos {
		if names[i] == "proc_exit" {
			continue
		}
		total := 0
		for _, n := range m {
			total += n
		}
		assert.NotZero(t, total, "%s never called", names[i])
		succeeded += min(m[common.ESUCCESS], 1)
		summary = append(summary, fmt.Sprintf("%s: %d calls, %d succeeded, %d distinct errnos %v", names[i], total, m[common.ESUCCESS], len(m), m))
	}
	t.Logf("errnos by function over the corpus:\n%s", strings.Join(summary, "\n"))
	// Calls that must have succeeded at least once for the corpus to have
	// gone past the argument checks into the implementation.
	for _, name := range []string{"path_open", "fd_read", "fd_write", "fd_pread", "fd_pwrite", "fd_readdir",
		"path_create_directory", "path_symlink", "path_rename", "path_link", "path_readlink", "path_unlink_file",
		"path_filestat_get", "fd_filestat_get", "fd_renumber", "fd_close", "poll_oneoff", "sock_accept", "sock_recv"} {
		i := indexOf(names, name)
		assert.NotZero(t, stats.errnos[i][common.ESUCCESS], "%s never succeeded over the corpus", name)
	}
	t.Logf("%d of 45 functions succeeded at least once", succeeded)
}

func indexOf(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	panic("no function " + name)
}

// FuzzHostileGuest fuzzes the seed of the hostile guest: every input is a
// whole run, checked as TestHostileGuest checks each. Run it with
//
//	go test -run '^$' -fuzz FuzzHostileGuest -fuzztime 10m github.com/capwasi/capwasi/conformance/hardening
//
// Plain `go test` runs the seeds below; TestHostileGuest runs the fixed
// corpus. Odd seeds run under a budget (64 KiB, 16 entries), checked to
// hold and to count exactly what the tree grew by; seeds with bit 1 set
// with the component walk forced, the others with the default resolver.
func FuzzHostileGuest(f *testing.F) {
	f.Add(uint64(0))
	f.Add(uint64(3))
	f.Fuzz(func(t *testing.T, seed uint64) {
		o := hostileOptions{calls: 1000, timeout: 2 * time.Minute, resolver: capstdsync.Resolver(seed >> 1 & 1)}
		if seed%2 == 1 { // half the runs under a budget
			o.budget = capstdsync.NewBudget(64<<10, 16)
		}
		runHostile(t, seed, o)
	})
}

// hostileTimeout bounds one run: far more than a run takes (well under a
// second, a few under -race on a loaded machine), so that only a call
// that never returns reaches it.
var hostileTimeout = func() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("HOSTILE_TIMEOUT")); err == nil {
		return d
	}
	return 2 * time.Minute
}()
