package wazeroadapter

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/capwasi/capwasi/common"
)

// A small in-memory implementation of common's contracts, enough for the
// adapter's tests: a tree of nodes, files and directories over it, stdio
// and socket fakes, clocks, a random source and a scheduler. Every file
// counts its Close calls, so that tests can check the adapter closes each
// exactly once.

// node is a file, directory or symbolic link of a memFS.
type node struct {
	typ              common.Filetype
	ino              common.Inode
	nlink            common.Linkcount
	data             []byte           // regular file
	children         map[string]*node // directory
	target           string           // symbolic link
	atim, mtim, ctim common.Timestamp
}

// memFS is a tree of nodes. A read-only memFS refuses every change (EROFS)
// and says so in its rights.
type memFS struct {
	readOnly bool
	nextIno  common.Inode
}

func (fs *memFS) newNode(t common.Filetype) *node {
	fs.nextIno++
	n := &node{typ: t, ino: fs.nextIno, nlink: 1, mtim: 1_000_000_000, atim: 1_000_000_000, ctim: 1_000_000_000}
	if t == common.FiletypeDirectory {
		n.children = map[string]*node{}
	}
	return n
}

// newMemDir returns a directory of a new memFS.
func newMemDir(readOnly bool) *memDir {
	fs := &memFS{readOnly: readOnly}
	return &memDir{fs: fs, n: fs.newNode(common.FiletypeDirectory)}
}

// add creates the regular file or directory at path (parents must exist)
// and returns its node.
func (d *memDir) add(path string, t common.Filetype, content string) *node {
	parent, name, err := d.parent(path)
	if err != nil {
		panic(err)
	}
	n := d.fs.newNode(t)
	n.data = []byte(content)
	if t == common.FiletypeSymbolicLink {
		n.data, n.target = nil, content
	}
	parent.children[name] = n
	return n
}

// closeCount counts Close calls on a file.
type closeCount struct{ n atomic.Int32 }

func (c *closeCount) count() error { c.n.Add(1); return nil }
func (c *closeCount) closes() int  { return int(c.n.Load()) }

// memDir is a directory of a memFS.
type memDir struct {
	common.UnimplementedDir
	closeCount
	fs       *memFS
	n        *node
	flags    common.Fdflags
	lastOpen common.OpenOptions // of the last OpenFile
	listing  []common.DirEntry  // the listing Readdir serves, built at cookie 0
}

var _ common.WasiDir = (*memDir)(nil)

func (d *memDir) Filetype() common.Filetype { return common.FiletypeDirectory }

func (d *memDir) Close() error { return d.count() }

func (d *memDir) Rights() (base, inheriting common.Rights) {
	if d.fs.readOnly {
		return common.RightsAll &^ common.RightsDirectoryWriteMask,
			common.RightsAll &^ (common.RightsWriteMask | common.RightsDirectoryWriteMask)
	}
	return common.RightsAll, common.RightsAll
}

func (d *memDir) Fdflags(context.Context) (common.Fdflags, error) { return d.flags, nil }

func (d *memDir) SetFdflags(_ context.Context, f common.Fdflags) error { d.flags = f; return nil }

func (d *memDir) Filestat(context.Context) (common.Filestat, error) { return stat(d.n), nil }

func (d *memDir) SetTimes(_ context.Context, atim, mtim common.Timestamp, f common.Fstflags) error {
	return d.fs.setTimes(d.n, atim, mtim, f)
}

func (d *memDir) Sync(context.Context) error { return nil }

func (d *memDir) Advise(context.Context, common.Filesize, common.Filesize, common.Advice) error {
	return nil
}

func stat(n *node) common.Filestat {
	st := common.Filestat{Dev: 1, Ino: n.ino, Filetype: n.typ, Nlink: n.nlink, Atim: n.atim, Mtim: n.mtim, Ctim: n.ctim}
	switch n.typ {
	case common.FiletypeRegularFile:
		st.Size = common.Filesize(len(n.data))
	case common.FiletypeSymbolicLink:
		st.Size = common.Filesize(len(n.target))
	}
	return st
}

func (fs *memFS) setTimes(n *node, atim, mtim common.Timestamp, f common.Fstflags) error {
	if fs.readOnly {
		return common.EROFS
	}
	const now = 2_000_000_000
	switch {
	case f&common.FstflagsAtim != 0:
		n.atim = atim
	case f&common.FstflagsAtimNow != 0:
		n.atim = now
	}
	switch {
	case f&common.FstflagsMtim != 0:
		n.mtim = mtim
	case f&common.FstflagsMtimNow != 0:
		n.mtim = now
	}
	return nil
}

// walk resolves path beneath d, following symbolic links in the middle
// and, when follow is set, at the end. Leaving d's tree: ENOTCAPABLE.
func (d *memDir) walk(path string, follow bool) (*node, error) {
	parent, name, err := d.parent(path)
	if err != nil {
		return nil, err
	}
	return d.child(parent, name, follow, strings.HasSuffix(path, "/"), 0)
}

func (d *memDir) child(parent *node, name string, follow, mustBeDir bool, depth int) (*node, error) {
	if name == "." {
		return parent, nil
	}
	n, ok := parent.children[name]
	if !ok {
		return nil, common.ENOENT
	}
	if n.typ == common.FiletypeSymbolicLink && (follow || mustBeDir) {
		if depth > 8 {
			return nil, common.ELOOP
		}
		return d.walkFrom(n.target, true, depth+1)
	}
	if mustBeDir && n.typ != common.FiletypeDirectory {
		return nil, common.ENOTDIR
	}
	return n, nil
}

func (d *memDir) walkFrom(path string, follow bool, depth int) (*node, error) {
	parent, name, err := d.parent(path)
	if err != nil {
		return nil, err
	}
	return d.child(parent, name, follow, strings.HasSuffix(path, "/"), depth)
}

// parent resolves all but the last component of path and returns that
// directory and the last component ("." for a path naming d itself).
func (d *memDir) parent(path string) (*node, string, error) {
	if strings.HasPrefix(path, "/") {
		return nil, "", common.ENOTCAPABLE
	}
	parts := strings.FieldsFunc(path, func(r rune) bool { return r == '/' })
	if len(parts) == 0 {
		return d.n, ".", nil
	}
	stack := []*node{d.n}
	for _, p := range parts[:len(parts)-1] {
		cur := stack[len(stack)-1]
		switch p {
		case ".":
			continue
		case "..":
			if len(stack) == 1 {
				return nil, "", common.ENOTCAPABLE
			}
			stack = stack[:len(stack)-1]
			continue
		}
		n, err := d.child(cur, p, true, true, 0)
		if err != nil {
			return nil, "", err
		}
		stack = append(stack, n)
	}
	last := parts[len(parts)-1]
	if last == ".." {
		if len(stack) == 1 {
			return nil, "", common.ENOTCAPABLE
		}
		return stack[len(stack)-2], ".", nil
	}
	return stack[len(stack)-1], last, nil
}

func (d *memDir) OpenFile(_ context.Context, path string, o common.OpenOptions) (common.WasiFile, error) {
	d.lastOpen = o
	follow := o.Lookup&common.LookupflagsSymlinkFollow != 0
	parent, name, err := d.parent(path)
	if err != nil {
		return nil, err
	}
	n, err := d.child(parent, name, follow, strings.HasSuffix(path, "/"), 0)
	switch {
	case err == common.ENOENT && o.Oflags&common.OflagsCreat != 0:
		if d.fs.readOnly {
			return nil, common.EROFS
		}
		n = d.fs.newNode(common.FiletypeRegularFile)
		parent.children[name] = n
	case err != nil:
		return nil, err
	case o.Oflags&common.OflagsCreat != 0 && o.Oflags&common.OflagsExcl != 0:
		return nil, common.EEXIST
	case n.typ == common.FiletypeSymbolicLink:
		return nil, common.ELOOP
	}
	if o.Oflags&common.OflagsDirectory != 0 && n.typ != common.FiletypeDirectory {
		return nil, common.ENOTDIR
	}
	if n.typ == common.FiletypeDirectory {
		if o.Write || o.Oflags&(common.OflagsTrunc|common.OflagsCreat) != 0 {
			return nil, common.EISDIR
		}
		return &memDir{fs: d.fs, n: n, flags: o.Fdflags}, nil
	}
	if d.fs.readOnly && (o.Write || o.Oflags&common.OflagsTrunc != 0) {
		return nil, common.EROFS
	}
	if o.Oflags&common.OflagsTrunc != 0 {
		n.data = nil
	}
	return &memFile{fs: d.fs, n: n, read: o.Read, write: o.Write, flags: o.Fdflags}, nil
}

func (d *memDir) CreateDirectory(_ context.Context, path string) error {
	parent, name, err := d.parent(path)
	if err != nil {
		return err
	}
	if _, ok := parent.children[name]; ok || name == "." {
		return common.EEXIST
	}
	if d.fs.readOnly {
		return common.EROFS
	}
	parent.children[name] = d.fs.newNode(common.FiletypeDirectory)
	return nil
}

// Readdir lists ".", ".." and the children in name order; entry i's Next
// is i+1. The listing is taken at cookie 0 and kept until then.
func (d *memDir) Readdir(_ context.Context, cookie common.Dircookie, entries []common.DirEntry) (int, error) {
	if cookie == 0 || d.listing == nil {
		d.listing = d.listing[:0]
		d.listing = append(d.listing,
			common.DirEntry{Next: 1, Ino: d.n.ino, Type: common.FiletypeDirectory, Name: "."},
			common.DirEntry{Next: 2, Ino: d.n.ino, Type: common.FiletypeDirectory, Name: ".."})
		names := make([]string, 0, len(d.n.children))
		for name := range d.n.children {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			c := d.n.children[name]
			d.listing = append(d.listing, common.DirEntry{Next: common.Dircookie(len(d.listing) + 1), Ino: c.ino, Type: c.typ, Name: name})
		}
	}
	if cookie > common.Dircookie(len(d.listing)) {
		return 0, common.EINVAL
	}
	return copy(entries, d.listing[cookie:]), nil
}

func (d *memDir) Symlink(_ context.Context, target, path string) error {
	if strings.HasPrefix(target, "/") {
		return common.ENOTCAPABLE
	}
	parent, name, err := d.parent(path)
	if err != nil {
		return err
	}
	if _, ok := parent.children[name]; ok || name == "." {
		return common.EEXIST
	}
	if d.fs.readOnly {
		return common.EROFS
	}
	n := d.fs.newNode(common.FiletypeSymbolicLink)
	n.target = strings.Clone(target)
	parent.children[name] = n
	return nil
}

func (d *memDir) Readlink(_ context.Context, path string, buf []byte) (int, error) {
	n, err := d.walk(path, false)
	if err != nil {
		return 0, err
	}
	if n.typ != common.FiletypeSymbolicLink {
		return 0, common.EINVAL
	}
	return copy(buf, n.target), nil
}

func (d *memDir) RemoveDirectory(_ context.Context, path string) error {
	parent, name, err := d.parent(path)
	if err != nil {
		return err
	}
	if name == "." {
		return common.EINVAL
	}
	n, ok := parent.children[name]
	switch {
	case !ok:
		return common.ENOENT
	case n.typ != common.FiletypeDirectory:
		return common.ENOTDIR
	case len(n.children) > 0:
		return common.ENOTEMPTY
	case d.fs.readOnly:
		return common.EROFS
	}
	delete(parent.children, name)
	return nil
}

func (d *memDir) UnlinkFile(_ context.Context, path string) error {
	parent, name, err := d.parent(path)
	if err != nil {
		return err
	}
	n, ok := parent.children[name]
	switch {
	case !ok:
		return common.ENOENT
	case n.typ == common.FiletypeDirectory:
		return common.EISDIR
	case strings.HasSuffix(path, "/"):
		return common.ENOTDIR
	case d.fs.readOnly:
		return common.EROFS
	}
	n.nlink--
	delete(parent.children, name)
	return nil
}

func (d *memDir) PathFilestat(_ context.Context, flags common.Lookupflags, path string) (common.Filestat, error) {
	n, err := d.walk(path, flags&common.LookupflagsSymlinkFollow != 0)
	if err != nil {
		return common.Filestat{}, err
	}
	return stat(n), nil
}

func (d *memDir) PathSetTimes(_ context.Context, flags common.Lookupflags, path string, atim, mtim common.Timestamp, fst common.Fstflags) error {
	n, err := d.walk(path, flags&common.LookupflagsSymlinkFollow != 0)
	if err != nil {
		return err
	}
	return d.fs.setTimes(n, atim, mtim, fst)
}

func (d *memDir) Rename(_ context.Context, oldPath string, newDir common.WasiDir, newPath string) error {
	nd, ok := newDir.(*memDir)
	if !ok || nd.fs != d.fs {
		return common.EXDEV
	}
	op, oname, err := d.parent(oldPath)
	if err != nil {
		return err
	}
	np, nname, err := nd.parent(newPath)
	if err != nil {
		return err
	}
	n, ok := op.children[oname]
	if !ok {
		return common.ENOENT
	}
	if d.fs.readOnly {
		return common.EROFS
	}
	delete(op.children, oname)
	np.children[nname] = n
	return nil
}

func (d *memDir) Link(_ context.Context, _ common.Lookupflags, oldPath string, newDir common.WasiDir, newPath string) error {
	nd, ok := newDir.(*memDir)
	if !ok || nd.fs != d.fs {
		return common.EXDEV
	}
	n, err := d.walk(oldPath, false)
	if err != nil {
		return err
	}
	if n.typ == common.FiletypeDirectory {
		return common.EPERM
	}
	np, nname, err := nd.parent(newPath)
	if err != nil {
		return err
	}
	if _, ok := np.children[nname]; ok {
		return common.EEXIST
	}
	if d.fs.readOnly {
		return common.EROFS
	}
	n.nlink++
	np.children[nname] = n
	return nil
}

// memFile is an open regular file of a memFS.
type memFile struct {
	common.UnimplementedFile
	closeCount
	fs          *memFS
	n           *node
	off         int64
	read, write bool
	flags       common.Fdflags
}

func (f *memFile) Filetype() common.Filetype { return common.FiletypeRegularFile }

func (f *memFile) Close() error { return f.count() }

func (f *memFile) Rights() (base, inheriting common.Rights) {
	if f.fs.readOnly {
		return common.RightsAll &^ common.RightsWriteMask, 0
	}
	return common.RightsAll, common.RightsAll
}

func (f *memFile) Fdflags(context.Context) (common.Fdflags, error) { return f.flags, nil }

func (f *memFile) SetFdflags(_ context.Context, flags common.Fdflags) error {
	f.flags = flags
	return nil
}

func (f *memFile) Filestat(context.Context) (common.Filestat, error) { return stat(f.n), nil }

func (f *memFile) SetSize(_ context.Context, size common.Filesize) error {
	if !f.write {
		return common.EBADF
	}
	if size > 1<<30 {
		return common.EFBIG
	}
	f.resize(int(size))
	return nil
}

func (f *memFile) resize(size int) {
	if size <= len(f.n.data) {
		f.n.data = f.n.data[:size]
		return
	}
	f.n.data = append(f.n.data, make([]byte, size-len(f.n.data))...)
}

func (f *memFile) SetTimes(_ context.Context, atim, mtim common.Timestamp, fst common.Fstflags) error {
	return f.fs.setTimes(f.n, atim, mtim, fst)
}

func (f *memFile) Advise(context.Context, common.Filesize, common.Filesize, common.Advice) error {
	return nil
}

func (f *memFile) Allocate(_ context.Context, off, n common.Filesize) error {
	if !f.write {
		return common.EBADF
	}
	if off+n > 1<<30 || off+n < off {
		return common.EFBIG
	}
	if int(off+n) > len(f.n.data) {
		f.resize(int(off + n))
	}
	return nil
}

func (f *memFile) Sync(context.Context) error     { return nil }
func (f *memFile) Datasync(context.Context) error { return nil }

func (f *memFile) Read(ctx context.Context, iovs [][]byte) (int, error) {
	n, err := f.Pread(ctx, iovs, common.Filesize(f.off))
	f.off += int64(n)
	return n, err
}

func (f *memFile) Pread(_ context.Context, iovs [][]byte, off common.Filesize) (int, error) {
	if !f.read {
		return 0, common.EBADF
	}
	total := 0
	for _, iov := range iovs {
		if off >= common.Filesize(len(f.n.data)) {
			break
		}
		m := copy(iov, f.n.data[off:])
		total += m
		off += common.Filesize(m)
	}
	return total, nil
}

func (f *memFile) Write(ctx context.Context, iovs [][]byte) (int, error) {
	if f.flags&common.FdflagsAppend != 0 {
		f.off = int64(len(f.n.data))
	}
	n, err := f.pwrite(iovs, common.Filesize(f.off))
	f.off += int64(n)
	return n, err
}

// Pwrite writes at off, or at the end with FDFLAGS_APPEND (as Linux does);
// the offset does not move.
func (f *memFile) Pwrite(_ context.Context, iovs [][]byte, off common.Filesize) (int, error) {
	if f.flags&common.FdflagsAppend != 0 {
		off = common.Filesize(len(f.n.data))
	}
	return f.pwrite(iovs, off)
}

func (f *memFile) pwrite(iovs [][]byte, off common.Filesize) (int, error) {
	if !f.write {
		return 0, common.EBADF
	}
	if off > 1<<30 {
		return 0, common.EFBIG
	}
	total := 0
	for _, iov := range iovs {
		if end := int(off) + len(iov); end > len(f.n.data) {
			f.resize(end)
		}
		total += copy(f.n.data[off:], iov)
		off += common.Filesize(len(iov))
	}
	return total, nil
}

func (f *memFile) Seek(_ context.Context, delta common.Filedelta, whence common.Whence) (common.Filesize, error) {
	base := int64(0)
	switch whence {
	case common.WhenceCur:
		base = f.off
	case common.WhenceEnd:
		base = int64(len(f.n.data))
	}
	pos := base + int64(delta)
	if pos < 0 || (delta > 0 && pos < base) {
		return 0, common.EINVAL
	}
	f.off = pos
	return common.Filesize(pos), nil
}

// streamFile is a character device such as a terminal: reads come from r,
// writes go to w.
type streamFile struct {
	common.UnimplementedFile
	closeCount
	r     io.Reader
	w     io.Writer
	flags common.Fdflags
}

func (f *streamFile) Filetype() common.Filetype { return common.FiletypeCharacterDevice }

func (f *streamFile) Close() error { return f.count() }

func (f *streamFile) Fdflags(context.Context) (common.Fdflags, error) { return f.flags, nil }

func (f *streamFile) SetFdflags(_ context.Context, flags common.Fdflags) error {
	f.flags = flags
	return nil
}

func (f *streamFile) Filestat(context.Context) (common.Filestat, error) {
	return common.Filestat{Filetype: common.FiletypeCharacterDevice}, nil
}

func (f *streamFile) Read(_ context.Context, iovs [][]byte) (int, error) {
	if f.r == nil {
		return 0, common.EBADF
	}
	for _, iov := range iovs {
		if len(iov) > 0 {
			n, err := f.r.Read(iov)
			if err == io.EOF {
				err = nil
			}
			return n, err
		}
	}
	return 0, nil
}

func (f *streamFile) Write(_ context.Context, iovs [][]byte) (int, error) {
	if f.w == nil {
		return 0, common.EBADF
	}
	total := 0
	for _, iov := range iovs {
		n, err := f.w.Write(iov)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// zeroReader reads zeros, endlessly, without allocating.
type zeroReader struct{}

func (zeroReader) Read(b []byte) (int, error) { clear(b); return len(b), nil }

// countReader reads 0, 1, 2, ... (mod 256), endlessly.
type countReader struct{ next byte }

func (c *countReader) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = c.next
		c.next++
	}
	return len(b), nil
}

// sockFile is a socket: a listener whose SockAccept returns a connected
// socket, or a connection that receives from in and sends to out.
type sockFile struct {
	common.UnimplementedFile
	closeCount
	listener bool
	in       *bytes.Reader
	out      bytes.Buffer
	shut     common.Sdflags
	accepted []*sockFile
}

func (s *sockFile) Filetype() common.Filetype { return common.FiletypeSocketStream }

func (s *sockFile) Close() error { return s.count() }

func (s *sockFile) SockAccept(_ context.Context, flags common.Fdflags) (common.WasiFile, error) {
	if !s.listener {
		return nil, common.EINVAL
	}
	c := &sockFile{in: bytes.NewReader([]byte("hello from peer"))}
	s.accepted = append(s.accepted, c)
	return c, nil
}

func (s *sockFile) SockRecv(_ context.Context, iovs [][]byte, flags common.Riflags) (int, common.Roflags, error) {
	if s.listener {
		return 0, 0, common.ENOTCONN
	}
	n := 0
	for _, iov := range iovs {
		m, _ := s.in.Read(iov)
		n += m
	}
	if s.in.Len() > 0 {
		return n, common.RoflagsRecvDataTruncated, nil
	}
	return n, 0, nil
}

func (s *sockFile) SockSend(_ context.Context, iovs [][]byte, _ common.Siflags) (int, error) {
	if s.listener {
		return 0, common.ENOTCONN
	}
	n := 0
	for _, iov := range iovs {
		m, _ := s.out.Write(iov)
		n += m
	}
	return n, nil
}

func (s *sockFile) SockShutdown(_ context.Context, how common.Sdflags) error {
	s.shut |= how
	return nil
}

// fakeClocks answers fixed times: realtime 1.7e18, the others their id
// times 1e9; resolution 1000 for all.
type fakeClocks struct{}

func (fakeClocks) Resolution(common.Clockid) (common.Timestamp, error) { return 1000, nil }

func (fakeClocks) Now(id common.Clockid) (common.Timestamp, error) {
	if id == common.ClockidRealtime {
		return 1_700_000_000_000_000_000, nil
	}
	return common.Timestamp(id) * 1_000_000_000, nil
}

// fakeSched reports every subscription ready at once: fd ones with 1 byte
// ready, those with an Err with it. It records the last subscriptions.
type fakeSched struct {
	last   []common.Subscription
	yields int
	err    error
}

func (s *fakeSched) Poll(_ context.Context, subs []common.Subscription, events []common.Event) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	s.last = append(s.last[:0], subs...)
	for i, sub := range subs {
		events[i] = common.Event{Userdata: sub.Userdata, Type: sub.Type, Error: sub.Err}
		if sub.Type != common.EventtypeClock && sub.Err == common.ESUCCESS {
			events[i].Nbytes = 1
		}
	}
	return len(subs), nil
}

func (s *fakeSched) Yield(context.Context) error { s.yields++; return nil }

// fakeCtx is a WasiCtx made of the fakes.
type fakeCtx struct {
	args, env             []string
	stdin, stdout, stderr common.WasiFile
	preopens              []common.Preopen
	sockets               []common.WasiFile
	random                io.Reader
	sched                 *fakeSched
	closes                atomic.Int32
}

// newFakeCtx returns a context with stdin reading "input", stdout and
// stderr writing to buffers, and one read-write pre-open "/" holding
// "a.txt" (content "hello") and an empty directory "sub".
func newFakeCtx() (*fakeCtx, *bytes.Buffer, *memDir) {
	out := &bytes.Buffer{}
	root := newMemDir(false)
	root.add("a.txt", common.FiletypeRegularFile, "hello")
	root.add("sub", common.FiletypeDirectory, "")
	c := &fakeCtx{
		args:     []string{"guest", "arg1"},
		env:      []string{"A=1", "B=two"},
		stdin:    &streamFile{r: strings.NewReader("input")},
		stdout:   &streamFile{w: out},
		stderr:   &streamFile{w: out},
		preopens: []common.Preopen{{GuestPath: "/", Dir: root}},
		random:   &countReader{},
		sched:    &fakeSched{},
	}
	return c, out, root
}

func (c *fakeCtx) Args() []string                  { return c.args }
func (c *fakeCtx) Environ() []string               { return c.env }
func (c *fakeCtx) Stdin() common.WasiFile          { return c.stdin }
func (c *fakeCtx) Stdout() common.WasiFile         { return c.stdout }
func (c *fakeCtx) Stderr() common.WasiFile         { return c.stderr }
func (c *fakeCtx) Preopens() []common.Preopen      { return c.preopens }
func (c *fakeCtx) Sockets() []common.WasiFile      { return c.sockets }
func (c *fakeCtx) Clocks() common.Clocks           { return fakeClocks{} }
func (c *fakeCtx) Random() io.Reader               { return c.random }
func (c *fakeCtx) Sched() common.Sched             { return c.sched }
func (c *fakeCtx) Close() error                    { c.closes.Add(1); return nil }
func (c *fakeCtx) closeCalls() int                 { return int(c.closes.Load()) }
func (c *fakeCtx) withSocket(s *sockFile) *fakeCtx { c.sockets = append(c.sockets, s); return c }
