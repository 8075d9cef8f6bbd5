//go:build linux && !(amd64 || arm64 || ppc64 || ppc64le || riscv64 || s390x)

package capstd

import "golang.org/x/sys/unix"

// sysFstatat is x/sys's Fstatat on architectures whose kernel struct stat
// differs from unix.Stat_t (it converts; it also allocates the path).
func sysFstatat(dirfd int, name string, st *unix.Stat_t, flags int) error {
	return unix.Fstatat(dirfd, name, st, flags)
}
