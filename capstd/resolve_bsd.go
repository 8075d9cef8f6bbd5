//go:build darwin || freebsd

package capstd

import "golang.org/x/sys/unix"

// openBeneath opens path, relative to the directory dirfd, without leaving
// it. flags are open(2) flags; O_NOFOLLOW refuses a final symbolic link.
// darwin and freebsd resolve with the component walk (resolve_walk.go),
// whatever res says of the resolver.
func openBeneath(dirfd int, path string, flags int, mode uint32, res resolution) (int, error) {
	return walkOpen(dirfd, path, flags, mode, res)
}

// kernelStat leaves every stat to the caller: there is no kernel resolver.
func kernelStat(dirfd int, path string, follow bool, res resolution, st *unix.Stat_t) (decided bool, err error) {
	return false, nil
}
