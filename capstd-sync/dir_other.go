//go:build !linux && !darwin && !freebsd

package capstdsync

import (
	"github.com/capwasi/capwasi/capstd"
	"github.com/capwasi/capwasi/common"
)

// syncDir is not supported on this system (capstd opens no directories
// here).
func syncDir(*capstd.Dir) error { return common.ENOTSUP }
