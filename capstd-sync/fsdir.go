package capstdsync

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"math"
	"path"
	"strings"
	"sync/atomic"

	"github.com/capwasi/capwasi/capstd-sync/vfs"
	"github.com/capwasi/capwasi/common"
)

// NewFSDir returns a read-only [common.WasiDir] over fsys: an embed.FS, an
// fstest.MapFS, an os.DirFS, a *zip.Reader, an fs.Sub of one, any io/fs
// file system. Its root is fsys's "."; [WasiCtxBuilder.PreopenFS] pre-opens
// one. It is built on package common's read-only defaults and capstd-sync's
// vfs, as a third-party read-only implementation would be:
//
//   - Paths resolve with [vfs.Resolve], never above the root. Symbolic
//     links are those fsys reports through fs.ReadLinkFS (fstest.MapFS and
//     os.DirFS do, Go 1.25 on): they are followed within fsys, never out
//     of it (a link leading out, or an absolute one, is EPERM); a file
//     system without fs.ReadLinkFS has no links the directory can see, and
//     confines whatever links it follows itself as it does.
//   - Every change is refused with EPERM before the path is looked at, as
//     package common's "Read-only trees" asks: an open for writing,
//     OFLAGS_CREAT or OFLAGS_TRUNC, creating, removing, renaming, linking,
//     setting times or sizes.
//   - Sizes, modes and modification times come from fs.FileInfo (package
//     common's FilestatOf; embed.FS's zero times are 0). Inode numbers are
//     vfs.PathInode of the file's path, the same for every descriptor and
//     every listing for as long as the context lives, and never 0; the
//     device number is one per NewFSDir.
//   - fd_readdir lists "." and "..", then fsys's entries in name order, with
//     their types from fs.DirEntry (no stat per entry). The listing is read
//     once per directory descriptor; cookies are positions in it (below
//     2^31), so any cookie handed out resumes it, and listing allocates
//     nothing after the first call.
//   - A file that is an io.ReaderAt (those of embed.FS, fstest.MapFS and
//     os.DirFS are) is read at an offset the descriptor keeps: fd_read,
//     fd_pread and fd_seek work as on any regular file, a seek past the end
//     included. A file that is only an io.Seeker reads and seeks through
//     it. A file that is neither — a zip entry, a decompressing stream
//     that cannot be repositioned without reading it again from the start
//     — is read in order: fd_pread and fd_seek answer ESPIPE, the
//     contract's errno for a file that cannot seek, except that fd_tell (a
//     seek of 0 from the current offset) reports how far it has been read.
//
// Errors: a nil fsys is EINVAL; a fsys whose "." cannot be stat'ed, the
// error; one whose "." is not a directory, ENOTDIR. NewFSDir does not close
// fsys (a *zip.ReadCloser stays the caller's to close after the guest).
//
// fsys must not change while the guest runs as far as the listing
// snapshots go; os.DirFS is confined against links, not against anything
// that changes the host directory while the guest runs — a host process,
// or another guest given the same directory read-write — which can swap a
// checked directory for a link between the check and the open. For a host
// directory, use [WasiCtxBuilder.PreopenHostDir].
func NewFSDir(fsys fs.FS) (common.WasiDir, error) {
	if fsys == nil {
		return nil, common.EINVAL
	}
	info, err := fs.Stat(fsys, ".")
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, common.ENOTDIR
	}
	t := &fsTree{fsys: fsys, dev: common.Device(fsDevices.Add(1))}
	t.links, _ = fsys.(fs.ReadLinkFS)
	root := vfs.PathInode(".")
	return &fsDir{t: t, path: ".", ino: root, parentIno: root}, nil
}

// fsDevices numbers the io/fs trees, each its own device, counting from a
// value far from the host's device numbers.
var fsDevices atomic.Uint64

func init() { fsDevices.Store(1 << 62) }

// fsTree is one io/fs file system as vfs.Resolve walks it.
type fsTree struct {
	fsys  fs.FS
	links fs.ReadLinkFS // nil: fsys has no symbolic links to show
	dev   common.Device
}

// fsNode is a file of an fsTree: its clean path, and what Lstat said of it
// (nil for a directory reached as "." or "..").
type fsNode struct {
	path string
	info fs.FileInfo
}

// Lookup returns the entry name of dir, without following a final link.
// The node's path is a string of its own, never name itself: name may
// alias guest memory, and fsys may keep what it is given (an fs.File its
// name).
func (t *fsTree) Lookup(dir fsNode, name string) (fsNode, common.Filetype, error) {
	var p string
	if dir.path == "." {
		p = strings.Clone(name)
	} else {
		p = dir.path + "/" + name
	}
	var info fs.FileInfo
	var err error
	if t.links != nil {
		info, err = t.links.Lstat(p)
	} else {
		info, err = fs.Stat(t.fsys, p)
	}
	if err != nil {
		return fsNode{}, 0, err
	}
	return fsNode{path: p, info: info}, common.FiletypeOf(info.Mode()), nil
}

// Readlink returns the target of the link at n. A file system without
// fs.ReadLinkFS that still reports a link (a zip entry with a link's mode)
// cannot say where it leads: ENOTSUP.
func (t *fsTree) Readlink(n fsNode) (string, error) {
	if t.links == nil {
		return "", common.ENOTSUP
	}
	return t.links.ReadLink(n.path)
}

// resolve walks p from d (see vfs.Resolve) and fails with ENOENT when the
// final component does not exist or ENOTDIR when p asked for a directory
// and names something else.
func (d *fsDir) resolve(p string, follow bool) (vfs.Resolved[fsNode], error) {
	r, err := vfs.Resolve[fsNode](d.t, fsNode{path: d.path}, p, follow)
	switch {
	case err != nil:
		return r, wasiErr(err)
	case !r.Exists:
		return r, common.ENOENT
	}
	return r, r.CheckDir()
}

// stat returns the attributes of n, with its inode and the tree's device.
func (t *fsTree) stat(n fsNode) (common.Filestat, error) {
	info := n.info
	if info == nil {
		var err error
		if info, err = fs.Stat(t.fsys, n.path); err != nil {
			return common.Filestat{}, wasiErr(err)
		}
	}
	st := common.FilestatOf(info)
	st.Dev, st.Ino = t.dev, vfs.PathInode(n.path)
	return st, nil
}

// fsDir is a directory of an io/fs file system: the root NewFSDir returns
// and those opened beneath it.
type fsDir struct {
	common.ReadOnlyDir
	t         *fsTree
	path      string // clean path in t.fsys, "." for the root
	ino       common.Inode
	parentIno common.Inode

	listing []common.DirEntry // ".", "..", then the entries; read by the first Readdir
	listed  bool
}

// Filestat returns the directory's attributes.
func (d *fsDir) Filestat(context.Context) (common.Filestat, error) {
	return d.t.stat(fsNode{path: d.path})
}

// OpenFile opens a file or directory beneath d for reading; an open that
// may change anything is EPERM.
func (d *fsDir) OpenFile(_ context.Context, p string, opts common.OpenOptions) (common.WasiFile, error) {
	if opts.Mutates() {
		return nil, common.EPERM
	}
	r, err := d.resolve(p, opts.Lookup&common.LookupflagsSymlinkFollow != 0)
	if err != nil {
		return nil, err
	}
	switch {
	case r.Type == common.FiletypeSymbolicLink:
		return nil, common.ELOOP
	case r.Type == common.FiletypeDirectory:
		return d.sub(r, opts.Fdflags), nil
	case opts.Oflags&common.OflagsDirectory != 0:
		return nil, common.ENOTDIR
	}
	f, err := d.t.fsys.Open(r.Node.path)
	if err != nil {
		return nil, wasiErr(err)
	}
	st, err := d.t.stat(r.Node)
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	file := &fsFile{f: f, st: st}
	file.Flags = opts.Fdflags
	file.at, _ = f.(io.ReaderAt)
	file.seeker, _ = f.(io.Seeker)
	return file, nil
}

// sub returns the directory r names, opened beneath d.
func (d *fsDir) sub(r vfs.Resolved[fsNode], flags common.Fdflags) *fsDir {
	p := r.Node.path // Lookup's own string, or d's path
	s := &fsDir{t: d.t, path: p, ino: vfs.PathInode(p), parentIno: vfs.PathInode(parentPath(p))}
	s.Flags = flags
	return s
}

// parentPath returns the clean path of p's parent directory; the root is
// its own parent.
func parentPath(p string) string {
	if p == "." {
		return "."
	}
	return path.Dir(p)
}

// Readdir lists d from cookie: ".", "..", then the entries in name order.
// Cookie n is the n-th entry of the listing, read once by the first call.
func (d *fsDir) Readdir(_ context.Context, cookie common.Dircookie, entries []common.DirEntry) (int, error) {
	if !d.listed {
		list, err := fs.ReadDir(d.t.fsys, d.path)
		if err != nil {
			return 0, wasiErr(err)
		}
		d.listing = make([]common.DirEntry, 0, len(list)+2)
		d.listing = append(d.listing,
			common.DirEntry{Next: 1, Ino: d.ino, Type: common.FiletypeDirectory, Name: "."},
			common.DirEntry{Next: 2, Ino: d.parentIno, Type: common.FiletypeDirectory, Name: ".."})
		for _, e := range list {
			d.listing = append(d.listing, common.DirEntry{
				Next: common.Dircookie(len(d.listing) + 1),
				Ino:  vfs.ChildInode(d.path, e.Name()),
				Type: common.FiletypeOf(e.Type()),
				Name: e.Name(),
			})
		}
		d.listed = true
	}
	if cookie >= common.Dircookie(len(d.listing)) {
		return 0, nil
	}
	return copy(entries, d.listing[cookie:]), nil
}

// Readlink copies the target of the link at p into buf, truncating.
func (d *fsDir) Readlink(_ context.Context, p string, buf []byte) (int, error) {
	r, err := d.resolve(p, false)
	if err != nil {
		return 0, err
	}
	if r.Type != common.FiletypeSymbolicLink {
		return 0, common.EINVAL
	}
	target, err := d.t.Readlink(r.Node)
	if err != nil {
		return 0, wasiErr(err)
	}
	return copy(buf, target), nil
}

// PathFilestat returns the attributes of the file at p.
func (d *fsDir) PathFilestat(_ context.Context, flags common.Lookupflags, p string) (common.Filestat, error) {
	r, err := d.resolve(p, flags&common.LookupflagsSymlinkFollow != 0)
	if err != nil {
		return common.Filestat{}, err
	}
	return d.t.stat(r.Node)
}

// fsFile is a file of an io/fs file system, open for reading.
type fsFile struct {
	common.ReadOnlyFile
	f      fs.File
	st     common.Filestat // as the file was when opened
	at     io.ReaderAt     // set: reads at off, which the descriptor keeps
	seeker io.Seeker       // without at: seeks through it
	off    int64           // the offset: bytes read so far without at or seeker
}

// Filetype returns the file's type.
func (f *fsFile) Filetype() common.Filetype { return f.st.Filetype }

// Rights are those of a read-only file, without FD_SEEK when the file
// cannot seek.
func (f *fsFile) Rights() (base, inheriting common.Rights) {
	base, inheriting = f.ReadOnlyFile.Rights()
	if f.at == nil && f.seeker == nil {
		base &^= common.RightsFdSeek
	}
	return base, inheriting
}

// Filestat returns the attributes the file had when it was opened.
func (f *fsFile) Filestat(context.Context) (common.Filestat, error) { return f.st, nil }

// Read fills each buffer in turn, as readv(2) does for a regular file: it
// stops early only at the end of the file. With an io.ReaderAt it reads at
// the descriptor's offset; otherwise through fs.File.Read.
func (f *fsFile) Read(_ context.Context, iovs [][]byte) (int, error) {
	if f.at != nil {
		n, err := f.readAt(iovs, f.off)
		f.off += int64(n)
		return n, err
	}
	n := 0
	for _, b := range iovs {
		m, err := io.ReadFull(f.f, b)
		n += m
		f.off += int64(m)
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			if n > 0 {
				break // report what was read; the error comes again
			}
			return 0, wasiErr(err)
		}
	}
	return n, nil
}

// Pread reads from offset through io.ReaderAt; without one, ESPIPE.
func (f *fsFile) Pread(_ context.Context, iovs [][]byte, offset common.Filesize) (int, error) {
	if f.at == nil {
		return 0, common.ESPIPE
	}
	if offset > math.MaxInt64 {
		return 0, common.EINVAL
	}
	return f.readAt(iovs, int64(offset))
}

// readAt fills iovs in turn from off through f.at, stopping at the end of
// the file.
func (f *fsFile) readAt(iovs [][]byte, off int64) (int, error) {
	n := 0
	for _, b := range iovs {
		if len(b) == 0 {
			continue
		}
		if off+int64(n) < 0 { // beyond the largest offset
			break
		}
		pos := off + int64(n)
		m, err := f.at.ReadAt(b, pos)
		n += m
		// An error before the end of the file is one; at or past it (where
		// fstest.MapFS and embed.FS answer fs.ErrInvalid) it is the end.
		if err != nil && !errors.Is(err, io.EOF) && pos+int64(m) < int64(f.st.Size) {
			if n > 0 {
				break // report what was read; the error comes again
			}
			return 0, wasiErr(err)
		}
		if m < len(b) {
			break
		}
	}
	return n, nil
}

// Seek moves the offset: the descriptor's own with an io.ReaderAt (past
// the end too), the file's through an io.Seeker, and otherwise only
// fd_tell (0 from the current offset) answers; anything else is ESPIPE. A
// negative result is EINVAL.
func (f *fsFile) Seek(_ context.Context, offset common.Filedelta, whence common.Whence) (common.Filesize, error) {
	if whence > common.WhenceEnd {
		return 0, common.EINVAL
	}
	switch {
	case f.at != nil:
		base := f.off
		switch whence {
		case common.WhenceSet:
			base = 0
		case common.WhenceEnd:
			base = int64(f.st.Size)
		}
		n := base + int64(offset)
		if n < 0 || (offset > 0 && n < base) {
			return 0, common.EINVAL
		}
		f.off = n
		return common.Filesize(n), nil
	case f.seeker != nil:
		n, err := f.seeker.Seek(int64(offset), int(whence))
		if err != nil {
			return 0, wasiErr(err)
		}
		return common.Filesize(n), nil
	case whence == common.WhenceCur && offset == 0:
		return common.Filesize(f.off), nil
	}
	return 0, common.ESPIPE
}

// readableBytes is the bytes after the offset, for poll_oneoff: an io/fs
// file is always ready.
func (f *fsFile) readableBytes() (common.Filesize, error) {
	off := f.off
	if f.at == nil && f.seeker != nil {
		var err error
		if off, err = f.seeker.Seek(0, io.SeekCurrent); err != nil {
			return 0, wasiErr(err)
		}
	}
	return common.Filesize(max(int64(f.st.Size)-off, 0)), nil
}

// Close closes the fs.File.
func (f *fsFile) Close() error { return wasiErr(f.f.Close()) }
