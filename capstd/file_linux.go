//go:build linux

package capstd

import "golang.org/x/sys/unix"

const (
	oDsync    = unix.O_DSYNC
	oRsync    = unix.O_RSYNC
	utimeOmit = unix.UTIME_OMIT
	utimeNow  = unix.UTIME_NOW
)

// x/sys's vectored I/O keeps up to 8 iovecs on the stack and tells the race
// detector about the memory the kernel touched.

func sysReadv(fd int, bufs [][]byte) (int, error) { return unix.Readv(fd, bufs) }

func sysWritev(fd int, bufs [][]byte) (int, error) { return unix.Writev(fd, bufs) }

func sysPreadv(fd int, bufs [][]byte, off int64) (int, error) { return unix.Preadv(fd, bufs, off) }

func sysPwritev(fd int, bufs [][]byte, off int64) (int, error) { return unix.Pwritev(fd, bufs, off) }

func datasyncFd(fd int) error { return unix.Fdatasync(fd) }

func allocateFd(fd int, off, length int64) error {
	for {
		err := unix.Fallocate(fd, 0, off, length)
		if err != unix.EINTR {
			return err
		}
	}
}

func adviseFd(fd int, off, length int64, advice Advice) error {
	return unix.Fadvise(fd, off, length, fadvice[advice])
}
