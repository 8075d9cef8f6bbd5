//go:build linux && (amd64 || arm64 || ppc64 || ppc64le || riscv64 || s390x)

package capstd

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// sysFstatat is newfstatat(2), whose struct stat is unix.Stat_t on these
// architectures.
func sysFstatat(dirfd int, name string, st *unix.Stat_t, flags int) error {
	var b cpath
	p := b.ptr(name)
	_, _, e := unix.Syscall6(unix.SYS_NEWFSTATAT, uintptr(dirfd), uintptr(unsafe.Pointer(p)),
		uintptr(unsafe.Pointer(st)), uintptr(flags), 0, 0)
	return errnoErr(e)
}
