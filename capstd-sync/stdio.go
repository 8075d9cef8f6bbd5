package capstdsync

import (
	"context"
	"io"
	"syscall"
	"time"

	"github.com/capwasi/capwasi/common"
)

// NewReaderFile returns a read-only stream file that reads from r, for
// example a guest's standard input fed from a bytes.Buffer, a
// strings.Reader, one end of a pipe or an io.Pipe.
//
// How it reads depends on what r is:
//
//   - r has a descriptor (syscall.Conn, as *os.File and net.Conn do): each
//     read calls r.Read, the scheduler polls the descriptor, and
//     FDFLAGS_NONBLOCK answers EAGAIN when nothing is there. When r also
//     has SetReadDeadline, a cancelled context ends a blocked read with
//     the context's error.
//   - r is in memory (it has a Len() int method, as bytes.Buffer,
//     bytes.Reader and strings.Reader do): it never blocks, and is always
//     ready for the scheduler, with Len() bytes.
//   - any other reader (an io.Pipe, a net.Pipe, a reader fed by another
//     goroutine) may block where nothing can poll it: a goroutine of the
//     file reads from r, at most 32 KiB at a time, when the guest reads or
//     polls and nothing is buffered, so that nothing is read ahead of a
//     guest that does not ask. The file reports its readiness to the
//     scheduler through [common.Pollable]: a guest that polls before
//     reading (every Go guest does) keeps running while r blocks. A
//     blocking read waits for data or for its context to end;
//     FDFLAGS_NONBLOCK answers EAGAIN. Close ends the goroutine: a read of
//     r in flight then is interrupted when r has SetReadDeadline (Close
//     waits for it, and clears the deadline again), and otherwise ends the
//     goroutine when it returns, its bytes dropped.
//
// Reads of the first two kinds call r.Read once per iovec while the
// previous iovec was filled and r still has data (Len() says how much). For
// all, io.EOF is end of file (0 bytes, no error). The file's type is
// FiletypeUnknown (a pipe), it cannot seek, and Close does not close r: the
// embedder who made r owns it.
func NewReaderFile(r io.Reader) common.WasiFile {
	fd := connFd(r)
	if _, inMemory := r.(interface{ Len() int }); fd < 0 && !inMemory {
		return newPumpReader(r)
	}
	return &readerFile{r: r, fd: fd}
}

// NewWriterFile returns a write-only stream file that writes to w, for
// example a guest's standard output collected in a bytes.Buffer.
//
// How it writes depends on what w is:
//
//   - w has a descriptor (syscall.Conn), is in memory (it has a Len() int
//     method, as bytes.Buffer and strings.Builder do) or is io.Discard:
//     writes call w.Write once per non-empty iovec and stop at the first
//     error. The scheduler polls the descriptor; other such writers are
//     always ready.
//   - any other writer may block (an io.Pipe whose reader does not read):
//     a goroutine of the file calls w.Write, once per write of the guest
//     with the iovecs gathered (at most 32 KiB), and the write waits for
//     that call to return, so that output reaches w in the order the guest
//     wrote it. A blocking write waits for that, or for its context to end
//     (the bytes are then handed over, and reported written). A
//     non-blocking write (FDFLAGS_NONBLOCK, as every Go guest's standard
//     streams are) waits at most 10 ms: then it returns with the bytes
//     handed over, and until w.Write returns the file is not ready for the
//     scheduler ([common.Pollable]) and further non-blocking writes answer
//     EAGAIN, so that a guest whose writer is stuck keeps running. Close
//     waits for a w.Write in flight to return, unless the context of the
//     last write has ended; the goroutine ends with it.
//
// The bytes written before an error are reported as success and the error
// comes with the next write. Sync and Datasync call w.Sync when w has that
// method (as *os.File does), and are EINVAL otherwise.
// FDFLAGS_NONBLOCK and FDFLAGS_APPEND may be set and are reported back.
// The file's type is FiletypeUnknown (a pipe), it cannot seek, and Close
// does not close w.
func NewWriterFile(w io.Writer) common.WasiFile {
	fd := connFd(w)
	if _, inMemory := w.(interface{ Len() int }); fd < 0 && !inMemory && w != io.Discard {
		return newPumpWriter(w)
	}
	return &writerFile{w: w, fd: fd}
}

// NewNullFile returns a file like /dev/null: reads return end of file,
// writes succeed and discard their data, and it is always ready. Its type is
// FiletypeCharacterDevice. It is what a [WasiCtxBuilder] gives a standard
// stream it was told nothing about.
func NewNullFile() common.WasiFile { return &nullFile{} }

// readerFile is NewReaderFile's file.
type readerFile struct {
	streamFile
	r  io.Reader
	fd int // r's descriptor, or -1
}

func (f *readerFile) Rights() (base, inheriting common.Rights) { return streamReadRights, 0 }

func (f *readerFile) Read(ctx context.Context, iovs [][]byte) (int, error) {
	if f.flags&common.FdflagsNonblock != 0 && f.fd >= 0 {
		ready, err := pollOne(f.fd, false, 0)
		if err != nil {
			return 0, wasiErr(err)
		}
		if !ready {
			return 0, common.EAGAIN
		}
	}
	if d, ok := f.r.(deadliner); ok && ctx.Done() != nil {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		stop := onCancel(ctx, func() { _ = d.SetReadDeadline(pastDeadline) })
		n, err := f.readIovs(iovs)
		if stop() {
			_ = d.SetReadDeadline(time.Time{})
			if n == 0 {
				return 0, ctx.Err()
			}
		}
		return n, err
	}
	return f.readIovs(iovs)
}

// readIovs reads into iovs in order, moving to the next iovec only when the
// previous one was filled and r says it has more.
func (f *readerFile) readIovs(iovs [][]byte) (int, error) {
	total := 0
	for _, iov := range iovs {
		if len(iov) == 0 {
			continue
		}
		n, err := readSome(f.r, iov)
		total += n
		if err != nil {
			if total > 0 || err == io.EOF {
				return total, nil
			}
			return 0, wasiErr(err)
		}
		if n < len(iov) {
			break
		}
		if l, ok := f.r.(interface{ Len() int }); !ok || l.Len() == 0 {
			break
		}
	}
	return total, nil
}

// readSome calls r.Read until it returns data or an error, as io.Reader
// allows a Read to return neither.
func readSome(r io.Reader, p []byte) (int, error) {
	for range 100 {
		n, err := r.Read(p)
		if n > 0 || err != nil {
			if n > 0 && err == io.EOF {
				err = nil
			}
			return n, err
		}
	}
	return 0, io.ErrNoProgress
}

func (f *readerFile) pollFd() int { return f.fd }

func (f *readerFile) readableBytes() (common.Filesize, error) {
	if l, ok := f.r.(interface{ Len() int }); ok {
		return common.Filesize(l.Len()), nil
	}
	return 0, nil
}

// writerFile is NewWriterFile's file.
type writerFile struct {
	streamFile
	w   io.Writer
	fd  int   // w's descriptor, or -1
	err error // a write error not yet reported
}

func (f *writerFile) Rights() (base, inheriting common.Rights) { return streamWriteRights, 0 }

func (f *writerFile) Write(_ context.Context, iovs [][]byte) (int, error) {
	if err := f.err; err != nil {
		f.err = nil
		return 0, wasiErr(err)
	}
	total := 0
	for _, iov := range iovs {
		if len(iov) == 0 {
			continue
		}
		n, err := f.w.Write(iov)
		total += n
		if err != nil {
			if total > 0 {
				f.err = err
				return total, nil
			}
			return 0, wasiErr(err)
		}
	}
	return total, nil
}

func (f *writerFile) Sync(context.Context) error {
	if s, ok := f.w.(interface{ Sync() error }); ok {
		return wasiErr(s.Sync())
	}
	return common.EINVAL
}

func (f *writerFile) Datasync(ctx context.Context) error { return f.Sync(ctx) }

func (f *writerFile) pollFd() int { return f.fd }

// nullFile is NewNullFile's file.
type nullFile struct{ streamFile }

func (*nullFile) Filetype() common.Filetype { return common.FiletypeCharacterDevice }

func (*nullFile) Rights() (base, inheriting common.Rights) {
	return streamReadRights | streamWriteRights, 0
}

func (*nullFile) Filestat(context.Context) (common.Filestat, error) {
	return common.Filestat{Filetype: common.FiletypeCharacterDevice, Nlink: 1}, nil
}

func (*nullFile) Read(context.Context, [][]byte) (int, error) { return 0, nil }

func (*nullFile) Write(_ context.Context, iovs [][]byte) (int, error) { return iovsLen(iovs), nil }

func (*nullFile) Sync(context.Context) error { return nil }

func (*nullFile) Datasync(context.Context) error { return nil }

func (*nullFile) pollFd() int { return -1 }

// connFd returns the descriptor of v when v exposes one through
// syscall.Conn (an *os.File, a net.Conn), or -1.
func connFd(v any) int {
	c, ok := v.(syscall.Conn)
	if !ok {
		return -1
	}
	rc, err := c.SyscallConn()
	if err != nil {
		return -1
	}
	fd := -1
	if rc.Control(func(sysfd uintptr) { fd = int(sysfd) }) != nil {
		return -1
	}
	return fd
}

// onCancel arranges for interrupt to run once ctx is done, to end a blocked
// call early. The returned stop function disarms it and reports whether
// interrupt ran; when it did, stop returns only after interrupt has
// finished, so that the caller can undo what interrupt did.
func onCancel(ctx context.Context, interrupt func()) (stop func() (interrupted bool)) {
	done := make(chan struct{})
	stopFunc := context.AfterFunc(ctx, func() {
		interrupt()
		close(done)
	})
	return func() bool {
		if stopFunc() {
			return false
		}
		<-done
		return true
	}
}
