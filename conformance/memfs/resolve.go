package memfs

import (
	"strings"

	"github.com/capwasi/capwasi/common"
)

// maxSymlinkExpansions is how many symbolic links one resolution may expand
// before it fails with ELOOP, as Linux does.
const maxSymlinkExpansions = 40

// resolved is the outcome of a path walk.
type resolved struct {
	parent *node  // directory holding the final component; nil when the path names the start itself
	name   string // final component ("." when the path names the start itself)
	n      *node  // what the final component names; nil if it does not exist
	slash  bool   // the path ended in "/": the final component must be a directory
}

// resolve walks path from root, never above it. Symbolic links in the middle
// of the path are followed; a final one is followed when follow is true or
// the path ends in "/". The caller holds fsys.mu.
func resolve(root *node, path string, follow bool) (resolved, error) {
	if path == "" {
		return resolved{}, common.ENOENT
	}
	if path[0] == '/' {
		return resolved{}, common.ENOTCAPABLE
	}
	slash := endsInDir(path)
	queue := splitPath(path)
	stack := []*node{root}
	expansions := 0
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		last := len(queue) == 0
		cur := stack[len(stack)-1]
		if c == ".." {
			if len(stack) == 1 {
				return resolved{}, common.ENOTCAPABLE
			}
			stack = stack[:len(stack)-1]
			if last {
				top := stack[len(stack)-1]
				return resolved{name: "..", n: top, slash: slash}, nil
			}
			continue
		}
		child, ok := cur.entries[c]
		if !ok {
			if last {
				return resolved{parent: cur, name: c, slash: slash}, nil
			}
			return resolved{}, common.ENOENT
		}
		if child.typ == common.FiletypeSymbolicLink && (!last || follow || slash) {
			expansions++
			if expansions > maxSymlinkExpansions {
				return resolved{}, common.ELOOP
			}
			if strings.HasPrefix(child.target, "/") {
				return resolved{}, common.ENOTCAPABLE
			}
			expanded := splitPath(child.target)
			if len(expanded) == 0 && last {
				// A link to "." (or "") at the end names the directory it is in.
				return resolved{name: ".", n: cur, slash: slash}, nil
			}
			queue = append(expanded, queue...)
			continue
		}
		if last {
			return resolved{parent: cur, name: c, n: child, slash: slash}, nil
		}
		if child.typ != common.FiletypeDirectory {
			return resolved{}, common.ENOTDIR
		}
		stack = append(stack, child)
	}
	// Only "." components (or a trailing link to "."): the start itself.
	return resolved{name: ".", n: stack[len(stack)-1], slash: slash}, nil
}

// endsInDir reports whether path's final component must be a directory:
// it is followed by "/", or by "/." ("f/", "f/.", "f/./"), as the kernel
// resolves such a path through the component as a directory.
func endsInDir(path string) bool {
	dir := false
	for {
		switch {
		case strings.HasSuffix(path, "/"):
			path = path[:len(path)-1]
		case strings.HasSuffix(path, "/."):
			path = path[:len(path)-2]
		default:
			return dir
		}
		dir = true
	}
}

// splitPath splits a relative path into its components, dropping empty ones
// and ".".
func splitPath(p string) []string {
	parts := strings.Split(p, "/")
	out := parts[:0]
	for _, s := range parts {
		if s != "" && s != "." {
			out = append(out, s)
		}
	}
	return out
}

// checkSlash returns ENOTDIR when r ended in "/" but names a non-directory.
func (r resolved) checkSlash() error {
	if r.slash && r.n != nil && r.n.typ != common.FiletypeDirectory {
		return common.ENOTDIR
	}
	return nil
}

// entry returns the final component as an entry of a directory, for
// operations that change directory entries: it refuses "." and "..".
func (r resolved) entry(dotErr common.Errno) (*node, string, error) {
	if r.parent == nil || r.name == "." || r.name == ".." {
		return nil, "", dotErr
	}
	return r.parent, r.name, nil
}
