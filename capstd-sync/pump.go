package capstdsync

import (
	"context"
	"io"
	"sync"
	"time"

	"github.com/capwasi/capwasi/common"
)

// The pumped streams: files over an io.Reader or io.Writer that may block
// and that the scheduler cannot poll by descriptor (an io.Pipe, a
// net.Pipe, a reader fed by another goroutine). Each has a goroutine that
// makes the calls of r or w, so that the file itself never blocks a
// guest that asked not to be blocked, and reports its readiness to the
// scheduler through [common.Pollable].

// pumpBufferSize is the most bytes a pumped stream holds: what one read of
// r returns, or what one write hands to w.
const pumpBufferSize = 32 << 10

// writeGrace is how long a non-blocking write of a pumped writer waits for
// w.Write to return before it returns itself, the bytes handed over: long
// enough for any writer that is not stuck, so that output reaches w in the
// order the guest wrote it, across files too.
const writeGrace = 10 * time.Millisecond

// readiness is the channel the waiters of a pumped stream wait on: made
// when someone waits, closed and forgotten when the stream's state changes.
// Its methods need the stream's lock.
type readiness struct{ ch chan struct{} }

func (r *readiness) wait() <-chan struct{} {
	if r.ch == nil {
		r.ch = make(chan struct{})
	}
	return r.ch
}

// await waits, the stream's lock mu released meanwhile, until the state
// changes or done is closed, and reports whether the state changed. It is
// called, and returns, with mu held.
func (r *readiness) await(mu *sync.Mutex, done <-chan struct{}) bool {
	wait := r.wait()
	mu.Unlock()
	defer mu.Lock()
	select {
	case <-wait:
		return true
	case <-done:
		return false
	}
}

func (r *readiness) changed() {
	if r.ch != nil {
		close(r.ch)
		r.ch = nil
	}
}

// deadliner is a reader whose blocked Read can be ended early.
type deadliner interface{ SetReadDeadline(time.Time) error }

// pumpReader is NewReaderFile's file over a reader that may block and has
// no descriptor. Its goroutine reads from r only when the guest wants data
// (a read or a poll) and none is buffered, so that nothing is read ahead of
// a guest that does not read.
type pumpReader struct {
	streamFile
	r    io.Reader
	kick chan struct{} // asks the goroutine for one read of r

	mu          sync.Mutex
	buf         []byte // r's bytes the guest has not read: buf[off:end]
	off, end    int
	err         error // r's error after those bytes (io.EOF: end of input)
	reading     bool  // the goroutine is in r.Read, into buf
	started     bool  // the goroutine runs
	closed      bool
	interrupted bool // Close set a read deadline to end the read in flight
	ready       readiness
}

func newPumpReader(r io.Reader) *pumpReader {
	return &pumpReader{r: r, kick: make(chan struct{}, 1)}
}

func (f *pumpReader) Rights() (base, inheriting common.Rights) { return streamReadRights, 0 }

// demand starts a read of r unless one is in flight or there is something
// to report. It needs f.mu.
func (f *pumpReader) demand() {
	if f.reading || f.off < f.end || f.err != nil || f.closed {
		return
	}
	if f.buf == nil {
		f.buf = make([]byte, pumpBufferSize)
	}
	f.reading = true
	if !f.started {
		f.started = true
		go f.pump()
	}
	f.kick <- struct{}{}
}

// pump is the goroutine: one read of r per kick, until Close closes kick
// (a kick that Close overtook reads nothing). While f.reading, f.buf is the
// goroutine's own.
func (f *pumpReader) pump() {
	for range f.kick {
		f.mu.Lock()
		closed := f.closed
		f.mu.Unlock()
		n, err := 0, error(nil)
		if !closed {
			n, err = readSome(f.r, f.buf)
		}
		f.mu.Lock()
		f.off, f.end, f.err, f.reading = 0, n, err, false
		if f.interrupted {
			f.interrupted = false
			_ = f.r.(deadliner).SetReadDeadline(time.Time{})
		}
		f.ready.changed()
		f.mu.Unlock()
	}
}

func (f *pumpReader) Read(ctx context.Context, iovs [][]byte) (int, error) {
	if iovsLen(iovs) == 0 {
		return 0, nil
	}
	f.mu.Lock()
	for {
		switch {
		case f.closed:
			f.mu.Unlock()
			return 0, common.EBADF
		case f.off < f.end:
			n := 0
			for _, iov := range iovs {
				m := copy(iov, f.buf[f.off:f.end])
				f.off += m
				n += m
				if f.off == f.end {
					break
				}
			}
			f.mu.Unlock()
			return n, nil
		case f.err != nil:
			err := f.err
			f.err = nil
			f.mu.Unlock()
			if err == io.EOF {
				return 0, nil
			}
			return 0, wasiErr(err)
		}
		f.demand()
		if f.flags&common.FdflagsNonblock != 0 {
			f.mu.Unlock()
			return 0, common.EAGAIN
		}
		if !f.ready.await(&f.mu, ctx.Done()) {
			f.mu.Unlock()
			return 0, ctx.Err()
		}
	}
}

// PollReady implements [common.Pollable]: a read is ready when bytes, an
// error or end of input (FD_READWRITE_HANGUP) wait to be read; otherwise
// it starts a read of r. A write is ready at once (it fails with EBADF).
func (f *pumpReader) PollReady(write bool) (common.Filesize, common.Eventrwflags, <-chan struct{}) {
	if write {
		return 0, 0, nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.off < f.end:
		return common.Filesize(f.end - f.off), 0, nil
	case f.err == io.EOF:
		return 0, common.EventrwflagsFdReadwriteHangup, nil
	case f.err != nil, f.closed:
		return 0, 0, nil
	}
	f.demand()
	return 0, 0, f.ready.wait()
}

// Close ends the goroutine. A read of r in flight is interrupted when r
// has SetReadDeadline, and Close waits (up to a second) for it to return
// and for the deadline to be cleared again, so that r is the embedder's
// as before; otherwise the goroutine ends when that read returns. r itself
// is not closed.
func (f *pumpReader) Close() error {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil
	}
	f.closed = true
	if f.started {
		close(f.kick)
	}
	f.ready.changed()
	d, ok := f.r.(deadliner)
	if !f.reading || !ok {
		f.mu.Unlock()
		return nil
	}
	f.interrupted = true
	_ = d.SetReadDeadline(pastDeadline)
	returned := f.ready.wait()
	f.mu.Unlock()
	select {
	case <-returned:
	case <-time.After(time.Second):
	}
	return nil
}

// pumpWriter is NewWriterFile's file over a writer that may block and has
// no descriptor. A write copies its bytes for the goroutine, which makes
// one w.Write of them, and waits for that call to return: always in
// blocking mode, for at most writeGrace in non-blocking mode. While a
// w.Write the guest no longer waits for is in flight, the file is not
// ready for writing.
type pumpWriter struct {
	streamFile
	w     io.Writer
	kick  chan struct{} // hands buf to the goroutine
	done  chan struct{} // the goroutine's word to a write that waits for it
	timer *time.Timer   // a non-blocking write's grace, made at its first use

	mu       sync.Mutex
	buf      []byte // the bytes of the w.Write in flight
	busy     bool   // a w.Write is in flight; buf is the goroutine's
	waiting  bool   // a write waits on done for the w.Write to return
	written  int    // what the last w.Write wrote
	err      error  // w's error not yet reported
	started  bool
	closed   bool
	lastDone <-chan struct{} // the Done channel of the last write's context
	ready    readiness
}

func newPumpWriter(w io.Writer) *pumpWriter {
	return &pumpWriter{w: w, kick: make(chan struct{}, 1), done: make(chan struct{}, 1)}
}

func (f *pumpWriter) Rights() (base, inheriting common.Rights) { return streamWriteRights, 0 }

// pump is the goroutine: one w.Write of buf per kick, until Close closes
// kick.
func (f *pumpWriter) pump() {
	for range f.kick {
		n, err := f.w.Write(f.buf)
		if err == nil && n < len(f.buf) {
			err = io.ErrShortWrite
		}
		f.mu.Lock()
		f.written, f.busy = n, false
		if err != nil {
			f.err = err
		}
		if f.waiting {
			f.done <- struct{}{}
		}
		f.ready.changed()
		f.mu.Unlock()
	}
}

func (f *pumpWriter) Write(ctx context.Context, iovs [][]byte) (int, error) {
	nonblock := f.flags&common.FdflagsNonblock != 0
	f.mu.Lock()
	for f.busy && !f.closed {
		if nonblock {
			f.mu.Unlock()
			return 0, common.EAGAIN
		}
		if !f.ready.await(&f.mu, ctx.Done()) {
			f.mu.Unlock()
			return 0, ctx.Err()
		}
	}
	if f.closed {
		f.mu.Unlock()
		return 0, common.EBADF
	}
	if err := f.err; err != nil {
		f.err = nil
		f.mu.Unlock()
		return 0, wasiErr(err)
	}
	f.buf = f.buf[:0]
	for _, iov := range iovs {
		m := min(len(iov), pumpBufferSize-len(f.buf))
		f.buf = append(f.buf, iov[:m]...)
	}
	n := len(f.buf)
	if n == 0 {
		f.mu.Unlock()
		return 0, nil
	}
	f.busy, f.waiting, f.lastDone = true, true, ctx.Done()
	if !f.started {
		f.started = true
		go f.pump()
	}
	f.kick <- struct{}{}
	f.mu.Unlock()

	var grace <-chan time.Time
	if nonblock {
		if f.timer == nil {
			f.timer = time.NewTimer(writeGrace)
		} else {
			f.timer.Reset(writeGrace)
		}
		grace = f.timer.C
	}
	returned := false
	select {
	case <-f.done:
		returned = true
	case <-grace:
	case <-ctx.Done():
	}
	if grace != nil {
		f.timer.Stop()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.waiting = false
	select { // the goroutine may have finished since
	case <-f.done:
		returned = true
	default:
	}
	if !returned {
		return n, nil // handed over: w.Write's error, if any, comes with the next write
	}
	if f.written == 0 && f.err != nil {
		err := f.err
		f.err = nil
		return 0, wasiErr(err)
	}
	return f.written, nil // an error after some bytes comes with the next write
}

// PollReady implements [common.Pollable]: a write is ready unless a
// w.Write is in flight, with room for pumpBufferSize bytes. A read is
// ready at once (it fails with EBADF).
func (f *pumpWriter) PollReady(write bool) (common.Filesize, common.Eventrwflags, <-chan struct{}) {
	if !write {
		return 0, 0, nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.busy && !f.closed {
		return 0, 0, f.ready.wait()
	}
	return pumpBufferSize, 0, nil
}

// flushed waits until no w.Write is in flight, or done is closed, and
// reports whether it got there.
func (f *pumpWriter) flushed(done <-chan struct{}) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for f.busy {
		if !f.ready.await(&f.mu, done) {
			return false
		}
	}
	return true
}

func (f *pumpWriter) Sync(ctx context.Context) error {
	s, ok := f.w.(interface{ Sync() error })
	if !ok {
		return common.EINVAL
	}
	if !f.flushed(ctx.Done()) {
		return ctx.Err()
	}
	return wasiErr(s.Sync())
}

func (f *pumpWriter) Datasync(ctx context.Context) error { return f.Sync(ctx) }

// Close waits for a w.Write in flight to return, so that all the guest
// wrote has reached w when the guest's instance is closed, unless the
// context of the last write has ended: then the goroutine ends when that
// w.Write returns. w itself is not closed.
func (f *pumpWriter) Close() error {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil
	}
	f.closed = true
	f.mu.Unlock()
	f.flushed(f.lastDone)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.started {
		close(f.kick)
	}
	f.ready.changed()
	return nil
}
