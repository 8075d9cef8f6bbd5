package common

import "context"

// WasiDir is an open directory: a [WasiFile] whose type is
// FiletypeDirectory, plus the path operations preview1 performs relative to
// a directory descriptor. Preopened directories are WasiDirs, and so is every
// directory [WasiDir.OpenFile] opens.
//
// Paths are relative to the directory, use "/" as the separator, and have
// been checked by the binding: not empty unless stated, no NUL byte, valid
// UTF-8 and within the binding's length limit. Everything else is the
// implementation's job, above all confinement: no path, symbolic link
// (relative or absolute, in the middle or at the end, in a chain), ".."
// component or race may make an operation act on anything outside the tree
// beneath the directory. Such a path fails with EPERM and changes nothing
// (see "Leaving the tree" in the package documentation). An absolute path
// is such a path.
//
// Unless a method says otherwise, symbolic links in the middle of a path are
// followed (within the tree) and a final symbolic link is not. A path ending
// in "/" names a directory: if the final component is not one (or a link to
// one, where links are followed), the operation fails with ENOTDIR.
//
// The string and slice arguments may alias guest memory, as for [WasiFile].
type WasiDir interface {
	WasiFile

	// OpenFile opens the file at path (path_open) and returns it. When the
	// path names a directory, the returned file also implements WasiDir.
	// Errors: no such file and no OFLAGS_CREAT: ENOENT. OFLAGS_CREAT with
	// OFLAGS_EXCL and the file exists: EEXIST. OFLAGS_DIRECTORY and not a
	// directory: ENOTDIR. A final symbolic link without
	// LOOKUPFLAGS_SYMLINK_FOLLOW: ELOOP. Too many links: ELOOP. Write
	// access, OFLAGS_TRUNC or OFLAGS_CREAT on a directory: EISDIR. An open
	// that [OpenOptions.Mutates] in a read-only tree: EPERM, before any
	// other check (see "Read-only trees" in the package documentation).
	// Outside the tree: EPERM.
	OpenFile(ctx context.Context, path string, opts OpenOptions) (WasiFile, error)

	// CreateDirectory creates a directory at path (path_create_directory).
	// Something exists there (even a dangling symbolic link): EEXIST.
	CreateDirectory(ctx context.Context, path string) error

	// Readdir fills entries with the directory's entries in order,
	// starting with the one cookie points at (fd_readdir): DircookieStart
	// for the first, otherwise the Next cookie of an entry a previous call
	// returned. It returns the number of entries filled, which is 0 only
	// at the end of the directory, and may be fewer than len(entries).
	// The listing includes "." and "..".
	//
	// Every cookie is below 2^31 (1<<31 - 1 at most), so that a guest can
	// keep it in 32 bits: wasi-libc's telldir returns it as a long, which
	// is 32 bits on wasm32, and a larger cookie comes back truncated or
	// negative. A listing with more entries than that fails with
	// EOVERFLOW. Counting entries from the start (the Next of the k-th
	// entry is k) meets this, whatever the host's own positions are.
	//
	// The listing is stable while the directory is unchanged: resuming
	// from any cookie returned since the last DircookieStart gives the
	// same remaining entries, in any order of calls, and costs no more
	// than reading from the entry before it (no re-reading from the
	// start). When entries are created or removed meanwhile, resuming
	// still works, but an entry near the change may be skipped or listed
	// twice; DircookieStart starts a listing of the directory as it is
	// now. A cookie past the end ends the listing; a cookie never
	// returned: the listing may end or EINVAL. Names may alias the
	// implementation's buffers until the next call (see [DirEntry]).
	Readdir(ctx context.Context, cookie Dircookie, entries []DirEntry) (n int, err error)

	// Symlink creates a symbolic link at path whose content is target
	// (path_symlink). target is stored as it is, relative to the link's
	// directory; an absolute target is refused with EPERM, as it could
	// never be followed inside the tree. Something exists at
	// path: EEXIST. A path ending in "/": ENOENT or EEXIST.
	Symlink(ctx context.Context, target, path string) error

	// Readlink copies the content of the symbolic link at path into buf
	// (path_readlink) and returns the number of bytes copied. A target
	// longer than buf is truncated to len(buf); that is not an error. Not
	// a symbolic link: EINVAL.
	Readlink(ctx context.Context, path string, buf []byte) (n int, err error)

	// RemoveDirectory removes the empty directory at path
	// (path_remove_directory). Not empty: ENOTEMPTY. Not a directory (a
	// symbolic link to one included): ENOTDIR. path is ".": EINVAL.
	RemoveDirectory(ctx context.Context, path string) error

	// UnlinkFile removes the non-directory at path (path_unlink_file); a
	// symbolic link is removed, not its target. A directory: EISDIR (or
	// EPERM). A path ending in "/": ENOTDIR, or EISDIR for a directory.
	UnlinkFile(ctx context.Context, path string) error

	// PathFilestat returns the attributes of the file at path
	// (path_filestat_get), following a final symbolic link when flags has
	// LOOKUPFLAGS_SYMLINK_FOLLOW.
	PathFilestat(ctx context.Context, flags Lookupflags, path string) (Filestat, error)

	// PathSetTimes sets the times of the file at path
	// (path_filestat_set_times) as [WasiFile.SetTimes] does. Without
	// LOOKUPFLAGS_SYMLINK_FOLLOW, a final symbolic link's own times change.
	PathSetTimes(ctx context.Context, flags Lookupflags, path string, atim, mtim Timestamp, fst Fstflags) error

	// Rename renames oldPath beneath this directory to newPath beneath
	// newDir (path_rename), replacing what is there as rename(2) does: a
	// file replaces a file, a directory an empty directory. Neither final
	// component is followed. newDir of another implementation: EXDEV.
	// Both directories must allow the change: a read-only side gives
	// EPERM, before any other check of the paths. Directory onto a
	// non-empty directory: ENOTEMPTY; directory onto a file: ENOTDIR; file
	// onto a directory: EISDIR.
	Rename(ctx context.Context, oldPath string, newDir WasiDir, newPath string) error

	// Link creates a hard link at newPath beneath newDir to the file at
	// oldPath beneath this directory (path_link). The binding refuses
	// LOOKUPFLAGS_SYMLINK_FOLLOW in oldFlags (EINVAL) before calling, so
	// a final symbolic link is linked itself. newPath exists: EEXIST. A
	// directory: EPERM. newDir of another implementation: EXDEV.
	Link(ctx context.Context, oldFlags Lookupflags, oldPath string, newDir WasiDir, newPath string) error
}

// UnimplementedDir is a [WasiDir] that supports nothing. Embed it in a
// directory implementation and override what it supports. It behaves as
// [UnimplementedFile] except that Filetype is FiletypeDirectory; Read,
// Write, Pread, Pwrite and SetSize answer EISDIR and Seek, Allocate and
// Advise EBADF, as a directory does (the wasi-testsuite's
// dir_fd_op_failures); and every path operation answers ENOTSUP.
type UnimplementedDir struct{ UnimplementedFile }

// Filetype returns FiletypeDirectory.
func (UnimplementedDir) Filetype() Filetype { return FiletypeDirectory }

// Read returns EISDIR.
func (UnimplementedDir) Read(context.Context, [][]byte) (int, error) { return 0, EISDIR }

// Pread returns EISDIR.
func (UnimplementedDir) Pread(context.Context, [][]byte, Filesize) (int, error) { return 0, EISDIR }

// Write returns EISDIR.
func (UnimplementedDir) Write(context.Context, [][]byte) (int, error) { return 0, EISDIR }

// Pwrite returns EISDIR.
func (UnimplementedDir) Pwrite(context.Context, [][]byte, Filesize) (int, error) { return 0, EISDIR }

// Seek returns EBADF.
func (UnimplementedDir) Seek(context.Context, Filedelta, Whence) (Filesize, error) { return 0, EBADF }

// SetSize returns EISDIR.
func (UnimplementedDir) SetSize(context.Context, Filesize) error { return EISDIR }

// Allocate returns EBADF.
func (UnimplementedDir) Allocate(context.Context, Filesize, Filesize) error { return EBADF }

// Advise returns EBADF.
func (UnimplementedDir) Advise(context.Context, Filesize, Filesize, Advice) error { return EBADF }

// OpenFile returns ENOTSUP.
func (UnimplementedDir) OpenFile(context.Context, string, OpenOptions) (WasiFile, error) {
	return nil, ENOTSUP
}

// CreateDirectory returns ENOTSUP.
func (UnimplementedDir) CreateDirectory(context.Context, string) error { return ENOTSUP }

// Readdir returns ENOTSUP.
func (UnimplementedDir) Readdir(context.Context, Dircookie, []DirEntry) (int, error) {
	return 0, ENOTSUP
}

// Symlink returns ENOTSUP.
func (UnimplementedDir) Symlink(context.Context, string, string) error { return ENOTSUP }

// Readlink returns ENOTSUP.
func (UnimplementedDir) Readlink(context.Context, string, []byte) (int, error) { return 0, ENOTSUP }

// RemoveDirectory returns ENOTSUP.
func (UnimplementedDir) RemoveDirectory(context.Context, string) error { return ENOTSUP }

// UnlinkFile returns ENOTSUP.
func (UnimplementedDir) UnlinkFile(context.Context, string) error { return ENOTSUP }

// PathFilestat returns ENOTSUP.
func (UnimplementedDir) PathFilestat(context.Context, Lookupflags, string) (Filestat, error) {
	return Filestat{}, ENOTSUP
}

// PathSetTimes returns ENOTSUP.
func (UnimplementedDir) PathSetTimes(context.Context, Lookupflags, string, Timestamp, Timestamp, Fstflags) error {
	return ENOTSUP
}

// Rename returns ENOTSUP.
func (UnimplementedDir) Rename(context.Context, string, WasiDir, string) error { return ENOTSUP }

// Link returns ENOTSUP.
func (UnimplementedDir) Link(context.Context, Lookupflags, string, WasiDir, string) error {
	return ENOTSUP
}
