//go:build linux || darwin || freebsd

package capstd

import "io"

// direntBufSize is the size of a DirReader's buffer.
const direntBufSize = 8192

// dirBuf holds the records a DirReader has read from the system.
type dirBuf struct {
	buf []byte   // records from the system, allocated on first use
	off int      // next unread record in buf
	end int      // end of the records in buf
	ent DirEntry // the entry Next returned last

	// Linux only: where the records in buf and the next record come from.
	start  uint64 // the cookie (entry count) of buf's first record
	dstart int64  // the directory offset buf was read from
	doff   int64  // the directory offset of the record at off
	marks  []mark // checkpoints of the listing since its start, by cookie
}

// mark is a checkpoint: the entry with cookie idx (the idx-th since the
// start) begins at directory offset off.
type mark struct {
	idx uint64
	off int64
}

// fill reads the next records of fd into b.buf with read; it returns io.EOF
// at the end of the directory.
func (b *dirBuf) fill(fd int, read func(fd int, buf []byte) (int, error)) error {
	if b.buf == nil {
		b.buf = make([]byte, direntBufSize)
	}
	n, err := read(fd, b.buf)
	if err != nil {
		return err
	}
	if n <= 0 {
		return io.EOF
	}
	b.off, b.end = 0, n
	return nil
}
