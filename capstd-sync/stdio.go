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
// strings.Reader or one end of a pipe.
//
// Reads call r.Read once per iovec while the previous iovec was filled and r
// still has data (r implementing Len() int, as bytes.Buffer and
// strings.Reader do, says how much); io.EOF is end of file (0 bytes, no
// error). A read blocks as r.Read blocks. When r has a read deadline
// (SetReadDeadline, as *os.File and net.Conn do), a cancelled context ends a
// blocked read with the context's error; otherwise the read cannot be
// interrupted. FDFLAGS_NONBLOCK may be set and is reported back: if r also
// has a descriptor (syscall.Conn), a read with nothing to read answers
// EAGAIN; for other readers it has no effect.
//
// The file's type is FiletypeUnknown (a pipe), it cannot seek, and Close does
// not close r: the embedder who made r owns it. The scheduler polls r's
// descriptor when it has one (syscall.Conn); otherwise the file is always
// ready, with Len() bytes when r has that method.
func NewReaderFile(r io.Reader) common.WasiFile {
	return &readerFile{r: r, fd: connFd(r)}
}

// NewWriterFile returns a write-only stream file that writes to w, for
// example a guest's standard output collected in a bytes.Buffer.
//
// Writes call w.Write once per non-empty iovec and stop at the first error;
// the bytes written before it are reported as success and the error comes
// with the next write. Sync and Datasync call w.Sync when w has that method
// (as *os.File does), and are EINVAL otherwise. FDFLAGS_NONBLOCK and
// FDFLAGS_APPEND may be set and are reported back; they change nothing.
//
// The file's type is FiletypeUnknown (a pipe), it cannot seek, and Close does
// not close w. It is always ready for the scheduler unless w has a
// descriptor (syscall.Conn), which is then polled.
func NewWriterFile(w io.Writer) common.WasiFile {
	return &writerFile{w: w, fd: connFd(w)}
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
	if d, ok := f.r.(interface{ SetReadDeadline(time.Time) error }); ok && ctx.Done() != nil {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		stop := onCancel(ctx, func() { _ = d.SetReadDeadline(time.Unix(1, 0)) })
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
