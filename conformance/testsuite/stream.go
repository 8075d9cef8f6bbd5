package testsuite

import (
	"context"
	"sync"
)

// stream collects what a guest writes to stdout or stderr, without limit,
// so that the guest never blocks on it, and lets a test read it in order:
// a given number of bytes, or everything up to the end.
type stream struct {
	mu      sync.Mutex
	buf     []byte
	off     int           // bytes already read
	closed  bool          // the guest has ended
	changed chan struct{} // closed and replaced on every write and on close
}

func newStream() *stream { return &stream{changed: make(chan struct{})} }

// Write appends p; it never fails.
func (s *stream) Write(p []byte) (int, error) {
	s.mu.Lock()
	s.buf = append(s.buf, p...)
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
	return len(p), nil
}

// close marks the end of the stream.
func (s *stream) close() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.changed)
		s.changed = make(chan struct{})
	}
	s.mu.Unlock()
}

// read returns the next n bytes, or everything up to the end when toEnd,
// waiting for the guest to write them. When the stream ends first it returns
// what there is; when ctx ends first, what there is and ctx's error. What it
// returns counts as read either way.
func (s *stream) read(ctx context.Context, n int, toEnd bool) ([]byte, error) {
	for {
		s.mu.Lock()
		avail := len(s.buf) - s.off
		if s.closed || (!toEnd && avail >= n) {
			if !toEnd && n < avail {
				avail = n
			}
			out := s.buf[s.off : s.off+avail]
			s.off += avail
			s.mu.Unlock()
			return out, nil
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			s.mu.Lock()
			out := s.buf[s.off:]
			s.off = len(s.buf)
			s.mu.Unlock()
			return out, ctx.Err()
		}
	}
}

// all returns everything written so far, read or not.
func (s *stream) all() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.buf...)
}
