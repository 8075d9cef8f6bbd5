package vfs

import (
	"strconv"
	"strings"
	"testing"

	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tnode is a node of the tests' in-memory tree.
type tnode struct {
	name   string
	typ    common.Filetype
	target string
	kids   map[string]*tnode
}

// ttree is a Tree over tnodes; it counts lookups.
type ttree struct{ lookups int }

func (t *ttree) Lookup(dir *tnode, name string) (*tnode, common.Filetype, error) {
	t.lookups++
	if strings.ContainsRune(name, '/') || name == "" || name == "." || name == ".." {
		panic("Lookup of " + name)
	}
	k, ok := dir.kids[name]
	if !ok {
		return nil, 0, common.ENOENT
	}
	return k, k.typ, nil
}

func (t *ttree) Readlink(n *tnode) (string, error) { return n.target, nil }

// newTree builds a tree from entries: "d/" a directory, "l -> t" a
// symbolic link, anything else a file; parents come first.
func newTree(entries ...string) *tnode {
	root := &tnode{name: ".", typ: common.FiletypeDirectory, kids: map[string]*tnode{}}
	for _, e := range entries {
		n := &tnode{typ: common.FiletypeRegularFile}
		p, target, isLink := strings.Cut(e, " -> ")
		switch {
		case isLink:
			n.typ, n.target = common.FiletypeSymbolicLink, target
		case strings.HasSuffix(p, "/"):
			p = strings.TrimSuffix(p, "/")
			n.typ, n.kids = common.FiletypeDirectory, map[string]*tnode{}
		}
		dir := root
		parts := strings.Split(p, "/")
		for _, c := range parts[:len(parts)-1] {
			dir = dir.kids[c]
		}
		n.name = parts[len(parts)-1]
		dir.kids[n.name] = n
	}
	return root
}

var testTree = []string{
	"a/", "a/b/", "a/b/f", "a/up -> ..", "a/out -> ../..", "a/sib -> ../c",
	"c/", "c/g", "f", "abs -> /etc", "dang -> nowhere", "lf -> f", "lfs -> f/",
	"ld -> a/b", "dot -> .", "loop1 -> loop2", "loop2 -> loop1", "empty -> ",
}

func TestResolve(t *testing.T) {
	root := newTree(testTree...)
	a, b, c := root.kids["a"], root.kids["a"].kids["b"], root.kids["c"]
	for _, tc := range []struct {
		path    string
		follow  bool
		dir     *tnode
		name    string
		node    *tnode // nil: does not exist
		dirOnly bool
		err     common.Errno
	}{
		{path: "f", dir: root, name: "f", node: root.kids["f"]},
		{path: "a/b/f", dir: b, name: "f", node: b.kids["f"]},
		{path: "a//b/./f", dir: b, name: "f", node: b.kids["f"]},
		{path: ".", dir: root, name: ".", node: root},
		{path: "./", dir: root, name: ".", node: root, dirOnly: true},
		{path: "a/..", dir: root, name: "..", node: root},
		{path: "a/b/..", dir: a, name: "..", node: a},
		{path: "a/b/../../c/g", dir: c, name: "g", node: c.kids["g"]},
		{path: "a/new", dir: a, name: "new"},
		{path: "a/new/", dir: a, name: "new", dirOnly: true},
		{path: "f/", dir: root, name: "f", node: root.kids["f"], dirOnly: true},
		{path: "f/.", dir: root, name: "f", node: root.kids["f"], dirOnly: true},
		{path: "lf", dir: root, name: "lf", node: root.kids["lf"]},             // final link, not followed
		{path: "lf", follow: true, dir: root, name: "f", node: root.kids["f"]}, // followed
		{path: "lfs", follow: true, dir: root, name: "f", node: root.kids["f"], dirOnly: true},
		{path: "ld/", dir: a, name: "b", node: b, dirOnly: true}, // a trailing "/" follows
		{path: "ld/f", dir: b, name: "f", node: b.kids["f"]},
		{path: "a/up/c/g", dir: c, name: "g", node: c.kids["g"]},
		{path: "a/sib/g", dir: c, name: "g", node: c.kids["g"]},
		{path: "dot", follow: true, dir: root, name: ".", node: root},
		{path: "dot/dot/f", dir: root, name: "f", node: root.kids["f"]},
		{path: "dang", follow: true, dir: root, name: "nowhere"}, // missing final: not an error
		{path: "", err: common.ENOENT},
		{path: "missing/f", err: common.ENOENT},
		{path: "f/x", err: common.ENOTDIR},
		{path: "f/..", err: common.ENOTDIR},
		{path: "lf/x", err: common.ENOTDIR},
		{path: "empty", follow: true, err: common.ENOENT},
		{path: "loop1", follow: true, err: common.ELOOP},
		{path: "loop1/x", err: common.ELOOP},
		{path: "/f", err: common.EPERM},
		{path: "..", err: common.EPERM},
		{path: "../c", err: common.EPERM},
		{path: "a/../../a", err: common.EPERM}, // out and back in
		{path: "a/out", follow: true, err: common.EPERM},
		{path: "a/out/x", err: common.EPERM},
		{path: "abs", follow: true, err: common.EPERM},
		{path: "abs/x", err: common.EPERM},
	} {
		t.Run(tc.path, func(t *testing.T) {
			r, err := Resolve[*tnode](&ttree{}, root, tc.path, tc.follow)
			if tc.err != 0 {
				assert.Equal(t, tc.err, err)
				return
			}
			require.NoError(t, err)
			assert.Same(t, tc.dir, r.Dir, "dir")
			assert.Equal(t, tc.name, r.Name)
			assert.Equal(t, tc.node != nil, r.Exists, "exists")
			if tc.node != nil {
				assert.Same(t, tc.node, r.Node)
				assert.Equal(t, tc.node.typ, r.Type)
			}
			assert.Equal(t, tc.dirOnly, r.DirOnly, "dirOnly")
		})
	}
}

func TestResolvedChecks(t *testing.T) {
	root := newTree(testTree...)
	r, err := Resolve[*tnode](&ttree{}, root, "f/", false)
	require.NoError(t, err)
	assert.Equal(t, common.ENOTDIR, r.CheckDir())
	assert.True(t, r.IsEntry())
	r, err = Resolve[*tnode](&ttree{}, root, "a/", false)
	require.NoError(t, err)
	assert.NoError(t, r.CheckDir())
	r, _ = Resolve[*tnode](&ttree{}, root, "new/", false)
	assert.NoError(t, r.CheckDir(), "a missing name is the caller's to judge")
	r, _ = Resolve[*tnode](&ttree{}, root, "a/..", false)
	assert.False(t, r.IsEntry())
	r, _ = Resolve[*tnode](&ttree{}, root, ".", false)
	assert.False(t, r.IsEntry())
}

func TestResolveLinkLimit(t *testing.T) {
	// A chain of MaxSymlinks links resolves; one more is ELOOP.
	var entries []string
	for i := range MaxSymlinks + 1 {
		entries = append(entries, "k"+strconv.Itoa(i)+" -> k"+strconv.Itoa(i+1))
	}
	entries = append(entries, "k"+strconv.Itoa(MaxSymlinks+1))
	root := newTree(entries...)
	r, err := Resolve[*tnode](&ttree{}, root, "k1", true)
	require.NoError(t, err)
	assert.Equal(t, "k"+strconv.Itoa(MaxSymlinks+1), r.Name)
	_, err = Resolve[*tnode](&ttree{}, root, "k0", true)
	assert.Equal(t, common.ELOOP, err)
}

func TestResolveDoesNotAllocate(t *testing.T) {
	root := newTree("a/", "a/b/", "a/b/c/", "a/b/c/f")
	tr := &ttree{}
	var r Resolved[*tnode]
	allocs := testing.AllocsPerRun(100, func() { r, _ = Resolve[*tnode](tr, root, "a/b/./c/../c/f", true) })
	assert.True(t, r.Exists)
	assert.Zero(t, allocs)
}

func TestPathInode(t *testing.T) {
	assert.Equal(t, PathInode("a"), ChildInode(".", "a"))
	assert.Equal(t, PathInode("a/b/c"), ChildInode("a/b", "c"))
	assert.NotEqual(t, PathInode("a/b"), PathInode("ab"))
	assert.NotEqual(t, PathInode("."), PathInode("a"))
	seen := map[common.Inode]string{}
	for _, p := range []string{".", "a", "b", "a/b", "b/a", "aa", "a/a", "x/y/z"} {
		ino := PathInode(p)
		assert.NotZero(t, ino)
		assert.NotContains(t, seen, ino, "%s and %s", p, seen[ino])
		seen[ino] = p
	}
	var sink common.Inode
	assert.Zero(t, testing.AllocsPerRun(100, func() { sink = ChildInode("some/dir", "name") }))
	assert.NotZero(t, sink)
}
