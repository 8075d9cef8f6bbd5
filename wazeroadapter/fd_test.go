package wazeroadapter

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/capwasi/capwasi/common"
)

const rw = common.RightsFdRead | common.RightsFdWrite

// openFile opens (creating) name in the pre-open with rights and fdflags.
func openFile(t *testing.T, g *guest, name string, rights common.Rights, fdflags common.Fdflags) uint32 {
	t.Helper()
	fd, errno := g.open(3, name, common.OflagsCreat, rights, 0, fdflags)
	require.Equal(t, common.ESUCCESS, errno)
	return fd
}

func TestFdWrite(t *testing.T) {
	c, out, _ := newFakeCtx()
	g := defaultEnv(t).start(t, c)

	n, errno := g.write(1, "hello")
	require.Equal(t, common.ESUCCESS, errno)
	assert.Equal(t, uint32(5), n)

	// Several buffers, an empty one among them.
	a, an := g.str("ab")
	b, bn := g.str("cde")
	iovs, cnt := g.iovecs([2]uint64{a, an}, [2]uint64{0, 0}, [2]uint64{b, bn})
	res := g.out(4)
	require.Equal(t, common.ESUCCESS, g.call("fd_write", 2, iovs, cnt, res))
	assert.Equal(t, uint32(5), g.u32(res))
	assert.Equal(t, "helloabcde", out.String())

	// No buffers at all.
	require.Equal(t, common.ESUCCESS, g.call("fd_write", 1, iovs, 0, res))
	assert.Equal(t, uint32(0), g.u32(res))

	size := g.memSize()
	for name, args := range map[string][]uint64{
		"iovec array past the end":   {1, size - 4, 1, res},
		"iovec count too large":      {1, iovs, 0xffffffff, res},
		"buffer past the end":        {1, first(g.iovecs([2]uint64{size - 2, 4})), 1, res},
		"buffer wrapping around":     {1, first(g.iovecs([2]uint64{0xfffffff0, 0x20})), 1, res},
		"result past the end":        {1, iovs, cnt, size - 3},
		"result at 4 GiB":            {1, iovs, cnt, 0xffffffff},
		"iovec array wrapping round": {1, 0xfffffff8, 2, res},
	} {
		before := out.Len()
		assert.Equal(t, common.EFAULT, g.call("fd_write", args...), name)
		assert.Equal(t, before, out.Len(), "%s: nothing written", name)
	}
	assert.Equal(t, common.EBADF, g.call("fd_write", 99, iovs, cnt, res))
	assert.Equal(t, common.EBADF, g.call("fd_write", 3, iovs, cnt, res), "a directory")

	fd := openFile(t, g, "ro", common.RightsFdRead, 0)
	assert.Equal(t, common.EBADF, g.call("fd_write", uint64(fd), iovs, cnt, res), "read-only descriptor")
}

func first(a, _ uint64) uint64 { return a }

func TestFdWriteTotalOver4GiB(t *testing.T) {
	g, _ := newGuest(t)
	const bufLen = 4<<20 + 1 // 1024 of them pass 4 GiB
	_, ok := g.mod.Memory().Grow(80)
	require.True(t, ok)
	bufs := make([][2]uint64, maxIovecs)
	for i := range bufs {
		bufs[i] = [2]uint64{0, bufLen}
	}
	iovs, n := g.iovecs(bufs...)
	assert.Equal(t, common.EINVAL, g.call("fd_write", 1, iovs, n, g.out(4)))
}

func TestFdWriteManyIovecs(t *testing.T) {
	c, out, _ := newFakeCtx()
	g := defaultEnv(t).start(t, c)
	p, _ := g.str("x")
	bufs := make([][2]uint64, maxIovecs+10)
	for i := range bufs {
		bufs[i] = [2]uint64{p, 1}
	}
	iovs, n := g.iovecs(bufs...)
	res := g.out(4)
	require.Equal(t, common.ESUCCESS, g.call("fd_write", 1, iovs, n, res))
	assert.Equal(t, uint32(maxIovecs), g.u32(res), "a short write of the first IOV_MAX buffers")
	assert.Equal(t, maxIovecs, out.Len())
}

func TestFdRead(t *testing.T) {
	g, _ := newGuest(t)
	s, errno := g.readN(0, 3)
	require.Equal(t, common.ESUCCESS, errno)
	assert.Equal(t, "inp", s)

	// Into two buffers from a file.
	fd, errno := g.open(3, "a.txt", 0, common.RightsFdRead, 0, 0)
	require.Equal(t, common.ESUCCESS, errno)
	b1, b2 := g.out(2), g.out(8)
	iovs, n := g.iovecs([2]uint64{b1, 2}, [2]uint64{b2, 8})
	res := g.out(4)
	require.Equal(t, common.ESUCCESS, g.call("fd_read", uint64(fd), iovs, n, res))
	assert.Equal(t, uint32(5), g.u32(res))
	assert.Equal(t, "he", string(g.read(b1, 2)))
	assert.Equal(t, "llo", string(g.read(b2, 3)))
	require.Equal(t, common.ESUCCESS, g.call("fd_read", uint64(fd), iovs, n, res))
	assert.Equal(t, uint32(0), g.u32(res), "end of file")

	assert.Equal(t, common.EFAULT, g.call("fd_read", uint64(fd), iovs, n, g.memSize()))
	assert.Equal(t, common.EFAULT, g.call("fd_read", uint64(fd), g.memSize(), 1, res))
	assert.Equal(t, common.EBADF, g.call("fd_read", 3, iovs, n, res), "a directory")
	assert.Equal(t, common.EBADF, g.call("fd_read", 42, iovs, n, res))

	wo := openFile(t, g, "wo", common.RightsFdWrite, 0)
	assert.Equal(t, common.EBADF, g.call("fd_read", uint64(wo), iovs, n, res), "write-only descriptor")

	// Dropping FD_READ with fd_fdstat_set_rights takes reading away.
	rwfd := openFile(t, g, "rw", rw|common.RightsFdSeek, 0)
	st, _ := g.fdstat(rwfd)
	require.Equal(t, common.ESUCCESS, g.call("fd_fdstat_set_rights", uint64(rwfd), uint64(st.RightsBase&^common.RightsFdRead), 0))
	assert.Equal(t, common.EBADF, g.call("fd_read", uint64(rwfd), iovs, n, res))
}

// errFile fails every read and write with err, after transferring n bytes.
type errFile struct {
	common.UnimplementedFile
	n   int
	err error
}

func (f *errFile) Filetype() common.Filetype { return common.FiletypeCharacterDevice }
func (f *errFile) Read(context.Context, [][]byte) (int, error) {
	return f.n, f.err
}
func (f *errFile) Write(context.Context, [][]byte) (int, error) {
	return f.n, f.err
}

func TestFdReadWriteErrors(t *testing.T) {
	c, _, _ := newFakeCtx()
	c.stdin = &errFile{n: 0, err: common.EAGAIN}
	c.stdout = &errFile{n: 2, err: common.ENOSPC}
	c.stderr = &errFile{n: 1 << 40} // a broken implementation claiming more than asked
	g := defaultEnv(t).start(t, c)
	_, errno := g.readN(0, 4)
	assert.Equal(t, common.EAGAIN, errno)
	n, errno := g.write(1, "abcd")
	assert.Equal(t, common.ESUCCESS, errno, "a partial write succeeds")
	assert.Equal(t, uint32(2), n)
	n, errno = g.write(2, "abcd")
	assert.Equal(t, common.ESUCCESS, errno)
	assert.Equal(t, uint32(4), n, "clamped to the buffers")
}

func TestFdPreadPwrite(t *testing.T) {
	g, _ := newStrictGuest(t)
	fd := openFile(t, g, "f", rw|common.RightsFdSeek|common.RightsFdTell, 0)
	p, n := g.str("0123")
	iovs, cnt := g.iovecs([2]uint64{p, n})
	res := g.out(4)
	require.Equal(t, common.ESUCCESS, g.call("fd_pwrite", uint64(fd), iovs, cnt, 2, res))
	assert.Equal(t, uint32(4), g.u32(res))
	off := g.out(8)
	require.Equal(t, common.ESUCCESS, g.call("fd_tell", uint64(fd), off))
	assert.Equal(t, uint64(0), g.u64(off), "fd_pwrite leaves the offset")

	buf := g.out(6)
	riovs, rcnt := g.iovecs([2]uint64{buf, 6})
	require.Equal(t, common.ESUCCESS, g.call("fd_pread", uint64(fd), riovs, rcnt, 0, res))
	assert.Equal(t, uint32(6), g.u32(res))
	assert.Equal(t, "\x00\x000123", string(g.read(buf, 6)))
	require.Equal(t, common.ESUCCESS, g.call("fd_tell", uint64(fd), off))
	assert.Equal(t, uint64(0), g.u64(off), "fd_pread leaves the offset")

	// An append-mode descriptor: fd_pwrite writes all 3 bytes and the
	// offset stays put.
	app := openFile(t, g, "app", rw|common.RightsFdSeek|common.RightsFdTell, common.FdflagsAppend)
	p3, n3 := g.str("xyz")
	iovs3, cnt3 := g.iovecs([2]uint64{p3, n3})
	require.Equal(t, common.ESUCCESS, g.call("fd_pwrite", uint64(app), iovs3, cnt3, 0, res))
	assert.Equal(t, uint32(3), g.u32(res))
	require.Equal(t, common.ESUCCESS, g.call("fd_tell", uint64(app), off))
	assert.Equal(t, uint64(0), g.u64(off))

	assert.Equal(t, common.ESPIPE, g.call("fd_pread", 0, riovs, rcnt, 0, res), "stdin is a stream")
	assert.Equal(t, common.ESPIPE, g.call("fd_pwrite", 1, iovs, cnt, 0, res), "stdout is a stream")
	noSeek := openFile(t, g, "ns", rw, 0)
	assert.Equal(t, common.ENOTCAPABLE, g.call("fd_pread", uint64(noSeek), riovs, rcnt, 0, res))
	assert.Equal(t, common.ENOTCAPABLE, g.call("fd_pwrite", uint64(noSeek), iovs, cnt, 0, res))
	ro := openFile(t, g, "ro", common.RightsFdRead|common.RightsFdSeek, 0)
	assert.Equal(t, common.EBADF, g.call("fd_pwrite", uint64(ro), iovs, cnt, 0, res))
	wo := openFile(t, g, "wo", common.RightsFdWrite|common.RightsFdSeek, 0)
	assert.Equal(t, common.EBADF, g.call("fd_pread", uint64(wo), riovs, rcnt, 0, res))
	assert.Equal(t, common.EBADF, g.call("fd_pread", 3, riovs, rcnt, 0, res), "a directory")
	assert.Equal(t, common.EBADF, g.call("fd_pwrite", 3, iovs, cnt, 0, res), "a directory")
	assert.Equal(t, common.EBADF, g.call("fd_pread", 77, riovs, rcnt, 0, res))
	assert.Equal(t, common.EFAULT, g.call("fd_pread", uint64(fd), riovs, rcnt, 0, g.memSize()))
	assert.Equal(t, common.EFAULT, g.call("fd_pwrite", uint64(fd), g.memSize(), 1, 0, res))
	assert.Equal(t, common.EFBIG, g.call("fd_pwrite", uint64(fd), iovs, cnt, 1<<62, res), "the implementation's errno")
}

func TestFdSeekTell(t *testing.T) {
	g, _ := newStrictGuest(t)
	fd, errno := g.open(3, "a.txt", 0, common.RightsFdRead|common.RightsFdSeek|common.RightsFdTell, 0, 0)
	require.Equal(t, common.ESUCCESS, errno)
	off := g.out(8)
	require.Equal(t, common.ESUCCESS, g.call("fd_seek", uint64(fd), 2, uint64(common.WhenceSet), off))
	assert.Equal(t, uint64(2), g.u64(off))
	require.Equal(t, common.ESUCCESS, g.call("fd_seek", uint64(fd), 1, uint64(common.WhenceCur), off))
	assert.Equal(t, uint64(3), g.u64(off))
	minus1 := uint64(0xffffffffffffffff)
	require.Equal(t, common.ESUCCESS, g.call("fd_seek", uint64(fd), minus1, uint64(common.WhenceEnd), off))
	assert.Equal(t, uint64(4), g.u64(off))
	require.Equal(t, common.ESUCCESS, g.call("fd_tell", uint64(fd), off))
	assert.Equal(t, uint64(4), g.u64(off))
	s, _ := g.readN(fd, 8)
	assert.Equal(t, "o", s)

	assert.Equal(t, common.EINVAL, g.call("fd_seek", uint64(fd), 0, 3, off), "whence 3")
	assert.Equal(t, common.EINVAL, g.call("fd_seek", uint64(fd), 0, 0x100, off), "whence with high bits")
	assert.Equal(t, common.EINVAL, g.call("fd_seek", uint64(fd), uint64(1<<64-10), uint64(common.WhenceSet), off), "before the start")
	assert.Equal(t, common.EFAULT, g.call("fd_seek", uint64(fd), 0, 0, g.memSize()-7))
	assert.Equal(t, common.EFAULT, g.call("fd_tell", uint64(fd), g.memSize()))
	assert.Equal(t, common.EBADF, g.call("fd_seek", 50, 0, 0, off))
	assert.Equal(t, common.EBADF, g.call("fd_tell", 50, off))

	// A directory has no offset: EBADF, and no FD_SEEK even if asked for.
	dfd, errno := g.open(3, "sub", common.OflagsDirectory, common.RightsFdSeek|common.RightsFdReaddir, 0, 0)
	require.Equal(t, common.ESUCCESS, errno)
	st, _ := g.fdstat(dfd)
	assert.False(t, st.RightsBase.Has(common.RightsFdSeek))
	for _, whence := range []uint64{0, 1, 2} {
		assert.Equal(t, common.EBADF, g.call("fd_seek", uint64(dfd), 0, whence, off))
	}
	assert.Equal(t, common.EBADF, g.call("fd_tell", uint64(dfd), off))
	assert.Equal(t, common.EBADF, g.call("fd_seek", 3, 0, 0, off))

	assert.Equal(t, common.ESPIPE, g.call("fd_seek", 1, 0, 0, off), "stdout is a stream")
	assert.Equal(t, common.ESPIPE, g.call("fd_tell", 0, off))

	// FD_TELL alone allows fd_tell and fd_seek(0, CUR), nothing else.
	tellOnly, errno := g.open(3, "a.txt", 0, common.RightsFdRead|common.RightsFdTell, 0, 0)
	require.Equal(t, common.ESUCCESS, errno)
	assert.Equal(t, common.ESUCCESS, g.call("fd_tell", uint64(tellOnly), off))
	assert.Equal(t, common.ESUCCESS, g.call("fd_seek", uint64(tellOnly), 0, uint64(common.WhenceCur), off))
	assert.Equal(t, common.ENOTCAPABLE, g.call("fd_seek", uint64(tellOnly), 1, uint64(common.WhenceCur), off))
	assert.Equal(t, common.ENOTCAPABLE, g.call("fd_seek", uint64(tellOnly), 0, uint64(common.WhenceSet), off))
	neither, _ := g.open(3, "a.txt", 0, common.RightsFdRead, 0, 0)
	assert.Equal(t, common.ENOTCAPABLE, g.call("fd_tell", uint64(neither), off))
}

func TestFdClose(t *testing.T) {
	g, c := newGuest(t)
	root := c.preopens[0].Dir.(*memDir)
	fd := openFile(t, g, "f", rw, 0)
	require.Equal(t, common.ESUCCESS, g.call("fd_close", uint64(fd)))
	assert.Equal(t, common.EBADF, g.call("fd_close", uint64(fd)))
	assert.Equal(t, common.EBADF, g.call("fd_close", 1000))
	assert.Equal(t, common.EBADF, g.call("fd_close", 0xffffffff))

	// Closing a pre-open is allowed; the number is then free.
	require.Equal(t, common.ESUCCESS, g.call("fd_close", 3))
	assert.Equal(t, 1, root.closes())
	_, errno := g.fdstat(3)
	assert.Equal(t, common.EBADF, errno)
	assert.Equal(t, common.EBADF, g.call("fd_prestat_get", 3, g.out(8)))

	// Closing stdout, then the lowest free number is reused.
	require.Equal(t, common.ESUCCESS, g.call("fd_close", 1))
	assert.Equal(t, 1, c.stdout.(*streamFile).closes())
	assert.Equal(t, 0, c.closeCalls())
}

func TestFdRenumber(t *testing.T) {
	g, c := newGuest(t)
	root := c.preopens[0].Dir.(*memDir)
	from := openFile(t, g, "file1", rw, common.FdflagsAppend)
	to := openFile(t, g, "file2", common.RightsFdRead, 0)
	fromStat, _ := g.fdstat(from)
	toFile, _ := g.instance().fds.Get(common.Fd(to))
	toMem := toFile.file.(*memFile)

	require.Equal(t, common.ESUCCESS, g.call("fd_renumber", uint64(from), uint64(to)))
	assert.Equal(t, 1, toMem.closes(), "the target is closed")
	assert.Equal(t, common.EBADF, g.call("fd_close", uint64(from)), "the source is gone")
	toStat, errno := g.fdstat(to)
	require.Equal(t, common.ESUCCESS, errno)
	assert.Equal(t, fromStat, toStat)

	assert.Equal(t, common.EBADF, g.call("fd_renumber", uint64(to), uint64(from)), "unknown target")
	assert.Equal(t, common.EBADF, g.call("fd_renumber", uint64(from), uint64(to)), "unknown source")
	assert.Equal(t, common.EBADF, g.call("fd_renumber", 0xffffffff, 0))
	assert.Equal(t, common.ESUCCESS, g.call("fd_renumber", uint64(to), uint64(to)), "onto itself")
	_, errno = g.fdstat(to)
	assert.Equal(t, common.ESUCCESS, errno)

	// Onto the pre-open: it is closed and replaced, and no longer a
	// pre-open.
	sub, errno := g.open(3, "sub", common.OflagsDirectory, common.RightsDirectoryBase, common.RightsDirectoryInheriting, 0)
	require.Equal(t, common.ESUCCESS, errno)
	require.Equal(t, common.ESUCCESS, g.call("fd_renumber", uint64(sub), 3))
	assert.Equal(t, 1, root.closes())
	st, errno := g.fdstat(3)
	require.Equal(t, common.ESUCCESS, errno)
	assert.Equal(t, common.FiletypeDirectory, st.Filetype)
	assert.Equal(t, common.EBADF, g.call("fd_prestat_get", 3, g.out(8)))

	// Onto stdout.
	f := openFile(t, g, "out", rw, 0)
	require.Equal(t, common.ESUCCESS, g.call("fd_renumber", uint64(f), 1))
	assert.Equal(t, 1, c.stdout.(*streamFile).closes())
	_, errno = g.write(1, "into the file")
	assert.Equal(t, common.ESUCCESS, errno)
}

func TestFdFdstatGet(t *testing.T) {
	g, _ := newStrictGuest(t)
	st, errno := g.fdstat(1)
	require.Equal(t, common.ESUCCESS, errno)
	assert.Equal(t, common.FiletypeCharacterDevice, st.Filetype)
	assert.Equal(t, common.RightsCharacterDeviceBase, st.RightsBase)

	st, errno = g.fdstat(3)
	require.Equal(t, common.ESUCCESS, errno)
	assert.Equal(t, common.Fdstat{Filetype: common.FiletypeDirectory, RightsBase: common.RightsDirectoryBase, RightsInheriting: common.RightsDirectoryInheriting}, st)
	assert.False(t, st.RightsBase.Has(common.RightsFdFilestatSetSize), "a directory has no FD_FILESTAT_SET_SIZE")
	assert.True(t, st.RightsBase.Has(common.RightsPathFilestatSetSize))

	// Flags given at path_open come back.
	all := common.FdflagsAppend | common.FdflagsDsync | common.FdflagsNonblock | common.FdflagsRsync | common.FdflagsSync
	fd := openFile(t, g, "flags", rw, all)
	st, errno = g.fdstat(fd)
	require.Equal(t, common.ESUCCESS, errno)
	assert.Equal(t, all, st.Flags)
	assert.Equal(t, common.FiletypeRegularFile, st.Filetype)
	assert.Equal(t, rw, st.RightsBase)

	out := g.out(common.FdstatSize)
	require.Equal(t, common.ESUCCESS, g.call("fd_fdstat_get", uint64(fd), out))
	b := g.read(out, 24)
	assert.Equal(t, []byte{byte(common.FiletypeRegularFile), 0, byte(all), 0, 0, 0, 0, 0}, b[:8], "padding is zeroed")

	assert.Equal(t, common.EBADF, g.call("fd_fdstat_get", 9, out))
	assert.Equal(t, common.EFAULT, g.call("fd_fdstat_get", 1, g.memSize()-23))
}

func TestFdFdstatSetFlags(t *testing.T) {
	g, _ := newStrictGuest(t)
	fd := openFile(t, g, "f", rw|common.RightsFdFdstatSetFlags, 0)
	require.Equal(t, common.ESUCCESS, g.call("fd_fdstat_set_flags", uint64(fd), uint64(common.FdflagsNonblock|common.FdflagsAppend)))
	st, _ := g.fdstat(fd)
	assert.Equal(t, common.FdflagsNonblock|common.FdflagsAppend, st.Flags)
	assert.Equal(t, common.EINVAL, g.call("fd_fdstat_set_flags", uint64(fd), 0x20))
	assert.Equal(t, common.EINVAL, g.call("fd_fdstat_set_flags", uint64(fd), 0x10000))
	assert.Equal(t, common.EBADF, g.call("fd_fdstat_set_flags", 99, 0))
	no := openFile(t, g, "g", rw, 0)
	assert.Equal(t, common.ENOTCAPABLE, g.call("fd_fdstat_set_flags", uint64(no), 0))
	assert.Equal(t, common.ESUCCESS, g.call("fd_fdstat_set_flags", 1, uint64(common.FdflagsNonblock)), "stdout")
}

func TestFdFdstatSetRights(t *testing.T) {
	g, _ := newStrictGuest(t)
	rights := rw | common.RightsFdSeek | common.RightsFdTell
	fd := openFile(t, g, "f", rights, 0)
	require.Equal(t, common.ESUCCESS, g.call("fd_fdstat_set_rights", uint64(fd), uint64(rights&^rw), 0))
	st, _ := g.fdstat(fd)
	assert.Equal(t, common.RightsFdSeek|common.RightsFdTell, st.RightsBase)
	assert.Equal(t, common.ENOTCAPABLE, g.call("fd_fdstat_set_rights", uint64(fd), uint64(rights), 0), "adding back")
	assert.Equal(t, common.ENOTCAPABLE, g.call("fd_fdstat_set_rights", uint64(fd), 0, uint64(common.RightsFdRead)), "adding inheriting")
	assert.Equal(t, common.ENOTCAPABLE, g.call("fd_fdstat_set_rights", uint64(fd), 1<<40, 0), "undefined bits")
	assert.Equal(t, common.EBADF, g.call("fd_fdstat_set_rights", 99, 0, 0))

	// On a directory, dropping inheriting rights limits what it opens.
	require.Equal(t, common.ESUCCESS, g.call("fd_fdstat_set_rights", 3, uint64(common.RightsDirectoryBase), uint64(common.RightsDirectoryInheriting&^common.RightsFdWrite)))
	f2, errno := g.open(3, "a.txt", 0, rw, 0, 0)
	require.Equal(t, common.ESUCCESS, errno)
	st, _ = g.fdstat(f2)
	assert.Equal(t, common.RightsFdRead, st.RightsBase)
}

func TestFdFilestatGet(t *testing.T) {
	g, c := newStrictGuest(t)
	root := c.preopens[0].Dir.(*memDir)
	fd, errno := g.open(3, "a.txt", 0, common.RightsFdRead|common.RightsFdFilestatGet, 0, 0)
	require.Equal(t, common.ESUCCESS, errno)
	out := g.out(common.FilestatSize)
	require.Equal(t, common.ESUCCESS, g.call("fd_filestat_get", uint64(fd), out))
	n := root.n.children["a.txt"]
	assert.Equal(t, uint64(1), g.u64(out))
	assert.Equal(t, uint64(n.ino), g.u64(out+8))
	assert.Equal(t, []byte{byte(common.FiletypeRegularFile), 0, 0, 0, 0, 0, 0, 0}, g.read(out+16, 8))
	assert.Equal(t, uint64(1), g.u64(out+24))
	assert.Equal(t, uint64(5), g.u64(out+32))
	assert.Equal(t, uint64(n.atim), g.u64(out+40))
	assert.Equal(t, uint64(n.mtim), g.u64(out+48))
	assert.Equal(t, uint64(n.ctim), g.u64(out+56))

	require.Equal(t, common.ESUCCESS, g.call("fd_filestat_get", 3, out))
	assert.Equal(t, byte(common.FiletypeDirectory), g.read(out+16, 1)[0])
	require.Equal(t, common.ESUCCESS, g.call("fd_filestat_get", 1, out))

	assert.Equal(t, common.EFAULT, g.call("fd_filestat_get", uint64(fd), g.memSize()-63))
	assert.Equal(t, common.EBADF, g.call("fd_filestat_get", 99, out))
	no, _ := g.open(3, "a.txt", 0, common.RightsFdRead, 0, 0)
	assert.Equal(t, common.ENOTCAPABLE, g.call("fd_filestat_get", uint64(no), out))
}

func TestFdFilestatSetSize(t *testing.T) {
	g, c := newGuest(t)
	root := c.preopens[0].Dir.(*memDir)
	fd := openFile(t, g, "f", rw|common.RightsFdFilestatSetSize, 0)
	require.Equal(t, common.ESUCCESS, g.call("fd_filestat_set_size", uint64(fd), 10))
	assert.Len(t, root.n.children["f"].data, 10)
	assert.Equal(t, common.EFBIG, g.call("fd_filestat_set_size", uint64(fd), 1<<40))
	assert.Equal(t, common.EBADF, g.call("fd_filestat_set_size", 3, 0), "a directory")
	assert.Equal(t, common.EBADF, g.call("fd_filestat_set_size", 99, 0))
	ro, _ := g.open(3, "f", 0, common.RightsFdRead, 0, 0)
	assert.Equal(t, common.ENOTCAPABLE, g.call("fd_filestat_set_size", uint64(ro), 0), "read-only: no FD_FILESTAT_SET_SIZE")
}

func TestFdFilestatSetTimes(t *testing.T) {
	g, c := newStrictGuest(t)
	root := c.preopens[0].Dir.(*memDir)
	fd := openFile(t, g, "f", common.RightsFdRead|common.RightsFdFilestatSetTimes, 0)
	n := root.n.children["f"]
	require.Equal(t, common.ESUCCESS, g.call("fd_filestat_set_times", uint64(fd), 100, 200, uint64(common.FstflagsAtim|common.FstflagsMtim)))
	assert.Equal(t, common.Timestamp(100), n.atim)
	assert.Equal(t, common.Timestamp(200), n.mtim)
	require.Equal(t, common.ESUCCESS, g.call("fd_filestat_set_times", uint64(fd), 0, 0, uint64(common.FstflagsMtimNow)))
	assert.Equal(t, common.Timestamp(100), n.atim)
	assert.NotEqual(t, common.Timestamp(200), n.mtim)
	for _, bad := range []uint64{
		uint64(common.FstflagsMtim | common.FstflagsMtimNow),
		uint64(common.FstflagsAtim | common.FstflagsAtimNow),
		0x10, 0x10001,
	} {
		assert.Equal(t, common.EINVAL, g.call("fd_filestat_set_times", uint64(fd), 1, 2, bad), "%#x", bad)
	}
	assert.Equal(t, common.Timestamp(100), n.atim, "unchanged by the refused calls")
	assert.Equal(t, common.EBADF, g.call("fd_filestat_set_times", 99, 0, 0, 0))
	no := openFile(t, g, "g", common.RightsFdRead, 0)
	assert.Equal(t, common.ENOTCAPABLE, g.call("fd_filestat_set_times", uint64(no), 0, 0, 0))
	assert.Equal(t, common.ESUCCESS, g.call("fd_filestat_set_times", 3, 5, 5, uint64(common.FstflagsAtim)), "a directory")
}

func TestFdAdvise(t *testing.T) {
	g, _ := newStrictGuest(t)
	fd := openFile(t, g, "f", rw|common.RightsFdAdvise, 0)
	for advice := range uint64(6) {
		assert.Equal(t, common.ESUCCESS, g.call("fd_advise", uint64(fd), 0, 10, advice))
	}
	assert.Equal(t, common.EINVAL, g.call("fd_advise", uint64(fd), 0, 10, 6))
	assert.Equal(t, common.EBADF, g.call("fd_advise", 99, 0, 10, 0))
	no := openFile(t, g, "g", rw, 0)
	assert.Equal(t, common.ENOTCAPABLE, g.call("fd_advise", uint64(no), 0, 10, 0))
	assert.Equal(t, common.ENOTCAPABLE, g.call("fd_advise", 1, 0, 10, 0), "stdout has no FD_ADVISE")
}

func TestFdAllocate(t *testing.T) {
	g, c := newGuest(t)
	root := c.preopens[0].Dir.(*memDir)
	fd := openFile(t, g, "f", rw|common.RightsFdAllocate, 0)
	require.Equal(t, common.ESUCCESS, g.call("fd_allocate", uint64(fd), 0, 100))
	assert.Len(t, root.n.children["f"].data, 100)
	require.Equal(t, common.ESUCCESS, g.call("fd_allocate", uint64(fd), 10, 10))
	assert.Len(t, root.n.children["f"].data, 100)
	assert.Equal(t, common.EFBIG, g.call("fd_allocate", uint64(fd), 1<<63, 1<<63))
	assert.Equal(t, common.EBADF, g.call("fd_allocate", 3, 0, 1), "a directory")
	assert.Equal(t, common.EBADF, g.call("fd_allocate", 99, 0, 1))
	ro, _ := g.open(3, "f", 0, common.RightsFdRead, 0, 0)
	assert.Equal(t, common.ENOTCAPABLE, g.call("fd_allocate", uint64(ro), 0, 1))
}

func TestFdSyncDatasync(t *testing.T) {
	g, _ := newStrictGuest(t)
	fd := openFile(t, g, "f", rw|common.RightsFdSync|common.RightsFdDatasync, 0)
	assert.Equal(t, common.ESUCCESS, g.call("fd_sync", uint64(fd)))
	assert.Equal(t, common.ESUCCESS, g.call("fd_datasync", uint64(fd)))
	assert.Equal(t, common.ESUCCESS, g.call("fd_sync", 3), "a directory")
	assert.Equal(t, common.ENOTCAPABLE, g.call("fd_datasync", 3), "a directory has no FD_DATASYNC")
	assert.Equal(t, common.ENOTCAPABLE, g.call("fd_sync", 1), "a terminal has no FD_SYNC")
	assert.Equal(t, common.EBADF, g.call("fd_sync", 99))
	assert.Equal(t, common.EBADF, g.call("fd_datasync", 99))
	no := openFile(t, g, "g", rw, 0)
	assert.Equal(t, common.ENOTCAPABLE, g.call("fd_sync", uint64(no)))
	assert.Equal(t, common.ENOTCAPABLE, g.call("fd_datasync", uint64(no)))
}

func TestFdPrestat(t *testing.T) {
	c, _, _ := newFakeCtx()
	c.preopens = append(c.preopens, common.Preopen{GuestPath: "/data", Dir: newMemDir(true)})
	c.withSocket(&sockFile{listener: true})
	g := defaultEnv(t).start(t, c)

	out := g.out(8)
	require.Equal(t, common.ESUCCESS, g.call("fd_prestat_get", 4, out))
	assert.Equal(t, []byte{0, 0, 0, 0, 5, 0, 0, 0}, g.read(out, 8))
	for _, fd := range []uint64{0, 1, 2, 5, 6, 1 << 31} {
		assert.Equal(t, common.EBADF, g.call("fd_prestat_get", fd, out), "fd %d", fd)
	}
	assert.Equal(t, common.EFAULT, g.call("fd_prestat_get", 3, g.memSize()-7))

	name := g.out(8)
	require.Equal(t, common.ESUCCESS, g.call("fd_prestat_dir_name", 4, name, 5))
	assert.Equal(t, "/data", string(g.read(name, 5)))
	name = g.out(8)
	require.Equal(t, common.ESUCCESS, g.call("fd_prestat_dir_name", 4, name, 8), "a larger buffer")
	assert.Equal(t, "/data\xee\xee\xee", string(g.read(name, 8)), "no NUL, nothing past the name")
	name = g.out(8)
	assert.Equal(t, common.ENAMETOOLONG, g.call("fd_prestat_dir_name", 4, name, 4))
	assert.Equal(t, common.ENAMETOOLONG, g.call("fd_prestat_dir_name", 4, 1, 0))
	assert.Equal(t, "\xee\xee\xee\xee", string(g.read(name, 4)), "nothing written")
	assert.Equal(t, common.EBADF, g.call("fd_prestat_dir_name", 1, name, 8))
	assert.Equal(t, common.EBADF, g.call("fd_prestat_dir_name", 5, name, 8), "a socket")
	assert.Equal(t, common.EBADF, g.call("fd_prestat_dir_name", 99, name, 8))
	assert.Equal(t, common.EFAULT, g.call("fd_prestat_dir_name", 4, g.memSize()-2, 5))
}
