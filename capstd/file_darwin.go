package capstd

import (
	"time"

	"golang.org/x/sys/unix"
)

// darwin has O_DSYNC but no O_RSYNC; ORsync uses O_SYNC.
const (
	oDsync    = unix.O_DSYNC
	oRsync    = unix.O_SYNC
	utimeOmit = -2 // UTIME_OMIT in <sys/stat.h>
	utimeNow  = -1 // UTIME_NOW
)

func sysReadv(fd int, bufs [][]byte) (int, error) { return unix.Readv(fd, bufs) }

func sysWritev(fd int, bufs [][]byte) (int, error) { return unix.Writev(fd, bufs) }

func sysPreadv(fd int, bufs [][]byte, off int64) (int, error) { return unix.Preadv(fd, bufs, off) }

func sysPwritev(fd int, bufs [][]byte, off int64) (int, error) { return unix.Pwritev(fd, bufs, off) }

// datasyncFd is fsync: x/sys has no fdatasync for darwin.
func datasyncFd(fd int) error { return unix.Fsync(fd) }

// allocateFd is unsupported: darwin has no posix_fallocate.
func allocateFd(fd int, off, length int64) error { return unix.ENOTSUP }

// adviseFd does nothing: darwin has no posix_fadvise, and advice may be
// ignored.
func adviseFd(fd int, off, length int64, advice Advice) error { return nil }

// sysFutimens sets the times of fd with futimes(2), which has microsecond
// precision: x/sys has no futimens for darwin. An omitted time is read
// with fstat first (not atomic with the update).
func sysFutimens(fd int, ts *[2]unix.Timespec) error {
	var cur unix.Stat_t
	if ts[0].Nsec == utimeOmit || ts[1].Nsec == utimeOmit {
		if err := unix.Fstat(fd, &cur); err != nil {
			return err
		}
	}
	now := unix.NsecToTimespec(time.Now().UnixNano())
	pick := func(t, old unix.Timespec) unix.Timeval {
		switch t.Nsec {
		case utimeOmit:
			t = old
		case utimeNow:
			t = now
		}
		return unix.NsecToTimeval(unix.TimespecToNsec(t))
	}
	tv := []unix.Timeval{pick(ts[0], cur.Atim), pick(ts[1], cur.Mtim)}
	return unix.Futimes(fd, tv)
}
