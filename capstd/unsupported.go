//go:build !linux && !darwin && !freebsd

package capstd

import (
	"errors"
	"io/fs"
)

// errUnsupported is the error of every operation here.
var errUnsupported = errors.ErrUnsupported

// On systems other than Linux, darwin and freebsd (Windows among them)
// capstd compiles but implements nothing: OpenAmbientDir fails with an
// error wrapping errors.ErrUnsupported, so no Dir or File can exist, and
// the internal operations below are never reached with a real descriptor.

func openAmbient(path string) (int, error) { return -1, errUnsupported }

func closeFd(fd int) error { return nil }

func (d *Dir) openFile(path string, flag OpenFlag, perm fs.FileMode) (int, error) {
	return -1, errUnsupported
}

func (d *Dir) openDir(path string, follow bool) (int, error) { return -1, errUnsupported }

func (d *Dir) mkdir(path string, perm fs.FileMode) error { return errUnsupported }

func (d *Dir) removeDir(path string) error { return errUnsupported }

func (d *Dir) removeFile(path string) error { return errUnsupported }

func (d *Dir) rename(oldPath string, newDir *Dir, newPath string) error { return errUnsupported }

func (d *Dir) link(oldPath string, newDir *Dir, newPath string, followOld bool) error {
	return errUnsupported
}

func (d *Dir) symlink(target, linkPath string) error { return errUnsupported }

func (d *Dir) readlink(path string, buf []byte) (int, error) { return 0, errUnsupported }

func (d *Dir) stat(path string, follow bool, st *Stat) error { return errUnsupported }

func (d *Dir) setTimes(path string, atime, mtime Timespec, follow bool) error {
	return errUnsupported
}

// dirBuf holds no listing state: no listing can exist here.
type dirBuf struct{}

// refuse is the answer of every listing operation.
func (dirBuf) refuse() error { return errUnsupported }

func (r *DirReader) next() (*DirEntry, error) { return nil, r.refuse() }

func (r *DirReader) seek(cookie uint64) error { return r.refuse() }

func reopenDir(fd int) (int, error) { return -1, errUnsupported }

func dupFd(fd int) (int, error) { return -1, errUnsupported }

func fstatFd(fd int, st *Stat) error { return errUnsupported }

func readFd(fd int, p []byte) (int, error) { return 0, errUnsupported }

func writeFd(fd int, p []byte) (int, error) { return 0, errUnsupported }

func readvFd(fd int, bufs [][]byte) (int, error) { return 0, errUnsupported }

func writevFd(fd int, bufs [][]byte) (int, error) { return 0, errUnsupported }

func preadvFd(fd int, bufs [][]byte, off int64) (int, error) { return 0, errUnsupported }

func pwritevFd(fd int, bufs [][]byte, off int64) (int, error) { return 0, errUnsupported }

func seekFd(fd int, offset int64, whence int) (int64, error) { return 0, errUnsupported }

func syncFd(fd int) error { return errUnsupported }

func datasyncFd(fd int) error { return errUnsupported }

func allocateFd(fd int, off, length int64) error { return errUnsupported }

func adviseFd(fd int, off, length int64, advice Advice) error { return errUnsupported }

func truncateFd(fd int, size int64) error { return errUnsupported }

func futimesFd(fd int, atime, mtime Timespec) error { return errUnsupported }

func getFlagsFd(fd int) (OpenFlag, error) { return 0, errUnsupported }

func setFlagsFd(fd int, flags OpenFlag) error { return errUnsupported }

func waitLoop(fd int, write bool, fn func(fd uintptr) bool) error { return errUnsupported }
