//go:build linux || darwin || freebsd

package capstdsync

import (
	"github.com/capwasi/capwasi/capstd"
	"golang.org/x/sys/unix"
)

// syncDir fsyncs the directory's descriptor (capstd has no Dir.Sync; fsync
// resolves no path, so using the descriptor directly is safe).
func syncDir(d *capstd.Dir) error {
	fd := d.Fd()
	if fd == ^uintptr(0) {
		return unix.EBADF
	}
	return unix.Fsync(int(fd))
}
