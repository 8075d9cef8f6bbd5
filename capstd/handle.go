package capstd

import (
	"io/fs"
	"sync/atomic"
)

// handle owns one descriptor shared by goroutines. It counts the calls
// using the descriptor so that Close never releases the descriptor number
// while a call still uses it: the number could otherwise be reused by an
// unrelated open and a late call would act on the wrong file — for a Dir,
// outside its tree.
type handle struct {
	fd    int
	state atomic.Uint64 // closedBit | stolenBit | number of calls in flight
	done  atomic.Bool   // set by the one that closes the descriptor
}

const (
	closedBit = 1 << 63 // Close (or release) was called
	stolenBit = 1 << 62 // the descriptor now belongs to someone else
)

// init prepares h to own fd.
func (h *handle) init(fd int) { h.fd = fd }

// acquire registers a call using h.fd. It returns false once h is closed.
func (h *handle) acquire() bool {
	if h.state.Add(1)&closedBit != 0 {
		h.release()
		return false
	}
	return true
}

// release ends a call registered by acquire; the last one out after Close
// closes the descriptor.
func (h *handle) release() {
	if h.state.Add(^uint64(0)) == closedBit {
		h.destroy()
	}
}

// destroy closes the descriptor exactly once.
func (h *handle) destroy() error {
	if !h.done.CompareAndSwap(false, true) {
		return nil
	}
	return closeFd(h.fd)
}

// close marks h closed. The descriptor is closed now if no call is in
// flight, else by the last call to finish. A second close returns
// fs.ErrClosed.
func (h *handle) close() error {
	for {
		old := h.state.Load()
		if old&closedBit != 0 {
			return fs.ErrClosed
		}
		if h.state.CompareAndSwap(old, old|closedBit) {
			if old == 0 {
				return h.destroy()
			}
			return nil
		}
	}
}

// steal marks h closed and hands its descriptor to the caller without
// closing it. Calls in flight finish on the still-open descriptor.
func (h *handle) steal() (int, bool) {
	for {
		old := h.state.Load()
		if old&closedBit != 0 {
			return -1, false
		}
		if h.state.CompareAndSwap(old, old|closedBit|stolenBit) {
			return h.fd, true
		}
	}
}

// isClosed reports whether close or steal was called.
func (h *handle) isClosed() bool { return h.state.Load()&closedBit != 0 }
