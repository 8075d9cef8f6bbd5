//go:build linux || darwin || freebsd

package capstd

import (
	"strings"
	"syscall"
)

const (
	// maxPathLen is PATH_MAX on Linux, counting the terminating NUL: a path
	// of this length or longer fails with ENAMETOOLONG on every system.
	maxPathLen = 4096
	// maxSymlinks is how many symbolic links one resolution may expand
	// before it fails with ELOOP (Linux's MAXSYMLINKS).
	maxSymlinks = 40
)

// checkPath rejects, before any system call, the paths that no resolution
// may see: empty (ENOENT), containing NUL (EINVAL), absolute (ErrEscape) and
// too long (ENAMETOOLONG).
func checkPath(p string) error {
	switch {
	case p == "":
		return syscall.ENOENT
	case strings.IndexByte(p, 0) >= 0:
		return syscall.EINVAL
	case p[0] == '/':
		return ErrEscape
	case len(p) >= maxPathLen:
		return syscall.ENAMETOOLONG
	}
	return nil
}

// checkTarget rejects a symbolic link's target as checkPath rejects a
// path, except that an absolute target is allowed when root is set (a Dir
// with root semantics).
func checkTarget(target string, root bool) error {
	err := checkPath(target)
	if err != ErrEscape || !root {
		return err
	}
	// Absolute, and checked for NUL already: only the length is left.
	if len(target) >= maxPathLen {
		return syscall.ENAMETOOLONG
	}
	return nil
}

// splitPath splits a checked path into the directory part, which keeps its
// trailing slash or is empty (the Dir itself), and the final name; trailing
// reports that the path ended in one or more slashes.
func splitPath(p string) (dir, name string, trailing bool) {
	end := len(p)
	for end > 0 && p[end-1] == '/' {
		end--
	}
	i := strings.LastIndexByte(p[:end], '/')
	return p[:i+1], p[i+1 : end], end < len(p)
}

// firstElem returns the first element of p, which does not start with a
// slash, and the rest after the slashes that follow it. trailing reports
// that slashes followed elem but nothing else did.
func firstElem(p string) (elem, rest string, trailing bool) {
	i := strings.IndexByte(p, '/')
	if i < 0 {
		return p, "", false
	}
	j := i + 1
	for j < len(p) && p[j] == '/' {
		j++
	}
	return p[:i], p[j:], j == len(p)
}

// isDot reports whether name is "." or "..".
func isDot(name string) bool { return name == "." || name == ".." }
