//go:build linux

package capstd

import (
	"bytes"
	"encoding/binary"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Listing on Linux: getdents64(2) records, whose d_off is the directory
// offset of the following entry — a cookie lseek(2) accepts.

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
	for {
		if r.off >= r.end {
			start := r.pos
			if err := r.fill(r.h.fd, getdents); err != nil {
				return nil, err
			}
			r.start = start
		}
		rec := r.buf[r.off:r.end]
		if len(rec) <= direntName {
			return nil, syscall.EIO
		}
		reclen := int(binary.NativeEndian.Uint16(rec[direntReclen:]))
		if reclen <= direntName || reclen > len(rec) {
			return nil, syscall.EIO
		}
		r.off += reclen
		rec = rec[:reclen]
		r.pos = binary.NativeEndian.Uint64(rec[direntOff:])
		ino := binary.NativeEndian.Uint64(rec[direntIno:])
		if ino == 0 { // a deleted entry some file systems report
			continue
		}
		name := rec[direntName:]
		if i := bytes.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		if len(name) == 0 {
			continue
		}
		t := typeOfDirent(rec[direntType])
		if rec[direntType] == unix.DT_UNKNOWN {
			t = r.typeOf(name)
		}
		r.ent = DirEntry{Name: name, Ino: ino, Type: t, Next: r.pos}
		return &r.ent, nil
	}
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
	if cookie == r.pos || cookie != 0 && r.rewind(cookie) {
		return nil
	}
	if _, err := unix.Seek(r.h.fd, int64(cookie), unix.SEEK_SET); err != nil {
		return err
	}
	r.off, r.end, r.pos = 0, 0, cookie
	return nil
}

// rewind moves back (or forward) to the entry at cookie if it is still in
// the buffer, and reports whether it was: a guest whose buffer filled up
// resumes from the last entry it read whole, which is usually among the
// last records read, and finds it there without an lseek and a getdents.
// The records' cookies are walked from the buffer's first; the kernel's
// offset stays at the buffer's end, where the next fill goes on. Cookie 0
// is not rewound to: it starts the listing again, which must see the
// directory as it is now.
func (r *DirReader) rewind(cookie uint64) bool {
	pos, off := r.start, 0
	for {
		if pos == cookie {
			r.off, r.pos = off, cookie
			return true
		}
		if off >= r.end || r.end-off <= direntName {
			return false
		}
		reclen := int(binary.NativeEndian.Uint16(r.buf[off+direntReclen:]))
		if reclen <= direntName || reclen > r.end-off {
			return false
		}
		pos = binary.NativeEndian.Uint64(r.buf[off+direntOff:])
		off += reclen
	}
}
