package capstdsync

import "github.com/capwasi/capwasi/common"

// Perms says what a guest may change beneath a pre-opened directory. Reading
// (listing, opening for reading, stat, readlink) is always allowed. The
// permissions pass to every directory and file opened beneath it.
//
// An operation the permissions do not allow fails with EPERM before it
// reaches the file system, and changes nothing: the errno wasmtime returns
// for the same calls on a directory without DirPerms::MUTATE or files
// without FilePerms::WRITE (crates/wasi/src/filesystem.rs, ErrorCode::
// NotPermitted, which preview1 reports as EPERM).
type Perms uint8

const (
	// DirWrite lets the guest change the tree: create files (OFLAGS_CREAT)
	// and directories, remove them, rename, hard-link, create symbolic
	// links, and set times by path or on a directory.
	DirWrite Perms = 1 << iota
	// FileWrite lets the guest change files' contents: open them for
	// writing, truncate them (OFLAGS_TRUNC), set their size, allocate,
	// and set a file's times through its descriptor.
	FileWrite
)

const (
	// ReadOnly allows no change at all.
	ReadOnly Perms = 0
	// ReadWrite allows every change.
	ReadWrite = DirWrite | FileWrite
)

// String returns "ReadOnly", "ReadWrite", "DirWrite" or "FileWrite".
func (p Perms) String() string {
	switch p & ReadWrite {
	case ReadOnly:
		return "ReadOnly"
	case DirWrite:
		return "DirWrite"
	case FileWrite:
		return "FileWrite"
	}
	return "ReadWrite"
}

// dirRights are the rights a directory with these permissions can honour,
// for itself (base) and for what is opened through it (inheriting). The
// inheriting rights keep the file write rights (common.RightsWriteMask)
// without FileWrite: wasi-libc asks for no more than the inheriting rights,
// and a write open must reach OpenFile to be refused (see
// common.WasiFile.Rights), not become a read-only one.
func (p Perms) dirRights() (base, inheriting common.Rights) {
	base, inheriting = common.RightsAll, common.RightsAll
	if p&DirWrite == 0 {
		base &^= common.RightsDirectoryWriteMask
		inheriting &^= common.RightsDirectoryWriteMask
	}
	if p&FileWrite == 0 {
		base &^= common.RightsPathFilestatSetSize
		inheriting &^= common.RightsPathFilestatSetSize | common.RightsFdFilestatSetTimes
	} else {
		// Truncating at open time, and setting a file's times through
		// its descriptor, change file contents, not the tree.
		base |= common.RightsPathFilestatSetSize
		inheriting |= common.RightsPathFilestatSetSize | common.RightsFdFilestatSetTimes
	}
	return base, inheriting
}

// allows reports whether the permissions include all of want.
func (p Perms) allows(want Perms) bool { return p&want == want }

// within reports whether every permission of p is also in q: a rename or
// link from a q directory to a p directory gives nothing new.
func (p Perms) within(q Perms) bool { return p&^q == 0 }
