//go:build linux

package capstd

import (
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// kernelResolver reports whether openat2 is in use.
func kernelResolver() bool { return useOpenat2() }

func TestJudgeOpenat2(t *testing.T) {
	saved := openat2State.Load()
	defer openat2State.Store(saved)
	for errno, want := range map[unix.Errno]openat2Verdict{
		unix.EXDEV:   verdictEscape,
		unix.EAGAIN:  verdictRetry,
		unix.ELOOP:   verdictWalk,
		unix.ENOENT:  verdictDone,
		unix.EACCES:  verdictDone,
		unix.ENOTDIR: verdictDone,
	} {
		require.Equal(t, want, judgeOpenat2(errno), errno.Error())
	}
	// ENOSYS switches the whole process to the walk, once.
	openat2State.Store(openat2Usable)
	require.Equal(t, verdictWalk, judgeOpenat2(unix.ENOSYS))
	require.False(t, useOpenat2())
}

// TestOpenat2Missing checks that a process without openat2 resolves with
// the walk: the same answers, escapes included.
func TestOpenat2Missing(t *testing.T) {
	saved := openat2State.Load()
	defer openat2State.Store(saved)
	s := newSandbox(t)
	s.file("a/f", "x")
	s.link("../outside/secret", "out")
	openat2State.Store(openat2Missing)
	require.Equal(t, "x", readAll(t, s.d, "a/f"))
	_, err := s.d.OpenFile("out", ORead, 0)
	require.ErrorIs(t, err, ErrEscape)
	// The probe runs again from the unknown state.
	openat2State.Store(openat2Unknown)
	useOpenat2()
	require.NotEqual(t, openat2Unknown, openat2State.Load())
}
