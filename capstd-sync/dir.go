package capstdsync

import (
	"context"
	"errors"
	"io"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"github.com/capwasi/capwasi/capstd"
	"github.com/capwasi/capwasi/common"
)

// Dir is capstd's capability for one directory tree, re-exported so that
// an embedder needs only this package to pre-open a directory: every path a
// guest uses resolves beneath it (see package capstd).
type Dir = capstd.Dir

// OpenAmbientDir opens the host directory at path, as the process's own
// open(2) would, for [WasiCtxBuilder.PreopenDir] or [NewWasiDir]. It is
// capstd.OpenAmbientDir: the one use of the process's ambient authority.
// opts choose how guest paths beneath it resolve: [WithResolver],
// [WithRootSemantics]. Errors are capstd's (*fs.PathError): ENOENT,
// ENOTDIR, EACCES, EINVAL for an invalid option, ...
func OpenAmbientDir(path string, opts ...DirOption) (*Dir, error) {
	return capstd.OpenAmbientDir(path, opts...)
}

// NewWasiDir returns a [common.WasiDir] for d with the given permissions:
// the worked example of an implementation, and what [WasiCtxBuilder] pre-opens.
// It takes ownership of d (its Close closes d). A nil or closed d is EBADF.
//
// Every path operation resolves beneath d with capstd and maps errors as the
// package documentation says; a path that would leave d is EPERM. Operations
// that change what perms does not allow are EPERM and change nothing.
// Readdir lists "." and ".." and every entry with its inode and type as
// the system's directory reading returns them (getdents64 on Linux, no
// stat per entry), hands out cookies that count entries (below 2^31, as
// the contract requires, never the host's 64-bit offsets), resumes from any
// cookie it returned from the checkpoint before it (see
// [capstd.DirReader]), and allocates nothing in the steady state.
func NewWasiDir(d *Dir, perms Perms) (common.WasiDir, error) {
	if d == nil || d.Fd() == ^uintptr(0) {
		return nil, common.EBADF
	}
	return &dirFile{d: d, perms: perms & ReadWrite}, nil
}

// dirFile is a directory: the pre-opened ones and those opened beneath
// them.
type dirFile struct {
	common.UnimplementedDir
	d      *capstd.Dir // nil once a shared pre-open is closed
	shared *SharedDir  // the SharedDir d belongs to, for a shared pre-open
	perms  Perms
	flags  common.Fdflags    // as given at open, NONBLOCK as set since
	rd     *capstd.DirReader // the listing, opened by the first Readdir
	names  []byte            // the names the last Readdir returned
	budget *Budget           // the pre-open's, or nil
}

func (d *dirFile) Rights() (base, inheriting common.Rights) { return d.perms.dirRights() }

// Resolver reports how paths beneath d resolve ([WithResolver]): a host can
// ask a directory of this package with the method set
// interface{ Resolver() capstdsync.Resolver }.
func (d *dirFile) Resolver() Resolver { return d.d.Resolver() }

func (d *dirFile) Fdflags(context.Context) (common.Fdflags, error) { return d.flags, nil }

// SetFdflags records FDFLAGS_NONBLOCK, which means nothing for a directory
// (Go guests set it on every descriptor they open). The other flags are
// fixed at open: changing them is ENOTSUP.
func (d *dirFile) SetFdflags(_ context.Context, flags common.Fdflags) error {
	if (flags^d.flags)&^common.FdflagsNonblock != 0 {
		return common.ENOTSUP
	}
	d.flags = flags
	return nil
}

func (d *dirFile) Filestat(context.Context) (common.Filestat, error) {
	st, err := d.d.Fstat()
	if err != nil {
		return common.Filestat{}, wasiErr(err)
	}
	return filestatOf(st), nil
}

// SetTimes sets the directory's own times. Without DirWrite: EPERM.
func (d *dirFile) SetTimes(_ context.Context, atim, mtim common.Timestamp, flags common.Fstflags) error {
	if !d.perms.allows(DirWrite) {
		return common.EPERM
	}
	a, m, err := setTimesArgs(atim, mtim, flags)
	if err != nil {
		return err
	}
	return wasiErr(d.d.SetTimes(".", a, m, true))
}

// SetSize of a directory is EISDIR.
func (d *dirFile) SetSize(context.Context, common.Filesize) error { return common.EISDIR }

// Allocate and Advise on a directory are EBADF, as on wasmtime (and as
// wasi-testsuite's dir_fd_op_failures accepts).
func (d *dirFile) Allocate(context.Context, common.Filesize, common.Filesize) error {
	return common.EBADF
}

func (d *dirFile) Advise(context.Context, common.Filesize, common.Filesize, common.Advice) error {
	return common.EBADF
}

// Sync and Datasync fsync the directory's descriptor.
func (d *dirFile) Sync(context.Context) error { return wasiErr(syncDir(d.d)) }

func (d *dirFile) Datasync(ctx context.Context) error { return d.Sync(ctx) }

// Close closes the directory, or, for a shared pre-open, gives back its
// reference to the SharedDir; later calls are EBADF, as on a closed Dir.
func (d *dirFile) Close() error {
	if d.rd != nil {
		_ = d.rd.Close()
		d.rd = nil
	}
	if s := d.shared; s != nil {
		d.shared, d.d = nil, nil
		return wasiErr(s.release())
	}
	return wasiErr(d.d.Close())
}

func (d *dirFile) pollFd() int { return -1 }

// OpenFile opens path beneath d. The permissions are checked first: CREAT
// needs DirWrite; write access and TRUNC need FileWrite (EPERM otherwise).
// A directory is opened as a Dir (one openat with O_DIRECTORY when
// OFLAGS_DIRECTORY is given; otherwise the file is opened, and turned into
// a Dir without reopening when fstat says it is one). The path is copied,
// as capstd keeps it as the file's name. A file is always opened
// non-blocking, so that no open waits for a peer or a device (see
// openFile for what that means for FIFOs, terminals and leases); the
// guest's FDFLAGS_NONBLOCK is recorded and emulated.
func (d *dirFile) OpenFile(ctx context.Context, path string, opts common.OpenOptions) (common.WasiFile, error) {
	if opts.Oflags&common.OflagsCreat != 0 && !d.perms.allows(DirWrite) {
		return nil, common.EPERM
	}
	if (opts.Write || opts.Oflags&common.OflagsTrunc != 0) && !d.perms.allows(FileWrite) {
		return nil, common.EPERM
	}
	follow := opts.Lookup&common.LookupflagsSymlinkFollow != 0
	name := strings.Clone(path)
	if opts.Oflags&common.OflagsDirectory != 0 {
		sub, err := d.d.OpenDir(name, follow)
		if err != nil {
			return nil, wasiErr(err)
		}
		if opts.Write || opts.Oflags&(common.OflagsCreat|common.OflagsTrunc) != 0 {
			_ = sub.Close()
			return nil, common.EISDIR
		}
		return &dirFile{d: sub, perms: d.perms, flags: opts.Fdflags, budget: d.budget}, nil
	}

	// Always non-blocking, so that open(2) never waits (see openFile);
	// blocking mode is the file's to emulate.
	flags := openFlagsOf(opts.Fdflags) | capstd.ONonblock
	switch {
	case opts.Read && opts.Write:
		flags |= capstd.OReadWrite
	case opts.Write:
		flags |= capstd.OWrite
	default:
		flags |= capstd.ORead
	}
	if opts.Oflags&common.OflagsCreat != 0 {
		flags |= capstd.OCreate
	}
	if opts.Oflags&common.OflagsExcl != 0 {
		flags |= capstd.OExcl
	}
	if opts.Oflags&common.OflagsTrunc != 0 {
		flags |= capstd.OTrunc
	}
	if !follow {
		flags |= capstd.ONoFollow
	}
	var before *capstd.Stat // with a budget, what OTrunc truncates
	if d.budget != nil && flags&capstd.OTrunc != 0 {
		before = d.statBeforeTrunc(name, follow)
	}
	f, err := d.openCounted(ctx, name, flags, opts.Fdflags&common.FdflagsNonblock != 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, wasiErr(err)
	}
	if st.Type == capstd.TypeDir {
		sub, err := capstd.NewDirFromFile(f)
		if err != nil {
			_ = f.Close()
			return nil, wasiErr(err)
		}
		return &dirFile{d: sub, perms: d.perms, flags: opts.Fdflags, budget: d.budget}, nil
	}
	file := &file{
		f:     f,
		typ:   filetypeOf(st.Type),
		perms: d.perms,
		read:  flags&capstd.OWrite == 0 || flags&capstd.ORead != 0,
		write: flags&capstd.OWrite != 0,
		sync:  opts.Fdflags & syncFdflags,
		flags: opts.Fdflags,
	}
	if d.budget != nil && st.Type == capstd.TypeRegular {
		file.budget = d.budget
		file.ino = d.budget.opened(&st, before)
	}
	return file, nil
}

// leaseRetryInterval is how often openFile tries again to open a file
// whose lease is being broken.
const leaseRetryInterval = 10 * time.Millisecond

// openFile opens name beneath d with flags, which have ONonblock: open(2)
// then never waits for anything the host controls. A FIFO opened for
// reading opens at once (the first blocking read waits for a writer, where
// a cancelled context reaches it); one opened for writing with no reader
// fails with ENXIO instead of waiting for one; a terminal or serial device
// does not wait for a carrier. A file under a lease held by another
// process (Linux's F_SETLEASE) makes the kernel start breaking the lease
// and answer EWOULDBLOCK: unless the guest asked for FDFLAGS_NONBLOCK
// (then it gets EAGAIN), openFile tries again every leaseRetryInterval
// until the lease is released or broken (lease-break-time, 45 s by
// default) or ctx is done (its error).
func (d *dirFile) openFile(ctx context.Context, name string, flags capstd.OpenFlag, nonblock bool) (*capstd.File, error) {
	var tm *time.Timer
	for {
		f, err := d.d.OpenFile(name, flags, 0o666)
		if err == nil || nonblock || !errors.Is(err, syscall.EAGAIN) {
			return f, wasiErr(err)
		}
		if tm == nil {
			tm = time.NewTimer(leaseRetryInterval)
			defer tm.Stop()
		} else {
			tm.Reset(leaseRetryInterval)
		}
		select {
		case <-tm.C:
		case <-ctx.Done():
			return nil, wasiErr(ctx.Err())
		}
	}
}

// CreateDirectory is mkdir beneath d. Without DirWrite: EPERM.
func (d *dirFile) CreateDirectory(_ context.Context, path string) error {
	if !d.perms.allows(DirWrite) {
		return common.EPERM
	}
	return d.counted(0, func() error { return d.d.Mkdir(path, 0o777) })
}

// Readdir fills entries from the listing, starting at cookie. The names
// are copied into a buffer of d's that the next call reuses.
func (d *dirFile) Readdir(_ context.Context, cookie common.Dircookie, entries []common.DirEntry) (int, error) {
	if len(entries) == 0 {
		return 0, nil
	}
	if d.rd == nil {
		rd, err := d.d.OpenDirReader()
		if err != nil {
			return 0, wasiErr(err)
		}
		d.rd = rd
	}
	if err := d.rd.Seek(uint64(cookie)); err != nil {
		return 0, wasiErr(err)
	}
	d.names = d.names[:0]
	n := 0
	for n < len(entries) {
		e, err := d.rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if n > 0 {
				break // report what was read; the error comes again next time
			}
			return 0, wasiErr(err)
		}
		start := len(d.names)
		d.names = append(d.names, e.Name...)
		entries[n] = common.DirEntry{
			Next: common.Dircookie(e.Next),
			Ino:  common.Inode(e.Ino),
			Type: filetypeOf(e.Type),
			Name: unsafe.String(unsafe.SliceData(d.names[start:]), len(e.Name)),
		}
		n++
	}
	return n, nil
}

// Symlink creates a symbolic link. Without DirWrite: EPERM; an absolute
// target: EPERM (capstd refuses it as an escape), unless the directory is a
// pre-open with root semantics ([WithRootSemantics]).
func (d *dirFile) Symlink(_ context.Context, target, path string) error {
	if !d.perms.allows(DirWrite) {
		return common.EPERM
	}
	return d.counted(int64(len(target)), func() error { return d.d.Symlink(target, path) })
}

func (d *dirFile) Readlink(_ context.Context, path string, buf []byte) (int, error) {
	n, err := d.d.Readlink(path, buf)
	return n, wasiErr(err)
}

// RemoveDirectory is rmdir beneath d. Without DirWrite: EPERM.
func (d *dirFile) RemoveDirectory(_ context.Context, path string) error {
	if !d.perms.allows(DirWrite) {
		return common.EPERM
	}
	if err := d.d.RemoveDir(path); err != nil {
		return wasiErr(err)
	}
	if d.budget != nil {
		d.budget.removed(&capstd.Stat{Type: capstd.TypeDir})
	}
	return nil
}

// UnlinkFile is unlink beneath d. Without DirWrite: EPERM.
func (d *dirFile) UnlinkFile(_ context.Context, path string) error {
	if !d.perms.allows(DirWrite) {
		return common.EPERM
	}
	if d.budget != nil {
		return d.removeCounted(path)
	}
	return wasiErr(d.d.RemoveFile(path))
}

func (d *dirFile) PathFilestat(_ context.Context, flags common.Lookupflags, path string) (common.Filestat, error) {
	st, err := d.d.Stat(path, flags&common.LookupflagsSymlinkFollow != 0)
	if err != nil {
		return common.Filestat{}, wasiErr(err)
	}
	return filestatOf(st), nil
}

// PathSetTimes sets times by path (utimensat), of the link itself without
// LOOKUPFLAGS_SYMLINK_FOLLOW. Without DirWrite: EPERM.
func (d *dirFile) PathSetTimes(_ context.Context, flags common.Lookupflags, path string, atim, mtim common.Timestamp, fst common.Fstflags) error {
	if !d.perms.allows(DirWrite) {
		return common.EPERM
	}
	a, m, err := setTimesArgs(atim, mtim, fst)
	if err != nil {
		return err
	}
	return wasiErr(d.d.SetTimes(path, a, m, flags&common.LookupflagsSymlinkFollow != 0))
}

// Rename renames oldPath beneath d to newPath beneath newDir. Both sides
// need DirWrite, and newDir may not allow more than d (a file moved from a
// directory without FileWrite must not become writable): EPERM otherwise.
// A newDir of another implementation, or with another [Budget], is EXDEV,
// unless d itself is read-only (EPERM).
func (d *dirFile) Rename(_ context.Context, oldPath string, newDir common.WasiDir, newPath string) error {
	nd, err := d.peer(newDir)
	if err != nil {
		return err
	}
	if d.budget != nil {
		return d.renameCounted(oldPath, nd, newPath)
	}
	return wasiErr(d.d.Rename(oldPath, nd.d, newPath))
}

// Link creates newPath beneath newDir as a hard link to oldPath beneath d,
// with the permission rules of Rename. A final symbolic link is linked
// itself unless oldFlags asks to follow it.
func (d *dirFile) Link(_ context.Context, oldFlags common.Lookupflags, oldPath string, newDir common.WasiDir, newPath string) error {
	nd, err := d.peer(newDir)
	if err != nil {
		return err
	}
	follow := oldFlags&common.LookupflagsSymlinkFollow != 0
	return d.counted(0, func() error { return d.d.Link(oldPath, nd.d, newPath, follow) })
}

// peer returns the other directory of a rename or link, once both sides
// allow it: d's own permission first (EPERM, before anything else, as
// package common's check order asks), then the other side's kind (EXDEV)
// and permission, then the budgets (EXDEV unless the same).
func (d *dirFile) peer(other common.WasiDir) (*dirFile, error) {
	if !d.perms.allows(DirWrite) {
		return nil, common.EPERM
	}
	nd, ok := other.(*dirFile)
	if !ok || nd == nil {
		return nil, common.EXDEV
	}
	if nd.d == nil { // a closed shared pre-open (capstd would take nil for d itself)
		return nil, common.EBADF
	}
	if !nd.perms.allows(DirWrite) || !nd.perms.within(d.perms) {
		return nil, common.EPERM
	}
	if nd.budget != d.budget {
		return nil, common.EXDEV // nothing moves from one budget's count to another's
	}
	return nd, nil
}
