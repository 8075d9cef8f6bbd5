package capstdsync

import (
	"io/fs"
	"sync/atomic"

	"github.com/capwasi/capwasi/common"
)

// SharedDir is one host directory that any number of contexts pre-open at
// once ([WasiCtxBuilder.PreopenSharedDir]) through one host descriptor: a
// plugin host whose thousand guests all get the same assets directory
// holds one descriptor for it, not a thousand.
//
// Each context's pre-opened directory is its own (its permissions,
// descriptor flags and directory listing are per context); what they share
// is the capability, so that every guest sees exactly the tree beneath it,
// as with [WasiCtxBuilder.PreopenDir]. The descriptor is reference-counted:
// the embedder holds one reference until [SharedDir.Close], and each built
// context holds one per pre-open until its directory is closed (by the
// binding, when the instance is released). The descriptor is closed when
// the last reference goes, whichever that is.
//
// A SharedDir is safe for concurrent use: contexts may be built, and
// instances released, from any goroutine.
type SharedDir struct {
	d *Dir
	// state is sharedClosed once Close was called, plus the references
	// the built contexts hold.
	state atomic.Uint64
}

// sharedClosed marks, in SharedDir.state, that the embedder's reference
// was released.
const sharedClosed = 1 << 63

// NewSharedDir returns a SharedDir over d, which it takes ownership of (d is
// closed with the last reference; the caller must not close or use it
// otherwise). A nil or closed d is EBADF.
func NewSharedDir(d *Dir) (*SharedDir, error) {
	if d == nil || d.Fd() == ^uintptr(0) {
		return nil, common.EBADF
	}
	return &SharedDir{d: d}, nil
}

// OpenSharedDir opens the host directory at path ([OpenAmbientDir], with
// opts) as a SharedDir. Errors are OpenAmbientDir's.
func OpenSharedDir(path string, opts ...DirOption) (*SharedDir, error) {
	d, err := OpenAmbientDir(path, opts...)
	if err != nil {
		return nil, err
	}
	return &SharedDir{d: d}, nil
}

// Close releases the embedder's reference: no context can pre-open s any
// more, and the descriptor is closed now if no built context holds it, or
// else when the last one's directory closes. A second Close returns an
// error wrapping fs.ErrClosed.
func (s *SharedDir) Close() error {
	for {
		old := s.state.Load()
		if old&sharedClosed != 0 {
			return &fs.PathError{Op: "close", Path: "shared directory", Err: fs.ErrClosed}
		}
		if s.state.CompareAndSwap(old, old|sharedClosed) {
			if old == 0 {
				return s.d.Close()
			}
			return nil
		}
	}
}

// acquire takes a reference for a context being built; false once Close
// was called.
func (s *SharedDir) acquire() bool {
	for {
		old := s.state.Load()
		if old&sharedClosed != 0 {
			return false
		}
		if s.state.CompareAndSwap(old, old+1) {
			return true
		}
	}
}

// release gives back a reference acquire took, closing the descriptor
// when it was the last one and Close was called.
func (s *SharedDir) release() error {
	if s.state.Add(^uint64(0)) == sharedClosed {
		return s.d.Close()
	}
	return nil
}

// isClosed reports whether Close was called.
func (s *SharedDir) isClosed() bool { return s.state.Load()&sharedClosed != 0 }
