package conformance

import (
	"fmt"
	"time"
)

// Cases of clock_res_get and clock_time_get: the four clock ids preview1
// defines (the CPU-time clocks may be unsupported: EINVAL or ENOTSUP), any
// other id EINVAL, timestamps in nanoseconds.

// year2020 is 2020-01-01T00:00:00Z in nanoseconds since the epoch.
const year2020 = 1577836800_000000000

// nearHostTime checks that the realtime reading of step i is within a
// minute of the host's clock.
func nearHostTime(i int) checkFunc {
	return func(o Outcome, _ string) error {
		ns, err := resultU64(o, i, 0, 0)
		if err != nil {
			return err
		}
		if d := time.Since(time.Unix(0, int64(ns))); d < -time.Minute || d > time.Minute {
			return fmt.Errorf("the guest's realtime clock is %v away from the host's", d)
		}
		return nil
	}
}

func init() {
	register(
		Case{
			Name: "clock_res_get/every-clock",
			Script: `
clock_res_get CLOCK_REALTIME out:8              => ESUCCESS u64>0,u64<1000000001
clock_res_get CLOCK_MONOTONIC out:8             => ESUCCESS u64>0,u64<1000000001
clock_res_get CLOCK_PROCESS_CPUTIME_ID out:8    => ESUCCESS|EINVAL|ENOTSUP u64>0
clock_res_get CLOCK_THREAD_CPUTIME_ID out:8     => ESUCCESS|EINVAL|ENOTSUP u64>0`,
		},
		Case{
			Name: "clock_res_get/errors",
			Script: `
clock_res_get 4 out:8                           => EINVAL
clock_res_get 0xFFFFFFFF out:8                  => EINVAL
clock_res_get CLOCK_MONOTONIC ` + badPtr + `     => EFAULT
clock_res_get CLOCK_REALTIME ` + badLen + `      => EFAULT`,
		},
		Case{
			// wasi-testsuite clock_time_get: any precision works, and the
			// monotonic clock does not go back.
			Name: "clock_time_get/every-clock",
			Script: fmt.Sprintf(`
clock_time_get CLOCK_REALTIME 0 out:8           => ESUCCESS u64>%d
clock_time_get CLOCK_MONOTONIC 1 out:8          => ESUCCESS u64>0
clock_time_get CLOCK_MONOTONIC 0 out:8          => ESUCCESS u64>0
clock_time_get CLOCK_MONOTONIC 0xFFFFFFFFFFFFFFFF out:8 => ESUCCESS u64>0
clock_time_get CLOCK_PROCESS_CPUTIME_ID 0 out:8 => ESUCCESS|EINVAL|ENOTSUP u64>0
clock_time_get CLOCK_THREAD_CPUTIME_ID 0 out:8  => ESUCCESS|EINVAL|ENOTSUP u64>0`, year2020),
			Check: checkAll(nearHostTime(0),
				compareU64(1, 0, 0, 3, 0, 0, func(t0, t1 uint64) string {
					if t1 < t0 {
						return fmt.Sprintf("the monotonic clock went back from %d to %d", t0, t1)
					}
					return ""
				})),
		},
		Case{
			Name: "clock_time_get/errors",
			Script: `
clock_time_get 4 0 out:8                        => EINVAL
clock_time_get 0xFFFFFFFF 0 out:8               => EINVAL
clock_time_get CLOCK_REALTIME 0 ` + badPtr + `   => EFAULT
clock_time_get CLOCK_MONOTONIC 0 ` + badLen + `  => EFAULT`,
		},
	)
}
