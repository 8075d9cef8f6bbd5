//go:build linux

package capstd

import (
	"bytes"
	"encoding/binary"
	"io"
	"slices"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Listing on Linux: getdents64(2) records, each carrying d_off, the
// directory offset of the following record, which lseek(2) accepts. The
// cookies handed out count entries instead (see [DirReader]); the marks
// map a count back to an offset: one per buffer read, in the order of
// their counts. Seek goes to the last mark at or before the cookie and
// counts records from there, without looking at their types.

// Offsets in struct linux_dirent64.
const (
	direntIno    = 0  // u64 d_ino
	direntOff    = 8  // s64 d_off
	direntReclen = 16 // u16 d_reclen
	direntType   = 18 // u8 d_type
	direntName   = 19 // NUL-terminated d_name
)

// getdents reads records into buf, restarting on EINTR.
func getdents(fd int, buf []byte) (int, error) {
	return retryEINTR(func() (int, error) { return unix.Getdents(fd, buf) })
}

func (r *DirReader) next() (*DirEntry, error) {
	rec, err := r.advance()
	if err != nil {
		return nil, err
	}
	name := recName(rec)
	t := typeOfDirent(rec[direntType])
	if rec[direntType] == unix.DT_UNKNOWN {
		t = r.typeOf(name)
	}
	r.ent = DirEntry{Name: name, Ino: binary.NativeEndian.Uint64(rec[direntIno:]), Type: t, Next: r.pos}
	return &r.ent, nil
}

// advance moves past the next entry, reading a buffer when the current one
// is used up, and returns its record. Records that are not entries (a zero
// inode, which some file systems report for deleted entries, or an empty
// name) are passed over uncounted.
func (r *DirReader) advance() ([]byte, error) {
	for {
		if r.off >= r.end {
			if err := r.fillMarked(); err != nil {
				return nil, err
			}
		}
		rec, err := record(r.buf[r.off:r.end])
		if err != nil {
			return nil, err
		}
		r.off += len(rec)
		r.doff = int64(binary.NativeEndian.Uint64(rec[direntOff:]))
		if !isEntry(rec) {
			continue
		}
		if r.pos >= maxCookie {
			r.off -= len(rec) // stay before it: the error comes again
			return nil, syscall.EOVERFLOW
		}
		r.pos++
		return rec, nil
	}
}

// fillMarked reads the next buffer of records, from the directory offset
// doff, and records a mark for its first entry unless one exists for that
// count: listings after a Seek read the same buffers as before while the
// directory is unchanged, and the first listing's marks are kept.
func (r *DirReader) fillMarked() error {
	start, dstart := r.pos, r.doff
	if err := r.fill(r.h.fd, getdents); err != nil {
		return err
	}
	r.start, r.dstart = start, dstart
	if n := len(r.marks); n == 0 || r.marks[n-1].idx < start {
		r.marks = append(r.marks, mark{idx: start, off: dstart})
	}
	return nil
}

// record returns the record at the start of b, checking its length.
func record(b []byte) ([]byte, error) {
	if len(b) <= direntName {
		return nil, syscall.EIO
	}
	reclen := int(binary.NativeEndian.Uint16(b[direntReclen:]))
	if reclen <= direntName || reclen > len(b) {
		return nil, syscall.EIO
	}
	return b[:reclen], nil
}

// recName is the name of the record rec, without its NUL padding.
func recName(rec []byte) []byte {
	name := rec[direntName:]
	if i := bytes.IndexByte(name, 0); i >= 0 {
		name = name[:i]
	}
	return name
}

// isEntry reports whether the record rec (checked by record, so longer
// than direntName) is an entry of the listing: a non-zero inode and a
// non-empty name, which is a first name byte that is not NUL.
func isEntry(rec []byte) bool {
	return binary.NativeEndian.Uint64(rec[direntIno:]) != 0 && rec[direntName] != 0
}

// typeOf looks up the type of the entry name with fstatat, for file systems
// that report DT_UNKNOWN; a vanished entry is TypeUnknown.
func (r *DirReader) typeOf(name []byte) FileType {
	var s unix.Stat_t
	if sysFstatat(r.h.fd, unsafe.String(&name[0], len(name)), &s, unix.AT_SYMLINK_NOFOLLOW) != nil {
		return TypeUnknown
	}
	return typeOfMode(s.Mode)
}

func (r *DirReader) seek(cookie uint64) error {
	switch {
	case cookie == r.pos:
		return nil
	case cookie == 0: // a new listing: it sees the directory as it is now
		r.marks = r.marks[:0]
		return r.seekTo(mark{})
	case r.rewind(cookie):
		return nil
	}
	// The last mark at or before cookie; there is always one, (0, 0),
	// unless the directory was never read.
	i, found := slices.BinarySearchFunc(r.marks, cookie, func(m mark, c uint64) int {
		switch {
		case m.idx < c:
			return -1
		case m.idx > c:
			return 1
		}
		return 0
	})
	m := mark{}
	if found {
		m = r.marks[i]
	} else if i > 0 {
		m = r.marks[i-1]
	}
	if cookie > r.pos && m.idx <= r.pos {
		return r.skip(cookie) // counting on from here needs no lseek
	}
	if err := r.seekTo(m); err != nil {
		return err
	}
	return r.skip(cookie)
}

// seekTo moves the directory's offset to the mark m and empties the buffer.
func (r *DirReader) seekTo(m mark) error {
	if _, err := unix.Seek(r.h.fd, m.off, unix.SEEK_SET); err != nil {
		return err
	}
	r.off, r.end, r.pos, r.doff = 0, 0, m.idx, m.off
	return nil
}

// skip moves forward past entries until the next one has cookie (or the
// listing ends), without looking up types.
func (r *DirReader) skip(cookie uint64) error {
	for r.pos < cookie {
		if _, err := r.advance(); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
	return nil
}

// rewind moves to the entry after the one with cookie if that entry is in
// the buffer, and reports whether it was: a guest whose buffer filled up
// resumes from the last entry it read whole, which is usually among the
// last records read, and finds it there without an lseek and a getdents.
// The records are counted from the buffer's first; the directory's offset
// stays at the buffer's end, where the next fill goes on.
func (r *DirReader) rewind(cookie uint64) bool {
	if r.end == 0 || cookie < r.start {
		return false
	}
	pos, off, doff := r.start, 0, r.dstart
	for {
		if pos == cookie {
			r.off, r.pos, r.doff = off, pos, doff
			return true
		}
		rec, err := record(r.buf[off:r.end])
		if err != nil {
			return false
		}
		off += len(rec)
		doff = int64(binary.NativeEndian.Uint64(rec[direntOff:]))
		if isEntry(rec) {
			pos++
		}
	}
}
