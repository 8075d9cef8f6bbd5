package conformance

import (
	"strings"

	"github.com/capwasi/capwasi/common"
)

// symbols maps the preview1 constant names a probe script may use to their
// values, built from common's own String methods so the two cannot
// disagree: RIGHTS_FD_READ, OFLAGS_CREAT, FDFLAGS_APPEND, LOOKUP_SYMLINK_FOLLOW,
// FSTFLAGS_ATIM_NOW, WHENCE_END, ADVICE_RANDOM, CLOCK_MONOTONIC,
// EVENTTYPE_FD_READ, SUBCLOCK_ABSTIME, RIFLAGS_RECV_PEEK, SDFLAGS_WR,
// SIGNAL_TERM, FILETYPE_DIRECTORY, PREOPENTYPE_DIR, the errnos by name
// (EBADF), and the sets RIGHTS_ALL, RIGHTS_DIR_BASE, RIGHTS_DIR_INHERITING,
// RIGHTS_FILE_BASE and RIGHTS_FILE_READ (RIGHTS_FILE_BASE without what
// writes: the most a file opened for reading only can have).
var symbols = buildSymbols()

func buildSymbols() map[string]uint64 {
	m := map[string]uint64{}
	flags := func(prefix string, n int, name func(uint64) string) {
		for i := 0; i < n; i++ {
			m[prefix+name(1<<uint(i))] = 1 << uint(i)
		}
	}
	enum := func(prefix string, n int, name func(uint64) string) {
		for i := 0; i < n; i++ {
			m[prefix+name(uint64(i))] = uint64(i)
		}
	}
	flags("RIGHTS_", 30, func(v uint64) string { return common.Rights(v).String() })
	flags("OFLAGS_", 4, func(v uint64) string { return common.Oflags(v).String() })
	flags("FDFLAGS_", 5, func(v uint64) string { return common.Fdflags(v).String() })
	flags("LOOKUP_", 1, func(v uint64) string { return common.Lookupflags(v).String() })
	flags("FSTFLAGS_", 4, func(v uint64) string { return common.Fstflags(v).String() })
	flags("RIFLAGS_", 2, func(v uint64) string { return common.Riflags(v).String() })
	flags("ROFLAGS_", 1, func(v uint64) string { return common.Roflags(v).String() })
	flags("SDFLAGS_", 2, func(v uint64) string { return common.Sdflags(v).String() })
	flags("EVENTRW_", 1, func(v uint64) string { return common.Eventrwflags(v).String() })
	m["SUBCLOCK_ABSTIME"] = uint64(common.SubclockflagsSubscriptionClockAbstime)
	enum("WHENCE_", 3, func(v uint64) string { return common.Whence(v).String() })
	enum("ADVICE_", 6, func(v uint64) string { return common.Advice(v).String() })
	enum("CLOCK_", 4, func(v uint64) string { return common.Clockid(v).String() })
	enum("EVENTTYPE_", 3, func(v uint64) string { return common.Eventtype(v).String() })
	enum("SIGNAL_", 31, func(v uint64) string { return common.Signal(v).String() })
	enum("FILETYPE_", 8, func(v uint64) string { return common.Filetype(v).String() })
	enum("PREOPENTYPE_", 1, func(v uint64) string { return common.Preopentype(v).String() })
	enum("", 77, func(v uint64) string { return common.Errno(v).String() })
	m["RIGHTS_ALL"] = uint64(common.RightsAll)
	m["RIGHTS_DIR_BASE"] = uint64(common.RightsDirectoryBase)
	m["RIGHTS_DIR_INHERITING"] = uint64(common.RightsDirectoryInheriting)
	m["RIGHTS_FILE_BASE"] = uint64(common.RightsRegularFileBase)
	m["RIGHTS_FILE_READ"] = uint64(common.RightsRegularFileBase &^ (common.RightsWriteMask | common.RightsFdFilestatSetTimes))
	return m
}

// symbolValue evaluates "A|B|0x10" made of symbol names and integers; ok is
// false if any part is neither.
func symbolValue(s string) (uint64, bool) {
	var v uint64
	for _, part := range strings.Split(s, "|") {
		if x, ok := symbols[part]; ok {
			v |= x
			continue
		}
		x, err := parseInt(part)
		if err != nil {
			return 0, false
		}
		v |= x
	}
	return v, true
}
