//go:build !linux && !darwin && !freebsd

package capstdsync

import (
	"context"
	"time"
)

// sysPollFds is unused: this system has no poll(2) support here.
type sysPollFds = struct{}

// pollFds reports every descriptor ready at once (nbytes unknown).
func pollFds(_ context.Context, ps *pollState, _ time.Duration) error {
	for i := range ps.fds {
		ps.fds[i].ready = true
	}
	return nil
}

// waker does nothing on this system: only clocks wait, on a timer that
// watches the context itself.
type waker struct{}

func newWaker() (waker, error) { return waker{}, nil }
func (waker) close() error     { return nil }
