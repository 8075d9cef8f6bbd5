//go:build linux || darwin || freebsd

package capstdsync

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// budgetTree returns a read-write WasiDir over a fresh tree with budget,
// and the tree's host path.
func budgetTree(t *testing.T, budget *Budget, fill func(root string)) (*dirFile, string) {
	t.Helper()
	root := t.TempDir()
	if fill != nil {
		fill(root)
	}
	return budgetDir(t, root, budget), root
}

// budgetDir opens root as a read-write WasiDir with budget.
func budgetDir(t *testing.T, root string, budget *Budget) *dirFile {
	t.Helper()
	d, err := OpenAmbientDir(root)
	require.NoError(t, err)
	wd, err := NewWasiDirWithBudget(d, ReadWrite, budget)
	require.NoError(t, err)
	t.Cleanup(func() { _ = wd.Close() })
	return wd.(*dirFile)
}

// hostSize returns the size of the host file at root/rel, or -1.
func hostSize(t *testing.T, root, rel string) int64 {
	t.Helper()
	st, err := os.Lstat(filepath.Join(root, rel))
	if err != nil {
		return -1
	}
	return st.Size()
}

func requireUsed(t *testing.T, b *Budget, bytes, entries int64, msg string) {
	t.Helper()
	gotBytes, gotEntries := b.Used()
	require.Equal(t, [2]int64{bytes, entries}, [2]int64{gotBytes, gotEntries}, "%s: used bytes, entries", msg)
}

const kib, mib = 1 << 10, 1 << 20

func TestBudgetBytes(t *testing.T) {
	b := NewBudget(mib, 100)
	d, root := budgetTree(t, b, nil)
	f := openF(t, d, "f", crw)
	requireUsed(t, b, 0, 1, "a new file")
	half := make([]byte, 512*kib)

	n, err := f.Write(bg, [][]byte{half})
	require.NoError(t, err)
	assert.Equal(t, 512*kib, n)
	requireUsed(t, b, 512*kib, 1, "written")

	// Overwriting what exists costs nothing.
	n, err = f.Pwrite(bg, [][]byte{half}, 0)
	require.NoError(t, err)
	assert.Equal(t, 512*kib, n)
	requireUsed(t, b, 512*kib, 1, "overwritten")

	// Far past the end: the gap counts; nothing is written.
	_, err = f.Pwrite(bg, [][]byte{[]byte("x")}, 1<<40)
	errnoIs(t, common.ENOSPC, err, "pwrite 1 TiB out")
	_, err = f.Seek(bg, 2*mib, common.WhenceSet)
	require.NoError(t, err)
	_, err = f.Write(bg, [][]byte{[]byte("x")})
	errnoIs(t, common.ENOSPC, err, "write 2 MiB out")
	assert.Equal(t, int64(512*kib), hostSize(t, root, "f"), "nothing written")

	// A write that does not fit is cut to what does.
	_, err = f.Seek(bg, 0, common.WhenceEnd)
	require.NoError(t, err)
	n, err = f.Write(bg, [][]byte{half[:100*kib], half[:500*kib]})
	require.NoError(t, err)
	assert.Equal(t, 512*kib, n, "a short write up to the budget")
	assert.Equal(t, int64(mib), hostSize(t, root, "f"))
	requireUsed(t, b, mib, 1, "full")
	_, err = f.Write(bg, [][]byte{[]byte("x")})
	errnoIs(t, common.ENOSPC, err, "full")
	n, err = f.Pwrite(bg, [][]byte{[]byte("xy")}, mib-1)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "what fits inside the file is written")
	assert.Equal(t, int64(mib), hostSize(t, root, "f"))

	// Size and allocation: all or nothing.
	errnoIs(t, common.ENOSPC, f.SetSize(bg, mib+1))
	errnoIs(t, common.ENOSPC, f.Allocate(bg, mib-10, 11))
	assert.Equal(t, int64(mib), hostSize(t, root, "f"))
	require.NoError(t, f.SetSize(bg, 256*kib))
	requireUsed(t, b, 256*kib, 1, "shrunk")
	require.NoError(t, f.SetSize(bg, 300*kib))
	requireUsed(t, b, 300*kib, 1, "grown by set_size")
	if err := f.Allocate(bg, 0, 400*kib); err != common.ENOTSUP {
		require.NoError(t, err)
		requireUsed(t, b, 400*kib, 1, "grown by allocate")
		assert.Equal(t, int64(400*kib), hostSize(t, root, "f"))
	}

	// Unlinking the last link of a closed file gives its size back.
	require.NoError(t, f.Close())
	require.NoError(t, d.UnlinkFile(bg, "f"))
	requireUsed(t, b, 0, 0, "unlinked")
}

func TestBudgetAppend(t *testing.T) {
	b := NewBudget(10, 100)
	d, root := budgetTree(t, b, func(root string) { writeFile(t, root, "log", "0123456789") })
	f := openF(t, d, "log", common.OpenOptions{Write: true, Fdflags: common.FdflagsAppend})
	for range 3 {
		n, err := f.Write(bg, [][]byte{[]byte("abcd")})
		if err != nil {
			errnoIs(t, common.ENOSPC, err)
			break
		}
		assert.LessOrEqual(t, n, 4)
	}
	assert.Equal(t, int64(20), hostSize(t, root, "log"), "appends count from the file's end")
	// pwrite on an append file lands at the end on Linux, at the offset
	// elsewhere; either way it is counted as it lands.
	require.NoError(t, f.(*file).SetSize(bg, 16))
	n, err := f.Pwrite(bg, [][]byte{[]byte("xyz")}, 0)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	used, _ := b.Used()
	assert.Equal(t, hostSize(t, root, "log")-10, used)
}

func TestBudgetEntries(t *testing.T) {
	b := NewBudget(mib, 4)
	d, root := budgetTree(t, b, func(root string) { writeFile(t, root, "old", "host") })
	require.NoError(t, d.CreateDirectory(bg, "dir"))
	require.NoError(t, d.Symlink(bg, "old", "sym"))
	require.NoError(t, d.Link(bg, 0, "old", d, "hard"))
	openF(t, d, "new", crw)
	requireUsed(t, b, 3, 4, "a directory, a link (3 bytes of target), a hard link, a file")

	errnoIs(t, common.ENOSPC, d.CreateDirectory(bg, "dir2"))
	errnoIs(t, common.ENOSPC, d.Symlink(bg, "old", "sym2"))
	errnoIs(t, common.ENOSPC, d.Link(bg, 0, "old", d, "hard2"))
	_, err := d.OpenFile(bg, "new2", crw)
	errnoIs(t, common.ENOSPC, err)
	_, err = d.OpenFile(bg, "new2", common.OpenOptions{Write: true, Oflags: common.OflagsCreat | common.OflagsExcl})
	errnoIs(t, common.ENOSPC, err)
	for _, name := range []string{"dir2", "sym2", "hard2", "new2"} {
		assert.Equal(t, int64(-1), hostSize(t, root, name), "%s not created", name)
	}
	// Opening what exists, O_CREAT or not, costs nothing.
	for _, name := range []string{"old", "new"} {
		f, err := d.OpenFile(bg, name, crw)
		require.NoError(t, err)
		require.NoError(t, f.Close())
	}
	requireUsed(t, b, 3, 4, "opened")

	// Removing gives entries back.
	require.NoError(t, d.RemoveDirectory(bg, "dir"))
	require.NoError(t, d.UnlinkFile(bg, "sym"))
	requireUsed(t, b, 0, 2, "removed")
	require.NoError(t, d.UnlinkFile(bg, "hard"))
	requireUsed(t, b, 0, 1, "one link of two: the bytes stay")
	require.NoError(t, d.Rename(bg, "new", d, "old"))
	requireUsed(t, b, -4, 0, "the renamed file replaced old, a host file of 4 bytes")
	errnoIs(t, common.ENOENT, d.Rename(bg, "missing", d, "x"), "a failed rename changes nothing")
	requireUsed(t, b, -4, 0, "after a failed rename")
}

// A file removed while it is open keeps its space until it is closed, so
// the size comes back only then.
func TestBudgetOpenUnlinkedFile(t *testing.T) {
	b := NewBudget(mib, 100)
	d, _ := budgetTree(t, b, nil)
	f := openF(t, d, "f", crw)
	n, err := f.Write(bg, [][]byte{make([]byte, 2*mib)})
	require.NoError(t, err)
	assert.Equal(t, mib, n)
	require.NoError(t, d.UnlinkFile(bg, "f"))
	requireUsed(t, b, mib, 0, "unlinked but open")
	g := openF(t, d, "g", crw)
	_, err = g.Write(bg, [][]byte{[]byte("x")})
	errnoIs(t, common.ENOSPC, err, "the open file's space is still taken")
	require.NoError(t, f.Close())
	requireUsed(t, b, 0, 1, "closed")
	_, err = g.Write(bg, [][]byte{[]byte("x")})
	require.NoError(t, err)
}

func TestBudgetTruncateGivesBack(t *testing.T) {
	b := NewBudget(mib, 100)
	d, root := budgetTree(t, b, func(root string) { writeFile(t, root, "big", strings.Repeat("x", 300*kib)) })
	openF(t, d, "big", common.OpenOptions{Write: true, Oflags: common.OflagsTrunc})
	assert.Zero(t, hostSize(t, root, "big"))
	requireUsed(t, b, -300*kib, 0, "the host's file was truncated")
	f := openF(t, d, "big", rw)
	n, err := f.Write(bg, [][]byte{make([]byte, 2*mib)})
	require.NoError(t, err)
	assert.Equal(t, mib+300*kib, n, "the tree grows by the budget beyond where it started")
}

// Renames and links between pre-opens with different budgets are EXDEV;
// with one budget they move freely.
func TestBudgetAcrossPreopens(t *testing.T) {
	b1, b2 := NewBudget(mib, 10), NewBudget(mib, 10)
	d1, _ := budgetTree(t, b1, func(root string) { writeFile(t, root, "f", "x") })
	d2, _ := budgetTree(t, b2, nil)
	plain, _ := openTree(t, ReadWrite, func(root string) { writeFile(t, root, "p", "y") })
	errnoIs(t, common.EXDEV, d1.Rename(bg, "f", d2, "f"))
	errnoIs(t, common.EXDEV, d1.Link(bg, 0, "f", d2, "f"))
	errnoIs(t, common.EXDEV, d1.Rename(bg, "f", plain, "f"))
	errnoIs(t, common.EXDEV, plain.Rename(bg, "p", d1, "p"), "into a budget from outside it")
	errnoIs(t, common.EXDEV, plain.Link(bg, 0, "p", d1, "p"))

	shared := NewBudget(mib, 10)
	root := t.TempDir()
	writeFile(t, root, "a/f", "x")
	require.NoError(t, os.Mkdir(filepath.Join(root, "b"), 0o755))
	a, bdir := budgetDir(t, filepath.Join(root, "a"), shared), budgetDir(t, filepath.Join(root, "b"), shared)
	require.NoError(t, a.Rename(bg, "f", bdir, "f"))
	require.NoError(t, bdir.Link(bg, 0, "f", a, "g"))
	requireUsed(t, shared, 0, 1, "a move is free, a link an entry")
}

// One budget given to several directories (several instances on one
// tree) bounds them together, even when they write the same file at
// once.
func TestBudgetShared(t *testing.T) {
	b := NewBudget(mib, 1000)
	root := t.TempDir()
	var wg sync.WaitGroup
	for i := range 8 {
		d := budgetDir(t, root, b)
		wg.Add(1)
		go func() {
			defer wg.Done()
			shared, err := d.OpenFile(bg, "shared", common.OpenOptions{Write: true, Oflags: common.OflagsCreat, Fdflags: common.FdflagsAppend})
			if err != nil {
				return
			}
			defer shared.Close()
			own, err := d.OpenFile(bg, "own"+itoa(i), crw)
			if err != nil {
				return
			}
			defer own.Close()
			chunk := make([]byte, 3000)
			for {
				_, err1 := shared.Write(bg, [][]byte{chunk})
				_, err2 := own.Write(bg, [][]byte{chunk})
				_, _ = own.Pwrite(bg, [][]byte{chunk}, 1000)
				if err1 != nil && err2 != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	var total int64
	entries, err := os.ReadDir(root)
	require.NoError(t, err)
	for _, e := range entries {
		total += hostSize(t, root, e.Name())
	}
	used, n := b.Used()
	assert.Equal(t, int64(mib), total, "the tree grew by the budget exactly")
	assert.Equal(t, total, used)
	assert.Equal(t, int64(len(entries)), n)
}

func TestBudgetedWriteDoesNotAllocate(t *testing.T) {
	b := NewBudget(1<<62, 100)
	d, _ := budgetTree(t, b, nil)
	f := openF(t, d, "f", crw)
	buf := make([]byte, 4096)
	iovs := [][]byte{buf[:1024], buf[1024:]}
	for name, op := range map[string]func(){
		"Write":  func() { _, _ = f.Write(bg, iovs) },
		"Pwrite": func() { _, _ = f.Pwrite(bg, iovs, 4096) },
	} {
		assert.Zero(t, testing.AllocsPerRun(100, op), name)
	}
	// Cut short by the budget, with a scratch vector reused.
	small := NewBudget(1, 100)
	d2, _ := budgetTree(t, small, nil)
	g := openF(t, d2, "g", crw)
	cut := func() {
		_ = g.SetSize(bg, 0)
		_, _ = g.Pwrite(bg, iovs, 0)
	}
	cut()
	assert.Zero(t, testing.AllocsPerRun(100, cut), "cut")
}

// O_CREAT through a final symbolic link to nothing creates the target,
// and counts it.
func TestBudgetCreateThroughDanglingLink(t *testing.T) {
	b := NewBudget(mib, 2)
	d, root := budgetTree(t, b, nil)
	require.NoError(t, d.Symlink(bg, "target", "dangling"))
	f, err := d.OpenFile(bg, "dangling", common.OpenOptions{Write: true, Oflags: common.OflagsCreat, Lookup: common.LookupflagsSymlinkFollow})
	require.NoError(t, err)
	require.NoError(t, f.Close())
	assert.Zero(t, hostSize(t, root, "target"), "created")
	requireUsed(t, b, 6, 2, "the link and its target")
	errnoIs(t, common.ENOSPC, d.Symlink(bg, "target2", "dangling2"))
}

// An empty write far past the end writes nothing, and counts nothing.
func TestBudgetEmptyWrite(t *testing.T) {
	b := NewBudget(mib, 10)
	d, root := budgetTree(t, b, nil)
	f := openF(t, d, "f", crw)
	for _, iovs := range [][][]byte{nil, {{}}, {{}, {}}} {
		n, err := f.Pwrite(bg, iovs, 1<<40)
		require.NoError(t, err)
		assert.Zero(t, n)
		_, err = f.Seek(bg, 1<<40, common.WhenceSet)
		require.NoError(t, err)
		n, err = f.Write(bg, iovs)
		require.NoError(t, err)
		assert.Zero(t, n)
	}
	assert.Zero(t, hostSize(t, root, "f"))
	requireUsed(t, b, 0, 1, "nothing written")
	n, err := f.Pwrite(bg, [][]byte{[]byte("x")}, 10)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	requireUsed(t, b, 11, 1, "the budget's idea of the size was not moved by the empty writes")
}

// A symbolic link can have hard links: its target counts once, and comes
// back with its last link.
func TestBudgetHardLinkedSymlink(t *testing.T) {
	b := NewBudget(mib, 10)
	d, _ := budgetTree(t, b, nil)
	require.NoError(t, d.Symlink(bg, "target", "sym"))
	require.NoError(t, d.Link(bg, 0, "sym", d, "sym2"))
	requireUsed(t, b, 6, 2, "one target, two names")
	require.NoError(t, d.UnlinkFile(bg, "sym"))
	requireUsed(t, b, 6, 1, "one name left")
	require.NoError(t, d.UnlinkFile(bg, "sym2"))
	requireUsed(t, b, 0, 0, "gone")
}

// Random reads, writes, seeks, pwrites, size changes and appends on one
// file: after every call the budget counts exactly the file's growth (the
// budgeted write knows its offset without asking the system).
func TestBudgetCountsRandomCallsExactly(t *testing.T) {
	b := NewBudget(1<<40, 10)
	d, root := budgetTree(t, b, func(root string) { writeFile(t, root, "f", strings.Repeat("x", 5000)) })
	f := openF(t, d, "f", rw).(*file)
	rng := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 20000)
	for i := range 3000 {
		n := rng.IntN(len(buf))
		var op string
		switch rng.IntN(7) {
		case 0:
			op = "read"
			_, _ = f.Read(bg, [][]byte{buf[:n]})
		case 1, 2:
			op = "write"
			_, _ = f.Write(bg, [][]byte{buf[:n/2], buf[n/2 : n]})
		case 3:
			op = "seek"
			_, _ = f.Seek(bg, common.Filedelta(rng.IntN(30000)-10000), common.Whence(rng.IntN(3)))
		case 4:
			op = "pwrite"
			_, _ = f.Pwrite(bg, [][]byte{buf[:n]}, common.Filesize(rng.IntN(30000)))
		case 5:
			op = "set_size"
			_ = f.SetSize(bg, common.Filesize(rng.IntN(30000)))
		case 6:
			op = "append"
			_ = f.SetFdflags(bg, f.flags^common.FdflagsAppend)
		}
		used, _ := b.Used()
		require.Equal(t, hostSize(t, root, "f")-5000, used, "call %d, %s", i, op)
	}
}
