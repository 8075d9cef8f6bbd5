package cguests

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/capwasi/capwasi/conformance/engine"
)

// The C guests run on capwasi (wazeroadapter over capstd-sync) and, where
// wazero's WASI answers right, on wazero too; each output is checked
// against what the fixture tree on the host says it must be.

// module builds the C guest name. Without a toolchain the test is skipped
// on a developer's machine, saying what to install, and fails in CI, whose
// .ci/run installs it.
func module(t *testing.T, name string) []byte {
	t.Helper()
	p, err := Build(name)
	if errors.Is(err, ErrNoToolchain) {
		if os.Getenv("CI") != "" {
			t.Fatalf("%v: CI must install it (.ci/run)", err)
		}
		t.Skip(err)
	}
	require.NoError(t, err)
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return b
}

// runGuest runs the guest on the named engine and returns its output and exit
// code.
func runGuest(t *testing.T, eng string, wasm []byte, inv engine.Invocation) (string, uint32) {
	t.Helper()
	e, err := engine.New(eng, engine.Options{CacheDir: engine.DefaultCacheDir()})
	require.NoError(t, err)
	var out, errOut bytes.Buffer
	inv.Wasm, inv.Stdout, inv.Stderr = wasm, &out, &errOut
	code, err := e.Run(context.Background(), &inv)
	require.NoError(t, err, "%s: stderr %s", eng, errOut.String())
	return out.String(), code
}

// sortedLines returns the lines of s, sorted.
func sortedLines(s string) []string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	sort.Strings(lines)
	return lines
}

// tree makes a fixture tree under root: a directory t with files (sizes
// from their content), a directory, a symbolic link to a file and a
// dangling one.
func tree(t *testing.T, root string) {
	t.Helper()
	for _, d := range []string{"t", "t/sub", "t/sub/deeper"} {
		require.NoError(t, os.Mkdir(filepath.Join(root, d), 0o755))
	}
	for name, content := range map[string]string{"t/a.txt": "alpha", "t/b.txt": "", "t/sub/c.txt": "gamma!", "t/sub/deeper/d": "d"} {
		require.NoError(t, os.WriteFile(filepath.Join(root, name), []byte(content), 0o644))
	}
	require.NoError(t, os.Symlink("a.txt", filepath.Join(root, "t/link")))
	require.NoError(t, os.Symlink("nowhere", filepath.Join(root, "t/dangling")))
}

// kind is the letter dirs prints for a file type.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "d"
	case m&fs.ModeSymlink != 0:
		return "l"
	case m.IsRegular():
		return "f"
	}
	return "?"
}

func TestDirsListAndScandir(t *testing.T) {
	wasm := module(t, "dirs")
	root := t.TempDir()
	tree(t, root)
	entries, err := os.ReadDir(filepath.Join(root, "t"))
	require.NoError(t, err)
	list, names := []string{"d .", "d .."}, []string{".", ".."}
	for _, e := range entries {
		list = append(list, kind(e.Type())+" "+e.Name())
		names = append(names, e.Name())
	}
	sort.Strings(list)
	sort.Strings(names) // alphasort in the C locale is strcmp
	dirs := []engine.Dir{{HostPath: root, GuestPath: "/"}}
	for _, eng := range []string{"capwasi", "wazero"} {
		out, code := runGuest(t, eng, wasm, engine.Invocation{Args: []string{"dirs", "list", "/t"}, Dirs: dirs})
		assert.Zero(t, code, eng)
		assert.Equal(t, list, sortedLines(out), "%s: readdir", eng)
		out, code = runGuest(t, eng, wasm, engine.Invocation{Args: []string{"dirs", "scandir", "/t"}, Dirs: dirs})
		assert.Zero(t, code, eng)
		assert.Equal(t, strings.Join(names, "\n")+"\n", out, "%s: scandir with alphasort", eng)
	}
}

func TestDirsNftw(t *testing.T) {
	wasm := module(t, "dirs")
	root := t.TempDir()
	tree(t, root)
	var want []string
	require.NoError(t, filepath.WalkDir(filepath.Join(root, "t"), func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		rel, _ := filepath.Rel(root, p)
		info, err := d.Info()
		require.NoError(t, err)
		typ, size := map[string]string{"d": "D", "f": "F", "l": "SL"}[kind(d.Type())], int64(0)
		if typ == "F" {
			size = info.Size()
		}
		want = append(want, fmt.Sprintf("%s %d /%s %d", typ, strings.Count(rel, "/"), rel, size))
		return nil
	}))
	sort.Strings(want)
	for _, eng := range []string{"capwasi", "wazero"} {
		out, code := runGuest(t, eng, wasm, engine.Invocation{Args: []string{"dirs", "nftw", "/t"}, Dirs: []engine.Dir{{HostPath: root, GuestPath: "/"}}})
		assert.Zero(t, code, eng)
		assert.Equal(t, want, sortedLines(out), eng)
	}
}

// TestTelldir10000 is the done-when of issue 17: a C guest, whose telldir
// keeps a position in a 32-bit long, seeks back to every entry of a
// 10,000-entry directory (in a scrambled order) and rewinds. wazero fails
// it (it can resume only from its last entries), so only capwasi runs it.
func TestTelldir10000(t *testing.T) {
	wasm := module(t, "dirs")
	root := t.TempDir()
	big := filepath.Join(root, "big")
	require.NoError(t, os.Mkdir(big, 0o755))
	for i := range 10000 {
		f, err := os.Create(filepath.Join(big, fmt.Sprintf("entry-with-a-longer-name-%05d", i)))
		require.NoError(t, err)
		require.NoError(t, f.Close())
	}
	out, code := runGuest(t, "capwasi", wasm, engine.Invocation{Args: []string{"dirs", "telldir", "/big"}, Dirs: []engine.Dir{{HostPath: root, GuestPath: "/"}}})
	assert.Zero(t, code, out)
	assert.Equal(t, "10002 entries, 10002 telldir positions kept in a 4-byte long, all revisited, rewinddir ok\n", out)
}

// fopenWant is what files fopen prints for each mode on a file holding
// initial in a writable directory: POSIX's fopen semantics (r reads, r+
// reads and writes in place, w and w+ truncate, a and a+ append, wx fails
// on an existing file, an unknown 'x' is ignored) and the rights a
// descriptor opened for reading, writing or both gets.
func fopenWant(initial string) []string {
	line := func(mode, rights string, read, readErr, writeErr, content string) string {
		return fmt.Sprintf("%s: open ok rights=%s read=%d%q %s write=%s content=%s", mode, rights, len(read), read, readErr, writeErr, content)
	}
	head := initial[:4]
	return []string{
		line("r", "r-", head, "ok", "error", initial),
		line("r+", "rw", head, "ok", "ok", head+"XY"+initial[6:]),
		line("w", "-w", "", "error", "ok", "XY"),
		line("w+", "rw", "", "ok", "ok", "XY"),
		line("a", "-w", "", "error", "ok", initial+"XY"),
		line("a+", "rw", head, "ok", "ok", initial+"XY"),
		"wx: open EEXIST",
		line("rx", "r-", head, "ok", "error", initial),
	}
}

func TestFopenModes(t *testing.T) {
	wasm := module(t, "files")
	root := t.TempDir()
	for _, d := range []string{"rw", "ro"} {
		require.NoError(t, os.Mkdir(filepath.Join(root, d), 0o755))
	}
	const initial = "0123456789"
	require.NoError(t, os.WriteFile(filepath.Join(root, "ro", "f.txt"), []byte(initial), 0o644))
	dirs := []engine.Dir{{HostPath: filepath.Join(root, "rw"), GuestPath: "/rw"}, {HostPath: filepath.Join(root, "ro"), GuestPath: "/ro", ReadOnly: true}}

	want := fopenWant(initial)
	out, code := runGuest(t, "capwasi", wasm, engine.Invocation{Args: []string{"files", "fopen", "/rw"}, Dirs: dirs})
	assert.Zero(t, code)
	assert.Equal(t, want, strings.Split(strings.TrimSuffix(out, "\n"), "\n"))

	// A read-only pre-open: the reading modes work, every mode that opens
	// for writing is refused with EPERM (wasmtime's errno), and the file
	// is unchanged.
	out, code = runGuest(t, "capwasi", wasm, engine.Invocation{Args: []string{"files", "fopen", "/ro"}, Dirs: dirs})
	assert.Zero(t, code)
	assert.Equal(t, []string{want[0], "r+: open EPERM", "w: open EPERM", "w+: open EPERM", "a: open EPERM", "a+: open EPERM", "wx: open EPERM", want[7]},
		strings.Split(strings.TrimSuffix(out, "\n"), "\n"))
	b, err := os.ReadFile(filepath.Join(root, "ro", "f.txt"))
	require.NoError(t, err)
	assert.Equal(t, initial, string(b))

	// wazero has no rights model (it reports every right): the same but
	// the rights.
	out, code = runGuest(t, "wazero", wasm, engine.Invocation{Args: []string{"files", "fopen", "/rw"}, Dirs: dirs})
	assert.Zero(t, code)
	noRights := func(lines []string) []string {
		var r []string
		for _, l := range lines {
			if i := strings.Index(l, " rights="); i >= 0 {
				l = l[:i] + l[i+len(" rights=..."):]
			}
			r = append(r, l)
		}
		return r
	}
	assert.Equal(t, noRights(want), noRights(strings.Split(strings.TrimSuffix(out, "\n"), "\n")))
}

func TestRealpath(t *testing.T) {
	wasm := module(t, "files")
	root := t.TempDir()
	tree(t, root)
	out, code := runGuest(t, "capwasi", wasm, engine.Invocation{
		Args: []string{"files", "realpath", "/t/link", "/t/sub/../a.txt", "/t/./sub/deeper/", "/t/dangling", "/t/missing"},
		Dirs: []engine.Dir{{HostPath: root, GuestPath: "/"}}})
	assert.Zero(t, code)
	if out == "realpath: not in this wasi-libc\n" {
		t.Skip("this wasi-libc has no realpath (Debian 12's, of 2022, has none)")
	}
	assert.Equal(t, "/t/link -> /t/a.txt\n/t/sub/../a.txt -> /t/a.txt\n/t/./sub/deeper/ -> /t/sub/deeper\n/t/dangling -> ENOENT\n/t/missing -> ENOENT\n", out)
}

func TestGetcwdChdir(t *testing.T) {
	wasm := module(t, "files")
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "sub", "inner.txt"), []byte("in"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "top.txt"), []byte("top"), 0o644))
	// wasi-libc keeps the working directory as a string it joins, without
	// cleaning "..": the paths below are what it must compute.
	want := "getcwd /\nchdir /c/sub ok\ngetcwd /c/sub\ninner.txt in\n../top.txt top\nchdir missing ENOENT\nchdir inner.txt ENOTDIR\nchdir .. ok\ngetcwd /c/sub/..\ntop.txt top\n"
	for _, eng := range []string{"capwasi", "wazero"} {
		out, code := runGuest(t, eng, wasm, engine.Invocation{Args: []string{"files", "cwd", "/c/sub"}, Dirs: []engine.Dir{{HostPath: root, GuestPath: "/c"}}})
		assert.Zero(t, code, eng)
		assert.Equal(t, want, out, eng)
	}
}

func TestEnviron(t *testing.T) {
	wasm := module(t, "misc")
	env := []string{"A=1", "B=two words", "EMPTY=", "UTF8=héllo"}
	for _, eng := range []string{"capwasi", "wazero"} {
		out, code := runGuest(t, eng, wasm, engine.Invocation{Args: []string{"misc", "env"}, Env: env})
		assert.Zero(t, code, eng)
		assert.Equal(t, strings.Join(env, "\n")+"\n", out, eng)
	}
}

func TestIsatty(t *testing.T) {
	wasm := module(t, "misc")
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "f"), []byte("x"), 0o644))
	// The streams are pipes here; a regular file is no terminal either.
	want := "isatty(0) 0 ENOTTY\nisatty(1) 0 ENOTTY\nisatty(2) 0 ENOTTY\nisatty(file) 0 ENOTTY\n"
	for _, eng := range []string{"capwasi", "wazero"} {
		out, code := runGuest(t, eng, wasm, engine.Invocation{Args: []string{"misc", "isatty", "/d/f"}, Dirs: []engine.Dir{{HostPath: root, GuestPath: "/d"}}, Stdin: strings.NewReader("")})
		assert.Zero(t, code, eng)
		assert.Equal(t, want, out, eng)
	}
}

func TestPoll(t *testing.T) {
	wasm := module(t, "misc")
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "f"), []byte("x"), 0o644))
	inv := func() engine.Invocation {
		return engine.Invocation{Args: []string{"misc", "poll", "/d/f"}, Dirs: []engine.Dir{{HostPath: root, GuestPath: "/d"}}, Stdin: strings.NewReader("ping\n")}
	}
	out, code := runGuest(t, "capwasi", wasm, inv())
	assert.Zero(t, code)
	assert.Equal(t, "stdin: poll 1 revents IN\nstdin: read 5\nfile: poll 1 revents IN OUT\nnothing: poll 0 after at least 30 ms: yes\n", out)
	// wazero reports a regular file ready for reading only; the rest
	// agrees.
	out, code = runGuest(t, "wazero", wasm, inv())
	assert.Zero(t, code)
	assert.Equal(t, "stdin: poll 1 revents IN\nstdin: read 5\nfile: poll 1 revents IN\nnothing: poll 0 after at least 30 ms: yes\n", out)
}

func TestClockNanosleep(t *testing.T) {
	wasm := module(t, "misc")
	out, code := runGuest(t, "capwasi", wasm, engine.Invocation{Args: []string{"misc", "sleep"}})
	assert.Zero(t, code)
	assert.Equal(t, "relative monotonic: ok, at least 20 ms: yes\nabsolute monotonic: ok, reached: yes\nabsolute realtime: ok, reached: yes\nnanosleep: ok, at least 20 ms: yes\n", out)
	// wazero refuses absolute clock subscriptions (ENOTSUP), so
	// clock_nanosleep with TIMER_ABSTIME fails there; relative sleeps
	// agree.
	out, code = runGuest(t, "wazero", wasm, engine.Invocation{Args: []string{"misc", "sleep"}})
	assert.Zero(t, code)
	assert.Equal(t, "relative monotonic: ok, at least 20 ms: yes\nabsolute monotonic: ENOTSUP, reached: no\nabsolute realtime: ENOTSUP, reached: no\nnanosleep: ok, at least 20 ms: yes\n", out)
}
