//go:build !linux && !darwin && !freebsd

package bench

import "os"

// maxRSS is 0 where the system does not report a peak resident set size.
func maxRSS(*os.ProcessState) int64 { return 0 }
