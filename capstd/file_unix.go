//go:build linux || darwin || freebsd

package capstd

import (
	"golang.org/x/sys/unix"
)

// maxIovecs is IOV_MAX on every supported system; longer vectors are cut,
// which makes the transfer short, as readv(2) allows.
const maxIovecs = 1024

// clampIovecs cuts bufs to maxIovecs buffers.
func clampIovecs(bufs [][]byte) [][]byte {
	if len(bufs) > maxIovecs {
		return bufs[:maxIovecs]
	}
	return bufs
}

// retryEINTR calls fn until it fails with something other than EINTR.
// (Go installs its signal handlers with SA_RESTART, but a read or write of
// a slow device can still be interrupted.)
func retryEINTR(fn func() (int, error)) (int, error) {
	for {
		n, err := fn()
		if err != unix.EINTR {
			if n < 0 {
				n = 0
			}
			return n, err
		}
	}
}

func readFd(fd int, p []byte) (int, error) {
	return retryEINTR(func() (int, error) { return unix.Read(fd, p) })
}

func writeFd(fd int, p []byte) (int, error) {
	return retryEINTR(func() (int, error) { return unix.Write(fd, p) })
}

// The vectored calls make one buffer, the usual case, a read(2), write(2),
// pread(2) or pwrite(2): the kernel's path for those is shorter than for
// their vectored forms (about 200 ns for a 4 KiB preadv on Linux, 25 %).

func readvFd(fd int, bufs [][]byte) (int, error) {
	if len(bufs) == 1 {
		return readFd(fd, bufs[0])
	}
	bufs = clampIovecs(bufs)
	return retryEINTR(func() (int, error) { return sysReadv(fd, bufs) })
}

func writevFd(fd int, bufs [][]byte) (int, error) {
	if len(bufs) == 1 {
		return writeFd(fd, bufs[0])
	}
	bufs = clampIovecs(bufs)
	return retryEINTR(func() (int, error) { return sysWritev(fd, bufs) })
}

func preadvFd(fd int, bufs [][]byte, off int64) (int, error) {
	if len(bufs) == 1 {
		p := bufs[0]
		return retryEINTR(func() (int, error) { return unix.Pread(fd, p, off) })
	}
	bufs = clampIovecs(bufs)
	return retryEINTR(func() (int, error) { return sysPreadv(fd, bufs, off) })
}

func pwritevFd(fd int, bufs [][]byte, off int64) (int, error) {
	if len(bufs) == 1 {
		p := bufs[0]
		return retryEINTR(func() (int, error) { return unix.Pwrite(fd, p, off) })
	}
	bufs = clampIovecs(bufs)
	return retryEINTR(func() (int, error) { return sysPwritev(fd, bufs, off) })
}

func seekFd(fd int, offset int64, whence int) (int64, error) {
	return unix.Seek(fd, offset, whence)
}

func syncFd(fd int) error { return unix.Fsync(fd) }

func truncateFd(fd int, size int64) error { return unix.Ftruncate(fd, size) }

func fstatFd(fd int, st *Stat) error {
	var s unix.Stat_t
	if err := unix.Fstat(fd, &s); err != nil {
		return err
	}
	*st = statOf(&s)
	return nil
}

// futimesFd sets the times of fd; the Timespecs are checked by the caller.
func futimesFd(fd int, atime, mtime Timespec) error {
	ts := sysTimes(atime, mtime)
	return sysFutimens(fd, &ts)
}

// getFlagsFd returns the access mode, OAppend and ONonblock of fd.
func getFlagsFd(fd int) (OpenFlag, error) {
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		return 0, err
	}
	var f OpenFlag
	switch fl & unix.O_ACCMODE {
	case unix.O_RDONLY:
		f = ORead
	case unix.O_WRONLY:
		f = OWrite
	case unix.O_RDWR:
		f = OReadWrite
	}
	if fl&unix.O_APPEND != 0 {
		f |= OAppend
	}
	if fl&unix.O_NONBLOCK != 0 {
		f |= ONonblock
	}
	return f, nil
}

// setFlagsFd sets O_APPEND and O_NONBLOCK of fd to what flags has.
func setFlagsFd(fd int, flags OpenFlag) error {
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		return err
	}
	fl &^= unix.O_APPEND | unix.O_NONBLOCK
	if flags&OAppend != 0 {
		fl |= unix.O_APPEND
	}
	if flags&ONonblock != 0 {
		fl |= unix.O_NONBLOCK
	}
	_, err = unix.FcntlInt(uintptr(fd), unix.F_SETFL, fl)
	return err
}

// waitLoop runs fn until it returns true, polling fd for readability (or
// writability) whenever it returns false.
func waitLoop(fd int, write bool, fn func(fd uintptr) bool) error {
	events := int16(unix.POLLIN)
	if write {
		events = unix.POLLOUT
	}
	for !fn(uintptr(fd)) {
		pfd := [1]unix.PollFd{{Fd: int32(fd), Events: events}}
		if _, err := retryEINTR(func() (int, error) { return unix.Poll(pfd[:], -1) }); err != nil {
			return err
		}
	}
	return nil
}

// dupFd duplicates fd with close-on-exec set.
func dupFd(fd int) (int, error) {
	return unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
}

// reopenDir opens a second, independent description of the directory fd,
// with its own offset for listing.
func reopenDir(fd int) (int, error) {
	return sysOpenat(fd, ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
}

// sysOpenFlags translates flags (checked by OpenFile) for open(2), with
// O_CLOEXEC and O_NOCTTY: a terminal opened beneath a Dir never becomes
// the process's controlling terminal.
func sysOpenFlags(flags OpenFlag) int {
	var o int
	switch flags & OReadWrite {
	case OWrite:
		o = unix.O_WRONLY
	case OReadWrite:
		o = unix.O_RDWR
	default:
		o = unix.O_RDONLY
	}
	for _, m := range [...]struct {
		f OpenFlag
		o int
	}{
		{OAppend, unix.O_APPEND},
		{OCreate, unix.O_CREAT},
		{OExcl, unix.O_EXCL},
		{OTrunc, unix.O_TRUNC},
		{ODirectory, unix.O_DIRECTORY},
		{ONoFollow, unix.O_NOFOLLOW},
		{ONonblock, unix.O_NONBLOCK},
		{OSync, unix.O_SYNC},
		{ODsync, oDsync},
		{ORsync, oRsync},
	} {
		if flags&m.f != 0 {
			o |= m.o
		}
	}
	return o | unix.O_CLOEXEC | unix.O_NOCTTY
}
