package memfs

import (
	"context"
	"strings"

	"github.com/capwasi/capwasi/common"
)

// Dir is an open directory of an [FS]. It implements [common.WasiDir].
// Paths resolve beneath it and never above it.
type Dir struct {
	common.UnimplementedDir
	fs       *FS
	n        *node
	readOnly bool

	// listing is the snapshot fd_readdir works through: taken at cookie 0,
	// so that every cookie handed out stays valid until the next rewind.
	listing []common.DirEntry
}

// Root opens the root directory of fsys. With readOnly, the directory and
// everything opened through it refuse every change with EPERM.
func (fsys *FS) Root(readOnly bool) *Dir {
	return &Dir{fs: fsys, n: fsys.root, readOnly: readOnly}
}

// Rights leaves out the rights a read-only directory cannot honour, but
// not the file write rights of its inheriting set: a write open must reach
// OpenFile to be refused (see common.WasiFile.Rights).
func (d *Dir) Rights() (base, inheriting common.Rights) {
	if d.readOnly {
		return common.RightsAll &^ common.RightsDirectoryWriteMask,
			common.RightsAll &^ common.RightsDirectoryWriteMask
	}
	return common.RightsAll, common.RightsAll
}

// Filestat returns the directory's attributes.
func (d *Dir) Filestat(context.Context) (common.Filestat, error) {
	d.fs.mu.Lock()
	defer d.fs.mu.Unlock()
	return d.n.stat(), nil
}

// SetTimes sets the directory's times.
func (d *Dir) SetTimes(_ context.Context, atim, mtim common.Timestamp, fst common.Fstflags) error {
	if d.readOnly {
		return common.EPERM
	}
	d.fs.mu.Lock()
	defer d.fs.mu.Unlock()
	d.fs.setTimes(d.n, atim, mtim, fst)
	return nil
}

// Sync does nothing: memory is the storage.
func (d *Dir) Sync(context.Context) error { return nil }

// Datasync does nothing.
func (d *Dir) Datasync(context.Context) error { return nil }

// Advise accepts and ignores the hint.
func (d *Dir) Advise(context.Context, common.Filesize, common.Filesize, common.Advice) error {
	return nil
}

// writable returns EPERM for a read-only directory.
func (d *Dir) writable() error {
	if d.readOnly {
		return common.EPERM
	}
	return nil
}

// OpenFile opens a file or directory beneath d.
func (d *Dir) OpenFile(_ context.Context, path string, opts common.OpenOptions) (common.WasiFile, error) {
	// A read-only tree refuses an open that may change something first,
	// even for a file that exists (common's "Read-only trees").
	if d.readOnly && opts.Mutates() {
		return nil, common.EPERM
	}
	fsys := d.fs
	fsys.mu.Lock()
	defer fsys.mu.Unlock()
	follow := opts.Lookup&common.LookupflagsSymlinkFollow != 0
	r, err := resolve(d.n, path, follow)
	if err != nil {
		return nil, err
	}
	n := r.Node
	if !r.Exists {
		if opts.Oflags&common.OflagsCreat == 0 {
			return nil, common.ENOENT
		}
		if r.DirOnly || opts.Oflags&common.OflagsDirectory != 0 {
			return nil, common.EISDIR
		}
		n = fsys.newNode(common.FiletypeRegularFile)
		r.Dir.entries[strings.Clone(r.Name)] = n
		r.Dir.mtim, r.Dir.ctim = n.mtim, n.mtim
	} else if opts.Oflags&(common.OflagsCreat|common.OflagsExcl) == common.OflagsCreat|common.OflagsExcl {
		return nil, common.EEXIST
	}
	if err := r.CheckDir(); err != nil {
		return nil, err
	}
	switch n.typ {
	case common.FiletypeSymbolicLink:
		return nil, common.ELOOP
	case common.FiletypeDirectory:
		if opts.Write || opts.Oflags&(common.OflagsTrunc|common.OflagsCreat) != 0 {
			return nil, common.EISDIR
		}
		return &Dir{fs: fsys, n: n, readOnly: d.readOnly}, nil
	}
	if opts.Oflags&common.OflagsDirectory != 0 {
		return nil, common.ENOTDIR
	}
	if opts.Oflags&common.OflagsTrunc != 0 {
		n.data = n.data[:0]
		n.mtim = fsys.stamp()
		n.ctim = n.mtim
	}
	return &File{fs: fsys, n: n, read: opts.Read, write: opts.Write, flags: opts.Fdflags, readOnly: d.readOnly}, nil
}

// CreateDirectory creates a directory beneath d.
func (d *Dir) CreateDirectory(_ context.Context, path string) error {
	if err := d.writable(); err != nil {
		return err
	}
	fsys := d.fs
	fsys.mu.Lock()
	defer fsys.mu.Unlock()
	r, err := resolve(d.n, path, false)
	if err != nil {
		return err
	}
	if r.Exists {
		return common.EEXIST
	}
	n := fsys.newNode(common.FiletypeDirectory)
	n.parent = r.Dir
	r.Dir.entries[strings.Clone(r.Name)] = n
	r.Dir.nlink++
	r.Dir.mtim, r.Dir.ctim = n.mtim, n.mtim
	return nil
}

// Readdir lists d, with "." and ".." first and the rest sorted by name.
// Cookie n names the n-th entry of the snapshot taken at cookie 0.
func (d *Dir) Readdir(_ context.Context, cookie common.Dircookie, entries []common.DirEntry) (int, error) {
	fsys := d.fs
	fsys.mu.Lock()
	defer fsys.mu.Unlock()
	if cookie == common.DircookieStart || d.listing == nil {
		d.listing = d.listing[:0]
		d.listing = append(d.listing,
			common.DirEntry{Next: 1, Ino: d.n.ino, Type: common.FiletypeDirectory, Name: "."},
			common.DirEntry{Next: 2, Ino: d.n.parent.ino, Type: common.FiletypeDirectory, Name: ".."})
		for _, name := range d.n.sortedNames() {
			c := d.n.entries[name]
			d.listing = append(d.listing, common.DirEntry{
				Next: common.Dircookie(len(d.listing) + 1), Ino: c.ino, Type: c.typ, Name: name,
			})
		}
	}
	if cookie > common.Dircookie(len(d.listing)) {
		return 0, nil
	}
	return copy(entries, d.listing[cookie:]), nil
}

// existsErr is the error of creating r's name when it exists: ENOTDIR
// when a trailing "/" names a file that is neither a directory nor a
// symbolic link (as wasmtime answers), else EEXIST.
func existsErr(r resolved) error {
	if r.DirOnly && r.Type != common.FiletypeDirectory && r.Type != common.FiletypeSymbolicLink {
		return common.ENOTDIR
	}
	return common.EEXIST
}

// Symlink creates a symbolic link at path holding target.
func (d *Dir) Symlink(_ context.Context, target, path string) error {
	if err := d.writable(); err != nil {
		return err
	}
	if strings.HasPrefix(target, "/") {
		return common.EPERM // it leaves the tree
	}
	fsys := d.fs
	fsys.mu.Lock()
	defer fsys.mu.Unlock()
	r, err := resolve(d.n, path, false)
	if err != nil {
		return err
	}
	if r.Exists {
		return existsErr(r)
	}
	if r.DirOnly {
		return common.ENOENT
	}
	n := fsys.newNode(common.FiletypeSymbolicLink)
	n.target = strings.Clone(target)
	r.Dir.entries[strings.Clone(r.Name)] = n
	return nil
}

// Readlink copies a symbolic link's target into buf, truncating.
func (d *Dir) Readlink(_ context.Context, path string, buf []byte) (int, error) {
	fsys := d.fs
	fsys.mu.Lock()
	defer fsys.mu.Unlock()
	r, err := existing(d.n, path, false)
	if err != nil {
		return 0, err
	}
	if r.Type != common.FiletypeSymbolicLink {
		return 0, common.EINVAL
	}
	return copy(buf, r.Node.target), nil
}

// RemoveDirectory removes an empty directory.
func (d *Dir) RemoveDirectory(_ context.Context, path string) error {
	if err := d.writable(); err != nil {
		return err
	}
	fsys := d.fs
	fsys.mu.Lock()
	defer fsys.mu.Unlock()
	r, err := existing(d.n, path, false)
	if err != nil {
		return err
	}
	parent, name, err := entry(r, common.EINVAL)
	if err != nil {
		return err
	}
	if r.Type != common.FiletypeDirectory {
		return common.ENOTDIR
	}
	if len(r.Node.entries) > 0 {
		return common.ENOTEMPTY
	}
	delete(parent.entries, name)
	parent.nlink--
	parent.mtim = fsys.stamp()
	parent.ctim = parent.mtim
	return nil
}

// UnlinkFile removes a non-directory entry.
func (d *Dir) UnlinkFile(_ context.Context, path string) error {
	if err := d.writable(); err != nil {
		return err
	}
	fsys := d.fs
	fsys.mu.Lock()
	defer fsys.mu.Unlock()
	r, err := existing(d.n, path, false)
	if err != nil {
		return err
	}
	if r.Type == common.FiletypeDirectory {
		return common.EISDIR
	}
	if r.DirOnly {
		return common.ENOTDIR
	}
	parent, name, err := entry(r, common.EISDIR)
	if err != nil {
		return err
	}
	delete(parent.entries, name)
	r.Node.nlink--
	r.Node.ctim = fsys.stamp()
	parent.mtim, parent.ctim = r.Node.ctim, r.Node.ctim
	return nil
}

// PathFilestat returns the attributes of the file at path.
func (d *Dir) PathFilestat(_ context.Context, flags common.Lookupflags, path string) (common.Filestat, error) {
	fsys := d.fs
	fsys.mu.Lock()
	defer fsys.mu.Unlock()
	r, err := existing(d.n, path, flags&common.LookupflagsSymlinkFollow != 0)
	if err != nil {
		return common.Filestat{}, err
	}
	if err := r.CheckDir(); err != nil {
		return common.Filestat{}, err
	}
	return r.Node.stat(), nil
}

// PathSetTimes sets the times of the file at path.
func (d *Dir) PathSetTimes(_ context.Context, flags common.Lookupflags, path string, atim, mtim common.Timestamp, fst common.Fstflags) error {
	if err := d.writable(); err != nil {
		return err
	}
	fsys := d.fs
	fsys.mu.Lock()
	defer fsys.mu.Unlock()
	r, err := existing(d.n, path, flags&common.LookupflagsSymlinkFollow != 0)
	if err != nil {
		return err
	}
	if err := r.CheckDir(); err != nil {
		return err
	}
	fsys.setTimes(r.Node, atim, mtim, fst)
	return nil
}

// peer returns the other directory of a rename or link: EPERM when either
// side is read-only (d's own permission first), EXDEV when newDir is not a
// *Dir of the same FS.
func (d *Dir) peer(newDir common.WasiDir) (*Dir, error) {
	if err := d.writable(); err != nil {
		return nil, err
	}
	nd, ok := newDir.(*Dir)
	if !ok || nd.fs != d.fs {
		return nil, common.EXDEV
	}
	return nd, nd.writable()
}

// Rename moves oldPath beneath d to newPath beneath newDir.
func (d *Dir) Rename(_ context.Context, oldPath string, newDir common.WasiDir, newPath string) error {
	nd, err := d.peer(newDir)
	if err != nil {
		return err
	}
	fsys := d.fs
	fsys.mu.Lock()
	defer fsys.mu.Unlock()
	from, err := resolve(d.n, oldPath, false)
	if err != nil {
		return err
	}
	to, err := resolve(nd.n, newPath, false)
	if err != nil {
		return err
	}
	if !from.Exists {
		return common.ENOENT
	}
	fromParent, fromName, err := entry(from, common.EBUSY)
	if err != nil {
		return err
	}
	toParent, toName, err := entry(to, common.EBUSY)
	if err != nil {
		return err
	}
	isDir := from.Type == common.FiletypeDirectory
	if !isDir && (from.DirOnly || to.DirOnly) {
		return common.ENOTDIR
	}
	if to.Exists {
		switch {
		case to.Node == from.Node:
			return nil
		case isDir && to.Type != common.FiletypeDirectory:
			return common.ENOTDIR
		case !isDir && to.Type == common.FiletypeDirectory:
			return common.EISDIR
		case isDir && len(to.Node.entries) > 0:
			return common.ENOTEMPTY
		}
	}
	if isDir && isAncestor(from.Node, toParent) {
		return common.EINVAL
	}
	if to.Exists {
		to.Node.nlink--
		if to.Type == common.FiletypeDirectory {
			toParent.nlink--
		}
	}
	delete(fromParent.entries, fromName)
	toParent.entries[strings.Clone(toName)] = from.Node
	if isDir {
		fromParent.nlink--
		toParent.nlink++
		from.Node.parent = toParent
	}
	now := fsys.stamp()
	from.Node.ctim = now
	fromParent.mtim, fromParent.ctim, toParent.mtim, toParent.ctim = now, now, now, now
	return nil
}

// Link creates a hard link at newPath beneath newDir to oldPath beneath d.
func (d *Dir) Link(_ context.Context, oldFlags common.Lookupflags, oldPath string, newDir common.WasiDir, newPath string) error {
	nd, err := d.peer(newDir)
	if err != nil {
		return err
	}
	fsys := d.fs
	fsys.mu.Lock()
	defer fsys.mu.Unlock()
	from, err := resolve(d.n, oldPath, oldFlags&common.LookupflagsSymlinkFollow != 0)
	if err != nil {
		return err
	}
	to, err := resolve(nd.n, newPath, false)
	if err != nil {
		return err
	}
	if !from.Exists {
		return common.ENOENT
	}
	if to.Exists {
		return existsErr(to)
	}
	if from.Type == common.FiletypeDirectory {
		return common.EPERM
	}
	if from.DirOnly {
		return common.ENOTDIR
	}
	if to.DirOnly {
		return common.ENOENT // a new name ending in "/" names a directory that is not there
	}
	toParent, toName, err := entry(to, common.EEXIST)
	if err != nil {
		return err
	}
	toParent.entries[strings.Clone(toName)] = from.Node
	from.Node.nlink++
	from.Node.ctim = fsys.stamp()
	return nil
}
