//go:build darwin || freebsd

package capstd

import (
	"encoding/binary"
	"io"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Listing on darwin and freebsd: the records of unix.ReadDirent (on darwin
// an emulation over readdir(3)). Their offsets are not portable cookies, so
// a cookie counts the entries returned since the start, and Seek rewinds
// and skips.

// Offsets in unix.Dirent; direntIno is per system.
const (
	direntReclen = unsafe.Offsetof(unix.Dirent{}.Reclen)
	direntNamlen = unsafe.Offsetof(unix.Dirent{}.Namlen)
	direntType   = unsafe.Offsetof(unix.Dirent{}.Type)
	direntName   = unsafe.Offsetof(unix.Dirent{}.Name)
)

// readDirent reads records into buf, restarting on EINTR.
func readDirent(fd int, buf []byte) (int, error) {
	return retryEINTR(func() (int, error) { return unix.ReadDirent(fd, buf) })
}

func (r *DirReader) next() (*DirEntry, error) {
	for {
		if r.off >= r.end {
			if err := r.fill(r.h.fd, readDirent); err != nil {
				return nil, err
			}
		}
		rec := r.buf[r.off:r.end]
		if len(rec) <= int(direntName) {
			return nil, syscall.EIO
		}
		reclen := int(binary.NativeEndian.Uint16(rec[direntReclen:]))
		namlen := int(binary.NativeEndian.Uint16(rec[direntNamlen:]))
		if reclen <= int(direntName) || reclen > len(rec) || int(direntName)+namlen > reclen {
			return nil, syscall.EIO
		}
		r.off += reclen
		rec = rec[:reclen]
		ino := binary.NativeEndian.Uint64(rec[direntIno:])
		if ino == 0 || namlen == 0 { // deleted or empty: skipped, uncounted
			continue
		}
		if r.pos >= maxCookie {
			r.off -= reclen // stay before it: the error comes again
			return nil, syscall.EOVERFLOW
		}
		name := rec[direntName : int(direntName)+namlen]
		t := typeOfDirent(rec[direntType])
		if rec[direntType] == unix.DT_UNKNOWN {
			t = r.typeOf(name)
		}
		r.pos++
		r.ent = DirEntry{Name: name, Ino: ino, Type: t, Next: r.pos}
		return &r.ent, nil
	}
}

// typeOf looks up the type of the entry name with fstatat, for file systems
// that report DT_UNKNOWN; a vanished entry is TypeUnknown.
func (r *DirReader) typeOf(name []byte) FileType {
	var s unix.Stat_t
	if unix.Fstatat(r.h.fd, string(name), &s, unix.AT_SYMLINK_NOFOLLOW) != nil {
		return TypeUnknown
	}
	return typeOfMode(uint32(s.Mode))
}

func (r *DirReader) seek(cookie uint64) error {
	if cookie == r.pos {
		return nil
	}
	if _, err := unix.Seek(r.h.fd, 0, io.SeekStart); err != nil {
		return err
	}
	r.off, r.end, r.pos = 0, 0, 0
	for r.pos < cookie {
		if _, err := r.next(); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
	return nil
}
