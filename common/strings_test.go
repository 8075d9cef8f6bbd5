package common

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The flag and enum members of wasi_snapshot_preview1.witx, in bit or value
// order, lower case as the spec writes them.
const (
	specRights = `fd_datasync fd_read fd_seek fd_fdstat_set_flags fd_sync fd_tell
fd_write fd_advise fd_allocate path_create_directory path_create_file
path_link_source path_link_target path_open fd_readdir path_readlink
path_rename_source path_rename_target path_filestat_get
path_filestat_set_size path_filestat_set_times fd_filestat_get
fd_filestat_set_size fd_filestat_set_times path_symlink
path_remove_directory path_unlink_file poll_fd_readwrite sock_shutdown
sock_accept`
	specSignals = `none hup int quit ill trap abrt bus fpe kill usr1 segv usr2 pipe
alrm term chld cont stop tstp ttin ttou urg xcpu xfsz vtalrm prof winch poll
pwr sys`
)

// checkFlags asserts that each bit i of a flag type prints as the i-th spec
// name in upper case, and that combinations and unknown bits print sensibly.
func checkFlags[T ~uint8 | ~uint16 | ~uint32 | ~uint64](t *testing.T, spec string, all T) {
	t.Helper()
	names := strings.Fields(spec)
	var union T
	for i, name := range names {
		bit := T(1) << uint(i)
		union |= bit
		assert.Equal(t, strings.ToUpper(name), fmt.Sprint(bit), "bit %d", i)
	}
	assert.Equal(t, all, union, "the All constant is the union of every spec bit")
	assert.Equal(t, "0", fmt.Sprint(T(0)))
	if len(names) >= 2 {
		assert.Equal(t, strings.ToUpper(names[0])+"|"+strings.ToUpper(names[1]), fmt.Sprint(T(3)))
	}
	unknown := T(1) << uint(len(names))
	assert.Equal(t, strings.ToUpper(names[0])+"|0x"+fmt.Sprintf("%x", uint64(unknown)), fmt.Sprint(unknown|1))
}

func TestFlagStrings(t *testing.T) {
	t.Run("Rights", func(t *testing.T) { checkFlags(t, specRights, RightsAll) })
	t.Run("Fdflags", func(t *testing.T) { checkFlags(t, "append dsync nonblock rsync sync", FdflagsAll) })
	t.Run("Oflags", func(t *testing.T) { checkFlags(t, "creat directory excl trunc", OflagsAll) })
	t.Run("Fstflags", func(t *testing.T) { checkFlags(t, "atim atim_now mtim mtim_now", FstflagsAll) })
	t.Run("Lookupflags", func(t *testing.T) { checkFlags(t, "symlink_follow", LookupflagsSymlinkFollow) })
	t.Run("Subclockflags", func(t *testing.T) {
		checkFlags(t, "subscription_clock_abstime", SubclockflagsSubscriptionClockAbstime)
	})
	t.Run("Eventrwflags", func(t *testing.T) { checkFlags(t, "fd_readwrite_hangup", EventrwflagsFdReadwriteHangup) })
	t.Run("Riflags", func(t *testing.T) { checkFlags(t, "recv_peek recv_waitall", RiflagsAll) })
	t.Run("Roflags", func(t *testing.T) { checkFlags(t, "recv_data_truncated", RoflagsRecvDataTruncated) })
	t.Run("Sdflags", func(t *testing.T) { checkFlags(t, "rd wr", SdflagsAll) })
	t.Run("Siflags", func(t *testing.T) {
		assert.Equal(t, "0", Siflags(0).String())
		assert.Equal(t, "0x1", Siflags(1).String())
	})
}

// checkEnum asserts that value i prints as the i-th spec name in upper case,
// and a value past the end as Type(N).
func checkEnum[T ~uint8 | ~uint16 | ~uint32](t *testing.T, typ, spec string) {
	t.Helper()
	names := strings.Fields(spec)
	for i, name := range names {
		assert.Equal(t, strings.ToUpper(name), fmt.Sprint(T(i)), "value %d", i)
	}
	assert.Equal(t, fmt.Sprintf("%s(%d)", typ, len(names)), fmt.Sprint(T(len(names))))
}

func TestEnumStrings(t *testing.T) {
	checkEnum[Filetype](t, "Filetype", "unknown block_device character_device directory regular_file socket_dgram socket_stream symbolic_link")
	checkEnum[Whence](t, "Whence", "set cur end")
	checkEnum[Advice](t, "Advice", "normal sequential random willneed dontneed noreuse")
	checkEnum[Clockid](t, "Clockid", "realtime monotonic process_cputime_id thread_cputime_id")
	checkEnum[Eventtype](t, "Eventtype", "clock fd_read fd_write")
	checkEnum[Preopentype](t, "Preopentype", "dir")
	checkEnum[Signal](t, "Signal", specSignals)
	require.Len(t, strings.Fields(specSignals), 31)
	assert.True(t, SignalSys.Valid())
	assert.False(t, Signal(31).Valid())
}

func TestRightsSets(t *testing.T) {
	assert.True(t, RightsAll.Has(RightsDirectoryInheriting))
	assert.True(t, RightsRegularFileBase.Has(RightsFdRead|RightsFdWrite|RightsFdSeek))
	assert.False(t, RightsDirectoryBase.Has(RightsFdRead), "a directory cannot be read with fd_read")
	assert.False(t, RightsDirectoryBase.Has(RightsFdSeek), "a directory cannot be seeked")
	assert.False(t, RightsCharacterDeviceBase.Has(RightsFdSeek), "a terminal has no seek right: isatty depends on it")
	assert.False(t, RightsCharacterDeviceBase.Has(RightsFdTell))
	assert.Zero(t, RightsReadMask&RightsWriteMask, "read and write masks are disjoint")
	assert.Zero(t, RightsDirectoryWriteMask&(RightsPathOpen|RightsFdReaddir|RightsPathFilestatGet|RightsPathReadlink),
		"a read-only directory can still be opened through, listed and inspected")
	assert.Equal(t, "FD_READ|FD_WRITE", (RightsFdRead | RightsFdWrite).String())
}

func TestFstflagsValid(t *testing.T) {
	assert.True(t, Fstflags(0).Valid())
	assert.True(t, (FstflagsAtim | FstflagsMtimNow).Valid())
	assert.True(t, (FstflagsAtimNow | FstflagsMtim).Valid())
	assert.False(t, (FstflagsAtim | FstflagsAtimNow).Valid())
	assert.False(t, (FstflagsMtim | FstflagsMtimNow).Valid())
	assert.False(t, Fstflags(16).Valid())
}
