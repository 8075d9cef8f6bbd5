package capstdsync

import (
	"errors"

	"github.com/capwasi/capwasi/capstd"
	"github.com/capwasi/capwasi/common"
)

// escapeErrno reports whether err is capstd's "this path would leave the
// directory" error, and gives the errno for it: EPERM. The contract allows
// ENOTCAPABLE or EPERM; the wasi-testsuite (interesting_paths: an absolute
// path, and ".." above the directory) and wasmtime's own preview1 tests
// accept only EPERM, which is what wasmtime returns.
func escapeErrno(err error) (common.Errno, bool) {
	if errors.Is(err, capstd.ErrEscape) {
		return common.EPERM, true
	}
	return 0, false
}
