package conformance

import (
	"bytes"
	"fmt"
)

// Cases of the process functions: proc_exit (through a Go guest: the probe
// cannot print the result of a call that does not return), proc_raise,
// random_get, sched_yield, and more of args_* and environ_*.

// exitCase runs the tour guest, without its files, which ends with
// os.Exit(code): proc_exit.
func exitCase(code uint32) Case {
	return Case{
		Name:       fmt.Sprintf("proc_exit/code-%d", code),
		Guest:      "tour",
		GuestArgs:  []string{"-", fmt.Sprintf("exit=%d", code)},
		Funcs:      []string{"proc_exit"},
		WantExit:   code,
		WantStdout: []string{fmt.Sprintf("exiting with %d", code)},
	}
}

func init() {
	register(
		Case{
			// wasmtime's preview1 answers: no signal is supported; a value
			// that is not a signal is EINVAL.
			Name: "proc_raise/ENOTSUP-or-EINVAL",
			Script: `
proc_raise SIGNAL_TERM                          => ENOTSUP
proc_raise SIGNAL_KILL                          => ENOTSUP
proc_raise SIGNAL_USR1                          => ENOTSUP
proc_raise SIGNAL_SYS                           => ENOTSUP
proc_raise 31                                   => EINVAL
proc_raise 0xFFFFFFFF                           => EINVAL`,
		},
		Case{
			// wasi-testsuite big_random_buf: the buffer is filled (eight
			// zero bytes in a row at three places would be a 2^-192 chance).
			Name: "random_get/fills-the-buffer",
			Script: `
random_get buf:1024                             => ESUCCESS u64@0!0,u64@512!0,u64@1016!0
random_get buf:1024                             => ESUCCESS u64@0!0
random_get 0 0                                  => ESUCCESS
random_get buf:1                                => ESUCCESS`,
			Check: func(o Outcome, _ string) error {
				first, err := resultArea(o, 0, 0)
				if err != nil {
					return err
				}
				second, err := resultArea(o, 1, 0)
				if err != nil {
					return err
				}
				if bytes.Equal(first, second) {
					return fmt.Errorf("two random_get calls returned the same 1024 bytes")
				}
				return nil
			},
		},
		Case{
			Name: "random_get/bad-pointers-EFAULT",
			Script: `
random_get ` + badPtr + ` 16                     => EFAULT
random_get sp:"x" ` + badLen + `                 => EFAULT
random_get 0 0xFFFFFFFF                         => EFAULT`,
		},
		Case{
			// wasi-testsuite sched_yield.
			Name: "sched_yield/succeeds",
			Script: `
sched_yield                                     => ESUCCESS
sched_yield                                     => ESUCCESS`,
		},
		Case{
			Name: "args/only-the-program-name",
			Script: `
args_sizes_get out:4 out:4                      => ESUCCESS u32:1 u32:9
args_get out:4 out:9                            => ESUCCESS _ str:"wasicall\x00"`,
		},
		Case{
			Name: "args/utf8-and-spaces",
			Args: []string{"héllo wörld", "日本"},
			Script: `
args_sizes_get out:4 out:4                      => ESUCCESS u32:3 u32:30
args_get out:12 out:30                          => ESUCCESS _ str:"wasicall\x00h\xc3\xa9llo w\xc3\xb6rld\x00\xe6\x97\xa5\xe6\x9c\xac\x00"`,
		},
		Case{
			// environ_get's pointers point at the strings, in order.
			Name: "environ/pointers-into-the-buffer",
			Env:  []string{"A=1", "B=22"},
			Script: `
environ_get out:8 out:9                         => ESUCCESS _ str:"A=1\x00B=22\x00"
environ_sizes_get ` + badPtr + ` out:4           => EFAULT
environ_get out:8 ` + badLen + `                 => EFAULT`,
			Check: func(o Outcome, _ string) error {
				// environ[1] - environ[0] is len("A=1\x00").
				x, err := resultU64(o, 0, 0, 0)
				if err != nil {
					return err
				}
				if p0, p1 := uint32(x), uint32(x>>32); p1-p0 != 4 {
					return fmt.Errorf("environ pointers %#x and %#x are not 4 bytes apart", p0, p1)
				}
				return nil
			},
		},
		// LESSONS: proc_exit's code is the run's exit status; every code
		// passes through, 126 and above included.
		exitCase(0), exitCase(3), exitCase(255),
	)
}
