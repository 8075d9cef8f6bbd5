//go:build linux || darwin || freebsd

package capstd

import "io"

// direntBufSize is the size of a DirReader's buffer.
const direntBufSize = 8192

// dirBuf holds the records a DirReader has read from the system.
type dirBuf struct {
	buf   []byte   // records from the system, allocated on first use
	off   int      // next unread record in buf
	end   int      // end of the records in buf
	start uint64   // the cookie of buf's first record (Linux)
	ent   DirEntry // the entry Next returned last
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
