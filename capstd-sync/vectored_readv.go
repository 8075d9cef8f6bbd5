//go:build linux || darwin

package capstdsync

import "golang.org/x/sys/unix"

// readv and writev are one readv(2)/writev(2) straight into or out of the
// caller's slices; golang.org/x/sys builds the iovec array on the stack for
// up to eight slices.
func readv(fd int, iovs [][]byte) (int, error)  { return unix.Readv(fd, iovs) }
func writev(fd int, iovs [][]byte) (int, error) { return unix.Writev(fd, iovs) }
