//go:build linux || darwin || freebsd

package capstd

import (
	"io"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// The attacks on a Dir with root semantics: absolute symbolic link targets
// are followed from the Dir, never from the host's root.

// mirror returns where, inside the root, the host path of outside/rel
// lies: an absolute link to the real file must land there.
func (s *sandbox) mirror(rel string) string {
	return path.Join(strings.TrimPrefix(filepath.ToSlash(s.outside), "/"), rel)
}

// plantRootTree plants the attack tree, a mirror of the outside tree at
// its host path inside the root, an "outside" directory at the top of the
// root (what "/../outside" means there), and absolute links.
func (s *sandbox) plantRootTree() {
	s.t.Helper()
	s.plantAttackTree()
	s.file(s.mirror("secret"), "mirror")
	s.file(s.mirror("sub/secret2"), "mirror2")
	s.dir(s.mirror("dir"))
	s.file("outside/secret", "top mirror")
	for target, name := range map[string]string{
		"/file":                      "absIn",
		"/a/b":                       "absDir",
		"/":                          "absRoot",
		"/..":                        "absUp",
		"/../../../outside/secret":   "absUpSecret",
		"/absChain2":                 "absChain1",
		"/a/../absChain3":            "absChain2",
		"/a/b/../../file":            "absChain3",
		"/absLoop":                   "absLoop",
		"/a/b/lnUpDir/secret":        "absThenRelUp",
		"/lnOut/secret":              "absThenRelOut",
		"/a/":                        "absTrail",
		"//a//b//":                   "absSlashes",
		"/nowhere/new":               "absDang",
		"/" + s.mirror("newfile"):    "absDangMirror",
		"/proc/self/root/etc/passwd": "absProc",
		"../../absIn":                "a/relUpAbs",
		"//file":                     "a/absIn2",
		"/" + strings.Repeat("../", 1000) + "outside/secret": "absDeepUp",
	} {
		s.link(target, name)
	}
}

// readOp reads path beneath the Dir and fails the test unless it holds
// want.
func readOp(path, want string) func(*sandbox) error {
	return func(s *sandbox) error {
		f, err := s.d.OpenFile(path, ORead, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		data, err := io.ReadAll(f)
		require.NoError(s.t, err)
		require.Equal(s.t, want, string(data), "read %s", path)
		return nil
	}
}

// sameOp stats path beneath the Dir and fails the test unless it is the
// file rel of the root.
func sameOp(path string, follow bool, rel string) func(*sandbox) error {
	return func(s *sandbox) error {
		st, err := s.d.Stat(path, follow)
		if err != nil {
			return err
		}
		require.Equal(s.t, ino(s.t, s.host(rel)), [2]uint64{st.Dev, st.Ino}, "stat %s", path)
		return nil
	}
}

// thenOp runs op and, if it succeeds, check.
func thenOp(op func(*sandbox) error, check func(*sandbox)) func(*sandbox) error {
	return func(s *sandbox) error {
		err := op(s)
		if err == nil {
			check(s)
		}
		return err
	}
}

// rootChanges are the attacks of the attack table whose answer differs
// beneath a Dir with root semantics: their absolute links lead to the
// mirror of the outside tree, or to nothing, inside the root.
var rootChanges = map[string]error{
	"symlink-abs-last":           nil,
	"symlink-abs-mid":            nil,
	"creat-dangling-abs":         nil,
	"proc-root":                  syscall.ENOENT,
	"proc-fd":                    syscall.ENOENT,
	"stat-trailing":              nil,
	"utimes-trailing":            nil,
	"mkdir-abs-mid":              nil,
	"unlink-abs-mid":             nil,
	"rename-dir-out":             nil,
	"symlink-abs-target":         nil,
	"symlink-abs-target-outside": nil,
}

// rootAttacks are the attacks only a Dir with root semantics meets.
var rootAttacks = []attack{
	// Absolute targets land inside, on the mirror when they name the
	// outside tree.
	{"root-abs-in", readOp("absIn", "inside"), nil},
	{"root-abs-dir", readOp("absDir/../file", "inside a"), nil},
	{"root-abs-root", readOp("absRoot/file", "inside"), nil},
	{"root-abs-host-path", readOp("lnAbsSecret", "mirror"), nil},
	{"root-abs-host-path-mid", readOp("lnAbs/sub/secret2", "mirror2"), nil},
	{"root-abs-trailing", openOp("absTrail", ORead|ODirectory), nil},
	{"root-abs-slashes", sameOp("absSlashes", true, "a/b"), nil},
	{"root-abs-nofollow", openOp("absIn", ORead|ONoFollow), syscall.ELOOP},
	{"root-abs-stat-nofollow", func(s *sandbox) error {
		st, err := s.d.Stat("absIn", false)
		require.Equal(s.t, TypeSymlink, st.Type)
		return err
	}, nil},
	{"root-abs-proc", openOp("absProc", ORead), syscall.ENOENT},
	// Chains and loops of absolute links.
	{"root-abs-chain", readOp("absChain1", "inside"), nil},
	{"root-abs-chain-mid", readOp("absChain1/../file", "inside"), syscall.ENOTDIR},
	{"root-abs-loop", openOp("absLoop", ORead), syscall.ELOOP},
	{"root-abs-loop-mid", openOp("absLoop/x", ORead), syscall.ELOOP},
	// ".." above the root after an absolute link stays at the root.
	{"root-abs-up", readOp("absUp/file", "inside"), nil},
	{"root-abs-root-dotdot", readOp("absRoot/../../file", "inside"), nil},
	{"root-abs-up-secret", readOp("absUpSecret", "top mirror"), nil},
	{"root-abs-deep-up", readOp("absDeepUp", "top mirror"), nil},
	{"root-abs-then-rel-up", readOp("absThenRelUp", "top mirror"), nil},
	{"root-abs-then-rel-out", readOp("absThenRelOut", "top mirror"), nil},
	{"root-abs-then-dotdot-final", sameOp("absRoot/..", true, "."), nil},
	{"root-abs-then-path-dotdot", readOp("absDir/../../../../outside/secret", "top mirror"), nil},
	// ".." above the root before any absolute link is still an escape.
	{"root-dotdot", openOp("../outside/secret", ORead), ErrEscape},
	{"root-dotdot-before-abs", openOp("../absIn", ORead), ErrEscape},
	{"root-rel-out", openOp("lnOut/secret", ORead), ErrEscape},
	{"root-rel-up-then-abs", openOp("a/relUpAbs", ORead), ErrEscape},
	{"root-abs-path", openOp("/file", ORead), ErrEscape},
	{"root-stat-dotdot", statOp("..", true), ErrEscape},
	// Creating, truncating and changing through absolute links acts inside.
	{"root-creat-abs-dangling", thenOp(openOp("absDangMirror", rw), func(s *sandbox) {
		require.FileExists(s.t, s.host(s.mirror("newfile")))
	}), nil},
	{"root-creat-abs-missing-dir", openOp("absDang", rw), syscall.ENOENT},
	{"root-creat-excl-abs", openOp("absIn", rw|OExcl), syscall.EEXIST},
	{"root-trunc-abs", thenOp(openOp("lnAbsSecret", OWrite|OTrunc), func(s *sandbox) {
		require.Equal(s.t, "", readAll(s.t.(*testing.T), s.d, s.mirror("secret")))
	}), nil},
	{"root-mkdir-through-abs", thenOp(mkdirOp("lnAbs/newdir"), func(s *sandbox) {
		require.DirExists(s.t, s.host(s.mirror("newdir")))
	}), nil},
	{"root-unlink-through-abs", thenOp(unlinkOp("lnAbs/secret"), func(s *sandbox) {
		require.NoFileExists(s.t, s.host(s.mirror("secret")))
	}), nil},
	{"root-rmdir-through-abs", rmdirOp("lnAbs/dir"), nil},
	{"root-rename-through-abs", thenOp(renameOp("file", "lnAbs/planted"), func(s *sandbox) {
		require.FileExists(s.t, s.host(s.mirror("planted")))
	}), nil},
	{"root-link-follow-abs", thenOp(linkOp("lnAbsSecret", "hl", true), func(s *sandbox) {
		require.Equal(s.t, "mirror", readAll(s.t.(*testing.T), s.d, "hl"))
	}), nil},
	{"root-link-through-abs", linkOp("lnAbs/secret", "absDir/hl", false), nil},
	{"root-stat-follow-abs", func(s *sandbox) error { return sameOp("lnAbsSecret", true, s.mirror("secret"))(s) }, nil},
	{"root-utimes-follow-abs", thenOp(setTimesOp("lnAbsSecret", true), func(s *sandbox) {
		st, err := s.d.Stat(s.mirror("secret"), false)
		require.NoError(s.t, err)
		require.Equal(s.t, attackTime, st.Mtime)
	}), nil},
	{"root-readlink-through-abs", readlinkOp("absRoot/lnOut"), nil},
	// Absolute targets may be created, and are followed inside.
	{"root-symlink-abs", thenOp(symlinkOp("/file", "new"), func(s *sandbox) {
		require.NoError(s.t, readOp("new", "inside")(s))
	}), nil},
	{"root-symlink-abs-host", func(s *sandbox) error {
		require.NoError(s.t, s.d.Symlink(filepath.Join(s.outside, "secret"), "new"))
		return readOp("new", "mirror")(s)
	}, nil},
	{"root-symlink-abs-up", thenOp(symlinkOp("/../../..", "new"), func(s *sandbox) {
		require.NoError(s.t, readOp("new/file", "inside")(s))
	}), nil},
	{"root-symlink-abs-nul", symlinkOp("/x\x00", "new"), syscall.EINVAL},
	{"root-symlink-abs-long", symlinkOp("/"+strings.Repeat("y", 5000), "new"), syscall.ENAMETOOLONG},
	// A Dir beneath a Dir with root semantics does not have them.
	{"root-subdir-refuses-abs", func(s *sandbox) error {
		require.NoError(s.t, readOp("a/absIn2", "inside")(s))
		sub, err := s.d.OpenDir("a", true)
		require.NoError(s.t, err)
		defer sub.Close()
		require.False(s.t, sub.HasRootSemantics())
		_, err = sub.Stat("absIn2", true)
		require.ErrorIs(s.t, err, ErrEscape)
		require.ErrorIs(s.t, sub.Symlink("/file", "x"), ErrEscape)
		f, err := s.d.OpenFile("a", ORead, 0)
		require.NoError(s.t, err)
		fromFile, err := NewDirFromFile(f)
		require.NoError(s.t, err)
		defer fromFile.Close()
		require.False(s.t, fromFile.HasRootSemantics())
		_, err = fromFile.OpenFile("absIn2", ORead, 0)
		return err
	}, ErrEscape},
	{"root-clone-keeps", func(s *sandbox) error {
		c, err := s.d.Clone()
		require.NoError(s.t, err)
		defer c.Close()
		require.True(s.t, c.HasRootSemantics())
		_, err = c.Stat("absIn", true)
		return err
	}, nil},
}

// TestEscapesRootSemantics runs the attack table, and the attacks of
// absolute links, on Dirs with root semantics: nothing outside the root
// is reached, and absolute links land where a chroot would put them.
func TestEscapesRootSemantics(t *testing.T) {
	var all []attack
	for _, a := range attacks {
		if want, ok := rootChanges[a.name]; ok {
			a.want = want
		}
		all = append(all, a)
	}
	for name := range rootChanges {
		require.True(t, slices.ContainsFunc(attacks, func(a attack) bool { return a.name == name }), name)
	}
	runAttacks(t, append(all, rootAttacks...), (*sandbox).plantRootTree, WithRootSemantics())
}
