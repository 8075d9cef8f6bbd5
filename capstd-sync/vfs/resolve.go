package vfs

import (
	"strings"

	"github.com/capwasi/capwasi/common"
)

// MaxSymlinks is how many symbolic links one resolution may expand before
// it fails with ELOOP: Linux's limit, which capstd keeps too.
const MaxSymlinks = 40

// Tree is what [Resolve] needs of a tree whose nodes (files, directories,
// symbolic links) are values of type N: a pointer to an in-memory node, a
// path in an io/fs.FS, a key in a database.
type Tree[N any] interface {
	// Lookup returns the entry called name of the directory dir, and its
	// type. name is one path component: never empty, ".", ".." or
	// containing "/". A missing entry is an error [common.ErrnoOf] maps
	// to ENOENT (fs.ErrNotExist, common.ENOENT, ...); any other error ends
	// the resolution and is returned as it is.
	Lookup(dir N, name string) (N, common.Filetype, error)
	// Readlink returns the target of the symbolic link link, as stored.
	Readlink(link N) (string, error)
}

// Resolved is where a path led: the directory holding the final
// component, the component's name, and what it names, if anything.
type Resolved[N any] struct {
	// Dir is the directory the final component was looked up in. When
	// the path names the starting directory itself (".", "a/..", a link
	// to ".") or ends in "..", Dir is the directory named and Name is
	// "." or "..".
	Dir N
	// Name is the final component: an entry of Dir, or "." or "..".
	Name string
	// Node and Type are what Name names, when Exists.
	Node N
	Type common.Filetype
	// Exists reports whether Name exists in Dir. A missing final
	// component is not an error: it is what a create needs.
	Exists bool
	// DirOnly reports that the path ended in "/" (or "/.", or in a
	// followed symbolic link whose target did): the final component must
	// be a directory (see [Resolved.CheckDir]).
	DirOnly bool
}

// IsEntry reports whether the final component is an entry of Dir that an
// operation may create, remove or rename: not "." or "..".
func (r Resolved[N]) IsEntry() bool { return r.Name != "." && r.Name != ".." }

// CheckDir returns ENOTDIR when the path asked for a directory (DirOnly)
// and names an existing non-directory, else nil.
func (r Resolved[N]) CheckDir() error {
	if r.DirOnly && r.Exists && r.Type != common.FiletypeDirectory {
		return common.ENOTDIR
	}
	return nil
}

// Resolve walks path from the directory start through t, never above
// start, as the kernel resolves a path beneath a directory with
// openat2(RESOLVE_BENEATH), so that a virtual tree confines a guest as a
// host directory does:
//
//   - path is relative, components separated by one or more "/"; "." is
//     skipped; ".." goes back to the directory the walk came from.
//   - Symbolic links in the middle of the path are followed, their
//     targets relative to the link's directory. A final one is followed
//     when follow is true or the path ends in "/"; otherwise the result
//     names the link itself (Type FiletypeSymbolicLink).
//   - A path that ends in "/" or "/." must name a directory: DirOnly.
//
// Errors: an empty path, a missing directory on the way, or an empty link
// target: ENOENT. A non-directory on the way: ENOTDIR. More than
// MaxSymlinks links expanded: ELOOP. An absolute path or link target, or
// ".." above start — even one that comes back down — leaves the tree:
// EPERM (see "Leaving the tree" in package common), and nothing beyond
// the walk has been looked at. Errors of t are returned as they are.
//
// Resolve keeps no string of path beyond the call except in the returned
// Name, which may alias path: clone it before keeping it. A path without
// symbolic links is walked without allocating, unless its directories are
// more than 16 deep.
func Resolve[N any](t Tree[N], start N, path string, follow bool) (Resolved[N], error) {
	var none Resolved[N]
	if path == "" {
		return none, common.ENOENT
	}
	if path[0] == '/' {
		return none, common.EPERM
	}
	var buf [16]N
	stack := append(buf[:0], start) // the directories walked through, start first
	dirOnly := endsInDir(path)
	expansions := 0
	rest := path
	for {
		var name string
		name, rest = nextComponent(rest)
		if name == "" {
			// Nothing but "." left: the directory the walk stands in.
			return Resolved[N]{Dir: stack[len(stack)-1], Name: ".", Node: stack[len(stack)-1],
				Type: common.FiletypeDirectory, Exists: true, DirOnly: dirOnly}, nil
		}
		last := !hasComponent(rest)
		cur := stack[len(stack)-1]
		if name == ".." {
			if len(stack) == 1 {
				return none, common.EPERM
			}
			stack = stack[:len(stack)-1]
			if last {
				top := stack[len(stack)-1]
				return Resolved[N]{Dir: top, Name: "..", Node: top,
					Type: common.FiletypeDirectory, Exists: true, DirOnly: dirOnly}, nil
			}
			continue
		}
		node, typ, err := t.Lookup(cur, name)
		if err != nil {
			if last && common.ErrnoOf(err) == common.ENOENT {
				return Resolved[N]{Dir: cur, Name: name, DirOnly: dirOnly}, nil
			}
			return none, err
		}
		if typ == common.FiletypeSymbolicLink && (!last || follow || dirOnly) {
			if expansions++; expansions > MaxSymlinks {
				return none, common.ELOOP
			}
			target, err := t.Readlink(node)
			switch {
			case err != nil:
				return none, err
			case target == "":
				return none, common.ENOENT
			case target[0] == '/':
				return none, common.EPERM
			}
			if last {
				dirOnly = dirOnly || endsInDir(target)
				rest = target
			} else {
				rest = target + "/" + rest
			}
			continue
		}
		if last {
			return Resolved[N]{Dir: cur, Name: name, Node: node, Type: typ, Exists: true, DirOnly: dirOnly}, nil
		}
		if typ != common.FiletypeDirectory {
			return none, common.ENOTDIR
		}
		stack = append(stack, node)
	}
}

// nextComponent returns the first component of p that is not "." (""
// when there is none) and what follows it.
func nextComponent(p string) (name, rest string) {
	for p != "" {
		i := strings.IndexByte(p, '/')
		if i < 0 {
			name, p = p, ""
		} else {
			name, p = p[:i], p[i+1:]
		}
		if name != "" && name != "." {
			return name, p
		}
	}
	return "", ""
}

// hasComponent reports whether p holds a component other than ".".
func hasComponent(p string) bool {
	name, _ := nextComponent(p)
	return name != ""
}

// endsInDir reports whether p's final component must be a directory: it is
// followed by "/", or by "/." ("f/", "f/.", "f/./"), as the kernel resolves
// such a path through the component as a directory.
func endsInDir(p string) bool {
	dir := false
	for {
		switch {
		case strings.HasSuffix(p, "/"):
			p = p[:len(p)-1]
		case strings.HasSuffix(p, "/."):
			p = p[:len(p)-2]
		default:
			return dir
		}
		dir = true
	}
}
