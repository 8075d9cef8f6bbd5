//go:build darwin || freebsd

package capstd

import "golang.org/x/sys/unix"

// openBeneath opens path, relative to the directory dirfd, without leaving
// it. flags are open(2) flags; O_NOFOLLOW refuses a final symbolic link.
// darwin and freebsd resolve with the component walk (resolve_walk.go);
// walk is ignored.
func openBeneath(dirfd int, path string, flags int, mode uint32, walk bool) (int, error) {
	return walkOpen(dirfd, path, flags, mode)
}

// kernelStat leaves every stat to the caller: there is no kernel resolver.
func kernelStat(dirfd int, path string, follow, walk bool, st *unix.Stat_t) (decided bool, err error) {
	return false, nil
}
