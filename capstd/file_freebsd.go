package capstd

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// x/sys has no O_DSYNC or O_RSYNC for freebsd; both use O_SYNC.
const (
	oDsync    = unix.O_SYNC
	oRsync    = unix.O_SYNC
	utimeOmit = unix.UTIME_OMIT
	utimeNow  = unix.UTIME_NOW
)

// stackIovecs is how many iovecs the vectored calls keep on the stack.
const stackIovecs = 8

// iovecs fills dst with bufs, appending past its capacity.
func iovecs(dst []unix.Iovec, bufs [][]byte) []unix.Iovec {
	for _, b := range bufs {
		var v unix.Iovec
		v.SetLen(len(b))
		if len(b) > 0 {
			v.Base = &b[0]
		}
		dst = append(dst, v)
	}
	return dst
}

// vectored performs readv, writev, preadv or pwritev (trap) on bufs.
func vectored(trap uintptr, fd int, bufs [][]byte, off int64) (int, error) {
	var stack [stackIovecs]unix.Iovec
	iov := iovecs(stack[:0], bufs)
	if len(iov) == 0 {
		return 0, nil
	}
	r, _, e := unix.Syscall6(trap, uintptr(fd), uintptr(unsafe.Pointer(&iov[0])), uintptr(len(iov)), uintptr(off), 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

func sysReadv(fd int, bufs [][]byte) (int, error) { return vectored(unix.SYS_READV, fd, bufs, 0) }

func sysWritev(fd int, bufs [][]byte) (int, error) { return vectored(unix.SYS_WRITEV, fd, bufs, 0) }

// wideWord reports whether an off_t fits one system-call argument; 32-bit
// ABIs split it (with padding on arm), so there the positional calls go
// through x/sys one buffer at a time.
const wideWord = unsafe.Sizeof(uintptr(0)) == 8

func sysPreadv(fd int, bufs [][]byte, off int64) (int, error) {
	if wideWord {
		return vectored(unix.SYS_PREADV, fd, bufs, off)
	}
	return eachBuffer(fd, bufs, off, unix.Pread)
}

func sysPwritev(fd int, bufs [][]byte, off int64) (int, error) {
	if wideWord {
		return vectored(unix.SYS_PWRITEV, fd, bufs, off)
	}
	return eachBuffer(fd, bufs, off, unix.Pwrite)
}

// eachBuffer transfers bufs at off with one call per buffer, stopping at
// the first short transfer.
func eachBuffer(fd int, bufs [][]byte, off int64, call func(int, []byte, int64) (int, error)) (int, error) {
	total := 0
	for _, b := range bufs {
		n, err := call(fd, b, off+int64(total))
		if err != nil && total == 0 {
			return 0, err
		}
		total += max(n, 0)
		if err != nil || n < len(b) {
			break
		}
	}
	return total, nil
}

func datasyncFd(fd int) error {
	_, _, e := unix.Syscall(unix.SYS_FDATASYNC, uintptr(fd), 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// posixErr is the result of posix_fallocate and posix_fadvise, which
// return their error number instead of setting errno.
func posixErr(r uintptr, e unix.Errno) error {
	if e != 0 {
		return e
	}
	if r != 0 {
		return unix.Errno(r)
	}
	return nil
}

func allocateFd(fd int, off, length int64) error {
	r, _, e := unix.Syscall(unix.SYS_POSIX_FALLOCATE, uintptr(fd), uintptr(off), uintptr(length))
	return posixErr(r, e)
}

func adviseFd(fd int, off, length int64, advice Advice) error {
	r, _, e := unix.Syscall6(unix.SYS_POSIX_FADVISE, uintptr(fd), uintptr(off), uintptr(length), uintptr(fadvice[advice]), 0, 0)
	return posixErr(r, e)
}

func sysFutimens(fd int, ts *[2]unix.Timespec) error {
	_, _, e := unix.Syscall(unix.SYS_FUTIMENS, uintptr(fd), uintptr(unsafe.Pointer(ts)), 0)
	if e != 0 {
		return e
	}
	return nil
}
