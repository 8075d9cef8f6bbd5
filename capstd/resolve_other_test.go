//go:build !linux

package capstd

// kernelResolver reports whether a kernel resolver is in use: never here.
func kernelResolver() bool { return false }
