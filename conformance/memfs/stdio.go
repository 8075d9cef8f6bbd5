package memfs

import (
	"bytes"
	"context"
	"io"
	"sync"

	"github.com/capwasi/capwasi/common"
)

// Input is a read-only stream over a byte slice, for a guest's stdin.
type Input struct {
	common.UnimplementedFile
	mu    sync.Mutex
	r     *bytes.Reader
	flags common.Fdflags
}

// NewInput returns a stream that reads b and then end of file.
func NewInput(b []byte) *Input { return &Input{r: bytes.NewReader(b)} }

// Filetype returns FiletypeUnknown: a pipe-like stream.
func (in *Input) Filetype() common.Filetype { return common.FiletypeUnknown }

// Read reads the next bytes; 0 at the end.
func (in *Input) Read(_ context.Context, iovs [][]byte) (int, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	n := 0
	for _, iov := range iovs {
		m, _ := in.r.Read(iov)
		n += m
		if m < len(iov) {
			break
		}
	}
	return n, nil
}

// Filestat reports an unknown-type file of size 0.
func (in *Input) Filestat(context.Context) (common.Filestat, error) {
	return common.Filestat{Filetype: common.FiletypeUnknown, Nlink: 1}, nil
}

// Fdflags returns the flags set with SetFdflags.
func (in *Input) Fdflags(context.Context) (common.Fdflags, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.flags, nil
}

// SetFdflags accepts NONBLOCK (reads never block), records it for Fdflags,
// and refuses the rest.
func (in *Input) SetFdflags(_ context.Context, flags common.Fdflags) error {
	if flags&^common.FdflagsNonblock != 0 {
		return common.ENOTSUP
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	in.flags = flags
	return nil
}

// remaining returns the unread byte count, for the scheduler's nbytes.
func (in *Input) remaining() common.Filesize {
	in.mu.Lock()
	defer in.mu.Unlock()
	return common.Filesize(in.r.Len())
}

// Output is a write-only stream to an io.Writer, for stdout and stderr.
type Output struct {
	common.UnimplementedFile
	mu    sync.Mutex
	w     io.Writer
	flags common.Fdflags
}

// NewOutput returns a stream writing to w; a nil w discards.
func NewOutput(w io.Writer) *Output {
	if w == nil {
		w = io.Discard
	}
	return &Output{w: w}
}

// Filetype returns FiletypeUnknown: a pipe-like stream.
func (o *Output) Filetype() common.Filetype { return common.FiletypeUnknown }

// Write writes every iovec in order.
func (o *Output) Write(_ context.Context, iovs [][]byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, iov := range iovs {
		m, err := o.w.Write(iov)
		n += m
		if err != nil {
			return n, common.EIO
		}
	}
	return n, nil
}

// Filestat reports an unknown-type file of size 0.
func (o *Output) Filestat(context.Context) (common.Filestat, error) {
	return common.Filestat{Filetype: common.FiletypeUnknown, Nlink: 1}, nil
}

// Fdflags returns the flags set with SetFdflags.
func (o *Output) Fdflags(context.Context) (common.Fdflags, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.flags, nil
}

// SetFdflags accepts NONBLOCK and APPEND (writes never block and always
// append), records them for Fdflags, and refuses the rest.
func (o *Output) SetFdflags(_ context.Context, flags common.Fdflags) error {
	if flags&^(common.FdflagsNonblock|common.FdflagsAppend) != 0 {
		return common.ENOTSUP
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.flags = flags
	return nil
}
