//go:build darwin || freebsd

package capstdsync

import "github.com/capwasi/capwasi/common"

// clockResolution reports 1 µs: golang.org/x/sys has no clock_getres(2) on
// these systems, and 1 µs is what macOS documents for its clocks.
func clockResolution(common.Clockid) (common.Timestamp, error) { return 1000, nil }
