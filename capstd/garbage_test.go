//go:build linux || darwin || freebsd

package capstd

import (
	"io/fs"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNilReceivers: methods of nil values fail like closed ones instead of
// panicking.
func TestNilReceivers(t *testing.T) {
	var d *Dir
	_, err := d.OpenFile("x", ORead, 0)
	require.ErrorIs(t, err, fs.ErrClosed)
	_, err = d.Stat("x", true)
	require.ErrorIs(t, err, fs.ErrClosed)
	_, err = d.Fstat()
	require.ErrorIs(t, err, fs.ErrClosed)
	require.ErrorIs(t, d.Rename("a", nil, "b"), fs.ErrClosed)
	require.ErrorIs(t, d.Close(), fs.ErrClosed)
	require.Equal(t, ^uintptr(0), d.Fd())
	_, err = d.Clone()
	require.ErrorIs(t, err, fs.ErrClosed)
	_, err = d.OpenDirReader()
	require.ErrorIs(t, err, fs.ErrClosed)

	var f *File
	_, err = f.Read(nil)
	require.ErrorIs(t, err, fs.ErrClosed)
	_, err = f.Preadv(nil, 0)
	require.ErrorIs(t, err, fs.ErrClosed)
	_, err = f.Flags()
	require.ErrorIs(t, err, fs.ErrClosed)
	require.ErrorIs(t, f.SetFlags(OAppend), fs.ErrClosed)
	require.ErrorIs(t, f.Close(), fs.ErrClosed)
	_, err = f.SyscallConn()
	require.ErrorIs(t, err, fs.ErrClosed)
	require.Equal(t, "", f.Name())
	require.Equal(t, ^uintptr(0), f.Fd())
	_, err = NewDirFromFile(f)
	require.ErrorIs(t, err, fs.ErrClosed)

	var r *DirReader
	_, err = r.Next()
	require.ErrorIs(t, err, fs.ErrClosed)
	require.ErrorIs(t, r.Seek(0), fs.ErrClosed)
	require.ErrorIs(t, r.Close(), fs.ErrClosed)
	require.Equal(t, uint64(0), r.Cookie())
}

// TestGarbageArguments: out-of-range arguments are errors, not crashes.
func TestGarbageArguments(t *testing.T) {
	s := newSandbox(t)
	f := createFile(t, s, "g", OReadWrite)
	_, err := f.Seek(0, 42)
	require.ErrorIs(t, err, syscall.EINVAL)
	_, err = f.Pwritev([][]byte{[]byte("x")}, -5)
	require.ErrorIs(t, err, syscall.EINVAL)
	require.Error(t, f.Allocate(-1, 10))
	require.Error(t, f.Allocate(0, -10))
	require.ErrorIs(t, f.Truncate(-1), syscall.EINVAL)

	r, err := s.d.OpenDirReader()
	require.NoError(t, err)
	defer r.Close()
	for _, cookie := range []uint64{1 << 63, ^uint64(0), 12345} {
		if err := r.Seek(cookie); err == nil {
			for range 10 {
				if _, err := r.Next(); err != nil {
					break
				}
			}
		}
	}
	require.NoError(t, r.Seek(0))
	_, err = r.Next()
	require.NoError(t, err)

	_, err = s.d.OpenFile("x", ORead|OpenFlag(1<<31), 0)
	require.ErrorIs(t, err, syscall.EINVAL)
	require.NoError(t, s.d.Mkdir("m", fs.ModeDir|fs.ModeSymlink|0o755), "only permission bits are used")
}
