//go:build darwin || freebsd

package capstd

import "golang.org/x/sys/unix"

// The *at system calls through x/sys, which copies paths to the heap; on
// these systems capstd does not promise allocation-free resolution.

// oSearchDir opens a directory only to resolve names beneath it.
const oSearchDir = unix.O_RDONLY | unix.O_DIRECTORY

func sysOpenat(dirfd int, name string, flags int, mode uint32) (int, error) {
	for {
		fd, err := unix.Openat(dirfd, name, flags, mode)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

func sysMkdirat(dirfd int, name string, mode uint32) error {
	return unix.Mkdirat(dirfd, name, mode)
}

func sysUnlinkat(dirfd int, name string, flags int) error {
	return unix.Unlinkat(dirfd, name, flags)
}

func sysRenameat(olddirfd int, oldname string, newdirfd int, newname string) error {
	return unix.Renameat(olddirfd, oldname, newdirfd, newname)
}

func sysLinkat(olddirfd int, oldname string, newdirfd int, newname string) error {
	return unix.Linkat(olddirfd, oldname, newdirfd, newname, 0)
}

func sysSymlinkat(target string, dirfd int, name string) error {
	return unix.Symlinkat(target, dirfd, name)
}

func sysReadlinkat(dirfd int, name string, buf []byte) (int, error) {
	return unix.Readlinkat(dirfd, name, buf)
}

func sysUtimensat(dirfd int, name string, ts *[2]unix.Timespec, flags int) error {
	return unix.UtimesNanoAt(dirfd, name, ts[:], flags)
}

func sysFstatat(dirfd int, name string, st *unix.Stat_t, flags int) error {
	return unix.Fstatat(dirfd, name, st, flags)
}

func closeFd(fd int) error { return unix.Close(fd) }
