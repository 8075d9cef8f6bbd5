// Package memfs is a small in-memory implementation of capwasi's common
// contracts: a directory tree held in maps, files held in byte slices,
// symbolic links, hard links, and a scheduler for clocks and always-ready
// in-memory streams.
//
// It exists to prove that the contracts, the wazeroadapter binding and the
// conformance suite do not depend on capstd-sync: the suite runs against it
// too. It is also a compact worked example for implementation authors (see
// docs/implementing.md). It does not implement sockets; [Unsupported] lists
// what it declares unsupported.
//
// Confinement is the same as for a host implementation, and so is the code
// that does it (capstd-sync/vfs's Resolve): a path can never reach above the
// directory it is resolved from, absolute paths and absolute symbolic link
// targets are refused with EPERM, and symbolic link chains stop at 40
// expansions with ELOOP. A read-only root refuses every change with EPERM,
// in the check order package common gives.
package memfs

import (
	"sort"
	"sync"
	"time"

	"github.com/capwasi/capwasi/common"
)

// Unsupported lists the features memfs declares it does not implement; the
// conformance suite skips the cases that need them.
var Unsupported = []string{"sockets", "fd-polling-of-host-descriptors"}

// FS is an in-memory file tree. Its methods and the files and directories
// opened from it are safe for concurrent use.
type FS struct {
	mu      sync.Mutex
	root    *node
	nextIno common.Inode
	now     func() time.Time
}

// node is a file, directory or symbolic link.
type node struct {
	ino     common.Inode
	typ     common.Filetype
	nlink   common.Linkcount
	data    []byte           // regular file content
	target  string           // symbolic link content
	entries map[string]*node // directory entries, without "." and ".."
	parent  *node            // directory's parent; the root is its own parent
	atim    common.Timestamp
	mtim    common.Timestamp
	ctim    common.Timestamp
}

// New returns an empty file system whose root is an empty directory.
func New() *FS {
	fsys := &FS{now: time.Now}
	fsys.root = fsys.newNode(common.FiletypeDirectory)
	fsys.root.parent = fsys.root
	return fsys
}

// newNode returns a fresh node of the given type with one link and the
// current time in all three timestamps. The caller holds mu or owns fsys.
func (fsys *FS) newNode(typ common.Filetype) *node {
	fsys.nextIno++
	now := common.Timestamp(fsys.now().UnixNano())
	n := &node{ino: fsys.nextIno, typ: typ, nlink: 1, atim: now, mtim: now, ctim: now}
	if typ == common.FiletypeDirectory {
		n.entries = map[string]*node{}
		n.nlink = 2
	}
	return n
}

// stamp returns the current time as a Timestamp.
func (fsys *FS) stamp() common.Timestamp { return common.Timestamp(fsys.now().UnixNano()) }

// stat returns the attributes of n.
func (n *node) stat() common.Filestat {
	st := common.Filestat{
		Dev: 1, Ino: n.ino, Filetype: n.typ, Nlink: n.nlink,
		Atim: n.atim, Mtim: n.mtim, Ctim: n.ctim,
	}
	switch n.typ {
	case common.FiletypeRegularFile:
		st.Size = common.Filesize(len(n.data))
	case common.FiletypeSymbolicLink:
		st.Size = common.Filesize(len(n.target))
	case common.FiletypeDirectory:
		st.Size = common.Filesize(len(n.entries))
	}
	return st
}

// sortedNames returns the names of a directory's entries in order.
func (n *node) sortedNames() []string {
	names := make([]string, 0, len(n.entries))
	for name := range n.entries {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// isAncestor reports whether a is d or one of d's ancestors.
func isAncestor(a, d *node) bool {
	for {
		if d == a {
			return true
		}
		if d.parent == d {
			return false
		}
		d = d.parent
	}
}

// setTimes applies fd/path_filestat_set_times semantics to n.
func (fsys *FS) setTimes(n *node, atim, mtim common.Timestamp, fst common.Fstflags) {
	now := fsys.stamp()
	switch {
	case fst&common.FstflagsAtimNow != 0:
		n.atim = now
	case fst&common.FstflagsAtim != 0:
		n.atim = atim
	}
	switch {
	case fst&common.FstflagsMtimNow != 0:
		n.mtim = now
	case fst&common.FstflagsMtim != 0:
		n.mtim = mtim
	}
	n.ctim = now
}
