package capstdsync

import (
	"encoding/binary"
	"io"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/capwasi/capwasi/common"
)

// DeterministicEpoch is the time a deterministic context's realtime clock
// starts at ([WasiCtxBuilder.Deterministic]): 2022-01-01T00:00:00Z, where
// wazero's fake clock starts too.
var DeterministicEpoch = time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)

// VirtualMonotonicStart is where the monotonic clock of [VirtualClocks]
// starts: 1 s, not 0, which Go's runtime refuses as a reading.
const VirtualMonotonicStart = common.Timestamp(time.Second)

// VirtualClocks are clocks that move only when told to: the realtime clock
// starts at a given time, the monotonic clock at [VirtualMonotonicStart], and both advance
// together, by [VirtualClocks.Advance] or by a [Sched] made with them,
// which advances them by what a guest waits for instead of waiting (see
// [Sched]). Reading them does not move them. The CPU-time clocks read the
// virtual time elapsed since the start. Every clock's resolution is 1 ns.
// They are safe for concurrent use.
type VirtualClocks struct {
	realtime int64        // the realtime clock's start, ns since the Unix epoch
	elapsed  atomic.Int64 // ns since the start
}

// NewVirtualClocks returns virtual clocks whose realtime clock starts at
// realtime (the Unix epoch when realtime is before it).
func NewVirtualClocks(realtime time.Time) *VirtualClocks {
	return &VirtualClocks{realtime: max(realtime.UnixNano(), 0)}
}

// Now implements [common.Clocks.Now]. An unknown clock id is EINVAL.
func (c *VirtualClocks) Now(id common.Clockid) (common.Timestamp, error) {
	elapsed := common.Timestamp(c.elapsed.Load())
	switch id {
	case common.ClockidRealtime:
		return common.Timestamp(c.realtime) + elapsed, nil
	case common.ClockidMonotonic:
		return VirtualMonotonicStart + elapsed, nil
	case common.ClockidProcessCputimeID, common.ClockidThreadCputimeID:
		return elapsed, nil
	}
	return 0, common.EINVAL
}

// Resolution implements [common.Clocks.Resolution]: 1 ns. An unknown clock
// id is EINVAL.
func (c *VirtualClocks) Resolution(id common.Clockid) (common.Timestamp, error) {
	if id > common.ClockidThreadCputimeID {
		return 0, common.EINVAL
	}
	return 1, nil
}

// Advance moves the clocks forward by d; a negative d is ignored. The
// clocks stop at about 292 years after their start.
func (c *VirtualClocks) Advance(d time.Duration) {
	if d > 0 {
		c.advanceTo(c.elapsed.Load(), int64(d))
	}
}

// advanceTo moves the clocks to from+d ns after the start, unless they are
// there already.
func (c *VirtualClocks) advanceTo(from, d int64) {
	target := int64(math.MaxInt64)
	if d < math.MaxInt64-from {
		target = from + d
	}
	for {
		now := c.elapsed.Load()
		if now >= target || c.elapsed.CompareAndSwap(now, target) {
			return
		}
	}
}

// seededRandom is a deterministic random source: math/rand/v2's ChaCha8,
// its 32-byte seed the 8 bytes of an int64 (little-endian) and zeros.
type seededRandom struct {
	mu sync.Mutex
	r  *rand.ChaCha8
}

func newSeededRandom(seed int64) io.Reader {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], uint64(seed))
	return &seededRandom{r: rand.NewChaCha8(key)}
}

func (s *seededRandom) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.r.Read(p)
}
