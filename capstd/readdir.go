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
// Cookies are opaque: on Linux they are the file system's d_off values
// (seekable directory offsets); elsewhere they count entries from the start
// and Seek re-reads the directory up to them.
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
// directory. Other errors are *PathError.
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
// ([DirReader.Cookie]) costs nothing. A cookie that was never returned
// gives an unspecified position or EINVAL, never a crash.
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
