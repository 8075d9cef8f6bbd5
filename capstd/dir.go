package capstd

import (
	"io/fs"
	"syscall"
)

// Dir is a capability for one directory tree: an open directory descriptor
// whose methods resolve every path beneath it and refuse, with [ErrEscape],
// any path that would leave it. Paths are slash-separated and relative;
// "." is the directory itself.
//
// A Dir is safe for concurrent use by multiple goroutines. Close waits for
// no one: calls in flight finish on the still-open descriptor, which is
// released when the last of them returns, and calls made after Close fail
// with an error wrapping fs.ErrClosed.
type Dir struct {
	h    handle
	name string     // the path this Dir was opened with, for errors
	res  resolution // how it resolves paths (see options.go)
}

// newDir returns a Dir owning fd.
func newDir(fd int, name string, res resolution) *Dir {
	d := &Dir{name: name, res: res}
	d.h.init(fd)
	return d
}

// OpenAmbientDir opens the directory at path, interpreted as the process's
// own open(2) would (relative to the working directory, following symbolic
// links). It is the only function of the package that uses ambient
// authority; everything else is relative to a Dir. opts choose how the
// Dir resolves paths: [WithResolver], [WithRootSemantics]; without them it
// uses [ResolverAuto] and refuses absolute symbolic link targets.
//
// Errors are *PathError with the path as given: ENOENT for an empty path,
// EINVAL for a path with NUL or an invalid option, ENOTDIR if it is not a
// directory, and the errors of open(2). On systems capstd does not support
// (see the package documentation) the error wraps errors.ErrUnsupported.
func OpenAmbientDir(path string, opts ...Option) (*Dir, error) {
	res, err := resolutionOf(opts)
	if err != nil {
		return nil, pathErr("open", path, err)
	}
	fd, err := openAmbient(path)
	if err != nil {
		return nil, pathErr("open", path, err)
	}
	return newDir(fd, ".", res), nil
}

// closedErr is the error of a call on a closed (or nil) Dir, File or
// DirReader.
func closedErr(op, path string) error { return pathErr(op, path, fs.ErrClosed) }

// acquire registers a call using d's descriptor; it reports false if d is
// closed or nil.
func (d *Dir) acquire() bool { return d != nil && d.h.acquire() }

// label is the path d was opened with, for errors.
func (d *Dir) label() string {
	if d == nil {
		return ""
	}
	return d.name
}

// OpenFile opens the file at path beneath d with the given flags; perm
// (with OCreate) is the mode of a new file before the umask. A path naming
// a directory may be opened read-only (like os.Open), and the result turned
// into a Dir with [NewDirFromFile]. The File keeps path as its name (see
// [File.Name]), and errors keep it too: a caller whose string aliases memory
// it reuses must pass a copy.
//
// The final symbolic link is followed, beneath d, unless flag has
// ONoFollow, in which case it is ELOOP. A trailing slash requires a
// directory (ENOTDIR) and, with OCreate, is EISDIR. A terminal opened
// here never becomes the process's controlling terminal (O_NOCTTY).
//
// Errors are *PathError wrapping [ErrEscape] or a syscall.Errno: ENOENT
// (also for an empty path), EINVAL (NUL in path, unknown flag bits),
// ENAMETOOLONG, ENOTDIR, ELOOP, EEXIST, EISDIR, EACCES and the other errors
// of open(2).
func (d *Dir) OpenFile(path string, flag OpenFlag, perm fs.FileMode) (*File, error) {
	if flag&^allOpenFlags != 0 {
		return nil, pathErr("open", path, syscall.EINVAL)
	}
	if !d.acquire() {
		return nil, closedErr("open", path)
	}
	fd, err := d.openFile(path, flag, perm)
	d.h.release()
	if err != nil {
		return nil, pathErr("open", path, err)
	}
	return newFile(fd, path, flag, d.res&^resRoot), nil
}

// OpenDir opens the directory at path beneath d as a new Dir. With follow
// unset a final symbolic link is refused with ENOTDIR (unless the path ends
// in a slash). Errors are as for OpenFile; a non-directory is ENOTDIR.
func (d *Dir) OpenDir(path string, follow bool) (*Dir, error) {
	if !d.acquire() {
		return nil, closedErr("opendir", path)
	}
	fd, err := d.openDir(path, follow)
	d.h.release()
	if err != nil {
		return nil, pathErr("opendir", path, err)
	}
	return newDir(fd, path, d.res&^resRoot), nil
}

// Mkdir creates the directory path beneath d with permission perm (before
// the umask). The final element is never followed: an existing name,
// symbolic link or not, is EEXIST, as are "." and "..".
func (d *Dir) Mkdir(path string, perm fs.FileMode) error {
	if !d.acquire() {
		return closedErr("mkdir", path)
	}
	defer d.h.release()
	return pathErr("mkdir", path, d.mkdir(path, perm))
}

// RemoveDir removes the empty directory path beneath d (rmdir). A final
// symbolic link is not followed (ENOTDIR); "." is EINVAL and ".." is
// ENOTEMPTY, as on Linux; a non-empty directory is ENOTEMPTY.
func (d *Dir) RemoveDir(path string) error {
	if !d.acquire() {
		return closedErr("rmdir", path)
	}
	defer d.h.release()
	return pathErr("rmdir", path, d.removeDir(path))
}

// RemoveFile removes the non-directory path beneath d (unlink); a final
// symbolic link is removed, not followed. A directory is EISDIR on Linux
// (EPERM on darwin), as are "." and ".."; a trailing slash is ENOTDIR for a
// non-directory.
func (d *Dir) RemoveFile(path string) error {
	if !d.acquire() {
		return closedErr("unlink", path)
	}
	defer d.h.release()
	return pathErr("unlink", path, d.removeFile(path))
}

// Rename renames oldPath beneath d to newPath beneath newDir (d if newDir
// is nil), replacing newPath as rename(2) does. Neither final element is
// followed. "." and ".." are EBUSY; a trailing slash on either path is
// ENOTDIR unless oldPath is a directory. Two Dirs on different file systems
// give EXDEV (a plain syscall.EXDEV, not ErrEscape). Errors are *LinkError.
func (d *Dir) Rename(oldPath string, newDir *Dir, newPath string) error {
	if newDir == nil {
		newDir = d
	}
	if !d.acquire() {
		return linkErr("rename", oldPath, newPath, fs.ErrClosed)
	}
	defer d.h.release()
	if !newDir.acquire() {
		return linkErr("rename", oldPath, newPath, fs.ErrClosed)
	}
	defer newDir.h.release()
	return linkErr("rename", oldPath, newPath, d.rename(oldPath, newDir, newPath))
}

// Link creates newPath beneath newDir (d if newDir is nil) as a hard link
// to oldPath beneath d. A final symbolic link in oldPath is linked itself
// unless followOld is set, in which case it is followed beneath d. newPath
// must not exist (EEXIST; ENOTDIR when it ends in "/" and names a file that
// is neither a directory nor a symbolic link, as cap-std answers); a
// directory as oldPath is EPERM. Errors are *LinkError.
func (d *Dir) Link(oldPath string, newDir *Dir, newPath string, followOld bool) error {
	if newDir == nil {
		newDir = d
	}
	if !d.acquire() {
		return linkErr("link", oldPath, newPath, fs.ErrClosed)
	}
	defer d.h.release()
	if !newDir.acquire() {
		return linkErr("link", oldPath, newPath, fs.ErrClosed)
	}
	defer newDir.h.release()
	return linkErr("link", oldPath, newPath, d.link(oldPath, newDir, newPath, followOld))
}

// Symlink creates linkPath beneath d as a symbolic link to target. An
// absolute target is refused with [ErrEscape] — nothing in a Dir may point
// at the host's tree — unless d has root semantics ([WithRootSemantics]),
// where it names a path beneath d; an empty target is ENOENT. A relative
// target may name anything, even outside d (following it beneath a Dir is
// what is refused). linkPath must not exist (EEXIST; ENOTDIR when it ends in "/"
// and names a file that is neither a directory nor a symbolic link, as
// cap-std answers). Errors are *LinkError.
func (d *Dir) Symlink(target, linkPath string) error {
	if !d.acquire() {
		return linkErr("symlink", target, linkPath, fs.ErrClosed)
	}
	defer d.h.release()
	return linkErr("symlink", target, linkPath, d.symlink(target, linkPath))
}

// Readlink reads the target of the symbolic link path beneath d into buf
// and returns the number of bytes written. A target longer than buf is
// truncated to len(buf) (no error), so n == len(buf) means "possibly
// truncated". It does not allocate. A non-symbolic-link is EINVAL.
func (d *Dir) Readlink(path string, buf []byte) (int, error) {
	if !d.acquire() {
		return 0, closedErr("readlink", path)
	}
	defer d.h.release()
	n, err := d.readlink(path, buf)
	return n, pathErr("readlink", path, err)
}

// ReadlinkString returns the whole target of the symbolic link path
// beneath d. Errors are as for Readlink.
func (d *Dir) ReadlinkString(path string) (string, error) {
	buf := make([]byte, 128)
	for {
		n, err := d.Readlink(path, buf)
		if err != nil {
			return "", err
		}
		if n < len(buf) {
			return string(buf[:n]), nil
		}
		buf = make([]byte, 2*len(buf))
	}
}

// Stat returns the attributes of path beneath d. With follow set a final
// symbolic link is followed (beneath d); otherwise the link itself is
// described. A trailing slash always follows and requires a directory.
func (d *Dir) Stat(path string, follow bool) (Stat, error) {
	var st Stat
	if !d.acquire() {
		return st, closedErr("stat", path)
	}
	defer d.h.release()
	return st, pathErr("stat", path, d.stat(path, follow, &st))
}

// Fstat returns the attributes of d's own directory.
func (d *Dir) Fstat() (Stat, error) {
	var st Stat
	if !d.acquire() {
		return st, closedErr("stat", d.label())
	}
	defer d.h.release()
	return st, pathErr("stat", d.label(), fstatFd(d.h.fd, &st))
}

// SetTimes sets the access and modification times of path beneath d; each
// is a time, [OmitTime] (leave it) or [NowTime]. With follow set a final
// symbolic link is followed (beneath d); otherwise the link's own times are
// set. A trailing slash always follows and requires a directory. An invalid
// Timespec is EINVAL.
func (d *Dir) SetTimes(path string, atime, mtime Timespec, follow bool) error {
	if !d.acquire() {
		return closedErr("utimes", path)
	}
	defer d.h.release()
	return pathErr("utimes", path, d.setTimes(path, atime, mtime, follow))
}

// OpenDirReader opens a new, independent listing of d's directory. See
// [DirReader].
func (d *Dir) OpenDirReader() (*DirReader, error) {
	if !d.acquire() {
		return nil, closedErr("readdir", d.label())
	}
	fd, err := reopenDir(d.h.fd)
	d.h.release()
	if err != nil {
		return nil, pathErr("readdir", d.label(), err)
	}
	return newDirReader(fd, d.label()), nil
}

// Clone returns a second Dir for the same directory, with its own
// descriptor (a dup), to be closed separately.
func (d *Dir) Clone() (*Dir, error) {
	if !d.acquire() {
		return nil, closedErr("dup", d.label())
	}
	fd, err := dupFd(d.h.fd)
	d.h.release()
	if err != nil {
		return nil, pathErr("dup", d.label(), err)
	}
	return newDir(fd, d.name, d.res), nil
}

// Close releases d. A second Close returns an error wrapping fs.ErrClosed;
// the descriptor is never closed twice.
func (d *Dir) Close() error {
	if d == nil {
		return closedErr("close", "")
	}
	return pathErr("close", d.name, d.h.close())
}

// Fd returns d's descriptor, or ^uintptr(0) once d is closed. The
// descriptor stays valid only until d is closed; using it to open paths
// directly bypasses the sandbox.
func (d *Dir) Fd() uintptr {
	if d == nil || d.h.isClosed() {
		return ^uintptr(0)
	}
	return uintptr(d.h.fd)
}

// NewDirFromFile turns f, an open directory, into a Dir without reopening
// it: on success the Dir owns the descriptor and f is closed (its methods
// fail with fs.ErrClosed and its Close returns fs.ErrClosed). A Dir made
// from a File opened beneath a Dir is confined to that File's directory.
// If f is not a directory the error wraps ENOTDIR and f is left open.
func NewDirFromFile(f *File) (*Dir, error) {
	var st Stat
	if !f.acquire() {
		return nil, closedErr("opendir", f.Name())
	}
	err := fstatFd(f.h.fd, &st)
	f.h.release()
	if err == nil && st.Type != TypeDir {
		err = syscall.ENOTDIR
	}
	if err != nil {
		return nil, pathErr("opendir", f.Name(), err)
	}
	fd, ok := f.h.steal()
	if !ok {
		return nil, closedErr("opendir", f.Name())
	}
	return newDir(fd, f.Name(), f.res), nil
}
