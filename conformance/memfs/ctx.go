package memfs

import (
	"context"
	"crypto/rand"
	"io"
	"runtime"
	"time"

	"github.com/capwasi/capwasi/common"
)

// Config describes a guest instance over memfs directories.
type Config struct {
	Args     []string         // argv, program name first
	Env      []string         // "KEY=VALUE" entries
	Stdin    []byte           // what stdin reads
	Stdout   io.Writer        // where stdout goes; nil discards
	Stderr   io.Writer        // where stderr goes; nil discards
	Preopens []common.Preopen // directories, typically from FS.Root
	Clocks   common.Clocks    // nil: the real clocks
	Random   io.Reader        // nil: crypto/rand
}

// Ctx is a [common.WasiCtx] over memfs.
type Ctx struct {
	cfg    Config
	stdin  common.WasiFile
	stdout common.WasiFile
	stderr common.WasiFile
}

// NewCtx returns a context for one guest instance.
func NewCtx(cfg Config) *Ctx {
	if cfg.Clocks == nil {
		cfg.Clocks = NewClocks()
	}
	if cfg.Random == nil {
		cfg.Random = rand.Reader
	}
	return &Ctx{
		cfg:    cfg,
		stdin:  NewInput(cfg.Stdin),
		stdout: NewOutput(cfg.Stdout),
		stderr: NewOutput(cfg.Stderr),
	}
}

// Args returns cfg.Args.
func (c *Ctx) Args() []string { return c.cfg.Args }

// Environ returns cfg.Env.
func (c *Ctx) Environ() []string { return c.cfg.Env }

// Stdin returns the stdin stream.
func (c *Ctx) Stdin() common.WasiFile { return c.stdin }

// Stdout returns the stdout stream.
func (c *Ctx) Stdout() common.WasiFile { return c.stdout }

// Stderr returns the stderr stream.
func (c *Ctx) Stderr() common.WasiFile { return c.stderr }

// Preopens returns cfg.Preopens.
func (c *Ctx) Preopens() []common.Preopen { return c.cfg.Preopens }

// Sockets returns none: memfs has no sockets.
func (c *Ctx) Sockets() []common.WasiFile { return nil }

// Clocks returns the clocks.
func (c *Ctx) Clocks() common.Clocks { return c.cfg.Clocks }

// Random returns the random source.
func (c *Ctx) Random() io.Reader { return c.cfg.Random }

// Sched returns a scheduler over the context's clocks.
func (c *Ctx) Sched() common.Sched { return sched{clocks: c.cfg.Clocks} }

// Close does nothing: memfs holds no host resources.
func (c *Ctx) Close() error { return nil }

// Clocks are the real realtime and monotonic clocks; the CPU-time clocks are
// not supported (EINVAL).
type Clocks struct{ start time.Time }

// NewClocks returns clocks whose monotonic origin is now.
func NewClocks() Clocks { return Clocks{start: time.Now()} }

// Resolution returns 1 ns for realtime and monotonic.
func (c Clocks) Resolution(id common.Clockid) (common.Timestamp, error) {
	if id > common.ClockidMonotonic {
		return 0, common.EINVAL
	}
	return 1, nil
}

// Now reads the clock.
func (c Clocks) Now(id common.Clockid) (common.Timestamp, error) {
	switch id {
	case common.ClockidRealtime:
		return common.Timestamp(time.Now().UnixNano()), nil
	case common.ClockidMonotonic:
		return common.Timestamp(time.Since(c.start)), nil
	}
	return 0, common.EINVAL
}

// sched serves poll_oneoff: memfs streams are always ready, so only clocks
// ever make it wait.
type sched struct{ clocks common.Clocks }

// remainder is implemented by memfs files that know how much is left to read.
type remainder interface{ remaining() common.Filesize }

func (s sched) Poll(ctx context.Context, subs []common.Subscription, events []common.Event) (int, error) {
	start := time.Now()
	n := 0
	var earliest time.Time
	due := make([]time.Time, len(subs)) // zero for non-clock subscriptions
	for i, sub := range subs {
		ev := common.Event{Userdata: sub.Userdata, Type: sub.Type}
		switch {
		case sub.Err != common.ESUCCESS:
			ev.Error = sub.Err
		case sub.Type == common.EventtypeClock:
			d, err := s.untilDeadline(sub.Clock)
			if err != nil {
				ev.Error = common.ErrnoOf(err)
				break
			}
			if d > 0 {
				due[i] = start.Add(d)
				if earliest.IsZero() || due[i].Before(earliest) {
					earliest = due[i]
				}
				continue
			}
		case sub.Type == common.EventtypeFdRead:
			if r, ok := sub.File.(remainder); ok {
				ev.Nbytes = r.remaining()
			}
		}
		events[n] = ev
		n++
	}
	if n > 0 || earliest.IsZero() {
		return n, nil
	}
	t := time.NewTimer(time.Until(earliest))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-t.C:
	}
	now := time.Now()
	for i, sub := range subs {
		if !due[i].IsZero() && !due[i].After(now) {
			events[n] = common.Event{Userdata: sub.Userdata, Type: sub.Type}
			n++
		}
	}
	return n, nil
}

// untilDeadline returns how long from now the clock subscription fires;
// zero or less means it is due.
func (s sched) untilDeadline(c common.SubscriptionClock) (time.Duration, error) {
	now, err := s.clocks.Now(c.ID)
	if err != nil {
		return 0, err
	}
	timeout := c.Timeout
	if c.Flags&common.SubclockflagsSubscriptionClockAbstime != 0 {
		if timeout <= now {
			return 0, nil
		}
		timeout -= now
	}
	return time.Duration(min(timeout, 1<<62)), nil
}

func (s sched) Yield(context.Context) error {
	runtime.Gosched()
	return nil
}
