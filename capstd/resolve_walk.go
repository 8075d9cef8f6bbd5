//go:build linux || darwin || freebsd

package capstd

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// The component walk resolves a path the way the kernel would, but one
// element at a time and without ever letting the kernel follow anything:
//
//   - every element is opened relative to the descriptor of the directory
//     before it, with O_NOFOLLOW, and the name handed to the kernel never
//     contains a slash — so never a trailing one (the 2026 cap-std advisory:
//     "name/" under O_NOFOLLOW makes the kernel follow a symlink "name");
//   - ".." pops a stack of the descriptors opened so far, so it can never
//     climb above the starting directory, even if a directory on the way is
//     moved meanwhile; the kernel never sees "..";
//   - a symbolic link is read with readlinkat and its target spliced in
//     front of the rest of the path; absolute targets are refused, and more
//     than maxSymlinks expansions fail with ELOOP;
//   - a path ending in "/" must be a directory, and its final symbolic link
//     is followed even under O_NOFOLLOW, as POSIX specifies.
//
// It is the resolver on darwin and freebsd, and on Linux when openat2 is
// missing or undecided.

// walker holds the descriptors of the directories a walk is inside.
type walker struct {
	root  int   // the starting directory, not owned
	fds   []int // opened directories below root, innermost last
	links int   // symbolic links expanded so far
}

// cur returns the directory the walk is in.
func (w *walker) cur() int {
	if len(w.fds) == 0 {
		return w.root
	}
	return w.fds[len(w.fds)-1]
}

// up moves to the parent directory; above the root is an escape.
func (w *walker) up() error {
	if len(w.fds) == 0 {
		return ErrEscape
	}
	closeFd(w.fds[len(w.fds)-1])
	w.fds = w.fds[:len(w.fds)-1]
	return nil
}

// closeAll closes the directories the walk opened.
func (w *walker) closeAll() {
	for _, fd := range w.fds {
		closeFd(fd)
	}
	w.fds = w.fds[:0]
}

// maybeSymlink reports whether an O_NOFOLLOW open failing with err may have
// met a symbolic link: ELOOP (Linux, darwin), EMLINK (freebsd), or ENOTDIR
// (Linux, when O_DIRECTORY meets a symbolic link).
func maybeSymlink(err error) bool {
	return err == unix.ELOOP || err == unix.EMLINK || err == unix.ENOTDIR
}

// follow reads the symbolic link name in the current directory after an
// open of it failed with openErr, and returns its target. If name turns out
// not to be a symbolic link, openErr is returned.
func (w *walker) follow(name string, openErr error) (string, error) {
	if !maybeSymlink(openErr) {
		return "", openErr
	}
	target, err := readlinkString(w.cur(), name)
	if err == unix.EINVAL {
		return "", openErr
	}
	if err != nil {
		return "", err
	}
	return expandLink(&w.links, target)
}

// expandLink counts one symbolic-link expansion in *links and vets the
// link's target: ELOOP after maxSymlinks expansions, ENOENT for an empty
// target, ErrEscape for an absolute one.
func expandLink(links *int, target string) (string, error) {
	if *links >= maxSymlinks {
		return "", syscall.ELOOP
	}
	*links++
	switch {
	case target == "":
		return "", syscall.ENOENT
	case target[0] == '/':
		return "", ErrEscape
	}
	return target, nil
}

// walkOpen opens path, relative to the directory root, without leaving it,
// as openBeneath does (see there); it is the fallback resolver.
func walkOpen(root int, path string, flags int, mode uint32) (int, error) {
	w := walker{root: root}
	var stack [16]int
	w.fds = stack[:0]
	defer w.closeAll()

	follow := flags&unix.O_NOFOLLOW == 0
	flags = flags&^unix.O_NOFOLLOW | unix.O_CLOEXEC
	rest := path
	for {
		elem, next, trailing := firstElem(rest)
		if next != "" {
			// An element on the way: it must be a directory.
			switch elem {
			case ".":
			case "..":
				if err := w.up(); err != nil {
					return -1, err
				}
			default:
				fd, err := sysOpenat(w.cur(), elem, oSearchDir|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
				if err == nil {
					w.fds = append(w.fds, fd)
					break
				}
				target, err := w.follow(elem, err)
				if err != nil {
					return -1, err
				}
				next = target + "/" + next
			}
			rest = next
			continue
		}

		// The final element.
		if trailing {
			flags |= unix.O_DIRECTORY
		}
		switch elem {
		case "..":
			if err := w.up(); err != nil {
				return -1, err
			}
			fallthrough
		case ".":
			return sysOpenat(w.cur(), ".", flags, mode)
		}
		if trailing && flags&unix.O_CREAT != 0 {
			// As Linux does: a name with a trailing slash is never created.
			return -1, syscall.EISDIR
		}
		fd, err := sysOpenat(w.cur(), elem, flags|unix.O_NOFOLLOW, mode)
		if err == nil || !(follow || trailing) {
			return fd, err
		}
		target, err := w.follow(elem, err)
		if err != nil {
			return -1, err
		}
		rest = target
		if trailing {
			rest += "/"
		}
	}
}

// readlinkString returns the target of the symbolic link name in dirfd.
func readlinkString(dirfd int, name string) (string, error) {
	var small [256]byte
	buf := small[:]
	for {
		n, err := sysReadlinkat(dirfd, name, buf)
		if err != nil {
			return "", err
		}
		if n < len(buf) {
			return string(buf[:n]), nil
		}
		buf = make([]byte, 2*len(buf))
	}
}
