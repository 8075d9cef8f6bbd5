//go:build linux || darwin || freebsd

package capstdsync

import (
	"context"
	"os"

	"github.com/capwasi/capwasi/common"
	"golang.org/x/sys/unix"
)

// hostStream is one of the host process's own standard streams (descriptor
// 0, 1 or 2), inherited by a guest. It never changes the descriptor's flags
// and never closes it: FDFLAGS_NONBLOCK is emulated by polling with a zero
// timeout before each read or write, and a blocking read waits in poll(2),
// looking at its context every cancelCheckInterval. A stream that never
// waits (a regular file, a block device, the null device) is not polled:
// each read or write is one system call.
type hostStream struct {
	common.UnimplementedFile
	fd         int
	read       bool // stdin; otherwise stdout or stderr
	typ        common.Filetype
	neverWaits bool // see neverWaits
	flags      common.Fdflags
	closed     bool
}

func newHostStream(fd int, read bool) *hostStream {
	f := &hostStream{fd: fd, read: read, typ: common.FiletypeUnknown}
	var st unix.Stat_t
	if unix.Fstat(fd, &st) == nil {
		f.typ = filetypeOfMode(uint32(st.Mode))
		f.neverWaits = neverWaits(&st)
	}
	return f
}

// neverWaits reports whether reads and writes of the file st describes
// always complete at once, so that poll(2) would always say it is ready: a
// regular file, a block device, or the null device (os.DevNull). Pipes,
// sockets, terminals and other devices may have to wait.
func neverWaits(st *unix.Stat_t) bool {
	switch uint32(st.Mode) & unix.S_IFMT {
	case unix.S_IFREG, unix.S_IFBLK:
		return true
	case unix.S_IFCHR:
		var null unix.Stat_t
		return unix.Stat(os.DevNull, &null) == nil && uint32(null.Mode)&unix.S_IFMT == unix.S_IFCHR && null.Rdev == st.Rdev
	}
	return false
}

func inheritStdin() common.WasiFile  { return newHostStream(0, true) }
func inheritStdout() common.WasiFile { return newHostStream(1, false) }
func inheritStderr() common.WasiFile { return newHostStream(2, false) }

func (f *hostStream) Filetype() common.Filetype { return f.typ }

func (f *hostStream) Rights() (base, inheriting common.Rights) {
	if f.read {
		return streamReadRights, 0
	}
	return streamWriteRights, 0
}

func (f *hostStream) Fdflags(context.Context) (common.Fdflags, error) {
	if f.closed {
		return 0, common.EBADF
	}
	return f.flags, nil
}

func (f *hostStream) SetFdflags(_ context.Context, flags common.Fdflags) error {
	if f.closed {
		return common.EBADF
	}
	if err := checkStreamFlags(flags); err != nil {
		return err
	}
	f.flags = flags
	return nil
}

func (f *hostStream) Filestat(context.Context) (common.Filestat, error) {
	if f.closed {
		return common.Filestat{}, common.EBADF
	}
	return fdFilestat(f.fd)
}

func (f *hostStream) SetSize(context.Context, common.Filesize) error { return common.EINVAL }

func (f *hostStream) Sync(context.Context) error {
	if f.closed {
		return common.EBADF
	}
	return wasiErr(unix.Fsync(f.fd))
}

func (f *hostStream) Datasync(ctx context.Context) error { return f.Sync(ctx) }

func (f *hostStream) Read(ctx context.Context, iovs [][]byte) (int, error) {
	if f.closed || !f.read {
		return 0, common.EBADF
	}
	if iovsLen(iovs) == 0 {
		return 0, nil
	}
	// A read(2) that blocks cannot be interrupted: wait for data first
	// unless nothing could interrupt the wait anyway.
	if !f.neverWaits && (f.flags&common.FdflagsNonblock != 0 || ctx.Done() != nil) {
		if err := f.wait(ctx, false); err != nil {
			return 0, err
		}
	}
	return f.transfer(ctx, readv, iovs, false)
}

func (f *hostStream) Write(ctx context.Context, iovs [][]byte) (int, error) {
	if f.closed || f.read {
		return 0, common.EBADF
	}
	// A write is tried at once: it seldom blocks, and when the host's
	// descriptor is non-blocking a full pipe gives EAGAIN, then we wait.
	if f.flags&common.FdflagsNonblock != 0 && !f.neverWaits {
		if err := f.wait(ctx, true); err != nil {
			return 0, err
		}
	}
	return f.transfer(ctx, writev, iovs, true)
}

// transfer runs op (readv or writev) until it does not fail with EINTR or,
// in blocking mode, EAGAIN (the host's descriptor is non-blocking and the
// data went to another reader, or the pipe is full): then it waits.
func (f *hostStream) transfer(ctx context.Context, op func(int, [][]byte) (int, error), iovs [][]byte, write bool) (int, error) {
	for {
		n, err := op(f.fd, iovs)
		switch err {
		case nil:
			return n, nil
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			if f.flags&common.FdflagsNonblock != 0 {
				return 0, common.EAGAIN
			}
			if err := waitReady(ctx, f.fd, write); err != nil {
				return 0, err
			}
			continue
		}
		return 0, wasiErr(err)
	}
}

// wait returns once the stream is ready for a read (or a write): at once
// with EAGAIN when it is in non-blocking mode and not ready, or with the
// context's error when that is cancelled first.
func (f *hostStream) wait(ctx context.Context, write bool) error {
	if f.flags&common.FdflagsNonblock != 0 {
		ready, err := pollOne(f.fd, write, 0)
		if err != nil {
			return wasiErr(err)
		}
		if !ready {
			return common.EAGAIN
		}
		return nil
	}
	return waitReady(ctx, f.fd, write)
}

func (f *hostStream) Close() error {
	f.closed = true // the host's descriptor stays open
	return nil
}

func (f *hostStream) pollFd() int { return f.fd }
