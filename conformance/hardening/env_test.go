//go:build linux

package hardening

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero"

	"github.com/capwasi/capwasi/conformance/guests"
	"github.com/capwasi/capwasi/wazeroadapter"
)

// scratch is a tmpfs mounted for the whole test process when the tests run
// as root and mounting is allowed, or "". Trees the hostile guest attacks
// live there: its writes cannot fill a real disk, and fd_allocate and
// sparse writes stay cheap.
var scratch string

func TestMain(m *testing.M) {
	cleanStaleMounts()
	var unmount func()
	if dir, err := mountTmpfs("capwasi-hardening-", "256m"); err == nil {
		scratch, unmount = dir, func() { _ = unmountTmpfs(dir) }
	}
	code := m.Run()
	if unmount != nil {
		unmount()
	}
	os.Exit(code)
}

// mountTmpfs mounts a tmpfs of the given size on a new temporary directory
// and returns it. It fails unless the process may mount (root, in a
// namespace that allows it), and when CAPWASI_HARDENING_NO_MOUNT is set
// (to run the tests as they run where mounting is not allowed).
func mountTmpfs(prefix, size string) (string, error) {
	if os.Geteuid() != 0 {
		return "", fmt.Errorf("not root")
	}
	if os.Getenv("CAPWASI_HARDENING_NO_MOUNT") != "" {
		return "", fmt.Errorf("CAPWASI_HARDENING_NO_MOUNT is set")
	}
	dir, err := os.MkdirTemp("", prefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return "", err
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "size="+size+",mode=0755"); err != nil {
		_ = os.Remove(dir)
		return "", fmt.Errorf("mount tmpfs: %w", err)
	}
	return dir, nil
}

// mountPrefixes are the prefixes of the directories mountTmpfs makes.
var mountPrefixes = []string{"capwasi-hardening-", "capwasi-diskfull-"}

// cleanStaleMounts unmounts the file systems mountTmpfs mounted for test
// processes that are gone without unmounting them (a test that panics
// takes its process down before TestMain's end). Their directory names
// carry the process's id.
func cleanStaleMounts() {
	b, err := os.ReadFile("/proc/self/mounts")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || f[2] != "tmpfs" || filepath.Dir(f[1]) != filepath.Clean(os.TempDir()) {
			continue
		}
		base := filepath.Base(f[1])
		for _, p := range mountPrefixes {
			pid, _, ok := strings.Cut(strings.TrimPrefix(base, p), "-")
			if !strings.HasPrefix(base, p) || !ok {
				continue
			}
			if _, err := os.Stat("/proc/" + pid); os.IsNotExist(err) {
				_ = unmountTmpfs(f[1])
			}
		}
	}
}

// unmountTmpfs undoes mountTmpfs.
func unmountTmpfs(dir string) error {
	if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
		return err
	}
	return os.Remove(dir)
}

// tempDir returns a fresh directory for one test: in the scratch tmpfs
// when there is one, else t.TempDir(). It is removed when the test ends.
func tempDir(t testing.TB) string {
	t.Helper()
	if scratch == "" {
		return t.TempDir()
	}
	dir, err := os.MkdirTemp(scratch, "t-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

// env is one wazero runtime with one wazeroadapter.Host, shared by the
// tests of the process, and the guests compiled into it once.
type env struct {
	rt   wazero.Runtime
	host *wazeroadapter.Host

	mu       sync.Mutex
	compiled map[string]wazero.CompiledModule
}

var (
	sharedOnce sync.Once
	shared     *env
	sharedErr  error
)

// sharedEnv returns the process's runtime and Host (default limits,
// close-on-context-done, wazero's compilation cache next to the guests'
// build cache), created on first use.
func sharedEnv(t testing.TB) *env {
	t.Helper()
	sharedOnce.Do(func() {
		shared, sharedErr = newEnv(context.Background())
		warmUp()
	})
	require.NoError(t, sharedErr)
	return shared
}

// newEnv returns a runtime with a Host made with opts.
func newEnv(ctx context.Context, opts ...wazeroadapter.Option) (*env, error) {
	rc := wazero.NewRuntimeConfig().WithCloseOnContextDone(true)
	if cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(guests.CacheDir(), "..", "wazero")); err == nil {
		rc = rc.WithCompilationCache(cache)
	}
	rt := wazero.NewRuntimeWithConfig(ctx, rc)
	host, err := wazeroadapter.Instantiate(ctx, rt, opts...)
	if err != nil {
		_ = rt.Close(ctx)
		return nil, err
	}
	return &env{rt: rt, host: host, compiled: map[string]wazero.CompiledModule{}}, nil
}

// guest returns the named guest of conformance/guests, built and compiled
// once per process.
func (e *env) guest(t testing.TB, name string) wazero.CompiledModule {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if c, ok := e.compiled[name]; ok {
		return c
	}
	path, err := guests.Build(name)
	require.NoError(t, err)
	wasm, err := os.ReadFile(path)
	require.NoError(t, err)
	c, err := e.rt.CompileModule(context.Background(), wasm)
	require.NoError(t, err)
	e.compiled[name] = c
	return c
}

// module compiles a hand-made module (not cached).
func (e *env) module(t testing.TB, wasm []byte) wazero.CompiledModule {
	t.Helper()
	c, err := e.rt.CompileModule(context.Background(), wasm)
	require.NoError(t, err)
	return c
}

// warmUp makes the process open the descriptors it keeps for good (Go's
// network poller, which the first listener starts), so that they are not
// counted as leaks of the first test that uses sockets.
func warmUp() {
	l, err := net.Listen("unix", "@"+uniqueName("warmup"))
	if err != nil {
		return
	}
	go func() {
		if c, err := l.Accept(); err == nil {
			_ = c.Close()
		}
	}()
	if c, err := net.Dial("unix", l.Addr().String()); err == nil {
		_ = c.Close()
	}
	_ = l.Close()
	_, _ = os.ReadDir("/proc/self/fd")
}

var (
	nameMu sync.Mutex
	nameN  int
)

// uniqueName returns a name unique in the process and among processes,
// for abstract Unix sockets.
func uniqueName(what string) string {
	nameMu.Lock()
	defer nameMu.Unlock()
	nameN++
	return fmt.Sprintf("capwasi-hardening-%s-%d-%d", what, os.Getpid(), nameN)
}

// openFds returns the process's open descriptors: number → what
// /proc/self/fd says it is.
func openFds(t testing.TB) map[int]string {
	t.Helper()
	d, err := os.Open("/proc/self/fd")
	require.NoError(t, err)
	defer d.Close()
	names, err := d.Readdirnames(-1)
	require.NoError(t, err)
	self := int(d.Fd())
	fds := map[int]string{}
	for _, n := range names {
		var fd int
		if _, err := fmt.Sscan(n, &fd); err != nil || fd == self {
			continue
		}
		target, _ := os.Readlink("/proc/self/fd/" + n)
		fds[fd] = target
	}
	return fds
}

// fdsBack waits (up to tries times 20 ms, for descriptors closed by
// goroutines that are ending) until every descriptor open now was open in
// before, and returns those that are not.
func fdsBack(t testing.TB, before map[int]string, tries int) []string {
	t.Helper()
	var extra []string
	for range tries {
		extra = extra[:0]
		for fd, what := range openFds(t) {
			if _, ok := before[fd]; !ok {
				extra = append(extra, fmt.Sprintf("%d -> %s", fd, what))
			}
		}
		if len(extra) == 0 {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	sort.Strings(extra)
	return extra
}

// requireFdsBack fails the test if descriptors opened since before are
// still open.
func requireFdsBack(t testing.TB, before map[int]string, what string) {
	t.Helper()
	if extra := fdsBack(t, before, 100); len(extra) > 0 {
		t.Fatalf("%s: %d host descriptors still open:\n%s", what, len(extra), strings.Join(extra, "\n"))
	}
}

// goroutinesBack waits until no more than n goroutines run, and fails the
// test with their stacks if that does not happen within 10 s.
func goroutinesBack(t testing.TB, n int, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%s: %d goroutines, %d before:\n%s", what, runtime.NumGoroutine(), n, buf)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// snapshot describes every entry beneath dir (dir itself included, unless
// skipSelf): type, permissions, size, inode, link count, modification and
// change times, content and link target. Entries beneath the relative
// paths in skip are left out, as are the directory entries' own times when
// listed in skipTimes (a pre-open a guest may change).
func snapshot(t testing.TB, dir string, skip ...string) map[string]string {
	t.Helper()
	snap := map[string]string{}
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if slices.Contains(skip, rel) {
			st := info.Sys().(*syscall.Stat_t)
			snap[rel] = fmt.Sprintf("%v ino=%d (contents not compared)", info.Mode().Type(), st.Ino)
			if info.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		st := info.Sys().(*syscall.Stat_t)
		desc := fmt.Sprintf("%v size=%d ino=%d nlink=%d mtime=%d.%09d ctime=%d.%09d uid=%d gid=%d",
			info.Mode(), info.Size(), st.Ino, st.Nlink, st.Mtim.Sec, st.Mtim.Nsec, st.Ctim.Sec, st.Ctim.Nsec, st.Uid, st.Gid)
		switch {
		case info.Mode()&os.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			desc += " -> " + target
		case info.Mode().IsRegular():
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			desc += fmt.Sprintf(" content=%q", b)
		}
		snap[rel] = desc
		return nil
	})
	require.NoError(t, err)
	return snap
}

// diffSnapshots returns what changed between two snapshots.
func diffSnapshots(before, after map[string]string) []string {
	var d []string
	for k, v := range before {
		switch w, ok := after[k]; {
		case !ok:
			d = append(d, "removed: "+k+" ("+v+")")
		case w != v:
			d = append(d, "changed: "+k+"\n  before: "+v+"\n  after:  "+w)
		}
	}
	for k, v := range after {
		if _, ok := before[k]; !ok {
			d = append(d, "added: "+k+" ("+v+")")
		}
	}
	sort.Strings(d)
	return d
}

// requireUnchanged fails the test if the tree changed.
func requireUnchanged(t testing.TB, before, after map[string]string, what string) {
	t.Helper()
	if d := diffSnapshots(before, after); len(d) > 0 {
		t.Fatalf("%s changed:\n%s", what, strings.Join(d, "\n"))
	}
}
