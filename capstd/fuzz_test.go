//go:build linux || darwin || freebsd

package capstd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// A pure-Go model of path resolution beneath a directory, the way the
// kernel does it under RESOLVE_BENEATH, and with root semantics (absolute
// link targets restart at the root, where ".." then stays, as under
// RESOLVE_IN_ROOT): the reference FuzzResolve checks both resolvers
// against.

// mnode is a file in the model tree.
type mnode struct {
	typ    FileType
	target string            // symbolic links
	kids   map[string]*mnode // directories
	parent *mnode
	host   string // host path, to compare inodes
}

// model is a tree of mnodes rooted at the Dir under test.
type model struct{ root *mnode }

// modelTree describes the fuzzing tree: a path ending in "/" is a
// directory, "name -> target" a symbolic link, anything else a file.
var modelTree = []string{
	"a/", "a/b/", "a/b/f", "a/f", "a/up -> ..", "a/upup -> ../..", "a/sib -> ../c", "a/abs -> /etc",
	"c/", "c/g", "f", "e/", "in -> a/b", "inf -> a/b/f", "insl -> a/", "fsl -> f/",
	"out -> ../outside", "outf -> ../outside/secret", "ch1 -> ch2", "ch2 -> ch3", "ch3 -> in/f",
	"lp1 -> lp2", "lp2 -> lp1", "self -> self", "dang -> nowhere", "dd -> ..", "dot -> .",
	"deepdot -> a/b/../../a/./b",
	// Absolute targets: escapes, or with root semantics links within.
	"absf -> /f", "absb -> /a/b", "absroot -> /", "absup -> /..", "absupf -> /../../f",
	"a/absdd -> /a/../..", "absdang -> /nowhere", "abschain -> /ch1", "absloop -> /absloop",
	"abstrail -> /a/", "absslash -> //a//b/", "absabs -> /absb", "a/b/absin -> /in/../a/up/absf",
	"c/relabs -> ../absb/../..", "c/absrel -> /c/relabs/up",
}

// buildModel creates the tree under root on disk and returns its model.
func buildModel(t testing.TB, root string) *model {
	m := &model{root: &mnode{typ: TypeDir, kids: map[string]*mnode{}, host: root}}
	entries := append([]string(nil), modelTree...)
	// A chain k00 -> k01 -> ... -> k40 -> f: 41 expansions from k00.
	for i := range maxSymlinks + 1 {
		target := fmt.Sprintf("k%02d", i+1)
		if i == maxSymlinks {
			target = "f"
		}
		entries = append(entries, fmt.Sprintf("k%02d -> %s", i, target))
	}
	for _, e := range entries {
		n := &mnode{typ: TypeRegular}
		name, target, isLink := strings.Cut(e, " -> ")
		switch {
		case isLink:
			n.typ, n.target = TypeSymlink, target
		case strings.HasSuffix(name, "/"):
			n.typ, n.kids = TypeDir, map[string]*mnode{}
			name = strings.TrimSuffix(name, "/")
		}
		dir, base := filepath.Split(name)
		parent := m.root
		for _, c := range strings.Split(strings.Trim(dir, "/"), "/") {
			if c != "" {
				parent = parent.kids[c]
			}
		}
		n.parent, n.host = parent, filepath.Join(parent.host, base)
		parent.kids[base] = n
		switch n.typ {
		case TypeSymlink:
			require.NoError(t, os.Symlink(n.target, n.host))
		case TypeDir:
			require.NoError(t, os.Mkdir(n.host, 0o755))
		default:
			require.NoError(t, os.WriteFile(n.host, []byte(name), 0o644))
		}
	}
	return m
}

// mstate is the state of one resolution.
type mstate struct {
	links  int  // symbolic links expanded
	rooted bool // root semantics: absolute targets restart at the root
	jumped bool // one did: ".." at the root stays there
}

// resolve returns the node path names, or the error the resolution should
// fail with. A final symbolic link is followed if follow is set; rooted
// gives the root root semantics.
func (m *model) resolve(path string, follow, rooted bool) (*mnode, error) {
	switch {
	case path == "":
		return nil, syscall.ENOENT
	case strings.Contains(path, "\x00"):
		return nil, syscall.EINVAL
	case path[0] == '/':
		return nil, ErrEscape
	case len(path) >= 4096:
		return nil, syscall.ENAMETOOLONG
	}
	return m.walk(m.root, path, follow, &mstate{rooted: rooted})
}

// walk resolves path from the directory start.
func (m *model) walk(start *mnode, path string, follow bool, st *mstate) (*mnode, error) {
	trailing := strings.HasSuffix(path, "/")
	var comps []string
	for _, c := range strings.Split(path, "/") {
		if c != "" {
			comps = append(comps, c)
		}
	}
	cur := start
	for i, c := range comps {
		if cur.typ != TypeDir {
			return nil, syscall.ENOTDIR
		}
		switch c {
		case ".":
			continue
		case "..":
			if cur == m.root {
				if st.jumped {
					continue
				}
				return nil, ErrEscape
			}
			cur = cur.parent
			continue
		}
		if len(c) > 255 {
			return nil, syscall.ENAMETOOLONG
		}
		next := cur.kids[c]
		if next == nil {
			return nil, syscall.ENOENT
		}
		if next.typ == TypeSymlink && (i < len(comps)-1 || follow || trailing) {
			if st.links >= maxSymlinks {
				return nil, syscall.ELOOP
			}
			st.links++
			from, target := cur, next.target
			if strings.HasPrefix(target, "/") {
				if !st.rooted {
					return nil, ErrEscape
				}
				from, target, st.jumped = m.root, strings.TrimLeft(target, "/"), true
			}
			var err error
			if next, err = m.walk(from, target, true, st); err != nil {
				return nil, err
			}
		}
		cur = next
	}
	if trailing && cur.typ != TypeDir {
		return nil, syscall.ENOTDIR
	}
	return cur, nil
}

// fuzzSeeds are paths worth trying on the model tree.
var fuzzSeeds = []string{
	"f", "a/b/f", "a/up/f", "a/upup/x", "a/sib/g", "a/abs/passwd", "in/f", "inf", "insl", "insl/b/f",
	"fsl", "fsl/", "out", "out/secret", "outf", "ch1", "ch1/", "lp1", "lp1/x", "self", "dang", "dang/",
	"dd", "dd/root/f", "dot/dot/dot/f", "deepdot/f", "k00", "k01", "k40", "a/b/../../f", "a/../..",
	"..", ".", "./", "a//b///f", "e/.", "e/..", "f/.", "f/..", "a/b/f/", "/f", "", "a\x00", "in/../f",
	"a/up/a/up/in/../../c/g", strings.Repeat("x", 300), strings.Repeat("a/up/", 900) + "f",
	strings.Repeat("in/../", 38) + "ch1", "insl/up/upup",
	"absf", "absb/f", "absroot/a/b/f", "absroot/..", "absup/f", "absupf", "a/absdd/c/g", "absdang",
	"abschain", "absloop", "abstrail", "abstrail/", "absslash/f", "absabs/../f", "a/b/absin",
	"c/relabs", "c/absrel", "absroot/../../f", "absb/../../..", "a/b/absin/../../../f",
}

// tokenWords are the path elements tokenPath builds paths from: the names
// of the fuzzing tree, dots, an empty element and a missing name.
var tokenWords = [64]string{
	"a", "b", "c", "e", "f", "g", "up", "upup", "sib", "abs", "in", "inf", "insl", "fsl", "out", "outf",
	"ch1", "ch3", "lp1", "self", "dang", "dd", "dot", "deepdot", "k00", "k01", "k39", ".", "..", "", "nope", "secret",
	"absf", "absb", "absroot", "absup", "absupf", "absdd", "absdang", "abschain", "absloop", "abstrail",
	"absslash", "absabs", "absin", "relabs", "absrel", "ch2", "lp2", "k40", "..", "..", ".", "a", "b", "c",
	"absroot", "absup", "absb", "in", "up", "dd", "f", "",
}

// tokenPath reads data as a path in tokenWords, so that random input
// makes paths through the tree rather than names that are not in it: each
// byte picks a word (low 6 bits) and its separator ("//" if bit 6 is set);
// bit 7 of the last byte adds a trailing slash.
func tokenPath(data string) string {
	var b strings.Builder
	for i := 0; i < len(data); i++ {
		if i > 0 {
			b.WriteString("/")
			if data[i]&0x40 != 0 {
				b.WriteString("/")
			}
		}
		b.WriteString(tokenWords[data[i]&0x3f])
	}
	if len(data) > 0 && data[len(data)-1]&0x80 != 0 {
		b.WriteString("/")
	}
	return b.String()
}

// FuzzResolve resolves random paths with both resolvers, with and without
// root semantics, and checks every answer against the model; anything
// opened must be a file of the tree. Each input is tried as a path and as
// a tokenPath.
func FuzzResolve(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	base := f.TempDir()
	root := filepath.Join(base, "root")
	require.NoError(f, os.Mkdir(root, 0o755))
	require.NoError(f, os.MkdirAll(filepath.Join(base, "outside", "dir"), 0o755))
	require.NoError(f, os.WriteFile(filepath.Join(base, "outside", "secret"), nil, 0o644))
	m := buildModel(f, root)
	tree := map[[2]uint64]*mnode{}
	var index func(n *mnode)
	index = func(n *mnode) {
		tree[ino(f, n.host)] = n
		for _, k := range n.kids {
			index(k)
		}
	}
	index(m.root)

	var dirs []*Dir
	for _, r := range []Resolver{ResolverAuto, ResolverWalk} {
		for _, opts := range [][]Option{nil, {WithRootSemantics()}} {
			d, err := OpenAmbientDir(root, append(opts, WithResolver(r))...)
			if errors.Is(err, errors.ErrUnsupported) {
				f.Skip("capstd is not supported on this system")
			}
			require.NoError(f, err)
			f.Cleanup(func() { d.Close() })
			dirs = append(dirs, d)
		}
	}

	f.Fuzz(func(t *testing.T, data string) {
		for _, path := range []string{data, tokenPath(data)} {
			resolveBoth(t, m, tree, dirs, path)
		}
	})
}

// resolveBoth checks stat and open of path, following and not, with each
// Dir against the model.
func resolveBoth(t *testing.T, m *model, tree map[[2]uint64]*mnode, dirs []*Dir, path string) {
	for _, d := range dirs {
		mode := fmt.Sprintf("resolver %v, root semantics %v", d.Resolver(), d.HasRootSemantics())
		check := func(op string, got *Stat, err error, want *mnode, wantErr error) {
			t.Helper()
			where := fmt.Sprintf("%s %q (%s)", op, path, mode)
			if wantErr != nil {
				require.ErrorIs(t, err, wantErr, where)
				return
			}
			require.NoError(t, err, where)
			n := tree[[2]uint64{got.Dev, got.Ino}]
			require.NotNil(t, n, "%s reached something outside the tree", where)
			require.Equal(t, want.host, n.host, where)
		}
		for _, follow := range []bool{false, true} {
			want, wantErr := m.resolve(path, follow, d.HasRootSemantics())
			st, err := d.Stat(path, follow)
			check(fmt.Sprintf("stat(follow=%v)", follow), &st, err, want, wantErr)

			flags := ORead
			if !follow {
				flags |= ONoFollow
				if wantErr == nil && want.typ == TypeSymlink {
					wantErr = syscall.ELOOP
				}
			}
			file, err := d.OpenFile(path, flags, 0)
			if err == nil {
				st, err = file.Stat()
				file.Close()
			}
			check(fmt.Sprintf("open(follow=%v)", follow), &st, err, want, wantErr)
		}
	}
}
