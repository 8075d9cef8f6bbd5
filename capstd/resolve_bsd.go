//go:build darwin || freebsd

package capstd

// openBeneath opens path, relative to the directory dirfd, without leaving
// it. flags are open(2) flags; O_NOFOLLOW refuses a final symbolic link.
// darwin and freebsd resolve with the component walk (resolve_walk.go);
// walk is ignored.
func openBeneath(dirfd int, path string, flags int, mode uint32, walk bool) (int, error) {
	return walkOpen(dirfd, path, flags, mode)
}
