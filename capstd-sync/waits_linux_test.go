package capstdsync

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// openPty opens a pseudo-terminal and returns its controller and the path
// of the terminal side (/dev/pts/N).
func openPty(t *testing.T) (controller int, terminal string) {
	t.Helper()
	fd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	t.Cleanup(func() { _ = unix.Close(fd) })
	require.NoError(t, unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0))
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	require.NoError(t, err)
	terminal = "/dev/pts/" + strconv.Itoa(int(n))
	if _, err := os.Stat(terminal); err != nil {
		t.Skipf("no devpts: %v", err)
	}
	return fd, terminal
}

// A terminal in a pre-open opens at once, and a blocking read of it ends
// when cancelled.
func TestTerminalReadEndsOnCancel(t *testing.T) {
	ctl, term := openPty(t)
	dir, err := OpenAmbientDir(filepath.Dir(term))
	require.NoError(t, err)
	wd, err := NewWasiDir(dir, ReadWrite)
	require.NoError(t, err)
	t.Cleanup(func() { _ = wd.Close() })
	f, err := openWithin(t, wd, filepath.Base(term), rw)
	require.NoError(t, err)
	assert.Equal(t, common.FiletypeCharacterDevice, f.Filetype())
	buf := make([]byte, 16)
	assertCancelsWithin100ms(t, func(ctx context.Context) error {
		_, err := f.Read(ctx, [][]byte{buf})
		return err
	})
	_, err = unix.Write(ctl, []byte("line\n"))
	require.NoError(t, err)
	n, err := f.Read(cancelAfter(t, 5*time.Second), [][]byte{buf})
	require.NoError(t, err)
	assert.Equal(t, "line\n", string(buf[:n]))
}

// A terminal opened beneath a pre-open never becomes the process's
// controlling terminal, even in a session leader that has none (where
// open(2) without O_NOCTTY makes it one, and the terminal's hang-up and
// interrupt then reach the host). The check runs in a child process made
// a session leader.
func TestTerminalNeverBecomesControlling(t *testing.T) {
	if term := os.Getenv("CAPWASI_TEST_OPEN_TERMINAL"); term != "" {
		dir, err := OpenAmbientDir(filepath.Dir(term))
		require.NoError(t, err)
		wd, err := NewWasiDir(dir, ReadWrite)
		require.NoError(t, err)
		f, err := wd.OpenFile(bg, filepath.Base(term), rw)
		require.NoError(t, err)
		defer f.Close()
		stat, err := os.ReadFile("/proc/self/stat")
		require.NoError(t, err)
		fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		// After the command's name: state ppid pgrp session tty_nr.
		require.Equal(t, "0", fields[4], "tty_nr: no controlling terminal")
		return
	}
	_, term := openPty(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestTerminalNeverBecomesControlling$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CAPWASI_TEST_OPEN_TERMINAL="+term)
	cmd.SysProcAttr = &unix.SysProcAttr{Setsid: true}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "PASS")
}

// takeLease opens path read-only and takes a read lease on it: an open
// for writing by anyone else then waits in open(2) until the lease is
// released or lease-break-time passes, unless it is non-blocking.
func takeLease(t *testing.T, path string) (release func()) {
	t.Helper()
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	require.NoError(t, err)
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETLEASE, unix.F_RDLCK); err != nil {
		_ = unix.Close(fd)
		t.Skipf("no leases: %v", err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			_, _ = unix.FcntlInt(uintptr(fd), unix.F_SETLEASE, unix.F_UNLCK)
			_ = unix.Close(fd)
		})
	}
	t.Cleanup(release)
	return release
}

// An open that breaks a lease waits for it cancellably (a blocking
// open(2) would wait up to lease-break-time, 45 s by default, where no
// context reaches), or answers EAGAIN in non-blocking mode.
func TestLeasedFileOpenWaitsCancellably(t *testing.T) {
	d, root := openTree(t, ReadWrite, func(root string) { writeFile(t, root, "f", "leased") })
	release := takeLease(t, filepath.Join(root, "f"))

	_, err := openWithin(t, d, "f", common.OpenOptions{Write: true, Fdflags: common.FdflagsNonblock})
	errnoIs(t, common.EAGAIN, err, "non-blocking: the lease is being broken")
	assertCancelsWithin100ms(t, func(ctx context.Context) error {
		f, err := d.OpenFile(ctx, "f", common.OpenOptions{Write: true})
		if err == nil {
			_ = f.Close()
		}
		return err
	})

	time.AfterFunc(50*time.Millisecond, release)
	start := time.Now()
	f, err := d.OpenFile(cancelAfter(t, 5*time.Second), "f", common.OpenOptions{Write: true})
	require.NoError(t, err, "opens once the lease is released")
	require.NoError(t, f.Close())
	assert.Less(t, time.Since(start), 2*time.Second)
}
