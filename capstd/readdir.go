package capstd

import (
	"errors"
	"io"
)

// DirReader lists a directory, from [Dir.OpenDirReader]. It has its own
// descriptor, so its position is independent of every other listing.
//
// Entries come as the system returns them, "." and ".." included, each
// with its inode number and type; the type costs no stat(2) except on file
// systems that do not report it (DT_UNKNOWN). Every entry carries a cookie,
// Next, that resumes the listing right after it; cookie 0 is the start.
// A cookie counts entries: the Next of the k-th entry since the start is k,
// so every cookie is below 2^31 (a listing that would go past that fails
// with EOVERFLOW) and fits the 32-bit long of a C library's telldir. The
// host's own positions (Linux's d_off, 64-bit hashes on ext4) are never
// handed out. On Linux the DirReader keeps a checkpoint, the directory
// offset of the first entry, for every buffer of records it reads (16
// bytes per 8 KiB of records), so Seek to any cookie is one lseek(2), at
// most a few getdents64(2) calls to count from the checkpoint before it,
// and nothing when the cookie is in the buffer; elsewhere Seek re-reads the
// directory from the start up to the cookie. While the directory is
// unchanged, a cookie resumes with the same entries every time. When
// entries are created or removed after the listing started, a cookie still
// resumes at the same count from its checkpoint, so an entry near the
// change may be skipped or listed twice; Seek(0) starts a new listing,
// which sees the directory as it is now.
//
// Iterating does not allocate: Next returns a pointer to an entry inside
// the DirReader whose Name is a view of an internal buffer, both valid only
// until the next call of Next, Seek or Close. A DirReader is not safe for
// concurrent use.
type DirReader struct {
	h    handle
	name string // the Dir's path, for errors
	pos  uint64 // cookie of the next entry
	dirBuf
}

// DirEntry is one entry of a directory listing.
type DirEntry struct {
	// Name is the entry's name: a view into the DirReader's buffer, valid
	// until its next Next, Seek or Close call. Copy it to keep it.
	Name []byte
	// Ino is the inode number (d_ino).
	Ino uint64
	// Type is the entry's type; TypeUnknown only if the file system does
	// not report it and the entry vanished before it could be looked up.
	Type FileType
	// Next is the cookie that resumes the listing after this entry.
	Next uint64
}

// maxCookie is the largest cookie a DirReader hands out: cookies stay
// below 2^31, so that a C library on a 32-bit target can keep one in a
// long (wasi-libc's telldir does).
const maxCookie = 1<<31 - 1

// newDirReader returns a DirReader owning fd.
func newDirReader(fd int, name string) *DirReader {
	r := &DirReader{name: name}
	r.h.init(fd)
	return r
}

// acquire registers a call using r's descriptor; it reports false if r is
// closed or nil.
func (r *DirReader) acquire() bool { return r != nil && r.h.acquire() }

// label is the path of r's Dir, for errors.
func (r *DirReader) label() string {
	if r == nil {
		return ""
	}
	return r.name
}

// Next returns the next entry, or nil and io.EOF at the end of the
// directory. Other errors are *PathError; past the 2^31-1st entry, one
// wrapping EOVERFLOW.
func (r *DirReader) Next() (*DirEntry, error) {
	if !r.acquire() {
		return nil, closedErr("readdir", r.label())
	}
	e, err := r.next()
	r.h.release()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		return nil, pathErr("readdir", r.label(), err)
	}
	return e, nil
}

// Seek makes the listing continue at cookie: 0 (the start, a rewind) or a
// Next value the DirReader returned before. Seeking to the current position
// ([DirReader.Cookie]) costs nothing. A cookie past the end of the listing
// makes it end; a cookie that was never returned gives an unspecified
// position, never a crash.
func (r *DirReader) Seek(cookie uint64) error {
	if !r.acquire() {
		return closedErr("seekdir", r.label())
	}
	err := r.seek(cookie)
	r.h.release()
	return pathErr("seekdir", r.label(), err)
}

// Cookie returns the current position: the Next of the entry returned last,
// or the cookie given to Seek, or 0.
func (r *DirReader) Cookie() uint64 {
	if r == nil {
		return 0
	}
	return r.pos
}

// Close releases the DirReader's descriptor. A second Close returns an
// error wrapping fs.ErrClosed.
func (r *DirReader) Close() error {
	if r == nil {
		return closedErr("close", "")
	}
	return pathErr("close", r.name, r.h.close())
}
