package conformance

import (
	"testing"

	"github.com/capwasi/capwasi/common"
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
