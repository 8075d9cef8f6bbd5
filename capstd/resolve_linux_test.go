//go:build linux

package capstd

// kernelResolver reports whether openat2 is in use.
func kernelResolver() bool { return useOpenat2() }
