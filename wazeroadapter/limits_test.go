package wazeroadapter

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero"

	"github.com/capwasi/capwasi/common"
)

func TestLimitOptionsValidated(t *testing.T) {
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	for name, bad := range map[string]Option{
		"components 0":    WithMaxPathComponents(0),
		"readdir 0":       WithMaxReaddirEntries(0),
		"readdir -1":      WithMaxReaddirEntries(-1),
		"io bytes 0":      WithMaxIOBytes(0),
		"args env size 0": WithMaxArgsEnvSize(0),
	} {
		_, err := Instantiate(ctx, r, bad)
		assert.Error(t, err, name)
	}
	h, err := Instantiate(ctx, r, WithMaxPathComponents(1), WithMaxReaddirEntries(1), WithMaxIOBytes(1<<40), WithMaxArgsEnvSize(1))
	require.NoError(t, err)
	assert.Equal(t, uint32(1<<32-1), h.opts.maxIOBytes, "more than a guest can address is all it can")
	require.NoError(t, h.Close(ctx))
}

func TestPathComponentsLimit(t *testing.T) {
	env := newEnv(t, WithMaxPathComponents(3))
	c, _, root := newFakeCtx()
	g := env.start(t, c)
	for _, ok := range []string{"sub/../a.txt", "sub//..///a.txt", "/sub/../a.txt/", "./././", "a.txt"} {
		_, errno := g.open(3, ok, 0, common.RightsFdRead, 0, 0)
		assert.NotEqual(t, common.ENAMETOOLONG, errno, ok)
	}
	for _, tooMany := range []string{"sub/../sub/../a.txt", "./././.", "a/b/c/d", "/a//b//c//d/"} {
		root.lastOpen = common.OpenOptions{}
		_, errno := g.open(3, tooMany, 0, common.RightsFdRead, 0, 0)
		assert.Equal(t, common.ENAMETOOLONG, errno, tooMany)
		assert.Equal(t, common.OpenOptions{}, root.lastOpen, "%s: refused before the implementation is called", tooMany)
	}
	// Every path parameter is checked, a symbolic link's content too.
	p, n := g.str("a/b/c/d")
	q, m := g.str("link")
	assert.Equal(t, common.ENAMETOOLONG, g.call("path_symlink", p, n, 3, q, m))
	assert.Equal(t, common.ENAMETOOLONG, g.call("path_symlink", q, m, 3, p, n))
	assert.Equal(t, common.ENAMETOOLONG, g.call("path_create_directory", 3, p, n))
	assert.Equal(t, common.ENAMETOOLONG, g.call("path_rename", 3, q, m, 3, p, n))
	_, ok := root.n.children["link"]
	assert.False(t, ok, "nothing created")
}

func TestPathComponentsDefault(t *testing.T) {
	g, _ := newGuest(t)
	_, errno := g.open(3, strings.Repeat("./", DefaultMaxPathComponents-1)+"a.txt", 0, common.RightsFdRead, 0, 0)
	assert.Equal(t, common.ESUCCESS, errno, "the default number of components")
	_, errno = g.open(3, strings.Repeat("./", DefaultMaxPathComponents)+"a.txt", 0, common.RightsFdRead, 0, 0)
	assert.Equal(t, common.ENAMETOOLONG, errno, "one more")
}

// TestMaxIOBytes checks that every transfer function moves at most the
// limit, as a short transfer, and that the implementation is never handed
// more.
func TestMaxIOBytes(t *testing.T) {
	env := newEnv(t, WithMaxIOBytes(10))
	c, out, root := newFakeCtx()
	listener := &sockFile{listener: true}
	c.withSocket(listener)
	g := env.start(t, c)

	// Three buffers of 4 bytes: 10 bytes, the third buffer cut after 2.
	a, _ := g.str("aaaa")
	b, _ := g.str("bbbb")
	cc, _ := g.str("cccc")
	wiovs, wn := g.iovecs([2]uint64{a, 4}, [2]uint64{b, 4}, [2]uint64{cc, 4})
	res := g.out(4)
	require.Equal(t, common.ESUCCESS, g.call("fd_write", 1, wiovs, wn, res))
	assert.Equal(t, uint32(10), g.u32(res))
	assert.Equal(t, "aaaabbbbcc", out.String())

	fd := openFile(t, g, "f", rw|common.RightsFdSeek, 0)
	require.Equal(t, common.ESUCCESS, g.call("fd_pwrite", uint64(fd), wiovs, wn, 0, res))
	assert.Equal(t, uint32(10), g.u32(res))
	assert.Equal(t, "aaaabbbbcc", string(root.n.children["f"].data))
	require.Equal(t, common.ESUCCESS, g.call("fd_pwrite", uint64(fd), wiovs, wn, 10, res))
	require.Equal(t, common.ESUCCESS, g.call("fd_write", uint64(fd), wiovs, wn, res)) // at offset 0
	assert.Equal(t, "aaaabbbbccaaaabbbbcc", string(root.n.children["f"].data))

	// Reads: two buffers of 8 bytes get 10 bytes.
	r1, r2 := g.out(8), g.out(8)
	riovs, rn := g.iovecs([2]uint64{r1, 8}, [2]uint64{r2, 8})
	require.Equal(t, common.ESUCCESS, g.call("fd_pread", uint64(fd), riovs, rn, 0, res))
	assert.Equal(t, uint32(10), g.u32(res))
	assert.Equal(t, "aaaabbbb", string(g.read(r1, 8)))
	assert.Equal(t, "cc\xee\xee\xee\xee\xee\xee", string(g.read(r2, 8)), "nothing written past the limit")
	require.Equal(t, common.ESUCCESS, g.call("fd_read", uint64(fd), riovs, rn, res))
	assert.Equal(t, uint32(10), g.u32(res))

	// Sockets.
	require.Equal(t, common.ESUCCESS, g.call("sock_accept", 4, 0, res))
	conn := uint64(g.u32(res))
	flags := g.out(2)
	s1, s2 := g.out(8), g.out(8)
	siovs, sn := g.iovecs([2]uint64{s1, 8}, [2]uint64{s2, 8})
	require.Equal(t, common.ESUCCESS, g.call("sock_recv", conn, siovs, sn, 0, res, flags))
	assert.Equal(t, uint32(10), g.u32(res))
	assert.Equal(t, "hello from", string(g.read(s1, 8))+string(g.read(s2, 2)))
	require.Equal(t, common.ESUCCESS, g.call("sock_send", conn, wiovs, wn, 0, res))
	assert.Equal(t, uint32(10), g.u32(res))
	assert.Equal(t, "aaaabbbbcc", listener.accepted[0].out.String())

	// A limit falling exactly at a buffer's end, and zero-length buffers.
	e, _ := g.str("")
	iovs, n := g.iovecs([2]uint64{a, 4}, [2]uint64{b, 4}, [2]uint64{cc, 2}, [2]uint64{e, 0}, [2]uint64{a, 4})
	out.Reset()
	require.Equal(t, common.ESUCCESS, g.call("fd_write", 1, iovs, n, res))
	assert.Equal(t, uint32(10), g.u32(res))
	assert.Equal(t, "aaaabbbbcc", out.String())
}

func TestCutIovecs(t *testing.T) {
	mk := func(lens ...int) [][]byte {
		var iovs [][]byte
		for _, l := range lens {
			iovs = append(iovs, make([]byte, l))
		}
		return iovs
	}
	lens := func(iovs [][]byte) []int {
		var l []int
		for _, b := range iovs {
			l = append(l, len(b))
		}
		return l
	}
	for _, tc := range []struct {
		in   []int
		max  uint32
		want []int
	}{
		{[]int{4, 4, 4}, 10, []int{4, 4, 2}},
		{[]int{4, 4, 4}, 8, []int{4, 4}},
		{[]int{4, 4, 4}, 1, []int{1}},
		{[]int{0, 0, 20}, 5, []int{0, 0, 5}},
		{[]int{20}, 19, []int{19}},
	} {
		got, total := cutIovecs(mk(tc.in...), tc.max)
		assert.Equal(t, tc.want, lens(got), "%v cut to %d", tc.in, tc.max)
		assert.Equal(t, tc.max, total)
	}
}

// askingDir records how many entries each Readdir call asks for.
type askingDir struct {
	*memDir
	asked []int
}

func (d *askingDir) Readdir(ctx context.Context, cookie common.Dircookie, entries []common.DirEntry) (int, error) {
	d.asked = append(d.asked, len(entries))
	return d.memDir.Readdir(ctx, cookie, entries)
}

func TestReaddirEntriesLimit(t *testing.T) {
	env := newEnv(t, WithMaxReaddirEntries(3))
	c, _, _ := newFakeCtx()
	dir := &askingDir{memDir: newMemDir(false)}
	for i := range 100 {
		dir.add(fmt.Sprintf("file.%02d", i), common.FiletypeRegularFile, "")
	}
	c.preopens = append(c.preopens, common.Preopen{GuestPath: "/big", Dir: dir})
	g := env.start(t, c)
	_, ok := g.mod.Memory().Grow(64)
	require.True(t, ok)

	// A buffer room for far more than 3 entries: 3 whole ones, then a
	// header whose name reaches past the end, and the buffer reported full.
	const size = 4096
	b, errno := g.readdir(4, size, 0)
	require.Equal(t, common.ESUCCESS, errno)
	require.Len(t, b, size, "bufused == buf_len: call again")
	ents := decodeDirents(b)
	require.Len(t, ents, 3)
	assert.Equal(t, []string{".", "..", "file.00"}, []string{ents[0].name, ents[1].name, ents[2].name})
	used := 3*common.DirentSize + 1 + 2 + 7
	cut := b[used:]
	assert.Equal(t, uint64(ents[2].next), binary.LittleEndian.Uint64(cut), "the cut entry's cookie resumes after the last whole one")
	assert.Greater(t, uint64(binary.LittleEndian.Uint32(cut[16:]))+common.DirentSize, uint64(len(cut)), "its name reaches past the buffer")
	for _, n := range dir.asked {
		assert.LessOrEqual(t, n, 4, "the implementation is asked for at most the limit and one more")
	}

	// The guest's usual loop gets every entry, 3 a call.
	dir.asked = nil
	all := g.listAll(t, 4, size)
	require.Len(t, all, 102)
	for i, e := range all[2:] {
		assert.Equal(t, fmt.Sprintf("file.%02d", i), e.name)
	}
	assert.Len(t, dir.asked, 34+1, "102 entries, 3 a call, and the last call's own end")

	// Exactly the limit left: no cut, the end is reported.
	b, errno = g.readdir(4, size, all[98].next)
	require.Equal(t, common.ESUCCESS, errno)
	assert.Len(t, decodeDirents(b), 3)
	assert.Less(t, len(b), size, "the end of the directory")

	// A cut where less than a header is left: the header as far as it fits.
	small := uint32(3*common.DirentSize + 1 + 2 + 7 + 5)
	b, errno = g.readdir(4, small, 0)
	require.Equal(t, common.ESUCCESS, errno)
	assert.Len(t, b, int(small))
	assert.Len(t, decodeDirents(b), 3)
}

func TestReaddirEntriesDefault(t *testing.T) {
	g, c := newGuest(t)
	_, ok := g.mod.Memory().Grow(16)
	require.True(t, ok)
	root := c.preopens[0].Dir.(*memDir)
	for i := range DefaultMaxReaddirEntries + 100 {
		root.add(fmt.Sprintf("f%05d", i), common.FiletypeRegularFile, "")
	}
	const size = 64 << 10 // room for some 2,000 entries
	b, errno := g.readdir(3, size, 0)
	require.Equal(t, common.ESUCCESS, errno)
	assert.Len(t, b, size, "cut short, reported full")
	assert.Len(t, decodeDirents(b), DefaultMaxReaddirEntries)
	assert.Len(t, g.listAll(t, 3, size), DefaultMaxReaddirEntries+104)
}

func TestMaxArgsEnvSize(t *testing.T) {
	// "guest" "arg1" "A=1" "B=two": 6 + 5 + 4 + 6 = 21 bytes with their NULs.
	ctx := context.Background()
	env := newEnv(t, WithMaxArgsEnvSize(21))
	c, _, _ := newFakeCtx()
	mod, err := env.host.InstantiateModule(ctx, env.compiled, c, wazero.NewModuleConfig().WithStartFunctions())
	require.NoError(t, err, "exactly the limit")
	require.NoError(t, mod.Close(ctx))

	c, _, _ = newFakeCtx()
	c.env = append(c.env, "")
	_, err = env.host.InstantiateModule(ctx, env.compiled, c, wazero.NewModuleConfig().WithStartFunctions())
	require.ErrorIs(t, err, common.E2BIG)
	assert.Contains(t, err.Error(), "WithMaxArgsEnvSize")
	assert.Equal(t, 1, c.closeCalls(), "the refused context is released")

	c, _, _ = newFakeCtx()
	c.args = append(c.args, strings.Repeat("x", DefaultMaxArgsEnvSize))
	_, err = defaultEnv(t).host.InstantiateModule(ctx, defaultEnv(t).compiled, c, wazero.NewModuleConfig().WithStartFunctions())
	require.ErrorIs(t, err, common.E2BIG, "the default limit")
}

// TestMaxHostOpenFiles: the Host limits what its guests opened together;
// what the contexts hand out (here stdio and a pre-open, 4 per instance)
// is not counted, so that any number of instances can start.
func TestMaxHostOpenFiles(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t, WithMaxOpenFiles(10), WithMaxHostOpenFiles(3))
	ca, _, _ := newFakeCtx()
	a := env.start(t, ca)
	cb, _, _ := newFakeCtx()
	b := env.start(t, cb)
	assert.Zero(t, env.host.openFiles.Load(), "the contexts' files are not counted")

	fd, errno := a.open(3, "a.txt", 0, common.RightsFdRead, 0, 0)
	require.Equal(t, common.ESUCCESS, errno)
	_, errno = a.open(3, "a.txt", 0, common.RightsFdRead, 0, 0)
	require.Equal(t, common.ESUCCESS, errno)
	bfd, errno := b.open(3, "a.txt", 0, common.RightsFdRead, 0, 0)
	require.Equal(t, common.ESUCCESS, errno, "the third")
	_, errno = a.open(3, "a.txt", 0, common.RightsFdRead, 0, 0)
	assert.Equal(t, common.ENFILE, errno, "a fourth, though the instance holds only 6 of its 10")
	_, errno = b.open(3, "a.txt", 0, common.RightsFdRead, 0, 0)
	assert.Equal(t, common.ENFILE, errno, "the other instance too")
	b.call("sock_accept", 3, 0, uint64(b.out(4))) // not a socket: ENOTSOCK, nothing counted
	assert.Equal(t, int64(3), env.host.openFiles.Load())

	require.Equal(t, common.ESUCCESS, a.call("fd_close", uint64(fd)))
	fd, errno = b.open(3, "a.txt", 0, common.RightsFdRead, 0, 0)
	require.Equal(t, common.ESUCCESS, errno, "room again")
	require.Equal(t, common.ESUCCESS, b.call("fd_renumber", uint64(fd), uint64(bfd)))
	assert.Equal(t, int64(2), env.host.openFiles.Load(), "renumbering closed an opened one")
	require.Equal(t, common.ESUCCESS, b.call("fd_renumber", uint64(bfd), 0))
	assert.Equal(t, int64(2), env.host.openFiles.Load(), "renumbering onto stdin closed nothing counted")
	require.Equal(t, common.ESUCCESS, a.call("fd_close", 1))
	require.Equal(t, common.ESUCCESS, a.call("fd_close", 3))
	assert.Equal(t, int64(2), env.host.openFiles.Load(), "closing the context's files gives nothing back")

	// More instances start, however many files their contexts hold.
	for range 5 {
		c, _, _ := newFakeCtx()
		env.start(t, c)
	}
	assert.Equal(t, int64(2), env.host.openFiles.Load())

	require.NoError(t, a.mod.Close(ctx))
	require.NoError(t, b.mod.Close(ctx))
	assert.Zero(t, env.host.openFiles.Load(), "every descriptor given back")
}

func TestMaxHostOpenFilesDefault(t *testing.T) {
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	_, err := Instantiate(ctx, r, WithMaxHostOpenFiles(0))
	require.Error(t, err)
	h, err := Instantiate(ctx, r)
	require.NoError(t, err)
	defer h.Close(ctx)
	if n := processFileLimit(); n > 0 {
		assert.Equal(t, max(n/2, DefaultMaxOpenFiles), h.opts.maxHostOpenFiles, "half the process's limit")
	} else {
		assert.Zero(t, h.opts.maxHostOpenFiles, "no limit where the system has none")
	}
}
