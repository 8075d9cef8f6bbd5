//go:build unix

package wazeroadapter

import "syscall"

// processFileLimit returns the process's soft limit on open descriptors
// (RLIMIT_NOFILE), or 0 when there is none or it cannot be read.
func processFileLimit() int64 {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return 0
	}
	cur := uint64(r.Cur)
	if cur == 0 || cur >= 1<<62 { // RLIM_INFINITY
		return 0
	}
	return int64(cur)
}
