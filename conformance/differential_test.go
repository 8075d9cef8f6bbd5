package conformance

import (
	"testing"

	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompareRuns(t *testing.T) {
	c := Case{Name: "demo/case", Script: `
fd_close 3 => ESUCCESS
fd_read 3 iovout:4 out:4 => EBADF|ENOTCAPABLE
fd_fdstat_get 3 out:24 => ESUCCESS u8:FILETYPE_DIRECTORY
fd_close 99 => EBADF`}
	res := func(errnos []common.Errno, areas [][]byte) caseResult {
		var r caseResult
		names := []string{"fd_close", "fd_read", "fd_fdstat_get", "fd_close"}
		for i, e := range errnos {
			r.results = append(r.results, result{fn: names[i], errno: e, areas: [][]byte{areas[i]}})
		}
		return r
	}
	dir := []byte{3}
	file := []byte{4}
	ours := res([]common.Errno{common.ESUCCESS, common.EBADF, common.ESUCCESS, common.EBADF}, [][]byte{nil, nil, dir, nil})
	theirs := res([]common.Errno{common.ESUCCESS, common.ENOTCAPABLE, common.ESUCCESS, common.ESUCCESS}, [][]byte{nil, nil, file, nil})
	theirs.failures = []string{"the tree outside the pre-opened directory changed (<nil>)", "exit code 3, want 0; stderr: 1234 /tmp/x/y"}

	ds := compareRuns(c, ours, theirs)
	require.Len(t, ds, 4, "%+v", ds)
	assert.Equal(t, "fd_read 3 iovout:4 out:4", ds[0].Call)
	assert.Contains(t, ds[0].Reason, "both answers are accepted")
	assert.Equal(t, "ESUCCESS, output area 1 differs", ds[1].Wazero)
	assert.Contains(t, ds[1].Reason, "wazero")
	assert.Equal(t, "EBADF", ds[2].Capwasi)
	assert.Equal(t, "ESUCCESS", ds[2].Wazero)
	assert.Equal(t, "sandbox", ds[3].Call)
	assert.Equal(t, "as expected", ds[3].Capwasi)
	assert.Equal(t, "exit code N, want N; the tree outside the pre-opened directory changed (<nil>)", ds[3].Wazero)

	assert.Empty(t, compareRuns(c, ours, ours), "a run does not differ from itself")
	table := differentialTable(ds)
	assert.Contains(t, table, "| demo/case | `fd_read 3 iovout:4 out:4` | EBADF | ENOTCAPABLE |")
}

func TestStable(t *testing.T) {
	assert.Equal(t, "step N and step N: N != N", stable("step 2 and step 4: 10020146 != 10020099"))
	assert.Equal(t, "after the run: open …: no such file", stable("after the run: open /tmp/capwasi-differential-3/117-wazero/root/f: no such file\nmore"))
	assert.Equal(t, "Ns elapsed", stable("4.007881298s elapsed; detail"))
}
