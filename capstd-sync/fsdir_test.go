package capstdsync

import (
	"archive/zip"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unsafe"

	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mapTree is an fstest.MapFS with files, directories and symbolic links,
// some leading out.
func mapTree() fstest.MapFS {
	mtime := time.Unix(1700000000, 123456789)
	return fstest.MapFS{
		"hello.txt":      {Data: []byte("hello, fs"), ModTime: mtime, Mode: 0o644},
		"sub/deep.txt":   {Data: []byte("deep")},
		"sub/up":         {Mode: fs.ModeSymlink, Data: []byte("../hello.txt")},
		"sub/dot":        {Mode: fs.ModeSymlink, Data: []byte(".")},
		"link":           {Mode: fs.ModeSymlink, Data: []byte("sub/deep.txt")},
		"dirlink":        {Mode: fs.ModeSymlink, Data: []byte("sub")},
		"out":            {Mode: fs.ModeSymlink, Data: []byte("../outside")},
		"abs":            {Mode: fs.ModeSymlink, Data: []byte("/etc/passwd")},
		"loop":           {Mode: fs.ModeSymlink, Data: []byte("loop")},
		"empty/.keep":    {},
		"sub/inner/leaf": {Data: []byte("leaf")},
	}
}

func newFSDirT(t *testing.T, fsys fs.FS) common.WasiDir {
	t.Helper()
	d, err := NewFSDir(fsys)
	require.NoError(t, err)
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// readAll reads f to its end with Read.
func readAll(t *testing.T, f common.WasiFile) string {
	t.Helper()
	var out []byte
	buf := make([]byte, 3)
	for {
		n, err := f.Read(bg, [][]byte{buf[:1], buf[1:]})
		require.NoError(t, err)
		if n == 0 {
			return string(out)
		}
		out = append(out, buf[:n]...)
	}
}

func openRead(t *testing.T, d common.WasiDir, p string, follow bool) (common.WasiFile, error) {
	t.Helper()
	opts := common.OpenOptions{Read: true}
	if follow {
		opts.Lookup = common.LookupflagsSymlinkFollow
	}
	f, err := d.OpenFile(bg, p, opts)
	if err == nil {
		t.Cleanup(func() { _ = f.Close() })
	}
	return f, err
}

func TestFSDirReadsFilesAndFollowsLinksWithin(t *testing.T) {
	d := newFSDirT(t, mapTree())
	for p, want := range map[string]string{
		"hello.txt": "hello, fs", "sub/deep.txt": "deep", "link": "deep", "sub/up": "hello, fs",
		"dirlink/deep.txt": "deep", "sub/dot/dot/deep.txt": "deep", "sub/../hello.txt": "hello, fs",
		"sub/inner/leaf": "leaf",
	} {
		f, err := openRead(t, d, p, true)
		require.NoError(t, err, p)
		assert.Equal(t, common.FiletypeRegularFile, f.Filetype(), p)
		assert.Equal(t, want, readAll(t, f), p)
	}

	// A final link is not followed without LOOKUPFLAGS_SYMLINK_FOLLOW.
	_, err := openRead(t, d, "link", false)
	errnoIs(t, common.ELOOP, err)
	st, err := d.PathFilestat(bg, 0, "link")
	require.NoError(t, err)
	assert.Equal(t, common.FiletypeSymbolicLink, st.Filetype)
	assert.Equal(t, common.Filesize(len("sub/deep.txt")), st.Size)
	buf := make([]byte, 5)
	n, err := d.Readlink(bg, "link", buf)
	require.NoError(t, err)
	assert.Equal(t, "sub/d", string(buf[:n]), "truncated to the buffer")
	_, err = d.Readlink(bg, "hello.txt", buf)
	errnoIs(t, common.EINVAL, err)

	// Directories, trailing slashes.
	sub, err := openRead(t, d, "dirlink/", false)
	require.NoError(t, err)
	assert.Equal(t, common.FiletypeDirectory, sub.Filetype())
	f, err := openRead(t, sub.(common.WasiDir), "dot/deep.txt", false)
	require.NoError(t, err)
	assert.Equal(t, "deep", readAll(t, f))
	_, err = openRead(t, d, "hello.txt/", false)
	errnoIs(t, common.ENOTDIR, err)
	_, err = d.OpenFile(bg, "hello.txt", common.OpenOptions{Oflags: common.OflagsDirectory})
	errnoIs(t, common.ENOTDIR, err)
	_, err = openRead(t, d, "missing", false)
	errnoIs(t, common.ENOENT, err)
	_, err = openRead(t, d, "loop", true)
	errnoIs(t, common.ELOOP, err)
}

func TestFSDirNeverLeaves(t *testing.T) {
	d := newFSDirT(t, mapTree())
	sub, err := openRead(t, d, "sub", false)
	require.NoError(t, err)
	for _, p := range []string{"..", "../x", "/hello.txt", "out", "out/x", "abs", "sub/../../hello.txt"} {
		_, err := openRead(t, d, p, true)
		errnoIs(t, common.EPERM, err, p)
		_, err = d.PathFilestat(bg, common.LookupflagsSymlinkFollow, p)
		errnoIs(t, common.EPERM, err, p)
	}
	for _, p := range []string{"..", "../hello.txt", "up"} {
		_, err = openRead(t, sub.(common.WasiDir), p, true)
		errnoIs(t, common.EPERM, err, "a sub-directory is its own capability: %s", p)
	}
}

// TestFSDirOverOsDirFSNeverFollowsOut: os.DirFS follows links in its own
// Open, out of its root; the directory resolves every link itself, so
// none of them is followed out.
func TestFSDirOverOsDirFSNeverFollowsOut(t *testing.T) {
	tmp := t.TempDir()
	root := filepath.Join(tmp, "root")
	writeFile(t, tmp, "secret", "outside the tree")
	writeFile(t, root, "in.txt", "inside")
	require.NoError(t, os.Symlink("../secret", filepath.Join(root, "rel")))
	require.NoError(t, os.Symlink(filepath.Join(tmp, "secret"), filepath.Join(root, "abs")))
	require.NoError(t, os.Symlink(tmp, filepath.Join(root, "absdir")))
	require.NoError(t, os.Symlink("in.txt", filepath.Join(root, "ok")))

	// Without the resolver, os.DirFS reads the secret.
	b, err := fs.ReadFile(os.DirFS(root), "rel")
	require.NoError(t, err)
	require.Equal(t, "outside the tree", string(b))

	d := newFSDirT(t, os.DirFS(root))
	for _, p := range []string{"rel", "abs", "absdir/secret", "absdir/root/in.txt"} {
		_, err := openRead(t, d, p, true)
		errnoIs(t, common.EPERM, err, p)
	}
	f, err := openRead(t, d, "ok", true)
	require.NoError(t, err)
	assert.Equal(t, "inside", readAll(t, f))
}

func TestFSDirRefusesEveryChangeInOrder(t *testing.T) {
	d := newFSDirT(t, mapTree())
	for _, opts := range []common.OpenOptions{
		{Write: true}, {Read: true, Oflags: common.OflagsCreat}, {Oflags: common.OflagsTrunc},
		{Oflags: common.OflagsCreat | common.OflagsExcl},
	} {
		for _, p := range []string{"hello.txt", "missing", "sub", "../x", "missing/x"} {
			_, err := d.OpenFile(bg, p, opts)
			errnoIs(t, common.EPERM, err, "%s %+v", p, opts)
		}
	}
	for name, err := range map[string]error{
		"CreateDirectory existing": d.CreateDirectory(bg, "sub"),
		"CreateDirectory":          d.CreateDirectory(bg, "new"),
		"RemoveDirectory":          d.RemoveDirectory(bg, "empty"),
		"UnlinkFile":               d.UnlinkFile(bg, "hello.txt"),
		"UnlinkFile missing":       d.UnlinkFile(bg, "missing"),
		"Symlink":                  d.Symlink(bg, "hello.txt", "l2"),
		"Rename":                   d.Rename(bg, "hello.txt", d, "moved"),
		"Link":                     d.Link(bg, 0, "hello.txt", d, "hard"),
		"PathSetTimes":             d.PathSetTimes(bg, 0, "hello.txt", 0, 0, common.FstflagsMtimNow),
		"SetTimes":                 d.SetTimes(bg, 0, 0, common.FstflagsMtimNow),
	} {
		errnoIs(t, common.EPERM, err, name)
	}
	errnoIs(t, common.EISDIR, d.SetSize(bg, 0), "a directory first")
	f, err := openRead(t, d, "hello.txt", false)
	require.NoError(t, err)
	errnoIs(t, common.EPERM, f.SetSize(bg, 0))
	errnoIs(t, common.EPERM, f.Allocate(bg, 0, 1))
	errnoIs(t, common.EPERM, f.SetTimes(bg, 0, 0, common.FstflagsMtimNow))
	_, err = f.Write(bg, [][]byte{[]byte("x")})
	errnoIs(t, common.EBADF, err)
	base, _ := f.Rights()
	assert.Zero(t, base&(common.RightsFdWrite|common.RightsFdFilestatSetSize))
	dbase, dinh := d.Rights()
	assert.Zero(t, dbase&common.RightsDirectoryWriteMask)
	assert.True(t, dinh.Has(common.RightsFdWrite), "a write open reaches OpenFile")
}

func TestFSDirStatAndInodes(t *testing.T) {
	d := newFSDirT(t, mapTree())
	st, err := d.PathFilestat(bg, 0, "hello.txt")
	require.NoError(t, err)
	assert.Equal(t, common.Filesize(9), st.Size)
	assert.Equal(t, common.Timestamp(1700000000123456789), st.Mtim)
	assert.NotZero(t, st.Ino)
	assert.NotZero(t, st.Dev)
	f, err := openRead(t, d, "hello.txt", false)
	require.NoError(t, err)
	fst, err := f.Filestat(bg)
	require.NoError(t, err)
	assert.Equal(t, st, fst, "by descriptor as by path")
	viaLink, err := d.PathFilestat(bg, common.LookupflagsSymlinkFollow, "sub/up")
	require.NoError(t, err)
	assert.Equal(t, st.Ino, viaLink.Ino, "a link followed reaches the file itself")
	dst, err := d.Filestat(bg)
	require.NoError(t, err)
	assert.Equal(t, common.FiletypeDirectory, dst.Filetype)

	// Another FS has another device.
	other := newFSDirT(t, mapTree())
	ost, err := other.PathFilestat(bg, 0, "hello.txt")
	require.NoError(t, err)
	assert.NotEqual(t, st.Dev, ost.Dev)
	assert.Equal(t, st.Ino, ost.Ino)

	// The listing's inodes and types are the files' own, and never 0.
	entries := make([]common.DirEntry, 32)
	n, err := d.Readdir(bg, common.DircookieStart, entries)
	require.NoError(t, err)
	byName := map[string]common.DirEntry{}
	for _, e := range entries[:n] {
		assert.NotZero(t, e.Ino, e.Name)
		byName[e.Name] = e
	}
	assert.Equal(t, []string{".", "..", "abs", "dirlink", "empty", "hello.txt", "link", "loop", "out", "sub"},
		names(entries[:n]))
	assert.Equal(t, st.Ino, byName["hello.txt"].Ino)
	assert.Equal(t, common.FiletypeSymbolicLink, byName["link"].Type)
	assert.Equal(t, common.FiletypeDirectory, byName["sub"].Type)
	assert.Equal(t, byName["."].Ino, byName[".."].Ino, "the root is its own parent")
	subD, err := openRead(t, d, "sub", false)
	require.NoError(t, err)
	n, err = subD.(common.WasiDir).Readdir(bg, 0, entries)
	require.NoError(t, err)
	assert.Equal(t, byName["."].Ino, entries[1].Ino, "sub's .. is the root")
	assert.Equal(t, byName["sub"].Ino, entries[0].Ino)
	assert.Equal(t, []string{".", "..", "deep.txt", "dot", "inner", "up"}, names(entries[:n]))
}

// TestFSDirReaddirResumesFromEveryCookie: a listing read in batches of one
// resumes from every cookie it returned, the cookies stay below 2^31, and
// the end is 0 entries.
func TestFSDirReaddirResumesFromEveryCookie(t *testing.T) {
	m := fstest.MapFS{}
	for i := range 300 {
		m["d/file"+strconv.Itoa(i)] = &fstest.MapFile{Data: []byte{byte(i)}}
	}
	d := newFSDirT(t, m)
	sub, err := openRead(t, d, "d", false)
	require.NoError(t, err)
	dir := sub.(common.WasiDir)
	all := make([]common.DirEntry, 400)
	n, err := dir.Readdir(bg, 0, all)
	require.NoError(t, err)
	require.Equal(t, 302, n)
	all = all[:n]
	one := make([]common.DirEntry, 1)
	for i, e := range all {
		assert.Less(t, uint64(e.Next), uint64(1)<<31)
		if i+1 < len(all) {
			k, err := dir.Readdir(bg, e.Next, one)
			require.NoError(t, err)
			require.Equal(t, 1, k)
			assert.Equal(t, all[i+1], one[0], "resuming at cookie %d", e.Next)
		}
	}
	k, err := dir.Readdir(bg, all[len(all)-1].Next, one)
	require.NoError(t, err)
	assert.Zero(t, k, "the end")
	k, err = dir.Readdir(bg, 1<<40, one)
	require.NoError(t, err)
	assert.Zero(t, k, "a cookie never handed out ends the listing")
}

func TestFSDirSeekAndPread(t *testing.T) {
	d := newFSDirT(t, mapTree())
	f, err := openRead(t, d, "hello.txt", false)
	require.NoError(t, err)
	buf := make([]byte, 4)
	n, err := f.Pread(bg, [][]byte{buf[:2], buf[2:]}, 7)
	require.NoError(t, err)
	assert.Equal(t, "fs", string(buf[:n]))
	pos, err := f.Seek(bg, 100, common.WhenceSet)
	require.NoError(t, err, "past the end, as on any file")
	assert.Equal(t, common.Filesize(100), pos)
	n, err = f.Read(bg, [][]byte{buf})
	require.NoError(t, err)
	assert.Zero(t, n)
	pos, err = f.Seek(bg, -2, common.WhenceEnd)
	require.NoError(t, err)
	assert.Equal(t, common.Filesize(7), pos)
	assert.Equal(t, "fs", readAll(t, f))
	_, err = f.Seek(bg, -100, common.WhenceCur)
	errnoIs(t, common.EINVAL, err)
	pos, err = f.Seek(bg, 0, common.WhenceCur)
	require.NoError(t, err)
	assert.Equal(t, common.Filesize(9), pos)
	n, err = f.Pread(bg, [][]byte{buf}, 1000)
	require.NoError(t, err)
	assert.Zero(t, n)
}

// zipFS returns a zip archive with one compressed and one stored entry.
func zipFS(t *testing.T) *zip.Reader {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, e := range []struct {
		name   string
		method uint16
		data   string
	}{
		{"docs/readme.txt", zip.Deflate, strings.Repeat("compressed ", 50)},
		{"stored.bin", zip.Store, "stored bytes"},
	} {
		fw, err := w.CreateHeader(&zip.FileHeader{Name: e.name, Method: e.method, Modified: time.Unix(1600000000, 0)})
		require.NoError(t, err)
		_, err = fw.Write([]byte(e.data))
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	r, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	require.NoError(t, err)
	return r
}

// TestFSDirZipEntriesReadInOrder: a zip entry is a stream: it reads, and
// tells how far, but cannot seek or read at an offset (ESPIPE).
func TestFSDirZipEntriesReadInOrder(t *testing.T) {
	d := newFSDirT(t, zipFS(t))
	f, err := openRead(t, d, "docs/readme.txt", false)
	require.NoError(t, err)
	st, err := f.Filestat(bg)
	require.NoError(t, err)
	assert.Equal(t, common.Filesize(550), st.Size)
	assert.Equal(t, common.Timestamp(1600000000*1e9), st.Mtim)
	base, _ := f.Rights()
	assert.False(t, base.Has(common.RightsFdSeek), "no FD_SEEK to report")
	assert.True(t, base.Has(common.RightsFdTell))
	buf := make([]byte, 11)
	n, err := f.Read(bg, [][]byte{buf})
	require.NoError(t, err)
	assert.Equal(t, "compressed ", string(buf[:n]))
	pos, err := f.Seek(bg, 0, common.WhenceCur)
	require.NoError(t, err)
	assert.Equal(t, common.Filesize(11), pos, "fd_tell")
	_, err = f.Seek(bg, 0, common.WhenceSet)
	errnoIs(t, common.ESPIPE, err)
	_, err = f.Pread(bg, [][]byte{buf}, 0)
	errnoIs(t, common.ESPIPE, err)
	assert.Len(t, readAll(t, f), 539)

	stored, err := openRead(t, d, "stored.bin", false)
	require.NoError(t, err)
	assert.Equal(t, "stored bytes", readAll(t, stored))
	entries := make([]common.DirEntry, 8)
	n, err = d.Readdir(bg, 0, entries)
	require.NoError(t, err)
	assert.Equal(t, []string{".", "..", "docs", "stored.bin"}, names(entries[:n]))
}

func TestNewFSDirErrors(t *testing.T) {
	_, err := NewFSDir(nil)
	errnoIs(t, common.EINVAL, err)
	sub, err := fs.Sub(mapTree(), "hello.txt")
	require.NoError(t, err)
	_, err = NewFSDir(sub)
	errnoIs(t, common.ENOTDIR, err)
	_, err = NewFSDir(os.DirFS(filepath.Join(t.TempDir(), "missing")))
	assert.True(t, errors.Is(err, fs.ErrNotExist), "%v", err)
}

// TestFSDirHotPathsDoNotAllocate: fd_read, fd_pread, fd_seek and, after the
// first call, fd_readdir allocate nothing.
func TestFSDirHotPathsDoNotAllocate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("measured where the rest of the package's hot paths are")
	}
	m := fstest.MapFS{"f": {Data: bytes.Repeat([]byte("x"), 4096)}}
	for i := range 64 {
		m["dir/file"+strconv.Itoa(i)] = &fstest.MapFile{}
	}
	d := newFSDirT(t, m)
	f, err := openRead(t, d, "f", false)
	require.NoError(t, err)
	buf := make([]byte, 4096)
	iovs := [][]byte{buf[:1024], buf[1024:2048], buf[2048:]}
	for name, op := range map[string]func(){
		"Read": func() {
			_, _ = f.Seek(bg, 0, common.WhenceSet)
			_, _ = f.Read(bg, iovs)
		},
		"Pread":    func() { _, _ = f.Pread(bg, iovs, 0) },
		"Seek":     func() { _, _ = f.Seek(bg, 0, common.WhenceEnd) },
		"Filestat": func() { _, _ = f.Filestat(bg) },
	} {
		assert.Zero(t, testing.AllocsPerRun(100, op), name)
	}
	sub, err := openRead(t, d, "dir", false)
	require.NoError(t, err)
	dir := sub.(common.WasiDir)
	entries := make([]common.DirEntry, 10)
	list := func() { readdirBatches(dir, entries) }
	list()
	assert.Zero(t, testing.AllocsPerRun(100, list), "Readdir")
}

func TestPreopenFS(t *testing.T) {
	b := NewWasiCtxBuilder().PreopenFS(nil, "/x")
	_, err := b.Build()
	assert.ErrorIs(t, err, ErrInvalidBuilder)

	sub, err := fs.Sub(mapTree(), "hello.txt")
	require.NoError(t, err)
	_, err = NewWasiCtxBuilder().PreopenFS(sub, "/f").Build()
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrInvalidBuilder)
	assert.Contains(t, err.Error(), `PreopenFS "/f"`)

	c, err := NewWasiCtxBuilder().PreopenFS(mapTree(), "/data").PreopenFS(zipFS(t), "/zip").Build()
	require.NoError(t, err)
	defer c.Close()
	pre := c.Preopens()
	require.Len(t, pre, 2)
	assert.Equal(t, "/data", pre[0].GuestPath)
	assert.Equal(t, "/zip", pre[1].GuestPath)
	f, err := openRead(t, pre[1].Dir, "stored.bin", false)
	require.NoError(t, err)
	assert.Equal(t, "stored bytes", readAll(t, f))
}

// keepingFS is an fs.FS that keeps every name it is asked to open, as a
// file system that caches by name or an fs.File that remembers its name
// does.
type keepingFS struct {
	fs.FS
	opened []string
}

func (k *keepingFS) Open(name string) (fs.File, error) {
	k.opened = append(k.opened, name)
	return k.FS.Open(name)
}

// The binding's path strings may alias guest memory (package common): the
// names an fs.FS is given must not change when the guest reuses that memory
// after the call, at the root as beneath it.
func TestFSDirHandsTheFSNamesOfItsOwn(t *testing.T) {
	k := &keepingFS{FS: mapTree()}
	d := newFSDirT(t, k)
	for p, want := range map[string]string{"hello.txt": "hello, fs", "sub/deep.txt": "deep", "link": "deep"} {
		mem := []byte(p) // the guest's memory
		f, err := openRead(t, d, unsafe.String(&mem[0], len(mem)), true)
		require.NoError(t, err, p)
		assert.Equal(t, want, readAll(t, f), p)
		for i := range mem {
			mem[i] = 'X' // the guest reuses its memory
		}
	}
	require.NotEmpty(t, k.opened)
	for _, name := range k.opened {
		assert.NotContains(t, name, "X", "a name the fs.FS kept changed with the guest's memory")
	}
}
