package memfs

import (
	"github.com/capwasi/capwasi/capstd-sync/vfs"
	"github.com/capwasi/capwasi/common"
)

// tree is the FS as vfs.Resolve walks it: path resolution, confinement,
// symbolic links and their limit are vfs's; memfs supplies lookups.
type tree struct{}

func (tree) Lookup(dir *node, name string) (*node, common.Filetype, error) {
	n, ok := dir.entries[name]
	if !ok {
		return nil, 0, common.ENOENT
	}
	return n, n.typ, nil
}

func (tree) Readlink(link *node) (string, error) { return link.target, nil }

// resolved is where a path led (see vfs.Resolved).
type resolved = vfs.Resolved[*node]

// resolve walks path from root, never above it (see vfs.Resolve). The
// caller holds fsys.mu.
func resolve(root *node, path string, follow bool) (resolved, error) {
	return vfs.Resolve[*node](tree{}, root, path, follow)
}

// existing resolves path beneath root like resolve, and fails with ENOENT
// when the final component does not exist. The caller holds fs.mu.
func existing(root *node, path string, follow bool) (resolved, error) {
	r, err := resolve(root, path, follow)
	if err == nil && !r.Exists {
		err = common.ENOENT
	}
	return r, err
}

// entry returns the final component of r as an entry of its directory, for
// operations that change directory entries: "." and ".." are dotErr.
func entry(r resolved, dotErr common.Errno) (*node, string, error) {
	if !r.IsEntry() {
		return nil, "", dotErr
	}
	return r.Dir, r.Name, nil
}
