//go:build linux

package hardening

import (
	"encoding/binary"
	"errors"
	"fmt"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// watcher reports every access to files outside the sandbox with inotify:
// opens, reads, writes, attribute changes, creations, deletions, renames.
// A sandbox that never reaches outside produces no event at all, so it sees
// more than a before-and-after comparison of the tree can (a read leaves
// no trace there).
type watcher struct {
	fd     int
	paths  map[int32]string // watch descriptor → path
	ignore map[string]bool  // "path/name" of the entries whose events do not count
}

// everything is the inotify mask of every event.
const everything = syscall.IN_ALL_EVENTS

// quiet is the mask of the events that only a change makes (no open, no
// read), for directories whose contents the sandbox opens legitimately.
const quiet = syscall.IN_ATTRIB | syscall.IN_CREATE | syscall.IN_DELETE | syscall.IN_DELETE_SELF |
	syscall.IN_MODIFY | syscall.IN_MOVE_SELF | syscall.IN_MOVED_FROM | syscall.IN_MOVED_TO

// watch starts watching paths, each with its mask. Events a watched
// directory reports about its entries named in ignore (as the directory's
// path, a slash and the name) do not count.
func watch(t testing.TB, paths map[string]uint32, ignore ...string) *watcher {
	t.Helper()
	fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC | syscall.IN_NONBLOCK)
	require.NoError(t, err)
	w := &watcher{fd: fd, paths: map[int32]string{}, ignore: map[string]bool{}}
	for _, p := range ignore {
		w.ignore[p] = true
	}
	for p, mask := range paths {
		wd, err := syscall.InotifyAddWatch(fd, p, mask|syscall.IN_DONT_FOLLOW)
		if err != nil {
			_ = syscall.Close(fd)
			require.NoError(t, err, "watching %s", p)
		}
		w.paths[int32(wd)] = p
	}
	return w
}

// stop ends the watch and returns the events seen, described.
func (w *watcher) stop(t testing.TB) []string {
	t.Helper()
	defer syscall.Close(w.fd)
	var events []string
	buf := make([]byte, 64<<10)
	for {
		n, err := syscall.Read(w.fd, buf)
		if errors.Is(err, syscall.EAGAIN) {
			return events
		}
		require.NoError(t, err)
		b := buf[:n]
		for len(b) >= syscall.SizeofInotifyEvent {
			wd := int32(binary.NativeEndian.Uint32(b[0:]))
			mask := binary.NativeEndian.Uint32(b[4:])
			nameLen := binary.NativeEndian.Uint32(b[12:])
			name := string(trimNUL(b[syscall.SizeofInotifyEvent : syscall.SizeofInotifyEvent+int(nameLen)]))
			b = b[syscall.SizeofInotifyEvent+int(nameLen):]
			if mask&syscall.IN_IGNORED != 0 || (name != "" && w.ignore[w.paths[wd]+"/"+name]) {
				continue
			}
			events = append(events, fmt.Sprintf("%s %q: %s", w.paths[wd], name, maskNames(mask)))
		}
	}
}

func trimNUL(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}

// maskNames names the bits of an inotify event mask.
func maskNames(m uint32) string {
	names := []struct {
		bit  uint32
		name string
	}{
		{syscall.IN_ACCESS, "ACCESS"}, {syscall.IN_MODIFY, "MODIFY"}, {syscall.IN_ATTRIB, "ATTRIB"},
		{syscall.IN_CLOSE_WRITE, "CLOSE_WRITE"}, {syscall.IN_CLOSE_NOWRITE, "CLOSE_NOWRITE"},
		{syscall.IN_OPEN, "OPEN"}, {syscall.IN_MOVED_FROM, "MOVED_FROM"}, {syscall.IN_MOVED_TO, "MOVED_TO"},
		{syscall.IN_CREATE, "CREATE"}, {syscall.IN_DELETE, "DELETE"}, {syscall.IN_DELETE_SELF, "DELETE_SELF"},
		{syscall.IN_MOVE_SELF, "MOVE_SELF"}, {syscall.IN_Q_OVERFLOW, "Q_OVERFLOW"}, {syscall.IN_ISDIR, "ISDIR"},
	}
	s := ""
	for _, n := range names {
		if m&n.bit != 0 {
			if s != "" {
				s += "|"
			}
			s += n.name
		}
	}
	return s
}
