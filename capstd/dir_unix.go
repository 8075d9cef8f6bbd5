//go:build linux || darwin || freebsd

package capstd

import (
	"io/fs"
	"strings"

	"golang.org/x/sys/unix"
)

// The path operations of Dir. Operations that open resolve the whole path
// with openBeneath. The others resolve only the directory part of the path
// (openBeneath with oSearchDir) and act on the final name relative to that
// directory with an *at call that does not follow it; where POSIX says the
// final symbolic link is followed (stat and set-times with follow, a
// trailing slash), the link is read and its target resolved again from the
// top, beneath the Dir, by lookup. A final "." or ".." is never handed to
// an *at call that could act on it: the path is resolved as a directory
// (which catches ".." above the Dir) and the operation gets the errno Linux
// gives for it.

// openAmbient opens the directory at a host path.
func openAmbient(path string) (int, error) {
	switch {
	case path == "":
		return -1, unix.ENOENT
	case strings.IndexByte(path, 0) >= 0:
		return -1, unix.EINVAL
	}
	return sysOpenat(unix.AT_FDCWD, path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
}

func (d *Dir) openFile(path string, flag OpenFlag, perm fs.FileMode) (int, error) {
	if err := checkPath(path); err != nil {
		return -1, err
	}
	return openBeneath(d.h.fd, path, sysOpenFlags(flag), sysMode(perm), d.res)
}

func (d *Dir) openDir(path string, follow bool) (int, error) {
	if err := checkPath(path); err != nil {
		return -1, err
	}
	o := unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC
	if !follow {
		o |= unix.O_NOFOLLOW
	}
	return openBeneath(d.h.fd, path, o, 0, d.res)
}

// at is where an operation acts: the element name in the directory fd.
type at struct {
	fd    int
	name  string
	owned bool // fd was opened for this operation
}

// release closes fd if it was opened for the operation.
func (a at) release() {
	if a.owned {
		closeFd(a.fd)
	}
}

// parentOf resolves dir, the directory part of a path (see splitPath),
// beneath d.
func (d *Dir) parentOf(dir, name string) (at, error) {
	if dir == "" {
		return at{fd: d.h.fd, name: name}, nil
	}
	fd, err := openBeneath(d.h.fd, dir, oSearchDir, 0, d.res)
	if err != nil {
		return at{}, err
	}
	return at{fd: fd, name: name, owned: true}, nil
}

// dotErr resolves path, whose final element is "." or "..", as a directory
// beneath d, and returns errno if that succeeds.
func (d *Dir) dotErr(path string, errno error) error {
	fd, err := openBeneath(d.h.fd, path, oSearchDir, 0, d.res)
	if err != nil {
		return err
	}
	closeFd(fd)
	return errno
}

// lookup resolves path to the directory holding its final element and the
// element's name. While follow is set, or the path ends in a slash, a final
// symbolic link is replaced by its target, beneath d, as often as needed;
// a trailing slash then requires a directory. If st is not nil it receives
// the lstat of the element. A final "." or ".." comes back as "." in the
// directory it names.
func (d *Dir) lookup(path string, follow bool, st *unix.Stat_t) (at, error) {
	dir, name, trailing := splitPath(path)
	if isDot(name) {
		fd, err := openBeneath(d.h.fd, path, oSearchDir, 0, d.res)
		if err != nil {
			return at{}, err
		}
		a := at{fd: fd, name: ".", owned: true}
		if st != nil {
			if err := unix.Fstat(fd, st); err != nil {
				a.release()
				return at{}, err
			}
		}
		return a, nil
	}
	a, err := d.parentOf(dir, name)
	if err != nil {
		return at{}, err
	}
	if st == nil && !follow && !trailing {
		return a, nil
	}
	var own unix.Stat_t
	if st == nil {
		st = &own
	}
	if err := sysFstatat(a.fd, name, st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		a.release()
		return at{}, err
	}
	mode := uint32(st.Mode) & unix.S_IFMT
	if mode != unix.S_IFLNK || !(follow || trailing) {
		if trailing && mode != unix.S_IFDIR {
			a.release()
			return at{}, unix.ENOTDIR
		}
		return a, nil
	}
	// A final symbolic link to follow: resolve the whole path again with
	// the walk, which follows it beneath d and counts every expansion
	// against the limit, as the kernel does.
	a.release()
	return walkLookup(d.h.fd, path, follow, st, d.res)
}

// existsErr is the error of creating name in dirfd through a path with a
// trailing slash, which names a directory: ENOENT if name does not exist,
// ENOTDIR if it is a file that is neither a directory nor a symbolic link
// (as cap-std, and so wasmtime, answer; Linux says EEXIST), else EEXIST.
// A symbolic link is not followed to choose: its target may lie outside.
func existsErr(dirfd int, name string) error {
	var s unix.Stat_t
	if err := sysFstatat(dirfd, name, &s, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return err
	}
	if t := uint32(s.Mode) & unix.S_IFMT; t != unix.S_IFDIR && t != unix.S_IFLNK {
		return unix.ENOTDIR
	}
	return unix.EEXIST
}

func (d *Dir) mkdir(path string, perm fs.FileMode) error {
	if err := checkPath(path); err != nil {
		return err
	}
	dir, name, _ := splitPath(path)
	if isDot(name) {
		return d.dotErr(path, unix.EEXIST)
	}
	a, err := d.parentOf(dir, name)
	if err != nil {
		return err
	}
	defer a.release()
	return sysMkdirat(a.fd, name, sysMode(perm))
}

func (d *Dir) removeDir(path string) error {
	if err := checkPath(path); err != nil {
		return err
	}
	dir, name, _ := splitPath(path)
	switch name {
	case ".":
		return d.dotErr(path, unix.EINVAL)
	case "..":
		return d.dotErr(path, unix.ENOTEMPTY)
	}
	a, err := d.parentOf(dir, name)
	if err != nil {
		return err
	}
	defer a.release()
	return sysUnlinkat(a.fd, name, unix.AT_REMOVEDIR)
}

func (d *Dir) removeFile(path string) error {
	if err := checkPath(path); err != nil {
		return err
	}
	dir, name, trailing := splitPath(path)
	if isDot(name) {
		return d.dotErr(path, unix.EISDIR)
	}
	a, err := d.parentOf(dir, name)
	if err != nil {
		return err
	}
	defer a.release()
	if trailing {
		// "name/" is never unlinked: EISDIR for a directory, ENOTDIR else.
		var s unix.Stat_t
		if err := sysFstatat(a.fd, name, &s, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return err
		}
		if uint32(s.Mode)&unix.S_IFMT == unix.S_IFDIR {
			return unix.EISDIR
		}
		return unix.ENOTDIR
	}
	return sysUnlinkat(a.fd, name, 0)
}

func (d *Dir) rename(oldPath string, newDir *Dir, newPath string) error {
	if err := checkPath(oldPath); err != nil {
		return err
	}
	if err := checkPath(newPath); err != nil {
		return err
	}
	odir, oname, otrail := splitPath(oldPath)
	ndir, nname, ntrail := splitPath(newPath)
	if isDot(oname) {
		return d.dotErr(oldPath, unix.EBUSY)
	}
	if isDot(nname) {
		return newDir.dotErr(newPath, unix.EBUSY)
	}
	oa, err := d.parentOf(odir, oname)
	if err != nil {
		return err
	}
	defer oa.release()
	na, err := newDir.parentOf(ndir, nname)
	if err != nil {
		return err
	}
	defer na.release()
	if otrail || ntrail {
		// Trailing slashes are allowed only when moving a directory.
		var s unix.Stat_t
		if err := sysFstatat(oa.fd, oname, &s, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return err
		}
		if uint32(s.Mode)&unix.S_IFMT != unix.S_IFDIR {
			return unix.ENOTDIR
		}
	}
	return sysRenameat(oa.fd, oname, na.fd, nname)
}

func (d *Dir) link(oldPath string, newDir *Dir, newPath string, followOld bool) error {
	if err := checkPath(oldPath); err != nil {
		return err
	}
	if err := checkPath(newPath); err != nil {
		return err
	}
	oa, err := d.lookup(oldPath, followOld, nil)
	if err != nil {
		return err
	}
	defer oa.release()
	ndir, nname, ntrail := splitPath(newPath)
	if isDot(nname) {
		return newDir.dotErr(newPath, unix.EEXIST)
	}
	na, err := newDir.parentOf(ndir, nname)
	if err != nil {
		return err
	}
	defer na.release()
	if ntrail {
		return existsErr(na.fd, nname)
	}
	return sysLinkat(oa.fd, oa.name, na.fd, nname)
}

func (d *Dir) symlink(target, linkPath string) error {
	// The target obeys the rules of a path beneath d: not empty, no NUL,
	// not absolute (unless d has root semantics), not too long.
	if err := checkTarget(target, d.res&resRoot != 0); err != nil {
		return err
	}
	if err := checkPath(linkPath); err != nil {
		return err
	}
	dir, name, trailing := splitPath(linkPath)
	if isDot(name) {
		return d.dotErr(linkPath, unix.EEXIST)
	}
	a, err := d.parentOf(dir, name)
	if err != nil {
		return err
	}
	defer a.release()
	if trailing {
		return existsErr(a.fd, name)
	}
	return sysSymlinkat(target, a.fd, name)
}

func (d *Dir) readlink(path string, buf []byte) (int, error) {
	if err := checkPath(path); err != nil {
		return 0, err
	}
	a, err := d.lookup(path, false, nil)
	if err != nil {
		return 0, err
	}
	defer a.release()
	if len(buf) == 0 {
		// readlinkat refuses an empty buffer; check the link with a byte.
		var one [1]byte
		_, err := sysReadlinkat(a.fd, a.name, one[:])
		return 0, err
	}
	return sysReadlinkat(a.fd, a.name, buf)
}

func (d *Dir) stat(path string, follow bool, st *Stat) error {
	if err := checkPath(path); err != nil {
		return err
	}
	var s unix.Stat_t
	err := d.statSys(path, follow, &s)
	if err == nil {
		*st = statOf(&s)
	}
	return err
}

// statSys is stat with the system's result: one fstatat for a plain name
// in d, else the kernel resolver where there is one, else lookup.
func (d *Dir) statSys(path string, follow bool, s *unix.Stat_t) error {
	if dir, name, trailing := splitPath(path); dir == "" && !trailing && !isDot(name) {
		if err := sysFstatat(d.h.fd, name, s, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return err
		}
		if !follow || uint32(s.Mode)&unix.S_IFMT != unix.S_IFLNK {
			return nil
		}
	}
	if decided, err := kernelStat(d.h.fd, path, follow, d.res, s); decided {
		return err
	}
	a, err := d.lookup(path, follow, s)
	if err == nil {
		a.release()
	}
	return err
}

func (d *Dir) setTimes(path string, atime, mtime Timespec, follow bool) error {
	if !atime.valid() || !mtime.valid() {
		return unix.EINVAL
	}
	if err := checkPath(path); err != nil {
		return err
	}
	a, err := d.lookup(path, follow, nil)
	if err != nil {
		return err
	}
	defer a.release()
	ts := sysTimes(atime, mtime)
	return sysUtimensat(a.fd, a.name, &ts, unix.AT_SYMLINK_NOFOLLOW)
}
