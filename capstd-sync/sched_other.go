//go:build !linux && !darwin && !freebsd

package capstdsync

import (
	"context"
	"time"
)

// sysPollFds is unused: this system has no poll(2) support here.
type sysPollFds = struct{}

// pollFds reports every descriptor ready at once (nbytes unknown); with
// no descriptors it sleeps for timeout (forever when negative) on a timer,
// or until ctx is done.
func pollFds(ctx context.Context, ps *pollState, timeout time.Duration) error {
	if len(ps.fds) > 0 {
		for i := range ps.fds {
			ps.fds[i].ready = true
		}
		return nil
	}
	if timeout < 0 {
		<-ctx.Done()
		return ctx.Err()
	}
	ps.timer.Reset(timeout)
	select {
	case <-ps.timer.C:
		return nil
	case <-ctx.Done():
		ps.timer.Stop()
		return ctx.Err()
	}
}

// waker does nothing on this system: only clocks wait, on a timer that
// watches the context itself.
type waker struct{}

func newWaker() (waker, error) { return waker{}, nil }
func (waker) close() error     { return nil }
