package capstd

import (
	"io"
	"syscall"
)

// File is an open file (or directory, or device) obtained from
// [Dir.OpenFile]. Its methods are thin wrappers over the system call they
// name (one call each, but for Write's loop over short writes and the
// read-modify-write of SetFlags), restarted on EINTR where it can occur.
//
// A File is safe for concurrent use; as with os.File, concurrent calls that
// move the offset (Read, Write, Readv, Writev, Seek) race with each other
// for it, while Preadv and Pwritev do not use it.
type File struct {
	h     handle
	name  string     // the path it was opened with, relative to its Dir
	flags OpenFlag   // the flags it was opened with
	res   resolution // inherited by a Dir made from it
}

// Interfaces File implements.
var (
	_ io.ReadWriteSeeker = (*File)(nil)
	_ io.Closer          = (*File)(nil)
	_ syscall.Conn       = (*File)(nil)
)

// newFile returns a File owning fd.
func newFile(fd int, name string, flags OpenFlag, res resolution) *File {
	f := &File{name: name, flags: flags, res: res}
	f.h.init(fd)
	return f
}

// Name returns the path f was opened with, relative to its Dir.
func (f *File) Name() string {
	if f == nil {
		return ""
	}
	return f.name
}

// acquire registers a call using f's descriptor; it reports false if f is
// closed or nil.
func (f *File) acquire() bool { return f != nil && f.h.acquire() }

// Read reads up to len(p) bytes (io.Reader): at end of file it returns 0,
// io.EOF.
func (f *File) Read(p []byte) (int, error) {
	if !f.acquire() {
		return 0, closedErr("read", f.Name())
	}
	n, err := readFd(f.h.fd, p)
	f.h.release()
	if err != nil {
		return 0, pathErr("read", f.Name(), err)
	}
	if n == 0 && len(p) > 0 {
		return 0, io.EOF
	}
	return n, nil
}

// Write writes all of p (io.Writer), looping over short writes; it returns
// an error if fewer than len(p) bytes were written.
func (f *File) Write(p []byte) (int, error) {
	if !f.acquire() {
		return 0, closedErr("write", f.Name())
	}
	defer f.h.release()
	total := 0
	for {
		n, err := writeFd(f.h.fd, p[total:])
		total += n
		if err != nil {
			return total, pathErr("write", f.Name(), err)
		}
		if total == len(p) {
			return total, nil
		}
		if n == 0 {
			return total, pathErr("write", f.Name(), io.ErrShortWrite)
		}
	}
}

// Readv reads into bufs in order with one readv(2) and returns the number
// of bytes read; 0 with a nil error is end of file. At most 1024 buffers
// (IOV_MAX) are used; more make a short read. It does not allocate for up
// to 8 buffers.
func (f *File) Readv(bufs [][]byte) (int, error) {
	if !f.acquire() {
		return 0, closedErr("readv", f.Name())
	}
	n, err := readvFd(f.h.fd, bufs)
	f.h.release()
	return n, pathErr("readv", f.Name(), err)
}

// Writev writes bufs in order with one writev(2) and returns the number of
// bytes written, which may be short. Buffer limits are as for Readv.
func (f *File) Writev(bufs [][]byte) (int, error) {
	if !f.acquire() {
		return 0, closedErr("writev", f.Name())
	}
	n, err := writevFd(f.h.fd, bufs)
	f.h.release()
	return n, pathErr("writev", f.Name(), err)
}

// Preadv is Readv at offset off (preadv(2)); it does not use or move the
// file offset.
func (f *File) Preadv(bufs [][]byte, off int64) (int, error) {
	if !f.acquire() {
		return 0, closedErr("preadv", f.Name())
	}
	n, err := preadvFd(f.h.fd, bufs, off)
	f.h.release()
	return n, pathErr("preadv", f.Name(), err)
}

// Pwritev is Writev at offset off (pwritev(2)); it does not use or move the
// file offset. On Linux, a file opened with OAppend is written at its end
// whatever off is.
func (f *File) Pwritev(bufs [][]byte, off int64) (int, error) {
	if !f.acquire() {
		return 0, closedErr("pwritev", f.Name())
	}
	n, err := pwritevFd(f.h.fd, bufs, off)
	f.h.release()
	return n, pathErr("pwritev", f.Name(), err)
}

// Seek sets the offset for the next Read or Write (io.Seeker) and returns
// the new offset.
func (f *File) Seek(offset int64, whence int) (int64, error) {
	if !f.acquire() {
		return 0, closedErr("seek", f.Name())
	}
	off, err := seekFd(f.h.fd, offset, whence)
	f.h.release()
	return off, pathErr("seek", f.Name(), err)
}

// Sync commits the file's data and metadata to stable storage (fsync).
func (f *File) Sync() error {
	return f.control("fsync", syncFd)
}

// Datasync commits the file's data to stable storage (fdatasync; fsync
// where the system has no fdatasync).
func (f *File) Datasync() error {
	return f.control("fdatasync", datasyncFd)
}

// Allocate ensures that the bytes [off, off+length) are allocated on disk,
// growing the file if needed (fallocate/posix_fallocate). It fails with an
// error wrapping errors.ErrUnsupported where the system or file system
// cannot do that (darwin, some Linux file systems).
func (f *File) Allocate(off, length int64) error {
	return f.control("allocate", func(fd int) error { return allocateFd(fd, off, length) })
}

// Advise declares the expected access pattern for [off, off+length)
// (posix_fadvise). It is only advice: where the system has no
// posix_fadvise (darwin) it does nothing and returns nil. An unknown Advice
// is EINVAL.
func (f *File) Advise(off, length int64, advice Advice) error {
	if advice < AdviceNormal || advice > AdviceNoReuse {
		return pathErr("fadvise", f.Name(), syscall.EINVAL)
	}
	return f.control("fadvise", func(fd int) error { return adviseFd(fd, off, length, advice) })
}

// Truncate changes the size of the file (ftruncate).
func (f *File) Truncate(size int64) error {
	return f.control("truncate", func(fd int) error { return truncateFd(fd, size) })
}

// SetTimes sets the file's access and modification times; each is a time,
// [OmitTime] or [NowTime]. An invalid Timespec is EINVAL.
func (f *File) SetTimes(atime, mtime Timespec) error {
	if !atime.valid() || !mtime.valid() {
		return pathErr("futimens", f.Name(), syscall.EINVAL)
	}
	return f.control("futimens", func(fd int) error { return futimesFd(fd, atime, mtime) })
}

// Stat returns the file's attributes (fstat).
func (f *File) Stat() (Stat, error) {
	var st Stat
	err := f.control("stat", func(fd int) error { return fstatFd(fd, &st) })
	return st, err
}

// Flags returns the access mode (ORead, OWrite), OAppend and ONonblock as
// the descriptor has them now (fcntl F_GETFL), and OSync, ODsync and ORsync
// as they were given to OpenFile: they cannot change after open, and Linux
// reports ORsync as OSync.
func (f *File) Flags() (OpenFlag, error) {
	var fl OpenFlag
	err := f.control("fcntl", func(fd int) error {
		var err error
		fl, err = getFlagsFd(fd)
		return err
	})
	if err != nil {
		return 0, err
	}
	return fl | f.flags&syncFlags, nil
}

// SetFlags sets OAppend and ONonblock to what flags has (fcntl F_SETFL).
// flags may contain only OAppend, ONonblock, OSync, ODsync and ORsync
// (else EINVAL). The sync flags must equal those given to OpenFile: no
// supported system changes them on an open descriptor (Linux ignores them
// in F_SETFL), so a change fails with ENOTSUP, which wraps
// errors.ErrUnsupported, and changes nothing.
func (f *File) SetFlags(flags OpenFlag) error {
	switch {
	case flags&^fdFlags != 0:
		return pathErr("fcntl", f.Name(), syscall.EINVAL)
	case f != nil && flags&syncFlags != f.flags&syncFlags:
		return pathErr("fcntl", f.Name(), syscall.ENOTSUP)
	}
	return f.control("fcntl", func(fd int) error { return setFlagsFd(fd, flags) })
}

// control runs fn on f's descriptor, held open for the call.
func (f *File) control(op string, fn func(fd int) error) error {
	if !f.acquire() {
		return closedErr(op, f.Name())
	}
	defer f.h.release()
	return pathErr(op, f.Name(), fn(f.h.fd))
}

// Fd returns f's descriptor, or ^uintptr(0) once f is closed. It stays
// valid only until f is closed. Unlike os.File.Fd it does not change the
// descriptor's blocking mode.
func (f *File) Fd() uintptr {
	if f == nil || f.h.isClosed() {
		return ^uintptr(0)
	}
	return uintptr(f.h.fd)
}

// SyscallConn returns a syscall.RawConn for f (syscall.Conn), so that
// pollers can reach the descriptor. Its Control runs a function with the
// descriptor held open. Read and Write run theirs until it returns true,
// waiting with poll(2) for the descriptor to become readable (writable)
// each time it returns false; they are not integrated with Go's network
// poller and block an OS thread while waiting.
func (f *File) SyscallConn() (syscall.RawConn, error) {
	if f == nil || f.h.isClosed() {
		return nil, closedErr("syscallconn", f.Name())
	}
	return rawConn{f}, nil
}

// Close closes f. A second Close returns an error wrapping fs.ErrClosed;
// the descriptor is never closed twice.
func (f *File) Close() error {
	if f == nil {
		return closedErr("close", "")
	}
	return pathErr("close", f.name, f.h.close())
}

// rawConn is f's syscall.RawConn.
type rawConn struct{ f *File }

// Control runs fn with the descriptor.
func (c rawConn) Control(fn func(fd uintptr)) error {
	return c.f.control("control", func(fd int) error {
		fn(uintptr(fd))
		return nil
	})
}

// Read runs fn until it returns true, waiting for readability in between.
func (c rawConn) Read(fn func(fd uintptr) (done bool)) error {
	return c.f.control("read", func(fd int) error { return waitLoop(fd, false, fn) })
}

// Write runs fn until it returns true, waiting for writability in between.
func (c rawConn) Write(fn func(fd uintptr) (done bool)) error {
	return c.f.control("write", func(fd int) error { return waitLoop(fd, true, fn) })
}
