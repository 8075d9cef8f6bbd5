//go:build linux || darwin

package capstdsync

import "golang.org/x/sys/unix"

// readv and writev are one readv(2)/writev(2) straight into or out of the
// caller's slices; golang.org/x/sys builds the iovec array on the stack for
// up to eight slices. One slice, the usual case, is a read(2)/write(2),
// whose path in the kernel is shorter (see capstd's readvFd).
func readv(fd int, iovs [][]byte) (int, error) {
	if len(iovs) == 1 {
		return unix.Read(fd, iovs[0])
	}
	return unix.Readv(fd, iovs)
}

func writev(fd int, iovs [][]byte) (int, error) {
	if len(iovs) == 1 {
		return unix.Write(fd, iovs[0])
	}
	return unix.Writev(fd, iovs)
}
