package memfs

import (
	"context"

	"github.com/capwasi/capwasi/common"
)

// maxFileSize bounds a memfs file, so that a guest cannot make the host
// allocate without limit: 1 GiB. Growing past it fails with EFBIG.
const maxFileSize = 1 << 30

// File is an open regular file of an [FS]. It implements [common.WasiFile].
type File struct {
	common.UnimplementedFile
	fs          *FS
	n           *node
	offset      int64
	read, write bool
	readOnly    bool
	flags       common.Fdflags
}

// Filetype returns FiletypeRegularFile.
func (f *File) Filetype() common.Filetype { return common.FiletypeRegularFile }

// Rights leaves out what the open mode forbids.
func (f *File) Rights() (base, inheriting common.Rights) {
	r := common.RightsAll
	if !f.read {
		r &^= common.RightsReadMask
	}
	if !f.write {
		r &^= common.RightsWriteMask
	}
	if f.readOnly {
		r &^= common.RightsWriteMask | common.RightsFdFilestatSetTimes
	}
	return r, 0
}

// Fdflags returns the flags given at open or set since.
func (f *File) Fdflags(context.Context) (common.Fdflags, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	return f.flags, nil
}

// SetFdflags replaces the flags; every flag is honoured or meaningless in
// memory.
func (f *File) SetFdflags(_ context.Context, flags common.Fdflags) error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	f.flags = flags
	return nil
}

// Filestat returns the file's attributes.
func (f *File) Filestat(context.Context) (common.Filestat, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	return f.n.stat(), nil
}

// SetSize truncates or zero-extends the file: in a read-only tree EPERM,
// then EBADF if not opened for writing (common's check order).
func (f *File) SetSize(_ context.Context, size common.Filesize) error {
	if f.readOnly {
		return common.EPERM
	}
	if !f.write {
		return common.EBADF
	}
	if size > maxFileSize {
		return common.EFBIG
	}
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	f.n.data = resize(f.n.data, int(size))
	f.n.mtim = f.fs.stamp()
	f.n.ctim = f.n.mtim
	return nil
}

// SetTimes sets the file's times.
func (f *File) SetTimes(_ context.Context, atim, mtim common.Timestamp, fst common.Fstflags) error {
	if f.readOnly {
		return common.EPERM
	}
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	f.fs.setTimes(f.n, atim, mtim, fst)
	return nil
}

// Advise accepts and ignores the hint.
func (f *File) Advise(context.Context, common.Filesize, common.Filesize, common.Advice) error {
	return nil
}

// Allocate extends the file with zeros to cover the range, with the checks
// of SetSize.
func (f *File) Allocate(_ context.Context, offset, length common.Filesize) error {
	if f.readOnly {
		return common.EPERM
	}
	if !f.write {
		return common.EBADF
	}
	end := offset + length
	if end < offset || end > maxFileSize {
		return common.EFBIG
	}
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if int(end) > len(f.n.data) {
		f.n.data = resize(f.n.data, int(end))
	}
	return nil
}

// Sync does nothing: memory is the storage.
func (f *File) Sync(context.Context) error { return nil }

// Datasync does nothing.
func (f *File) Datasync(context.Context) error { return nil }

// Read reads from the current offset.
func (f *File) Read(_ context.Context, iovs [][]byte) (int, error) {
	if !f.read {
		return 0, common.EBADF
	}
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	n := readAt(f.n.data, iovs, f.offset)
	f.offset += int64(n)
	f.n.atim = f.fs.stamp()
	return n, nil
}

// Pread reads from offset.
func (f *File) Pread(_ context.Context, iovs [][]byte, offset common.Filesize) (int, error) {
	if !f.read {
		return 0, common.EBADF
	}
	if offset > maxFileSize {
		return 0, nil
	}
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	return readAt(f.n.data, iovs, int64(offset)), nil
}

// Write writes at the current offset, or at the end with FDFLAGS_APPEND.
func (f *File) Write(_ context.Context, iovs [][]byte) (int, error) {
	if !f.write {
		return 0, common.EBADF
	}
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.flags&common.FdflagsAppend != 0 {
		f.offset = int64(len(f.n.data))
	}
	n, err := f.writeAt(iovs, f.offset)
	f.offset += int64(n)
	return n, err
}

// Pwrite writes at offset without moving the current offset. With
// FDFLAGS_APPEND the data goes to the end, as on Linux.
func (f *File) Pwrite(_ context.Context, iovs [][]byte, offset common.Filesize) (int, error) {
	if !f.write {
		return 0, common.EBADF
	}
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.flags&common.FdflagsAppend != 0 {
		offset = common.Filesize(len(f.n.data))
	}
	if offset > maxFileSize {
		return 0, common.EFBIG
	}
	return f.writeAt(iovs, int64(offset))
}

// writeAt writes iovs at off, growing the file. The caller holds fs.mu.
func (f *File) writeAt(iovs [][]byte, off int64) (int, error) {
	total := 0
	for _, iov := range iovs {
		total += len(iov)
	}
	end := off + int64(total)
	if end > maxFileSize {
		return 0, common.EFBIG
	}
	if int(end) > len(f.n.data) {
		f.n.data = resize(f.n.data, int(end))
	}
	for _, iov := range iovs {
		off += int64(copy(f.n.data[off:], iov))
	}
	f.n.mtim = f.fs.stamp()
	f.n.ctim = f.n.mtim
	return total, nil
}

// Seek moves the current offset.
func (f *File) Seek(_ context.Context, offset common.Filedelta, whence common.Whence) (common.Filesize, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	var base int64
	switch whence {
	case common.WhenceCur:
		base = f.offset
	case common.WhenceEnd:
		base = int64(len(f.n.data))
	}
	pos := base + int64(offset)
	if pos < 0 || (offset > 0 && pos < base) {
		return 0, common.EINVAL
	}
	f.offset = pos
	return common.Filesize(pos), nil
}

// remaining returns the bytes between the current offset and the end, for
// the scheduler's nbytes.
func (f *File) remaining() common.Filesize {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if left := int64(len(f.n.data)) - f.offset; left > 0 {
		return common.Filesize(left)
	}
	return 0
}

// readAt copies data[off:] into iovs and returns the bytes copied.
func readAt(data []byte, iovs [][]byte, off int64) int {
	n := 0
	for _, iov := range iovs {
		if off >= int64(len(data)) {
			break
		}
		m := copy(iov, data[off:])
		off += int64(m)
		n += m
	}
	return n
}

// resize returns b with length size, zero-filling growth.
func resize(b []byte, size int) []byte {
	if size <= len(b) {
		return b[:size]
	}
	if size <= cap(b) {
		old := len(b)
		b = b[:size]
		clear(b[old:])
		return b
	}
	nb := make([]byte, size, size+size/4)
	copy(nb, b)
	return nb
}
