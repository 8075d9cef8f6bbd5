//go:build linux

package hardening

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	capstdsync "github.com/capwasi/capwasi/capstd-sync"
	"github.com/capwasi/capwasi/common"
)

// usage is what a tree holds, as the host measures it: the sizes of its
// regular files and symbolic links (each inode once, however many links it
// has), the blocks they and the directories take, and its names.
type usage struct {
	bytes, blocks, entries int64
}

func treeUsage(t testing.TB, root string) usage {
	t.Helper()
	var u usage
	seen := map[uint64]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		var st syscall.Stat_t
		if err := syscall.Lstat(path, &st); err != nil {
			return err
		}
		if path != root {
			u.entries++
		}
		if seen[st.Ino] {
			return nil
		}
		seen[st.Ino] = true
		u.blocks += st.Blocks * 512
		if !d.IsDir() {
			u.bytes += st.Size
		}
		return nil
	})
	require.NoError(t, err)
	return u
}

// budgetTree makes a tree with some of the host's own content.
func budgetTree(t testing.TB) string {
	root := tempDir(t)
	require.NoError(t, os.MkdirAll(filepath.Join(root, "host/sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "host/data"), bytes.Repeat([]byte("h"), 200<<10), 0o644))
	require.NoError(t, os.Symlink("data", filepath.Join(root, "host/link")))
	return root
}

// growLine is one line of the grow guest's report.
type growLine struct {
	way       string
	errno     common.Errno
	amount    int64
	unchanged bool
}

func parseGrow(t testing.TB, out string) []growLine {
	t.Helper()
	var lines []growLine
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(l)
		require.Len(t, f, 4, "report line %q", l)
		errno, err := strconv.Atoi(strings.TrimPrefix(f[1], "errno="))
		require.NoError(t, err)
		amount, err := strconv.ParseInt(strings.TrimPrefix(f[2], "amount="), 10, 64)
		require.NoError(t, err)
		lines = append(lines, growLine{f[0], common.Errno(errno), amount, f[3] == "unchanged=true"})
	}
	return lines
}

// runGrow runs the grow guest with ways on root with budget, and returns
// its report.
func runGrow(t testing.TB, e *env, root string, budget *capstdsync.Budget, ways ...string) []growLine {
	t.Helper()
	d, err := capstdsync.OpenAmbientDir(root)
	require.NoError(t, err)
	var out, errOut syncBuffer
	out.signal, errOut.signal = make(chan struct{}), make(chan struct{})
	wasiCtx, err := capstdsync.NewWasiCtxBuilder().
		Args(append([]string{"grow"}, ways...)...).
		Stdout(capstdsync.NewWriterFile(&out)).Stderr(capstdsync.NewWriterFile(&errOut)).
		PreopenDirWithBudget(d, "/", capstdsync.ReadWrite, budget).
		Build()
	require.NoError(t, err)
	code, err := e.host.Run(context.Background(), e.guest(t, "grow"), wasiCtx, nil)
	require.NoError(t, err, "%s", errOut.Bytes())
	require.Zero(t, code, "%s%s", out.Bytes(), errOut.Bytes())
	return parseGrow(t, string(out.Bytes()))
}

const (
	budgetBytes   = 1 << 20
	budgetEntries = 500
)

// A guest under a budget of 1 MiB and 500 entries cannot make the tree
// grow by more than that, by any way it tries: each runs in its own
// instance on a fresh tree, pushes until a call fails with ENOSPC, and
// checks that the failing call changed nothing. The host measures the
// tree before and after: it grew by what the budget counted, and no more
// than the budget.
func TestBudgetHoldsAgainstEveryWayToGrow(t *testing.T) {
	e := sharedEnv(t)
	// The most each way can reach: 4,000-byte link targets fill the
	// bytes before the entries; a hard link needs a file to link to;
	// trunc fills, truncates and fills again.
	want := map[string]int64{
		"write": budgetBytes, "pwrite": budgetBytes, "far": 0, "seek": 0, "allocate": budgetBytes,
		"setsize": budgetBytes, "files": budgetEntries, "dirs": budgetEntries,
		"symlinks": budgetBytes / 4000, "links": budgetEntries - 1, "unlinked": budgetBytes,
		"trunc": 2 * budgetBytes, "rename": budgetBytes,
	}
	for way, amount := range want {
		t.Run(way, func(t *testing.T) {
			root := budgetTree(t)
			before := treeUsage(t, root)
			budget := capstdsync.NewBudget(budgetBytes, budgetEntries)
			r := runGrow(t, e, root, budget, way)
			after := treeUsage(t, root)
			grew := usage{after.bytes - before.bytes, after.blocks - before.blocks, after.entries - before.entries}
			usedBytes, usedEntries := budget.Used()
			t.Logf("%+v; the tree grew by %d bytes (%d in blocks), %d entries; the budget counted %d bytes, %d entries",
				r[0], grew.bytes, grew.blocks, grew.entries, usedBytes, usedEntries)

			require.Len(t, r, 1)
			assert.Equal(t, common.ENOSPC, r[0].errno, "the call past the budget fails with ENOSPC")
			assert.True(t, r[0].unchanged, "and changes nothing")
			assert.Equal(t, amount, r[0].amount, "the guest got all of the budget")
			assert.LessOrEqual(t, grew.bytes, int64(budgetBytes), "bytes")
			assert.LessOrEqual(t, grew.entries, int64(budgetEntries), "entries")
			assert.Equal(t, grew.bytes, usedBytes, "the budget counted what the tree grew by")
			assert.Equal(t, grew.entries, usedEntries)
			// Data blocks never exceed the size counted; metadata adds
			// at most a block per entry.
			assert.LessOrEqual(t, grew.blocks, grew.bytes+4096*(grew.entries+1))
		})
	}
}

// One budget given to several instances on one directory bounds them
// together, whatever each does at the same time.
func TestBudgetSharedByInstances(t *testing.T) {
	e := sharedEnv(t)
	root := budgetTree(t)
	before := treeUsage(t, root)
	budget := capstdsync.NewBudget(budgetBytes, budgetEntries)
	ways := [][]string{{"write", "files"}, {"pwrite", "dirs"}, {"allocate", "symlinks"}, {"setsize", "links"}}
	var wg sync.WaitGroup
	reports := make([][]growLine, len(ways))
	for i, w := range ways {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reports[i] = runGrow(t, e, root, budget, w...)
		}()
	}
	wg.Wait()
	after := treeUsage(t, root)
	usedBytes, usedEntries := budget.Used()
	t.Logf("the tree grew by %d bytes and %d entries; the budget counted %d and %d", after.bytes-before.bytes, after.entries-before.entries, usedBytes, usedEntries)
	assert.LessOrEqual(t, after.bytes-before.bytes, int64(budgetBytes))
	assert.LessOrEqual(t, after.entries-before.entries, int64(budgetEntries))
	assert.Equal(t, after.bytes-before.bytes, usedBytes)
	assert.Equal(t, after.entries-before.entries, usedEntries)
	for _, r := range reports {
		for _, l := range r {
			assert.Equal(t, common.ENOSPC, l.errno, "%+v", l)
			assert.True(t, l.unchanged, "%+v", l)
		}
	}
}
