package wazeroadapter

import (
	"context"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/capwasi/capwasi/common"
)

// dirent is a decoded entry of an fd_readdir buffer.
type dirent struct {
	next common.Dircookie
	ino  common.Inode
	typ  common.Filetype
	name string
}

// decodeDirents decodes the whole entries of buf, as wasi-libc does,
// dropping a truncated last one.
func decodeDirents(buf []byte) []dirent {
	var out []dirent
	for len(buf) >= common.DirentSize {
		n := int(binary.LittleEndian.Uint32(buf[16:]))
		if len(buf) < common.DirentSize+n {
			break
		}
		out = append(out, dirent{
			next: common.Dircookie(binary.LittleEndian.Uint64(buf)),
			ino:  common.Inode(binary.LittleEndian.Uint64(buf[8:])),
			typ:  common.Filetype(buf[20]),
			name: string(buf[common.DirentSize : common.DirentSize+n]),
		})
		buf = buf[common.DirentSize+n:]
	}
	return out
}

// readdir calls fd_readdir with a buffer of size bytes.
func (g *guest) readdir(fd uint32, size uint32, cookie common.Dircookie) ([]byte, common.Errno) {
	buf, used := g.out(size), g.out(4)
	errno := g.call("fd_readdir", uint64(fd), buf, uint64(size), uint64(cookie), used)
	if errno != common.ESUCCESS {
		return nil, errno
	}
	return g.read(buf, g.u32(used)), errno
}

// listAll lists fd with buffers of size bytes, resuming from the last
// whole entry, as wasi-libc's readdir does.
func (g *guest) listAll(t *testing.T, fd uint32, size uint32) []dirent {
	var all []dirent
	cookie := common.DircookieStart
	for range 10000 {
		b, errno := g.readdir(fd, size, cookie)
		require.Equal(t, common.ESUCCESS, errno)
		ents := decodeDirents(b)
		all = append(all, ents...)
		if len(b) < int(size) {
			return all
		}
		require.NotEmpty(t, ents, "a buffer of %d bytes must hold an entry", size)
		cookie = ents[len(ents)-1].next
	}
	t.Fatal("listing does not end")
	return nil
}

func TestFdReaddirEmpty(t *testing.T) {
	g, c := newGuest(t)
	sub := c.preopens[0].Dir.(*memDir).n.children["sub"]
	fd, errno := g.open(3, "sub", common.OflagsDirectory, common.RightsFdReaddir, 0, 0)
	require.Equal(t, common.ESUCCESS, errno)
	b, errno := g.readdir(fd, 256, 0)
	require.Equal(t, common.ESUCCESS, errno)
	assert.Equal(t, []dirent{
		{1, sub.ino, common.FiletypeDirectory, "."},
		{2, sub.ino, common.FiletypeDirectory, ".."},
	}, decodeDirents(b))
	assert.Len(t, b, 2*common.DirentSize+3, "nothing but the two entries: the end")
	assert.Equal(t, []byte{byte(common.FiletypeDirectory), 0, 0, 0}, b[20:24], "padding zeroed")
}

func TestFdReaddirTruncation(t *testing.T) {
	g, c := newGuest(t)
	root := c.preopens[0].Dir.(*memDir)
	b, errno := g.readdir(3, 256, 0)
	require.Equal(t, common.ESUCCESS, errno)
	full := decodeDirents(b)
	require.Len(t, full, 4)
	assert.Equal(t, "a.txt", full[2].name)
	assert.Equal(t, root.n.children["a.txt"].ino, full[2].ino)

	// A buffer ending inside the third entry's name: filled to the last
	// byte, the entry written as far as it fits.
	size := uint32(2*common.DirentSize + 3 + common.DirentSize + 2)
	b, errno = g.readdir(3, size, 0)
	require.Equal(t, common.ESUCCESS, errno)
	require.Len(t, b, int(size), "bufused == buf_len: more to come")
	assert.Equal(t, "a.", string(b[size-2:]))
	assert.Len(t, decodeDirents(b), 2)

	// A buffer ending inside a header.
	b, errno = g.readdir(3, common.DirentSize+1+10, 0)
	require.Equal(t, common.ESUCCESS, errno)
	assert.Len(t, b, common.DirentSize+11)

	// Resuming from a cookie.
	b, errno = g.readdir(3, 256, full[1].next)
	require.Equal(t, common.ESUCCESS, errno)
	assert.Equal(t, full[2:], decodeDirents(b))
	b, errno = g.readdir(3, 256, full[3].next)
	require.Equal(t, common.ESUCCESS, errno)
	assert.Empty(t, b, "at the end")

	// A zero-length buffer.
	b, errno = g.readdir(3, 0, 0)
	require.Equal(t, common.ESUCCESS, errno)
	assert.Empty(t, b)

	// Any buffer size lists the same entries.
	for _, size := range []uint32{29, 30, 47, 48, 49, 50, 64, 100, 1000} {
		assert.Equal(t, full, g.listAll(t, 3, size), "size %d", size)
	}
}

func TestFdReaddirLarge(t *testing.T) {
	g, c := newGuest(t)
	_, ok := g.mod.Memory().Grow(16)
	require.True(t, ok)
	root := c.preopens[0].Dir.(*memDir)
	for i := range 1000 {
		root.add(fmt.Sprintf("file.%d", i), common.FiletypeRegularFile, "")
	}
	want := g.listAll(t, 3, 60000)
	require.Len(t, want, 1004, "1000 files, a.txt, sub, . and ..")
	for _, size := range []uint32{256, 4096} {
		assert.Equal(t, want, g.listAll(t, 3, size))
	}
}

// failingDir fails Readdir.
type failingDir struct{ memDir }

func (d *failingDir) Readdir(context.Context, common.Dircookie, []common.DirEntry) (int, error) {
	return 0, common.EIO
}

func TestFdReaddirErrors(t *testing.T) {
	c, _, _ := newFakeCtx()
	c.preopens = append(c.preopens, common.Preopen{GuestPath: "/bad", Dir: &failingDir{memDir: *newMemDir(false)}})
	g := defaultEnv(t).start(t, c)
	buf, used := g.out(64), g.out(4)
	assert.Equal(t, common.EIO, g.call("fd_readdir", 4, buf, 64, 0, used))
	assert.Equal(t, common.EBADF, g.call("fd_readdir", 99, buf, 64, 0, used))
	assert.Equal(t, common.ENOTDIR, g.call("fd_readdir", 1, buf, 64, 0, used))
	file, _ := g.open(3, "a.txt", 0, common.RightsAll&^writeRights, 0, 0)
	assert.Equal(t, common.ENOTDIR, g.call("fd_readdir", uint64(file), buf, 64, 0, used))
	noRight, _ := g.open(3, "sub", common.OflagsDirectory, common.RightsPathOpen, 0, 0)
	assert.Equal(t, common.ESUCCESS, g.call("fd_readdir", uint64(noRight), buf, 64, 0, used), "a directory keeps FD_READDIR whatever was asked for")
	assert.Equal(t, common.ESUCCESS, g.call("fd_fdstat_set_rights", uint64(noRight), uint64(common.RightsPathOpen), 0))
	assert.Equal(t, common.ENOTCAPABLE, g.call("fd_readdir", uint64(noRight), buf, 64, 0, used), "dropped")
	assert.Equal(t, common.EFAULT, g.call("fd_readdir", 3, g.memSize()-10, 64, 0, used))
	assert.Equal(t, common.EFAULT, g.call("fd_readdir", 3, buf, 64, 0, g.memSize()-1))
	assert.Equal(t, common.EINVAL, g.call("fd_readdir", 3, buf, 64, 99, used), "a cookie never given: the implementation's answer")
}
