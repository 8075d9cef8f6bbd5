package conformance

import (
	"testing"

	"github.com/capwasi/capwasi/common"
	"github.com/capwasi/capwasi/conformance/memfs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSymbolsComeFromCommon(t *testing.T) {
	assert.Equal(t, uint64(common.RightsFdRead|common.RightsFdWrite), must(symbolValue("RIGHTS_FD_READ|RIGHTS_FD_WRITE")))
	assert.Equal(t, uint64(common.OflagsCreat|common.OflagsExcl), must(symbolValue("OFLAGS_CREAT|OFLAGS_EXCL")))
	assert.Equal(t, uint64(common.FiletypeDirectory), must(symbolValue("FILETYPE_DIRECTORY")))
	assert.Equal(t, uint64(common.ENOTCAPABLE), must(symbolValue("ENOTCAPABLE")))
	assert.Equal(t, uint64(common.SignalSys), must(symbolValue("SIGNAL_SYS")))
	assert.Equal(t, uint64(0x10|2), must(symbolValue("0x10|WHENCE_END")))
	_, ok := symbolValue("NO_SUCH_SYMBOL")
	assert.False(t, ok)
}

func must(v uint64, ok bool) uint64 {
	if !ok {
		panic("no value")
	}
	return v
}

func TestParseStepResolvesConstantsAndKeepsProbeTokens(t *testing.T) {
	s, err := parseStep(`path_open 3 LOOKUP_SYMLINK_FOLLOW s:"a b" OFLAGS_CREAT RIGHTS_FD_READ 0 0 out:4>fd => ESUCCESS u32!3`)
	require.NoError(t, err)
	assert.Equal(t, "path_open", s.fn)
	assert.Equal(t, `path_open 3 1 s:"a b" 1 2 0 0 out:4>fd`, s.call)
	assert.Equal(t, []common.Errno{common.ESUCCESS}, s.errnos)
	require.Len(t, s.areas, 1)

	s, err = parseStep(`fd_read $fd iovout:3 out:4 => EPERM|ENOTCAPABLE`)
	require.NoError(t, err)
	assert.Equal(t, `fd_read $fd iovout:3 out:4`, s.call)
	assert.Equal(t, []common.Errno{common.EPERM, common.ENOTCAPABLE}, s.errnos)

	for _, bad := range []string{
		"fd_close 3",                     // no expectation
		"fd_close 3 => EWHATEVER",        // unknown errno
		"fd_close 3 => FILETYPE_UNKNOWN", // a constant, not an errno
		"fd_close 3 => ESUCCESS u9:1",    // bad type
		"fd_close 3 => ESUCCESS u8@x:1",  // bad offset
		"fd_close 3 => ESUCCESS u8",      // no operator
	} {
		_, err := parseStep(bad)
		assert.Error(t, err, bad)
	}
}

func TestMatchers(t *testing.T) {
	area := []byte{3, 0, 0x11, 0x22, 5, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0}
	cases := []struct {
		m    string
		pass bool
	}{
		{"_", true},
		{"u8:3", true},
		{"u8:FILETYPE_DIRECTORY", true},
		{"u8:4", false},
		{"u16@2:0x2211", true},
		{"u32@4:5", true},
		{"u64@8:64", true},
		{"u64@8&RIGHTS_FD_WRITE:RIGHTS_FD_WRITE", true},
		{"u64@8&RIGHTS_FD_READ:0", true},
		{"u64@8!0", true},
		{"u64@8>63,u64@8<65", true},
		{"u64@8<64", false},
		{"u64@12:0", false}, // past the end
		{`str:"\x03\x00"`, true},
		{"hex:0300112205", true},
		{"hex:0301", false},
		{`u8:3,str:"\x03",u32@4:6`, false},
	}
	for _, c := range cases {
		m, err := parseMatcher(c.m)
		require.NoError(t, err, c.m)
		assert.Equal(t, c.pass, m.check(area) == "", c.m)
	}
}

func TestVerify(t *testing.T) {
	s, err := parseStep(`fd_read 5 iovout:4 out:4 => ESUCCESS str:"ab" u32:2`)
	require.NoError(t, err)
	ok, err := parseResult("fd_read 0 61620000 02000000")
	require.NoError(t, err)
	assert.Empty(t, s.verify(ok))
	short, _ := parseResult("fd_read 0 61630000 02000000")
	assert.Contains(t, s.verify(short), "output area 1")
	badf, _ := parseResult("fd_read 8 00000000 00000000")
	assert.Contains(t, s.verify(badf), "got EBADF, want ESUCCESS")
	other, _ := parseResult("fd_write 0 00000000")
	assert.Contains(t, s.verify(other), "fd_write")
	_, err = parseResult("fd_read bad-script: unknown token")
	assert.Error(t, err)
}

// TestProbeSkipsWhatDependsOnAFailedCall: a failed path_open does not
// leave $fd at 0 for the lines after it; each line using it is reported
// skipped because of that line, and lines not using it still run.
func TestProbeSkipsWhatDependsOnAFailedCall(t *testing.T) {
	e, err := sharedRunner()
	require.NoError(t, err)
	impl := Impl{Name: "memfs", NewCtx: func(s Spec) (common.WasiCtx, error) {
		return memfs.NewCtx(memfs.Config{Args: s.Args, Stdin: s.Stdin, Stdout: s.Stdout, Stderr: s.Stderr,
			Preopens: []common.Preopen{{GuestPath: "/", Dir: memfs.New().Root(false)}}}), nil
	}}
	c := Case{Name: "probe/skips", Script: `
path_open 3 0 s:"missing" 0 RIGHTS_FD_READ 0 0 out:4>fd => ESUCCESS
fd_seek $fd 0 WHENCE_END out:8>end                      => ESUCCESS
fd_write 2 iov:"still runs" out:4                       => ESUCCESS u32:10
# a variable set by a skipped call is unset because of the same line
fd_read $end iovout:4 out:4                             => ESUCCESS
fd_close $fd                                            => ESUCCESS`}
	res := runCase(t.Context(), e, impl, c, t.TempDir())
	assert.Equal(t, []string{
		`line 2: path_open 3 0 s:"missing" 0 RIGHTS_FD_READ 0 0 out:4>fd => ESUCCESS: got ENOENT, want ESUCCESS`,
		`line 3: fd_seek $fd 0 WHENCE_END out:8>end                      => ESUCCESS: skipped: depends on line 2`,
		`line 6: fd_read $end iovout:4 out:4                             => ESUCCESS: skipped: depends on line 2`,
		`line 7: fd_close $fd                                            => ESUCCESS: skipped: depends on line 2`,
	}, res.failures)
	require.Len(t, res.results, 5)
	assert.Equal(t, common.ESUCCESS, res.results[2].errno, "the line that does not depend on it ran")
}

func TestParseSkippedResult(t *testing.T) {
	r, err := parseResult("fd_seek skipped: depends on call 3")
	require.NoError(t, err)
	assert.Equal(t, 3, r.dependsOn)
	s, err := parseStep(`fd_seek $fd 0 WHENCE_END out:8 => ESUCCESS`)
	require.NoError(t, err)
	assert.Equal(t, "skipped: depends on step 3", s.verify(r))
	_, err = parseResult("fd_seek skipped: something else")
	assert.Error(t, err)
}
