//go:build linux

package capstd

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Thin wrappers over the *at system calls that take a path. The x/sys
// versions copy every path to the heap (BytePtrFromString); these copy a
// short path into a buffer on the caller's stack instead, so that resolving
// and opening does not allocate. Each wrapper is one system call, retried on
// EINTR where the call can block.

// cpathLen is the size of the stack buffer for NUL-terminated paths; longer
// paths are copied to the heap.
const cpathLen = 512

// cpath holds a NUL-terminated copy of a path on the caller's stack.
type cpath [cpathLen]byte

// ptr returns a pointer to a NUL-terminated copy of s, in b when it fits.
// s must not contain NUL (checkPath ensures it).
func (b *cpath) ptr(s string) *byte {
	if len(s) < len(b) {
		copy(b[:], s)
		b[len(s)] = 0
		return &b[0]
	}
	p := make([]byte, len(s)+1)
	copy(p, s)
	return &p[0]
}

// errnoErr returns nil for 0 and e otherwise. Converting an Errno (a small
// integer) to an error does not allocate.
func errnoErr(e unix.Errno) error {
	if e == 0 {
		return nil
	}
	return e
}

// sysOpenat2 is openat2(2) with resolve flags; mode is passed only with
// O_CREAT, as openat2 rejects a mode otherwise.
func sysOpenat2(dirfd int, path string, flags int, mode uint32, resolve uint64) (int, unix.Errno) {
	var b cpath
	p := b.ptr(path)
	how := unix.OpenHow{Flags: uint64(flags), Resolve: resolve}
	if flags&unix.O_CREAT != 0 {
		how.Mode = uint64(mode)
	}
	for {
		r, _, e := unix.Syscall6(unix.SYS_OPENAT2, uintptr(dirfd), uintptr(unsafe.Pointer(p)),
			uintptr(unsafe.Pointer(&how)), unsafe.Sizeof(how), 0, 0)
		if e != unix.EINTR {
			return int(r), e
		}
	}
}

// sysOpenat is openat(2).
func sysOpenat(dirfd int, name string, flags int, mode uint32) (int, error) {
	var b cpath
	p := b.ptr(name)
	for {
		r, _, e := unix.Syscall6(unix.SYS_OPENAT, uintptr(dirfd), uintptr(unsafe.Pointer(p)),
			uintptr(flags|unix.O_LARGEFILE), uintptr(mode), 0, 0)
		if e != unix.EINTR {
			return int(r), errnoErr(e)
		}
	}
}

// sysMkdirat is mkdirat(2).
func sysMkdirat(dirfd int, name string, mode uint32) error {
	var b cpath
	p := b.ptr(name)
	_, _, e := unix.Syscall(unix.SYS_MKDIRAT, uintptr(dirfd), uintptr(unsafe.Pointer(p)), uintptr(mode))
	return errnoErr(e)
}

// sysUnlinkat is unlinkat(2).
func sysUnlinkat(dirfd int, name string, flags int) error {
	var b cpath
	p := b.ptr(name)
	_, _, e := unix.Syscall(unix.SYS_UNLINKAT, uintptr(dirfd), uintptr(unsafe.Pointer(p)), uintptr(flags))
	return errnoErr(e)
}

// sysRenameat is renameat2(2) without flags (every Linux architecture has
// renameat2; some lack renameat); kernels before 3.15 get x/sys's renameat.
func sysRenameat(olddirfd int, oldname string, newdirfd int, newname string) error {
	var ob, nb cpath
	op, np := ob.ptr(oldname), nb.ptr(newname)
	_, _, e := unix.Syscall6(unix.SYS_RENAMEAT2, uintptr(olddirfd), uintptr(unsafe.Pointer(op)),
		uintptr(newdirfd), uintptr(unsafe.Pointer(np)), 0, 0)
	if e == unix.ENOSYS {
		return unix.Renameat(olddirfd, oldname, newdirfd, newname)
	}
	return errnoErr(e)
}

// sysLinkat is linkat(2) without AT_SYMLINK_FOLLOW.
func sysLinkat(olddirfd int, oldname string, newdirfd int, newname string) error {
	var ob, nb cpath
	op, np := ob.ptr(oldname), nb.ptr(newname)
	_, _, e := unix.Syscall6(unix.SYS_LINKAT, uintptr(olddirfd), uintptr(unsafe.Pointer(op)),
		uintptr(newdirfd), uintptr(unsafe.Pointer(np)), 0, 0)
	return errnoErr(e)
}

// sysSymlinkat is symlinkat(2).
func sysSymlinkat(target string, dirfd int, name string) error {
	var tb, nb cpath
	tp, np := tb.ptr(target), nb.ptr(name)
	_, _, e := unix.Syscall(unix.SYS_SYMLINKAT, uintptr(unsafe.Pointer(tp)), uintptr(dirfd), uintptr(unsafe.Pointer(np)))
	return errnoErr(e)
}

// sysReadlinkat is readlinkat(2); buf must not be empty.
func sysReadlinkat(dirfd int, name string, buf []byte) (int, error) {
	var b cpath
	p := b.ptr(name)
	r, _, e := unix.Syscall6(unix.SYS_READLINKAT, uintptr(dirfd), uintptr(unsafe.Pointer(p)),
		uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0, 0)
	return int(r), errnoErr(e)
}

// sysUtimensat is utimensat(2).
func sysUtimensat(dirfd int, name string, ts *[2]unix.Timespec, flags int) error {
	var b cpath
	p := b.ptr(name)
	_, _, e := unix.Syscall6(unix.SYS_UTIMENSAT, uintptr(dirfd), uintptr(unsafe.Pointer(p)),
		uintptr(unsafe.Pointer(ts)), uintptr(flags), 0, 0)
	return errnoErr(e)
}

// sysFutimens is futimens(3): utimensat(2) with a NULL path.
func sysFutimens(fd int, ts *[2]unix.Timespec) error {
	_, _, e := unix.Syscall6(unix.SYS_UTIMENSAT, uintptr(fd), 0, uintptr(unsafe.Pointer(ts)), 0, 0, 0)
	return errnoErr(e)
}

// closeFd closes fd.
func closeFd(fd int) error { return unix.Close(fd) }
