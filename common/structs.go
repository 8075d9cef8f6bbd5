package common

// Sizes, in bytes, of the preview1 structures as they are laid out in guest
// memory (little-endian, natural alignment). The binding encodes and decodes
// them; the field offsets are given on each type.
const (
	FilestatSize     = 64 // size of [Filestat]
	FdstatSize       = 24 // size of [Fdstat]
	DirentSize       = 24 // size of [Dirent], not counting the name that follows it
	PrestatSize      = 8  // size of [Prestat]
	IovecSize        = 8  // size of an iovec or ciovec: buf u32 at 0, buf_len u32 at 4
	SubscriptionSize = 48 // size of [Subscription]
	EventSize        = 32 // size of [Event]
)

// Filestat is a file's attributes (the spec's filestat). Guest layout: dev
// at 0, ino at 8, filetype (u8) at 16, nlink at 24, size at 32, atim at 40,
// mtim at 48, ctim at 56.
type Filestat struct {
	Dev      Device    // device ID of the device containing the file
	Ino      Inode     // file serial number
	Filetype Filetype  // file type
	Nlink    Linkcount // number of hard links to the file
	Size     Filesize  // for regular files, the size in bytes; for symbolic links, the length of the target
	Atim     Timestamp // last data access time, in nanoseconds
	Mtim     Timestamp // last data modification time, in nanoseconds
	Ctim     Timestamp // last file status change time, in nanoseconds
}

// Fdstat is a file descriptor's attributes (the spec's fdstat). Guest
// layout: fs_filetype (u8) at 0, fs_flags (u16) at 2, fs_rights_base at 8,
// fs_rights_inheriting at 16.
type Fdstat struct {
	Filetype         Filetype // file type
	Flags            Fdflags  // file descriptor flags
	RightsBase       Rights   // rights that apply to this descriptor
	RightsInheriting Rights   // most rights descriptors opened through this one may get
}

// Dirent is a directory entry header (the spec's dirent). In guest memory it
// is followed by DNamlen bytes of name, without a terminating NUL. Guest
// layout: d_next at 0, d_ino at 8, d_namlen (u32) at 16, d_type (u8) at 20.
type Dirent struct {
	Next   Dircookie // cookie of the entry after this one
	Ino    Inode     // serial number of the file the entry names
	Namlen uint32    // length of the name, in bytes
	Type   Filetype  // type of the file the entry names
}

// DirEntry is one entry of a directory listing as [WasiDir.Readdir] returns
// it: the spec's [Dirent] fields and the name itself.
type DirEntry struct {
	Next Dircookie // cookie of the entry after this one
	Ino  Inode     // serial number of the file the entry names
	Type Filetype  // type of the file the entry names
	// Name is the entry's name: one path component, without a slash. It
	// may refer to memory the implementation reuses: it is valid until the
	// next Readdir call on the same directory.
	Name string
}

// Prestat describes a pre-opened resource (the spec's prestat). Guest
// layout: tag (u8) at 0, then for [PreopentypeDir] pr_name_len (u32) at 4.
type Prestat struct {
	Tag       Preopentype // kind of resource; always PreopentypeDir
	PrNameLen uint32      // length of the directory's guest path, in bytes
}
