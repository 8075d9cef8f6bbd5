package conformance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing/fstest"
	"time"
)

// Case is one conformance test: a guest run in a fresh directory tree and
// what it must produce.
type Case struct {
	// Name names the case; "/" groups cases (e.g. "fd_write/bad-fd").
	Name string
	// Script, when set, is a probe script (see probe.go): the case runs the
	// wasicall guest with it and checks every step.
	Script string
	// Guest and GuestArgs, when Script is empty, name a Go guest of
	// conformance/guests and its arguments (after the program name).
	Guest     string
	GuestArgs []string
	// Funcs lists the preview1 functions the case exercises besides those
	// its script calls, for the coverage table.
	Funcs []string
	// Needs lists features the implementation must have.
	Needs []Feature
	// Tree prepares the directory pre-opened as "/" (fd 3) before the run.
	Tree func(root string) error
	// ReadOnly pre-opens that directory read-only.
	ReadOnly bool
	// More pre-opens more directories, from fd 4: each a fresh, empty
	// directory named by its guest path, read-only when ro is true.
	More []MoreDir
	// Listen pre-opens a TCP listener on 127.0.0.1 (any port) after the
	// directories: its descriptor is 4+len(More). Peer, when set, runs
	// beside the guest with the listener's address; its error fails the
	// case. A case that listens needs FeatureSockets and gets at most
	// listenTimeout to run.
	Listen bool
	Peer   func(addr string) error
	// Args are the arguments after the program name; Env the environment.
	Args, Env []string
	// Stdin is what the guest reads on fd 0. With a Script, the script
	// then travels in a file instead of on stdin.
	Stdin string
	// WantExit is the exit code the guest must end with.
	WantExit uint32
	// WantStdout, when set, must appear in the guest's stdout.
	WantStdout []string
	// Check, when set, inspects the outcome and the tree after the run.
	Check func(o Outcome, root string) error
}

// MoreDir is an extra pre-opened directory of a Case.
type MoreDir struct {
	GuestPath string
	ReadOnly  bool
	// Tree, when set, prepares the directory before the run, as Case.Tree
	// does the root (the suite's "outside" directory is beside both).
	Tree func(dir string) error
}

// Outcome is what a guest run produced, as a Case's Check sees it.
type Outcome struct {
	ExitCode uint32
	Stdout   string
	Stderr   string
}

// listenTimeout bounds a case that listens, whose guest could otherwise
// wait for a connection for ever.
const listenTimeout = 30 * time.Second

// scriptFile is where a script travels when stdin is taken; runCase removes
// it before checking the tree.
const scriptFile = ".wasicall-script"

// caseResult is the outcome of one case, step by step for probe cases.
type caseResult struct {
	skipped  string   // why the case did not run
	failures []string // what went wrong
	results  []result // probe steps' raw results, in order
}

// runCase runs c through e with impl and checks it.
func runCase(ctx context.Context, e *runner, impl Impl, c Case, tmp string) caseResult {
	for _, f := range c.Needs {
		if !impl.supports(f) {
			return caseResult{skipped: fmt.Sprintf("%s declares no %s", impl.Name, f)}
		}
	}
	var res caseResult
	fail := func(format string, a ...any) caseResult {
		res.failures = append(res.failures, fmt.Sprintf(format, a...))
		return res
	}
	root := filepath.Join(tmp, "root")
	outside := filepath.Join(tmp, "outside")
	for _, d := range []string{root, outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fail("%v", err)
		}
	}
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("outside the sandbox"), 0o600); err != nil {
		return fail("%v", err)
	}
	if c.Tree != nil {
		if err := c.Tree(root); err != nil {
			return fail("preparing the tree: %v", err)
		}
	}

	guest := c.Guest
	args := append([]string{guest}, c.GuestArgs...)
	stdin := []byte(c.Stdin)
	var steps []step
	var err error
	if c.Script != "" {
		guest = "wasicall"
		if steps, err = parseScript(c.Script); err != nil {
			return fail("script: %v", err)
		}
		var lines []string
		for _, s := range steps {
			lines = append(lines, s.call)
		}
		script := strings.Join(lines, "\n") + "\n"
		args = []string{"wasicall"}
		if c.Stdin == "" {
			stdin = []byte(script)
		} else {
			if err := os.WriteFile(filepath.Join(root, scriptFile), []byte(script), 0o644); err != nil {
				return fail("%v", err)
			}
			args = append(args, "-f", "/"+scriptFile)
		}
	}
	args = append(args, c.Args...)
	spec := Spec{Args: args, Env: c.Env, Stdin: stdin,
		Dirs: []Dir{{HostPath: root, GuestPath: "/", ReadOnly: c.ReadOnly}}}
	for i, m := range c.More {
		p := filepath.Join(tmp, fmt.Sprintf("more%d", i))
		if err := os.MkdirAll(p, 0o755); err != nil {
			return fail("%v", err)
		}
		if m.Tree != nil {
			if err := m.Tree(p); err != nil {
				return fail("preparing %s: %v", m.GuestPath, err)
			}
		}
		spec.Dirs = append(spec.Dirs, Dir{HostPath: p, GuestPath: m.GuestPath, ReadOnly: m.ReadOnly})
	}
	for i := range spec.Dirs {
		if spec.Dirs[i].FS, err = snapshotFS(spec.Dirs[i].HostPath); err != nil {
			return fail("%v", err)
		}
	}
	before, err := treeDigest(outside)
	if err != nil {
		return fail("%v", err)
	}
	var peerDone chan error
	if c.Listen {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return fail("%v", err)
		}
		defer l.Close() // the implementation may have closed it already
		spec.Listeners = []net.Listener{l}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, listenTimeout)
		defer cancel()
		if c.Peer != nil {
			peerDone = make(chan error, 1)
			go func(addr string) { peerDone <- c.Peer(addr) }(l.Addr().String())
		}
	}
	out, err := e.run(ctx, guest, impl, spec)
	if err != nil {
		return fail("run: %v", err)
	}
	if peerDone != nil {
		select {
		case err := <-peerDone:
			if err != nil {
				fail("peer: %v", err)
			}
		case <-time.After(listenTimeout):
			fail("peer: still running %v after the guest ended", listenTimeout)
		}
	}
	os.Remove(filepath.Join(root, scriptFile))

	if after, err := treeDigest(outside); err != nil || after != before {
		fail("the tree outside the pre-opened directory changed (%v)", err)
	}
	if steps != nil {
		res.results, err = checkSteps(steps, out.stdout, &res.failures)
		if err != nil {
			fail("%v", err)
		}
	}
	if out.exitCode != c.WantExit {
		fail("exit code %d, want %d; stderr: %s", out.exitCode, c.WantExit, clip(out.stderr))
	}
	for _, w := range c.WantStdout {
		if !strings.Contains(out.stdout, w) {
			fail("stdout lacks %q; stdout: %s", w, clip(out.stdout))
		}
	}
	if c.Check != nil {
		if err := c.Check(Outcome{ExitCode: out.exitCode, Stdout: out.stdout, Stderr: out.stderr}, root); err != nil {
			fail("%v", err)
		}
	}
	return res
}

// checkSteps matches the probe's output lines to the steps.
func checkSteps(steps []step, stdout string, failures *[]string) ([]result, error) {
	var lines []string
	for _, l := range strings.Split(stdout, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	var results []result
	for i, s := range steps {
		if i >= len(lines) {
			*failures = append(*failures, fmt.Sprintf("line %d: %s: no result (the probe stopped after %d calls)", s.line, s.text, len(lines)))
			continue
		}
		r, err := parseResult(lines[i])
		if err != nil {
			return results, err
		}
		results = append(results, r)
		if k := r.dependsOn; k > 0 && k <= len(steps) && r.fn == s.fn {
			// Not run: an earlier call failed to set a variable it uses,
			// and that line's own failure says why.
			*failures = append(*failures, fmt.Sprintf("line %d: %s: skipped: depends on line %d", s.line, s.text, steps[k-1].line))
			continue
		}
		if why := s.verify(r); why != "" {
			*failures = append(*failures, fmt.Sprintf("line %d: %s: %s", s.line, s.text, why))
		}
	}
	return results, nil
}

// snapshotFS copies the tree beneath root into memory, as Dir.FS hands it
// to an implementation: directories, regular files and symbolic links, with
// their modes and modification times; other types are left out.
func snapshotFS(root string) (fs.FS, error) {
	m := fstest.MapFS{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		f := &fstest.MapFile{Mode: info.Mode(), ModTime: info.ModTime()}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			f.Data = []byte(target)
		case info.Mode().IsRegular():
			if f.Data, err = os.ReadFile(p); err != nil {
				return err
			}
		case !info.IsDir():
			return nil
		}
		m[filepath.ToSlash(rel)] = f
		return nil
	})
	return m, err
}

// treeDigest hashes a directory tree: names, types, modes, sizes, contents
// and link targets.
func treeDigest(root string) (string, error) {
	h := sha256.New()
	var entries []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		e := fmt.Sprintf("%s %v %d", rel, info.Mode(), info.Size())
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			t, _ := os.Readlink(p)
			e += " -> " + t
		case info.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			e += " " + hex.EncodeToString(sum[:])
		}
		entries = append(entries, e)
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	sort.Strings(entries)
	for _, e := range entries {
		h.Write([]byte(e + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func clip(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "..."
	}
	return s
}
