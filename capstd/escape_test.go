//go:build linux || darwin || freebsd

package capstd

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// plantAttackTree fills the root with the symbolic links the attacks use.
// The returned host file (outside, opened by the test process) is the
// target of the /proc/self/fd links.
func (s *sandbox) plantAttackTree() {
	s.t.Helper()
	s.dir("a/b/c")
	s.file("file", "inside")
	s.file("a/file", "inside a")
	require.NoError(s.t, os.Symlink("secret", filepath.Join(s.outside, "innerlink")))

	outFd, err := os.Open(s.outside)
	require.NoError(s.t, err)
	s.t.Cleanup(func() { outFd.Close() })
	procFd := "/proc/self/fd/" + strconv.Itoa(int(outFd.Fd()))
	up := strings.Repeat("../", 40)

	for target, name := range map[string]string{
		"../outside":                        "lnOut",
		"../outside/secret":                 "lnOutSecret",
		s.outside:                           "lnAbs",
		filepath.Join(s.outside, "secret"):  "lnAbsSecret",
		"../../outside/secret":              "a/lnUp",
		"../../../outside":                  "a/b/lnUpDir",
		"chain2":                            "chain1",
		"chain3":                            "chain2",
		"a/lnUp":                            "chain3",
		"loop2":                             "loop1",
		"loop1":                             "loop2",
		"self":                              "self",
		"/proc/self/root":                   "lnProcRoot",
		up + "proc/self/root":               "lnProcRootRel",
		procFd:                              "lnProcFd",
		up[3:] + procFd[1:]:                 "lnProcFdRel",
		"../outside/newfile":                "lnDangOut",
		filepath.Join(s.outside, "newfile"): "lnDangAbs",
		"../outside/":                       "lnTrailOut",
		"../outside/dir/":                   "lnTrailOutDir",
		"a/":                                "lnTrailIn",
		"..":                                "lnDotDot",
		"../..":                             "a/lnDotDot2",
		"../":                               "lnDotDotSlash",
	} {
		s.link(target, name)
	}
}

// attack is one attempt to reach outside the root.
type attack struct {
	name string
	op   func(s *sandbox) error
	want error // ErrEscape, an errno, or nil for operations that act inside
}

func openOp(path string, flags OpenFlag) func(*sandbox) error {
	return func(s *sandbox) error {
		f, err := s.d.OpenFile(path, flags, 0o644)
		if f != nil {
			f.Close()
		}
		return err
	}
}

func openDirOp(path string, follow bool) func(*sandbox) error {
	return func(s *sandbox) error {
		d, err := s.d.OpenDir(path, follow)
		if d != nil {
			d.Close()
		}
		return err
	}
}

func statOp(path string, follow bool) func(*sandbox) error {
	return func(s *sandbox) error { _, err := s.d.Stat(path, follow); return err }
}

var attackTime = Timespec{Sec: 1_000_000_000, Nsec: 123456789}

func setTimesOp(path string, follow bool) func(*sandbox) error {
	return func(s *sandbox) error { return s.d.SetTimes(path, attackTime, attackTime, follow) }
}

func readlinkOp(path string) func(*sandbox) error {
	return func(s *sandbox) error { _, err := s.d.ReadlinkString(path); return err }
}

func mkdirOp(path string) func(*sandbox) error {
	return func(s *sandbox) error { return s.d.Mkdir(path, 0o755) }
}

func rmdirOp(path string) func(*sandbox) error {
	return func(s *sandbox) error { return s.d.RemoveDir(path) }
}

func unlinkOp(path string) func(*sandbox) error {
	return func(s *sandbox) error { return s.d.RemoveFile(path) }
}

func renameOp(oldPath, newPath string) func(*sandbox) error {
	return func(s *sandbox) error { return s.d.Rename(oldPath, nil, newPath) }
}

func linkOp(oldPath, newPath string, follow bool) func(*sandbox) error {
	return func(s *sandbox) error { return s.d.Link(oldPath, nil, newPath, follow) }
}

func symlinkOp(target, linkPath string) func(*sandbox) error {
	return func(s *sandbox) error { return s.d.Symlink(target, linkPath) }
}

// abs returns a path operation on the host path of outside/rel, which
// the attack passes as an absolute path.
func absOp(rel string, op func(string) func(*sandbox) error) func(*sandbox) error {
	return func(s *sandbox) error { return op(filepath.Join(s.outside, rel))(s) }
}

var (
	rw     = OWrite | OCreate
	long   = strings.Repeat("a/", 3000)
	deep   = strings.Repeat("d/", 300)
	climb  = strings.Repeat("../", 301) + "outside/secret"
	upPath = strings.Repeat("../", 1300) + "outside/secret"
)

var attacks = []attack{
	// ".." at every depth.
	{"dotdot", openOp("../outside/secret", ORead), ErrEscape},
	{"dotdot-bare", openOp("..", ORead), ErrEscape},
	{"dotdot-slash", openOp("../", ORead), ErrEscape},
	{"dotdot-depth1", openOp("a/../../outside/secret", ORead), ErrEscape},
	{"dotdot-depth3", openOp("a/b/c/../../../../outside/secret", ORead), ErrEscape},
	{"dotdot-depth3-bare", openOp("a/b/c/../../../..", ORead), ErrEscape},
	{"dotdot-dots", openOp("./a/./../.././outside/secret", ORead), ErrEscape},
	{"dotdot-trailing", openOp("a/b/../../../", ORead|ODirectory), ErrEscape},
	{"dotdot-and-back", openOp("../root/file", ORead), ErrEscape},
	{"dotdot-many", openOp(upPath, ORead), ErrEscape},
	// Absolute paths.
	{"absolute-secret", absOp("secret", func(p string) func(*sandbox) error { return openOp(p, ORead) }), ErrEscape},
	{"absolute-etc", openOp("/etc/passwd", ORead), ErrEscape},
	{"absolute-root", openOp("/", ORead), ErrEscape},
	{"absolute-double-slash", openOp("//etc", ORead), ErrEscape},
	// Symbolic links out, last and intermediate, relative and absolute.
	{"symlink-rel-last", openOp("lnOutSecret", ORead), ErrEscape},
	{"symlink-rel-mid", openOp("lnOut/secret", ORead), ErrEscape},
	{"symlink-rel-mid-and-back", openOp("lnOut/../root/file", ORead), ErrEscape},
	{"symlink-abs-last", openOp("lnAbsSecret", ORead), ErrEscape},
	{"symlink-abs-mid", openOp("lnAbs/secret", ORead), ErrEscape},
	{"symlink-up-nested", openOp("a/lnUp", ORead), ErrEscape},
	{"symlink-up-nested-mid", openOp("a/b/lnUpDir/secret", ORead), ErrEscape},
	{"symlink-dotdot", openOp("lnDotDot/outside/secret", ORead), ErrEscape},
	{"symlink-dotdot2", openOp("a/lnDotDot2/outside/secret", ORead), ErrEscape},
	{"symlink-dotdot-slash", openOp("lnDotDotSlash", ORead), ErrEscape},
	// Chains and loops.
	{"chain", openOp("chain1", ORead), ErrEscape},
	{"chain-append", openOp("chain1", OWrite|OAppend), ErrEscape},
	{"loop", openOp("loop1", ORead), syscall.ELOOP},
	{"loop-self", openOp("self", ORead), syscall.ELOOP},
	{"loop-mid", openOp("loop1/x", ORead), syscall.ELOOP},
	// /proc magic links.
	{"proc-root", openOp("lnProcRoot/etc/passwd", ORead), ErrEscape},
	{"proc-root-rel", openOp("lnProcRootRel/etc/passwd", ORead), ErrEscape},
	{"proc-fd", openOp("lnProcFd/secret", ORead), ErrEscape},
	{"proc-fd-rel", openOp("lnProcFdRel/secret", ORead), ErrEscape},
	// Creating and truncating through links.
	{"creat-excl-dangling-out", openOp("lnDangOut", rw|OExcl), syscall.EEXIST},
	{"creat-dangling-out", openOp("lnDangOut", rw), ErrEscape},
	{"creat-dangling-abs", openOp("lnDangAbs", rw), ErrEscape},
	{"creat-through-dir", openOp("lnOut/newfile", rw), ErrEscape},
	{"trunc-link", openOp("lnOutSecret", OWrite|OTrunc), ErrEscape},
	{"trunc-link-nofollow", openOp("lnOutSecret", OWrite|OTrunc|ONoFollow), syscall.ELOOP},
	{"trunc-through-dir", openOp("lnOut/secret", OWrite|OTrunc), ErrEscape},
	// Trailing slashes in link targets and paths (2026 cap-std advisory).
	{"trailing-target-nofollow", openOp("lnTrailOut", ORead|ONoFollow), syscall.ELOOP},
	{"trailing-target-nofollow-dir", openOp("lnTrailOut", ORead|ONoFollow|ODirectory), syscall.ENOTDIR},
	{"trailing-target-follow", openOp("lnTrailOutDir", ORead), ErrEscape},
	{"trailing-target-nofollow2", openOp("lnTrailOutDir", ORead|ONoFollow), syscall.ELOOP},
	{"trailing-path-nofollow", openOp("lnTrailOut/", ORead|ONoFollow), ErrEscape},
	{"trailing-inside-nofollow", openOp("lnTrailIn", ORead|ONoFollow), syscall.ELOOP},
	{"trailing-creat", openOp("lnTrailOut/", rw), syscall.EISDIR},
	// Opening directories.
	{"opendir-link", openDirOp("lnOut", true), ErrEscape},
	{"opendir-link-nofollow", openDirOp("lnOut", false), syscall.ENOTDIR},
	{"opendir-dotdot", openDirOp("..", true), ErrEscape},
	{"opendir-trailing", openDirOp("lnTrailOut/", false), ErrEscape},
	// stat.
	{"stat-follow", statOp("lnOutSecret", true), ErrEscape},
	{"stat-nofollow-is-inside", statOp("lnOutSecret", false), nil},
	{"stat-mid", statOp("lnOut/secret", false), ErrEscape},
	{"stat-dotdot", statOp("..", false), ErrEscape},
	{"stat-dotdot-name", statOp("../outside", false), ErrEscape},
	{"stat-trailing", statOp("lnAbs/", false), ErrEscape},
	{"stat-trailing-target", statOp("lnTrailOut", true), ErrEscape},
	{"stat-chain", statOp("chain1", true), ErrEscape},
	{"stat-loop", statOp("loop1", true), syscall.ELOOP},
	{"stat-absolute", absOp("secret", func(p string) func(*sandbox) error { return statOp(p, false) }), ErrEscape},
	// Set times.
	{"utimes-follow", setTimesOp("lnOutSecret", true), ErrEscape},
	{"utimes-mid", setTimesOp("lnOut/secret", false), ErrEscape},
	{"utimes-dotdot", setTimesOp("..", false), ErrEscape},
	{"utimes-trailing", setTimesOp("lnAbs/", false), ErrEscape},
	{"utimes-chain", setTimesOp("chain1", true), ErrEscape},
	{"utimes-nofollow-is-inside", setTimesOp("lnOutSecret", false), nil},
	// readlink.
	{"readlink-mid", readlinkOp("lnOut/innerlink"), ErrEscape},
	{"readlink-dotdot", readlinkOp("../outside/innerlink"), ErrEscape},
	{"readlink-trailing", readlinkOp("lnTrailOut/"), ErrEscape},
	// mkdir.
	{"mkdir-mid", mkdirOp("lnOut/newdir"), ErrEscape},
	{"mkdir-dotdot", mkdirOp("../newdir"), ErrEscape},
	{"mkdir-dangling-link", mkdirOp("lnDangOut"), syscall.EEXIST},
	{"mkdir-dangling-link-slash", mkdirOp("lnDangOut/"), syscall.EEXIST},
	{"mkdir-abs-mid", mkdirOp("lnAbs/newdir"), ErrEscape},
	{"mkdir-bare-dotdot", mkdirOp(".."), ErrEscape},
	// rmdir.
	{"rmdir-mid", rmdirOp("lnOut/dir"), ErrEscape},
	{"rmdir-dotdot", rmdirOp(".."), ErrEscape},
	{"rmdir-dotdot-name", rmdirOp("../outside/dir"), ErrEscape},
	{"rmdir-link", rmdirOp("lnOut"), syscall.ENOTDIR},
	{"rmdir-trailing", rmdirOp("lnTrailOutDir/"), syscall.ENOTDIR},
	// unlink.
	{"unlink-mid", unlinkOp("lnOut/secret"), ErrEscape},
	{"unlink-dotdot", unlinkOp("../outside/secret"), ErrEscape},
	{"unlink-link-itself", unlinkOp("lnOutSecret"), nil},
	{"unlink-trailing", unlinkOp("lnTrailOut/"), syscall.ENOTDIR},
	{"unlink-abs-mid", unlinkOp("lnAbs/secret"), ErrEscape},
	// rename.
	{"rename-from-mid", renameOp("lnOut/secret", "stolen"), ErrEscape},
	{"rename-to-mid", renameOp("file", "lnOut/planted"), ErrEscape},
	{"rename-to-dotdot", renameOp("file", "../outside/planted"), ErrEscape},
	{"rename-from-dotdot", renameOp("../outside/secret", "stolen"), ErrEscape},
	{"rename-over-secret", renameOp("file", "lnOut/secret"), ErrEscape},
	{"rename-link-itself", renameOp("lnOutSecret", "moved"), nil},
	{"rename-dir-out", renameOp("a", "lnAbs/a"), ErrEscape},
	{"rename-trailing", renameOp("a", "lnTrailOut/"), syscall.ENOTDIR},
	// link.
	{"link-from-mid", linkOp("lnOut/secret", "hl", false), ErrEscape},
	{"link-follow", linkOp("lnOutSecret", "hl", true), ErrEscape},
	{"link-to-mid", linkOp("file", "lnOut/hl", false), ErrEscape},
	{"link-from-dotdot", linkOp("../outside/secret", "hl", false), ErrEscape},
	{"link-link-itself", linkOp("lnOutSecret", "hl", false), nil},
	{"link-trailing", linkOp("lnTrailOut/", "hl", false), ErrEscape},
	// symlink.
	{"symlink-abs-target", symlinkOp("/etc/passwd", "x"), ErrEscape},
	{"symlink-abs-target-outside", absOp("secret", func(p string) func(*sandbox) error { return symlinkOp(p, "x") }), ErrEscape},
	{"symlink-linkpath-mid", symlinkOp("secret", "lnOut/x"), ErrEscape},
	{"symlink-linkpath-dotdot", symlinkOp("x", "../x"), ErrEscape},
	{"symlink-rel-out-then-open", func(s *sandbox) error {
		require.NoError(s.t, s.d.Symlink("../outside/secret", "rel"))
		return openOp("rel", ORead|OWrite|OTrunc)(s)
	}, ErrEscape},
	// Bad input.
	{"empty-open", openOp("", ORead), syscall.ENOENT},
	{"empty-stat", statOp("", false), syscall.ENOENT},
	{"empty-mkdir", mkdirOp(""), syscall.ENOENT},
	{"empty-rename", renameOp("", "x"), syscall.ENOENT},
	{"empty-symlink-target", symlinkOp("", "x"), syscall.ENOENT},
	{"nul-open", openOp("a\x00/../../outside/secret", ORead), syscall.EINVAL},
	{"nul-unlink", unlinkOp("file\x00"), syscall.EINVAL},
	{"nul-symlink-target", symlinkOp("x\x00/../../etc", "y"), syscall.EINVAL},
	{"long-path", openOp(long, ORead), syscall.ENAMETOOLONG},
	{"long-name", openOp(strings.Repeat("x", 300), rw), syscall.ENAMETOOLONG},
	{"long-symlink-target", symlinkOp(strings.Repeat("y", 5000), "x"), syscall.ENAMETOOLONG},
	{"deep-tree-climb", func(s *sandbox) error {
		s.dir(deep)
		s.file(deep+"leaf", "deep")
		f, err := s.d.OpenFile(deep+"leaf", ORead, 0)
		require.NoError(s.t, err)
		f.Close()
		return openOp(deep+climb, ORead)(s)
	}, ErrEscape},
	{"deep-symlink-climb", func(s *sandbox) error {
		s.dir(deep)
		s.link(strings.Repeat("../", 301)+"outside", deep+"up")
		return openOp(deep+"up/secret", ORead)(s)
	}, ErrEscape},
}

func TestEscapes(t *testing.T) {
	require.GreaterOrEqual(t, len(attacks), 40)
	runAttacks(t, attacks, (*sandbox).plantAttackTree)
}

// runAttacks runs each attack on a fresh sandbox (in memory where it can:
// see memTempDir) whose Dir is opened with opts and whose tree plant
// fills, and checks its error and that nothing outside the root changed.
func runAttacks(t *testing.T, attacks []attack, plant func(*sandbox), opts ...Option) {
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			t.Parallel()
			s := newSandboxIn(t, memTempDir(t), opts...)
			plant(s)
			before := s.snapshot()
			err := a.op(s)
			requireErr(t, err, a.want)
			if err != nil {
				var pe *PathError
				var le *LinkError
				require.True(t, errors.As(err, &pe) || errors.As(err, &le), "error %T is not a PathError or LinkError", err)
				require.NotContains(t, err.Error(), s.root, "error reveals the host path")
			}
			require.Equal(t, before, s.snapshot(), "the tree outside the root changed")
			data, rerr := os.ReadFile(filepath.Join(s.outside, "secret"))
			require.NoError(t, rerr)
			require.Equal(t, secretData, string(data))
		})
	}
}

// TestEscapeProcMagicLinks opens a Dir on /proc/self, whose entries are
// magic links, and checks that none of them leads anywhere.
func TestEscapeProcMagicLinks(t *testing.T) {
	if _, err := os.Stat("/proc/self/root"); err != nil {
		t.Skip("no /proc")
	}
	d := openTestDir(t, "/proc/self")
	held, err := os.Open(t.TempDir())
	require.NoError(t, err)
	defer held.Close()
	fd := "fd/" + strconv.Itoa(int(held.Fd()))
	for _, p := range []string{"root/etc/passwd", "root", "cwd", "cwd/x", "exe", fd, fd + "/x", fd + "/", "root/"} {
		f, err := d.OpenFile(p, ORead, 0)
		if f != nil {
			f.Close()
		}
		require.ErrorIs(t, err, ErrEscape, p)
		_, err = d.Stat(p, true)
		require.ErrorIs(t, err, ErrEscape, p)
	}
	// Without following, the magic link itself is described, not entered.
	st, err := d.Stat("root", false)
	require.NoError(t, err)
	require.Equal(t, TypeSymlink, st.Type)

	// With root semantics a magic link is read as an ordinary link: its
	// text, when absolute ("/", the working directory, the file's path),
	// names a path beneath the Dir. Nothing is found there but the Dir
	// itself ("root" reads "/").
	rooted := openTestDir(t, "/proc/self", WithRootSemantics())
	self, err := rooted.Fstat()
	require.NoError(t, err)
	for _, p := range []string{"root/etc/passwd", "root", "cwd", "cwd/x", "exe", fd, fd + "/x", fd + "/", "root/"} {
		f, err := rooted.OpenFile(p, ORead, 0)
		if err == nil {
			st, err := f.Stat()
			f.Close()
			require.NoError(t, err)
			require.Equal(t, [2]uint64{self.Dev, self.Ino}, [2]uint64{st.Dev, st.Ino}, p)
			continue
		}
		require.True(t, errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ENOTDIR), "%s: %v", p, err)
	}
}

// TestEscapeSubDir checks that a Dir opened beneath another is confined to
// its own subtree.
func TestEscapeSubDir(t *testing.T) {
	s := newSandbox(t)
	s.file("top", "top")
	s.file("a/in", "in")
	s.link("../top", "a/up")
	sub, err := s.d.OpenDir("a", true)
	require.NoError(t, err)
	defer sub.Close()
	for _, p := range []string{"../top", "up", "..", "../a/in"} {
		_, err := sub.Stat(p, true)
		require.ErrorIs(t, err, ErrEscape, p)
	}
	_, err = sub.Stat("in", true)
	require.NoError(t, err)

	f, err := s.d.OpenFile("a", ORead, 0)
	require.NoError(t, err)
	fromFile, err := NewDirFromFile(f)
	require.NoError(t, err)
	defer fromFile.Close()
	_, err = fromFile.Stat("../top", true)
	require.ErrorIs(t, err, ErrEscape)
}
