//go:build linux

package capstd

import (
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// On Linux a path is resolved by one openat2(2) call with
// RESOLVE_BENEATH|RESOLVE_NO_MAGICLINKS: the kernel refuses (EXDEV) every
// step that would leave the starting directory — absolute paths, absolute
// symbolic links, ".." above it — and (ELOOP) every /proc magic link.
// Kernels older than 5.6, and seccomp filters that hide openat2, make the
// process use the component walk of resolve_walk.go instead.

const (
	// resolveFlags confine an openat2 resolution to its directory.
	resolveFlags = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS
	// eagainRetries bounds the retries of an openat2 that a concurrent
	// rename or mount interrupted (EAGAIN) before the walk takes over.
	eagainRetries = 8
	// oSearchDir opens a directory only to resolve names beneath it.
	oSearchDir = unix.O_PATH | unix.O_DIRECTORY
)

// openat2 availability for the whole process.
const (
	openat2Unknown int32 = iota
	openat2Usable
	openat2Missing
)

var openat2State atomic.Int32

// useOpenat2 reports whether openat2 may be used, probing it on first use.
func useOpenat2() bool {
	switch openat2State.Load() {
	case openat2Usable:
		return true
	case openat2Missing:
		return false
	}
	fd, errno := sysOpenat2(unix.AT_FDCWD, ".", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0, resolveFlags)
	switch errno {
	case 0:
		closeFd(fd)
	case unix.ENOSYS, unix.EPERM, unix.EINVAL, unix.E2BIG:
		// ENOSYS: a kernel before 5.6 or a seccomp filter; EPERM: older
		// container seccomp profiles; EINVAL, E2BIG: a kernel without these
		// resolve flags.
		openat2State.Store(openat2Missing)
		return false
	}
	// Any other answer (a working directory that is gone, say) comes from
	// an openat2 that exists.
	openat2State.Store(openat2Usable)
	return true
}

// openat2Verdict is what openBeneath does with one openat2 result.
type openat2Verdict int

const (
	verdictDone   openat2Verdict = iota // return the result as it is
	verdictRetry                        // try openat2 again (bounded)
	verdictWalk                         // let the component walk decide
	verdictEscape                       // the path leaves the directory
)

// judgeOpenat2 classifies the errno of openat2.
func judgeOpenat2(errno unix.Errno) openat2Verdict {
	switch errno {
	case unix.EXDEV:
		return verdictEscape
	case unix.EAGAIN:
		return verdictRetry
	case unix.ENOSYS:
		openat2State.Store(openat2Missing)
		return verdictWalk
	case unix.ELOOP:
		// A symlink loop, a final symlink under O_NOFOLLOW, or a magic link.
		// The walk, which reads magic links as text and never follows them,
		// tells these apart so that both resolvers report the same error.
		return verdictWalk
	}
	return verdictDone
}

// openBeneath opens path, relative to the directory dirfd, without leaving
// it. flags are open(2) flags; O_NOFOLLOW refuses a final symbolic link.
// res says how: resWalk forces the component walk, resRoot follows
// absolute symbolic links from dirfd (see WithRootSemantics).
func openBeneath(dirfd int, path string, flags int, mode uint32, res resolution) (int, error) {
	if res&resWalk == 0 {
		if fd, decided, err := kernelOpen(dirfd, path, flags, mode, res); decided {
			return fd, err
		}
	}
	return walkOpen(dirfd, path, flags, mode, res)
}

// kernelOpen opens path beneath dirfd with openat2. decided is false when
// openat2 is missing or its answer must be left to the walk (ELOOP, EAGAIN
// after the retries, and with resRoot EXDEV: an absolute symbolic link,
// which RESOLVE_BENEATH refuses, is to be followed from dirfd, and
// RESOLVE_IN_ROOT would also keep at dirfd the ".." of the path itself
// that climbs above it, which must be refused; the walk tells them apart).
func kernelOpen(dirfd int, path string, flags int, mode uint32, res resolution) (fd int, decided bool, err error) {
	if !useOpenat2() {
		return -1, false, nil
	}
	for range eagainRetries {
		fd, errno := sysOpenat2(dirfd, path, flags|unix.O_CLOEXEC, mode, resolveFlags)
		if errno == 0 {
			return fd, true, nil
		}
		switch judgeOpenat2(errno) {
		case verdictDone:
			return -1, true, errno
		case verdictEscape:
			if res&resRoot != 0 {
				return -1, false, nil
			}
			return -1, true, ErrEscape
		case verdictWalk:
			return -1, false, nil
		}
	}
	return -1, false, nil
}

// kernelStat stats path beneath dirfd with one openat2(O_PATH), fstat and
// close — as fast as a confined stat gets. decided is false when the
// caller must resolve the path itself (see kernelOpen).
func kernelStat(dirfd int, path string, follow bool, res resolution, st *unix.Stat_t) (decided bool, err error) {
	if res&resWalk != 0 {
		return false, nil
	}
	flags := unix.O_PATH
	if !follow {
		flags |= unix.O_NOFOLLOW // O_PATH|O_NOFOLLOW describes a final link itself
	}
	fd, decided, err := kernelOpen(dirfd, path, flags, 0, res)
	if !decided || err != nil {
		return decided, err
	}
	err = unix.Fstat(fd, st)
	closeFd(fd)
	return true, err
}
