package wazeroadapter

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero/sys"

	"github.com/capwasi/capwasi/common"
)

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) lines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Split(strings.TrimSuffix(s.b.String(), "\n"), "\n")
}

func TestTrace(t *testing.T) {
	var log syncBuffer
	env := newEnv(t, WithTrace(&log), WithStrictRights())
	c, _, _ := newFakeCtx()
	g := env.start(t, c)
	id := g.instance().id

	fd, errno := g.open(3, "a.txt", 0, common.RightsFdRead|common.RightsFdSeek, 0, common.FdflagsNonblock)
	require.Equal(t, common.ESUCCESS, errno)
	_, errno = g.open(3, "missing", common.OflagsCreat|common.OflagsExcl, 0, 0, 0)
	require.Equal(t, common.ESUCCESS, errno)
	_, errno = g.write(1, "hi")
	require.Equal(t, common.ESUCCESS, errno)
	g.call("fd_seek", uint64(fd), uint64(1<<64-2), uint64(common.WhenceEnd), g.out(8))
	g.call("path_open", 3, 0, g.memSize()-1, 5, 0, 0, 0, 0, g.out(4))
	g.call("clock_time_get", 9, 0, g.out(8))
	g.call("fd_fdstat_get", uint64(fd), g.out(24))
	g.call("fd_filestat_get", uint64(fd), g.out(64))
	g.call("fd_prestat_get", 3, g.out(8))
	g.call("proc_raise", uint64(common.SignalTerm))
	g.call("sock_shutdown", 1, 3)
	g.call("fd_advise", uint64(fd), 0, 0, 0x1000)

	lines := log.lines()
	require.Len(t, lines, 12)
	prefix := "[" + itoa(id) + "] "
	dur := `\([0-9.]+[nµm]?s\)$`
	for i, want := range []string{
		`path_open\(fd=3, dirflags=SYMLINK_FOLLOW, path="a.txt", oflags=0, fs_rights_base=FD_READ\|FD_SEEK, fs_rights_inheriting=0, fdflags=NONBLOCK\) = ESUCCESS opened_fd=` + itoa(uint64(fd)) + ` `,
		`path_open\(fd=3, dirflags=SYMLINK_FOLLOW, path="missing", oflags=CREAT\|EXCL, .* = ESUCCESS opened_fd=5 `,
		`fd_write\(fd=1, iovs=0x[0-9a-f]+, iovs_len=1\) = ESUCCESS nwritten=2 `,
		`fd_seek\(fd=4, offset=-2, whence=END\) = ESUCCESS newoffset=3 `,
		`path_open\(fd=3, dirflags=0, path=<0xffff len 5 out of memory>, .* = EFAULT `,
		`clock_time_get\(id=Clockid\(9\), precision=0\) = EINVAL `,
		`fd_fdstat_get\(fd=4\) = ESUCCESS stat=\{REGULAR_FILE flags=NONBLOCK base=FD_READ\|FD_SEEK inheriting=0\} `,
		`fd_filestat_get\(fd=4\) = ENOTCAPABLE `,
		`fd_prestat_get\(fd=3\) = ESUCCESS prestat=\{DIR name_len=1\} `,
		`proc_raise\(sig=TERM\) = ENOTSUP `,
		`sock_shutdown\(fd=1, how=RD\|WR\) = ENOTSOCK `,
		`fd_advise\(fd=4, offset=0, len=0, advice=4096\) = EINVAL `,
	} {
		assert.Regexp(t, "^"+regexp.QuoteMeta(prefix)+want+dur, lines[i])
	}

	// proc_exit is traced before it unwinds.
	err := g.mod.ExportedFunction("call_proc_exit").CallWithStack(context.Background(), []uint64{3})
	var exit *sys.ExitError
	require.ErrorAs(t, err, &exit)
	lines = log.lines()
	assert.Equal(t, prefix+"proc_exit(rval=3)", lines[len(lines)-1])
}

func itoa(v uint64) string { return strconv.FormatUint(v, 10) }

func TestTraceConcurrent(t *testing.T) {
	var log syncBuffer
	env := newEnv(t, WithTrace(&log))
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			c, _, _ := newFakeCtx()
			g := env.start(t, c)
			for range 100 {
				g.call("sched_yield")
			}
		})
	}
	wg.Wait()
	lines := log.lines()
	assert.Len(t, lines, 400)
	for _, l := range lines {
		assert.Regexp(t, `^\[\d+\] sched_yield\(\) = ESUCCESS \(`, l, "whole lines, never interleaved")
	}
}

func TestTraceValues(t *testing.T) {
	for _, tc := range []struct {
		k    paramKind
		v    uint64
		want string
	}{
		{pOflags, 0x10000, "0x10000"},
		{pFdflags, uint64(common.FdflagsAppend), "APPEND"},
		{pFstflags, uint64(common.FstflagsMtimNow), "MTIM_NOW"},
		{pRiflags, 1, "RECV_PEEK"},
		{pSiflags, 0, "0"},
		{pWhence, 0x100, "256"},
		{pRights, uint64(common.RightsFdRead | common.RightsSockAccept), "FD_READ|SOCK_ACCEPT"},
		{pFiledelta, uint64(1<<64 - 1), "-1"},
		{pPtr, 0x1_0000_00ff, "0xff"},
		{pFd, 7, "7"},
	} {
		assert.Equal(t, tc.want, string(appendValue(nil, tc.k, tc.v)))
	}
	long := strings.Repeat("x", maxTracedPath+10)
	assert.Equal(t, `"`+long[:maxTracedPath]+`"...`, string(appendPath(nil, memory(long), 0, uint32(len(long)))))
	assert.Equal(t, "?", string(appendOutput(nil, pOutU64, memory(nil), 0)))
	assert.Equal(t, "RECV_DATA_TRUNCATED", string(appendOutput(nil, pOutRoflags, memory{1, 0}, 0)))
}
