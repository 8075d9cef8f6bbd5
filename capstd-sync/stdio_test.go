package capstdsync

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReaderFile(t *testing.T) {
	f := NewReaderFile(strings.NewReader("hello, world"))
	assert.Equal(t, common.FiletypeUnknown, f.Filetype())
	base, inh := f.Rights()
	assert.True(t, base.Has(common.RightsFdRead|common.RightsPollFdReadwrite))
	assert.False(t, base.Has(common.RightsFdWrite))
	assert.False(t, base.Has(common.RightsFdSeek))
	assert.Zero(t, inh)

	a, b := make([]byte, 5), make([]byte, 4)
	n, err := f.Read(bg, [][]byte{a, nil, b})
	require.NoError(t, err)
	assert.Equal(t, 9, n, "fills the next iovec while the reader has data")
	assert.Equal(t, "hello", string(a))
	assert.Equal(t, ", wo", string(b))
	n, err = f.Read(bg, [][]byte{make([]byte, 10)})
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	n, err = f.Read(bg, [][]byte{make([]byte, 10)})
	require.NoError(t, err)
	assert.Zero(t, n, "end of file is 0, no error")

	st, err := f.Filestat(bg)
	require.NoError(t, err)
	assert.Equal(t, common.FiletypeUnknown, st.Filetype)

	require.NoError(t, f.SetFdflags(bg, common.FdflagsNonblock))
	fl, err := f.Fdflags(bg)
	require.NoError(t, err)
	assert.Equal(t, common.FdflagsNonblock, fl)
	errnoIs(t, common.ENOTSUP, f.SetFdflags(bg, common.FdflagsSync))

	_, err = f.Write(bg, [][]byte{[]byte("x")})
	errnoIs(t, common.EBADF, err)
	_, err = f.Seek(bg, 0, common.WhenceCur)
	errnoIs(t, common.ESPIPE, err)
	_, err = f.Pread(bg, [][]byte{a}, 0)
	errnoIs(t, common.ESPIPE, err)
	errnoIs(t, common.EINVAL, f.SetSize(bg, 0))
	errnoIs(t, common.EINVAL, f.Sync(bg))
	_, _, err = f.SockRecv(bg, [][]byte{a}, 0)
	errnoIs(t, common.ENOTSOCK, err)
	errnoIs(t, common.ENOTSOCK, f.SockShutdown(bg, common.SdflagsWr))
	require.NoError(t, f.Close())
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestReaderFileErrors(t *testing.T) {
	_, err := NewReaderFile(errReader{errors.New("boom")}).Read(bg, [][]byte{make([]byte, 1)})
	errnoIs(t, common.EIO, err)
	_, err = NewReaderFile(errReader{common.ECONNRESET}).Read(bg, [][]byte{make([]byte, 1)})
	errnoIs(t, common.ECONNRESET, err)
	_, err = NewReaderFile(errReader{nil}).Read(bg, [][]byte{make([]byte, 1)})
	errnoIs(t, common.EIO, err, "a reader that never makes progress")
	n, err := NewReaderFile(errReader{nil}).Read(bg, [][]byte{nil})
	require.NoError(t, err)
	assert.Zero(t, n, "empty iovecs read nothing without calling the reader")
}

func TestReaderFileOverPipe(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	f := NewReaderFile(r)
	require.GreaterOrEqual(t, f.(pollTarget).pollFd(), 0, "a pipe is polled by its descriptor")

	// Non-blocking and nothing there: EAGAIN.
	require.NoError(t, f.SetFdflags(bg, common.FdflagsNonblock))
	_, err = f.Read(bg, [][]byte{make([]byte, 4)})
	errnoIs(t, common.EAGAIN, err)
	_, err = w.Write([]byte("ab"))
	require.NoError(t, err)
	buf := make([]byte, 4)
	n, err := f.Read(bg, [][]byte{buf})
	require.NoError(t, err)
	assert.Equal(t, "ab", string(buf[:n]))

	// Blocking, cancelled: the read ends with the context's error in time.
	require.NoError(t, f.SetFdflags(bg, 0))
	assertCancelsWithin100ms(t, func(ctx context.Context) error {
		_, err := f.Read(ctx, [][]byte{buf})
		return err
	})

	// The deadline was cleared: a later read works.
	go func() { time.Sleep(20 * time.Millisecond); _, _ = w.Write([]byte("z")) }()
	n, err = f.Read(cancelAfter(t, 5*time.Second), [][]byte{buf})
	require.NoError(t, err)
	assert.Equal(t, "z", string(buf[:n]))
}

type shortWriter struct{ n int }

func (w *shortWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		n := w.n
		w.n = 0
		return n, io.ErrShortWrite
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriterFile(t *testing.T) {
	var out bytes.Buffer
	f := NewWriterFile(&out)
	base, _ := f.Rights()
	assert.True(t, base.Has(common.RightsFdWrite))
	assert.False(t, base.Has(common.RightsFdRead))
	n, err := f.Write(bg, [][]byte{[]byte("ab"), nil, []byte("cd")})
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	assert.Equal(t, "abcd", out.String())
	_, err = f.Read(bg, [][]byte{make([]byte, 1)})
	errnoIs(t, common.EBADF, err)
	errnoIs(t, common.EINVAL, f.Sync(bg), "a buffer has nothing to sync")
	errnoIs(t, common.EINVAL, f.Datasync(bg))
	require.NoError(t, f.SetFdflags(bg, common.FdflagsAppend|common.FdflagsNonblock))
	errnoIs(t, common.ENOTSUP, f.SetFdflags(bg, common.FdflagsDsync))
	assert.Equal(t, -1, f.(pollTarget).pollFd())

	// A failure after some bytes: the bytes are reported, the error next.
	f = NewWriterFile(&shortWriter{n: 3})
	n, err = f.Write(bg, [][]byte{[]byte("ab"), []byte("cd")})
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	_, err = f.Write(bg, [][]byte{[]byte("x")})
	errnoIs(t, common.EIO, err)

	// An *os.File can sync.
	tmp, err := os.CreateTemp(t.TempDir(), "w")
	require.NoError(t, err)
	defer tmp.Close()
	f = NewWriterFile(tmp)
	_, err = f.Write(bg, [][]byte{[]byte("data")})
	require.NoError(t, err)
	require.NoError(t, f.Sync(bg))
	require.NoError(t, f.Close())
	_, err = tmp.Write([]byte("!"))
	require.NoError(t, err, "Close leaves the writer open")
}

func TestNullFile(t *testing.T) {
	f := NewNullFile()
	assert.Equal(t, common.FiletypeCharacterDevice, f.Filetype())
	n, err := f.Read(bg, [][]byte{make([]byte, 8)})
	require.NoError(t, err)
	assert.Zero(t, n)
	n, err = f.Write(bg, [][]byte{make([]byte, 8), make([]byte, 3)})
	require.NoError(t, err)
	assert.Equal(t, 11, n)
	st, err := f.Filestat(bg)
	require.NoError(t, err)
	assert.Equal(t, common.FiletypeCharacterDevice, st.Filetype)
	require.NoError(t, f.SetFdflags(bg, common.FdflagsNonblock))
	fl, _ := f.Fdflags(bg)
	assert.Equal(t, common.FdflagsNonblock, fl)
	errnoIs(t, common.ENOTSUP, f.SetFdflags(bg, common.FdflagsRsync))
	require.NoError(t, f.Sync(bg))
	require.NoError(t, f.Datasync(bg))
	errnoIs(t, common.EINVAL, f.SetSize(bg, 1))
	_, err = f.Seek(bg, 0, common.WhenceSet)
	errnoIs(t, common.ESPIPE, err)
	require.NoError(t, f.Close())
}
