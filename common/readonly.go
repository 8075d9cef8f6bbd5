package common

import "context"

// ReadOnlyFile is a regular file of a read-only tree that supports nothing
// yet. Embed it in a file implementation and supply Read, Pread, Seek and
// Filestat (which answer as [UnimplementedFile] does until then); the rest
// already answers as the contracts ask of a file beneath a read-only tree
// (see "Read-only trees" in the package documentation):
//
//   - Filetype: FiletypeRegularFile. Rights: everything but
//     [RightsWriteMask] and RIGHTS_FD_FILESTAT_SET_TIMES; inheriting none.
//   - Fdflags and SetFdflags keep the descriptor's flags in Flags: set it
//     to [OpenOptions].Fdflags when the file is opened, and fd_fdstat_get
//     reports them back. Every flag is accepted, as none changes what a
//     file that is never written does.
//   - Write and Pwrite: EBADF (a file of a read-only tree is never open for
//     writing). SetSize, SetTimes and Allocate: EPERM.
//   - Advise, Sync and Datasync: nil (nothing to advise or write back).
//   - Close: nil.
//
// Its methods that keep state have pointer receivers: embed it by value in
// a type used through a pointer.
type ReadOnlyFile struct {
	UnimplementedFile
	// Flags are the descriptor's flags (fd_fdstat_get).
	Flags Fdflags
}

// Filetype returns FiletypeRegularFile.
func (*ReadOnlyFile) Filetype() Filetype { return FiletypeRegularFile }

// Rights returns every right but those that write (RightsWriteMask and
// RIGHTS_FD_FILESTAT_SET_TIMES), and no inheriting rights.
func (*ReadOnlyFile) Rights() (base, inheriting Rights) {
	return RightsAll &^ (RightsWriteMask | RightsFdFilestatSetTimes), 0
}

// Fdflags returns f.Flags.
func (f *ReadOnlyFile) Fdflags(context.Context) (Fdflags, error) { return f.Flags, nil }

// SetFdflags records flags in f.Flags.
func (f *ReadOnlyFile) SetFdflags(_ context.Context, flags Fdflags) error {
	f.Flags = flags
	return nil
}

// Write returns EBADF.
func (*ReadOnlyFile) Write(context.Context, [][]byte) (int, error) { return 0, EBADF }

// Pwrite returns EBADF.
func (*ReadOnlyFile) Pwrite(context.Context, [][]byte, Filesize) (int, error) { return 0, EBADF }

// SetSize returns EPERM.
func (*ReadOnlyFile) SetSize(context.Context, Filesize) error { return EPERM }

// SetTimes returns EPERM.
func (*ReadOnlyFile) SetTimes(context.Context, Timestamp, Timestamp, Fstflags) error { return EPERM }

// Allocate returns EPERM.
func (*ReadOnlyFile) Allocate(context.Context, Filesize, Filesize) error { return EPERM }

// Advise returns nil.
func (*ReadOnlyFile) Advise(context.Context, Filesize, Filesize, Advice) error { return nil }

// Sync returns nil.
func (*ReadOnlyFile) Sync(context.Context) error { return nil }

// Datasync returns nil.
func (*ReadOnlyFile) Datasync(context.Context) error { return nil }

// ReadOnlyDir is a directory of a read-only tree that supports nothing
// yet. Embed it in a directory implementation and supply OpenFile (refusing
// what [OpenOptions.Mutates] reports with EPERM first), Readdir, Readlink,
// PathFilestat and Filestat (which answer as [UnimplementedDir] does until
// then); the rest already answers as the contracts ask of a directory of a
// read-only tree (see "Read-only trees" in the package documentation):
//
//   - Rights: every right but [RightsDirectoryWriteMask], for the directory
//     and for what is opened through it. The inheriting set keeps
//     [RightsWriteMask], so that a write open reaches OpenFile and is
//     refused there (see [WasiFile.Rights]).
//   - Fdflags and SetFdflags keep the descriptor's flags in Flags, as
//     [ReadOnlyFile] does.
//   - CreateDirectory, Symlink, RemoveDirectory, UnlinkFile, PathSetTimes,
//     Rename, Link and SetTimes: EPERM, whatever the path names.
//   - Read, Write, Pread, Pwrite, SetSize: EISDIR; Seek, Allocate, Advise:
//     EBADF (as [UnimplementedDir]).
//   - Sync and Datasync: nil. Close: nil.
type ReadOnlyDir struct {
	UnimplementedDir
	// Flags are the descriptor's flags (fd_fdstat_get).
	Flags Fdflags
}

// Rights returns every right but RightsDirectoryWriteMask, for both sets.
func (*ReadOnlyDir) Rights() (base, inheriting Rights) {
	return RightsAll &^ RightsDirectoryWriteMask, RightsAll &^ RightsDirectoryWriteMask
}

// Fdflags returns d.Flags.
func (d *ReadOnlyDir) Fdflags(context.Context) (Fdflags, error) { return d.Flags, nil }

// SetFdflags records flags in d.Flags.
func (d *ReadOnlyDir) SetFdflags(_ context.Context, flags Fdflags) error {
	d.Flags = flags
	return nil
}

// SetTimes returns EPERM.
func (*ReadOnlyDir) SetTimes(context.Context, Timestamp, Timestamp, Fstflags) error { return EPERM }

// Sync returns nil.
func (*ReadOnlyDir) Sync(context.Context) error { return nil }

// Datasync returns nil.
func (*ReadOnlyDir) Datasync(context.Context) error { return nil }

// CreateDirectory returns EPERM.
func (*ReadOnlyDir) CreateDirectory(context.Context, string) error { return EPERM }

// Symlink returns EPERM.
func (*ReadOnlyDir) Symlink(context.Context, string, string) error { return EPERM }

// RemoveDirectory returns EPERM.
func (*ReadOnlyDir) RemoveDirectory(context.Context, string) error { return EPERM }

// UnlinkFile returns EPERM.
func (*ReadOnlyDir) UnlinkFile(context.Context, string) error { return EPERM }

// PathSetTimes returns EPERM.
func (*ReadOnlyDir) PathSetTimes(context.Context, Lookupflags, string, Timestamp, Timestamp, Fstflags) error {
	return EPERM
}

// Rename returns EPERM.
func (*ReadOnlyDir) Rename(context.Context, string, WasiDir, string) error { return EPERM }

// Link returns EPERM.
func (*ReadOnlyDir) Link(context.Context, Lookupflags, string, WasiDir, string) error { return EPERM }
