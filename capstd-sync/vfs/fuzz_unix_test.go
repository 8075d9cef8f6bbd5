//go:build linux || darwin || freebsd

package vfs

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/capwasi/capwasi/capstd"
	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/require"
)

// The resolver against capstd, which resolves beneath a host directory
// with openat2(RESOLVE_BENEATH) (or its checked walk elsewhere): the same
// random tree on disk and in memory, the same random paths resolved both
// ways, the same outcome expected — the type found, or the errno.

// fuzzNames are the names trees and paths are made of: few, so that paths
// often meet what the tree holds.
var fuzzNames = []string{"a", "b", "c", "d"}

// randomTree creates a random tree of directories, files and symbolic links
// beneath root on disk and returns it in memory. Link targets are random
// relative paths (some leading out, some into loops, some ending in "/"),
// and sometimes absolute.
func randomTree(t testing.TB, rng *rand.Rand, root string) *tnode {
	mem := &tnode{name: ".", typ: common.FiletypeDirectory, kids: map[string]*tnode{}}
	type dir struct {
		n    *tnode
		host string
	}
	dirs := []dir{{mem, root}}
	for range 6 + rng.IntN(14) {
		d := dirs[rng.IntN(len(dirs))]
		name := fuzzNames[rng.IntN(len(fuzzNames))]
		if _, ok := d.n.kids[name]; ok {
			continue
		}
		host := filepath.Join(d.host, name)
		n := &tnode{name: name}
		switch r := rng.IntN(100); {
		case r < 35:
			n.typ, n.kids = common.FiletypeDirectory, map[string]*tnode{}
			require.NoError(t, os.Mkdir(host, 0o755))
			dirs = append(dirs, dir{n, host})
		case r < 65:
			n.typ = common.FiletypeRegularFile
			require.NoError(t, os.WriteFile(host, []byte(name), 0o644))
		default:
			n.typ, n.target = common.FiletypeSymbolicLink, randomPath(rng, true)
			require.NoError(t, os.Symlink(n.target, host))
		}
		d.n.kids[name] = n
	}
	return mem
}

// randomPath returns a random path of names, ".", ".." and empty
// components; sometimes absolute, sometimes ending in "/" or "/.". A link
// target is never empty (the systems refuse to create one).
func randomPath(rng *rand.Rand, target bool) string {
	elems := append(append([]string(nil), fuzzNames...), ".", "..", "..")
	if !target {
		elems = append(elems, "")
	}
	var parts []string
	for range 1 + rng.IntN(5) {
		parts = append(parts, elems[rng.IntN(len(elems))])
	}
	p := strings.Join(parts, "/")
	switch r := rng.IntN(20); {
	case r == 0:
		p = "/" + p
	case r == 1:
		p += "/"
	case r == 2:
		p += "/."
	}
	if p == "" || p == "/" {
		p = "a"
	}
	return p
}

// outcomeOfResolve is what Resolve makes of a path: the type found (after
// the trailing-slash check), or the errno.
func outcomeOfResolve(root *tnode, path string, follow bool) string {
	r, err := Resolve[*tnode](&ttree{}, root, path, follow)
	if err == nil && !r.Exists {
		err = common.ENOENT
	}
	if err == nil {
		err = r.CheckDir()
	}
	if err != nil {
		return common.ErrnoOf(err).String()
	}
	return r.Type.String()
}

// outcomeOfCapstd is what capstd's Stat makes of the same path on disk.
func outcomeOfCapstd(d *capstd.Dir, path string, follow bool) string {
	st, err := d.Stat(path, follow)
	switch {
	case errors.Is(err, capstd.ErrEscape):
		return common.EPERM.String()
	case err != nil:
		return common.ErrnoOf(err).String()
	}
	return map[capstd.FileType]string{
		capstd.TypeDir: common.FiletypeDirectory.String(), capstd.TypeRegular: common.FiletypeRegularFile.String(),
		capstd.TypeSymlink: common.FiletypeSymbolicLink.String(),
	}[st.Type]
}

// compareResolvers builds the tree of treeSeed and resolves paths random
// paths of pathSeed both ways.
func compareResolvers(t *testing.T, treeSeed, pathSeed uint64, paths int) {
	tmp := t.TempDir()
	root := filepath.Join(tmp, "root")
	require.NoError(t, os.Mkdir(root, 0o755))
	// What an escape would find, were it not stopped: the same names
	// outside, so that leaving the tree never fails by accident.
	for _, n := range fuzzNames {
		require.NoError(t, os.MkdirAll(filepath.Join(tmp, n, "a", "b"), 0o755))
	}
	mem := randomTree(t, rand.New(rand.NewPCG(treeSeed, 1)), root)
	d, err := capstd.OpenAmbientDir(root)
	require.NoError(t, err)
	defer d.Close()
	rng := rand.New(rand.NewPCG(pathSeed, 2))
	for range paths {
		path, follow := randomPath(rng, false), rng.IntN(2) == 0
		want := outcomeOfCapstd(d, path, follow)
		got := outcomeOfResolve(mem, path, follow)
		if got != want {
			t.Fatalf("tree seed %d: %q (follow %v): Resolve says %s, capstd %s\ntree:\n%s",
				treeSeed, path, follow, got, want, dumpTree(mem, ""))
		}
	}
}

func dumpTree(n *tnode, prefix string) string {
	var b strings.Builder
	for name, k := range n.kids {
		switch k.typ {
		case common.FiletypeDirectory:
			fmt.Fprintf(&b, "%s%s/\n%s", prefix, name, dumpTree(k, prefix+name+"/"))
		case common.FiletypeSymbolicLink:
			fmt.Fprintf(&b, "%s%s -> %s\n", prefix, name, k.target)
		default:
			fmt.Fprintf(&b, "%s%s\n", prefix, name)
		}
	}
	return b.String()
}

// TestResolveLikeCapstd runs 100 random trees of 300 random paths each.
func TestResolveLikeCapstd(t *testing.T) {
	for seed := range uint64(100) {
		compareResolvers(t, seed, seed, 300)
	}
}

// FuzzResolveLikeCapstd explores more trees and paths with go test -fuzz.
func FuzzResolveLikeCapstd(f *testing.F) {
	f.Add(uint64(1), uint64(1))
	f.Add(uint64(7), uint64(99))
	f.Fuzz(func(t *testing.T, treeSeed, pathSeed uint64) { compareResolvers(t, treeSeed, pathSeed, 50) })
}
