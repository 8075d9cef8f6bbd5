//go:build linux || darwin || freebsd

package capstd

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func createFile(t *testing.T, s *sandbox, name string, flags OpenFlag) *File {
	t.Helper()
	f, err := s.d.OpenFile(name, flags|OCreate, 0o644)
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

func TestFileVectoredIO(t *testing.T) {
	s := newSandbox(t)
	f := createFile(t, s, "v", OReadWrite)

	n, err := f.Writev([][]byte{[]byte("hello"), nil, []byte(", "), []byte("world")})
	require.NoError(t, err)
	require.Equal(t, 12, n)
	n, err = f.Writev(nil)
	require.NoError(t, err)
	require.Equal(t, 0, n)

	a, b := make([]byte, 5), make([]byte, 20)
	n, err = f.Preadv([][]byte{a, {}, b}, 0)
	require.NoError(t, err)
	require.Equal(t, 12, n)
	require.Equal(t, "hello", string(a))
	require.Equal(t, ", world", string(b[:7]))

	n, err = f.Pwritev([][]byte{[]byte("W")}, 7)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	off, err := f.Seek(0, io.SeekCurrent)
	require.NoError(t, err)
	require.Equal(t, int64(12), off, "pwritev moved the offset")

	_, err = f.Seek(0, io.SeekStart)
	require.NoError(t, err)
	c := make([]byte, 12)
	n, err = f.Readv([][]byte{c[:3], c[3:]})
	require.NoError(t, err)
	require.Equal(t, 12, n)
	require.Equal(t, "hello, World", string(c))
	n, err = f.Readv([][]byte{c})
	require.NoError(t, err)
	require.Equal(t, 0, n, "end of file is 0, nil")
	n, err = f.Preadv([][]byte{c}, 100)
	require.NoError(t, err)
	require.Equal(t, 0, n)

	// More buffers than IOV_MAX make a short transfer, not an error.
	many := make([][]byte, 1500)
	for i := range many {
		many[i] = []byte{'x'}
	}
	n, err = f.Pwritev(many, 0)
	require.NoError(t, err)
	require.Equal(t, maxIovecs, n)
	n, err = f.Preadv(many, 0)
	require.NoError(t, err)
	require.Equal(t, maxIovecs, n)

	_, err = f.Preadv([][]byte{c}, -1)
	require.ErrorIs(t, err, syscall.EINVAL)
}

func TestFileReadWriteSeek(t *testing.T) {
	s := newSandbox(t)
	f := createFile(t, s, "rw", OReadWrite)
	n, err := f.Write([]byte("abcdef"))
	require.NoError(t, err)
	require.Equal(t, 6, n)
	n, err = f.Write(nil)
	require.NoError(t, err)
	require.Equal(t, 0, n)
	pos, err := f.Seek(-2, io.SeekEnd)
	require.NoError(t, err)
	require.Equal(t, int64(4), pos)
	data, err := io.ReadAll(f)
	require.NoError(t, err)
	require.Equal(t, "ef", string(data))
	n, err = f.Read(make([]byte, 4))
	require.Equal(t, 0, n)
	require.ErrorIs(t, err, io.EOF)
	n, err = f.Read(nil)
	require.NoError(t, err)
	require.Equal(t, 0, n)
	_, err = f.Seek(-100, io.SeekStart)
	require.ErrorIs(t, err, syscall.EINVAL)
	require.Equal(t, "rw", f.Name())
}

func TestFileSizeSyncAdvise(t *testing.T) {
	s := newSandbox(t)
	f := createFile(t, s, "sz", OReadWrite)
	require.NoError(t, f.Truncate(100))
	st, err := f.Stat()
	require.NoError(t, err)
	require.Equal(t, int64(100), st.Size)
	require.Equal(t, TypeRegular, st.Type)
	require.NoError(t, f.Truncate(10))
	st, _ = f.Stat()
	require.Equal(t, int64(10), st.Size)
	require.ErrorIs(t, f.Truncate(-1), syscall.EINVAL)

	err = f.Allocate(0, 4096)
	if errors.Is(err, errors.ErrUnsupported) {
		t.Log("allocate unsupported here:", err)
	} else {
		require.NoError(t, err)
		st, _ = f.Stat()
		require.Equal(t, int64(4096), st.Size)
	}

	require.NoError(t, f.Sync())
	require.NoError(t, f.Datasync())
	for a := AdviceNormal; a <= AdviceNoReuse; a++ {
		require.NoError(t, f.Advise(0, 10, a))
	}
	require.ErrorIs(t, f.Advise(0, 10, Advice(99)), syscall.EINVAL)
	require.ErrorIs(t, f.Advise(0, 10, Advice(-1)), syscall.EINVAL)
}

func TestFileSetTimes(t *testing.T) {
	s := newSandbox(t)
	f := createFile(t, s, "t", OWrite)
	at := Timespec{Sec: 1_400_000_000, Nsec: 111_222_333}
	mt := Timespec{Sec: 1_450_000_000, Nsec: 999_999_999}
	require.NoError(t, f.SetTimes(at, mt))
	st, err := f.Stat()
	require.NoError(t, err)
	require.Equal(t, at, st.Atime)
	require.Equal(t, mt, st.Mtime)
	require.NoError(t, f.SetTimes(OmitTime(), NowTime()))
	st, _ = f.Stat()
	require.Equal(t, at, st.Atime)
	require.InDelta(t, float64(time.Now().Unix()), float64(st.Mtime.Sec), 60)
	require.ErrorIs(t, f.SetTimes(Timespec{Nsec: 2e9}, OmitTime()), syscall.EINVAL)
	require.True(t, st.Ctime.Sec > 0)
	require.Equal(t, time.Unix(mt.Sec, mt.Nsec), mt.Time())
	require.Equal(t, mt, TimespecOf(mt.Time()))
}

func TestFileFlags(t *testing.T) {
	s := newSandbox(t)
	for _, flags := range []OpenFlag{ORead, OWrite, OReadWrite, OWrite | OAppend, ORead | ONonblock,
		OWrite | OSync, OWrite | ODsync, ORead | ORsync, OReadWrite | OAppend | ONonblock | OSync | ODsync | ORsync} {
		f, err := s.d.OpenFile("flags", flags|OCreate, 0o644)
		require.NoError(t, err)
		got, err := f.Flags()
		require.NoError(t, err)
		want := flags
		if want&OReadWrite == 0 {
			want |= ORead
		}
		require.Equal(t, want, got, "open flags %#x come back", flags)
		require.NoError(t, f.Close())
	}

	f := createFile(t, s, "flags", OWrite|ODsync)
	require.NoError(t, f.SetFlags(OAppend|ONonblock|ODsync))
	got, err := f.Flags()
	require.NoError(t, err)
	require.Equal(t, OWrite|OAppend|ONonblock|ODsync, got)
	require.NoError(t, f.SetFlags(ODsync))
	got, _ = f.Flags()
	require.Equal(t, OWrite|ODsync, got)

	err = f.SetFlags(OSync)
	require.ErrorIs(t, err, syscall.ENOTSUP)
	require.ErrorIs(t, err, errors.ErrUnsupported)
	require.ErrorIs(t, f.SetFlags(OCreate), syscall.EINVAL)
	require.ErrorIs(t, f.SetFlags(ORead), syscall.EINVAL)
}

func TestFileAppendPwrite(t *testing.T) {
	// LESSONS: pwrite on an O_APPEND file writes all bytes and does not
	// move the offset; the data may land at the end (Linux).
	s := newSandbox(t)
	f := createFile(t, s, "ap", OReadWrite|OAppend)
	_, err := f.Write([]byte("abc"))
	require.NoError(t, err)
	n, err := f.Pwritev([][]byte{[]byte("xyz")}, 0)
	require.NoError(t, err)
	require.Equal(t, 3, n)
	off, err := f.Seek(0, io.SeekCurrent)
	require.NoError(t, err)
	require.Equal(t, int64(3), off)
}

func TestFileClose(t *testing.T) {
	s := newSandbox(t)
	f, err := s.d.OpenFile("c", OCreate|OWrite, 0o644)
	require.NoError(t, err)
	fd := f.Fd()
	require.NotEqual(t, ^uintptr(0), fd)
	require.NoError(t, f.Close())
	require.Equal(t, ^uintptr(0), f.Fd())
	require.ErrorIs(t, f.Close(), fs.ErrClosed)
	_, err = f.Write([]byte("x"))
	require.ErrorIs(t, err, fs.ErrClosed)
	_, err = f.Read(make([]byte, 1))
	require.ErrorIs(t, err, fs.ErrClosed)
	_, err = f.Readv(nil)
	require.ErrorIs(t, err, fs.ErrClosed)
	_, err = f.Pwritev(nil, 0)
	require.ErrorIs(t, err, fs.ErrClosed)
	_, err = f.Stat()
	require.ErrorIs(t, err, fs.ErrClosed)
	_, err = f.SyscallConn()
	require.ErrorIs(t, err, fs.ErrClosed)
	require.ErrorIs(t, f.Sync(), fs.ErrClosed)
	_, err = f.Flags()
	require.ErrorIs(t, err, fs.ErrClosed)
}

// TestFileConcurrentClose races Close against I/O: calls work or fail with
// fs.ErrClosed, never EBADF on a reused descriptor number.
func TestFileConcurrentClose(t *testing.T) {
	s := newSandbox(t)
	for range 20 {
		f, err := s.d.OpenFile("cc", OCreate|OReadWrite, 0o644)
		require.NoError(t, err)
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				buf := [][]byte{make([]byte, 16)}
				for range 100 {
					if _, err := f.Pwritev(buf, 0); err != nil && !errors.Is(err, fs.ErrClosed) {
						t.Errorf("pwritev: %v", err)
						return
					}
				}
			}()
		}
		require.NoError(t, f.Close())
		wg.Wait()
	}
}

func TestFileSyscallConn(t *testing.T) {
	s := newSandbox(t)
	require.NoError(t, syscall.Mkfifo(s.host("fifo"), 0o644))
	r, err := s.d.OpenFile("fifo", ORead|ONonblock, 0)
	require.NoError(t, err)
	defer r.Close()
	w, err := s.d.OpenFile("fifo", OWrite|ONonblock, 0)
	require.NoError(t, err)
	defer w.Close()

	var conn syscall.Conn = r
	rc, err := conn.SyscallConn()
	require.NoError(t, err)
	var seen uintptr
	require.NoError(t, rc.Control(func(fd uintptr) { seen = fd }))
	require.Equal(t, r.Fd(), seen)

	go func() {
		time.Sleep(20 * time.Millisecond)
		w.Write([]byte("ping"))
	}()
	buf := make([]byte, 8)
	var got int
	calls := 0
	err = rc.Read(func(fd uintptr) bool {
		calls++
		n, err := syscall.Read(int(fd), buf)
		if err == syscall.EAGAIN {
			return false
		}
		got = n
		return true
	})
	require.NoError(t, err)
	require.Equal(t, "ping", string(buf[:got]))

	wc, err := w.SyscallConn()
	require.NoError(t, err)
	require.NoError(t, wc.Write(func(fd uintptr) bool {
		_, err := syscall.Write(int(fd), []byte("pong"))
		return err != syscall.EAGAIN
	}))
	n, err := r.Read(buf)
	require.NoError(t, err)
	require.Equal(t, "pong", string(buf[:n]))
}

func TestFileInsideAndOutsideAgree(t *testing.T) {
	// A File opened through the sandbox is the file the host sees there.
	s := newSandbox(t)
	s.file("a/b/f", "x")
	f, err := s.d.OpenFile("a/b/f", ORead, 0)
	require.NoError(t, err)
	defer f.Close()
	st, err := f.Stat()
	require.NoError(t, err)
	require.Equal(t, ino(t, s.host("a/b/f")), [2]uint64{st.Dev, st.Ino})
	hostFi, err := os.Stat(s.host("a/b/f"))
	require.NoError(t, err)
	require.Equal(t, hostFi.Size(), st.Size)
}
