package vfs

import "github.com/capwasi/capwasi/common"

// FNV-1a, 64 bits.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// PathInode returns an inode number for the file at p, a clean path in the
// style of io/fs ("." for the root, "a/b" beneath it, no leading or
// trailing "/"), for a file system that has no inode numbers of its own:
// the 64-bit FNV-1a hash of p, never 0 (Go guests drop directory entries
// whose inode is 0). The same path always gets the same number, in every
// run, without a table to keep; two paths share one with a probability of
// about n²/2⁶⁵ for n files (3·10⁻⁸ for a million). A file system whose
// files can have several paths (hard links) must number its nodes itself
// instead: a counter per node, as conformance/memfs does.
func PathInode(p string) common.Inode { return finish(hashString(fnvOffset, p)) }

// ChildInode returns PathInode of the entry name of the directory at the
// clean path dir ("." for the root), without building the joined path:
// ChildInode(".", "a") is PathInode("a"), ChildInode("a", "b") is
// PathInode("a/b").
func ChildInode(dir, name string) common.Inode {
	h := uint64(fnvOffset)
	if dir != "." {
		h = hashString(h, dir)
		h = hashString(h, "/")
	}
	return finish(hashString(h, name))
}

func hashString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

func finish(h uint64) common.Inode {
	if h == 0 {
		return 1
	}
	return common.Inode(h)
}
