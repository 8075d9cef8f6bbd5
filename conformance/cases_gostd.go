package conformance

import (
	"fmt"
	"strings"
)

// Cases of real Go programs (GOOS=wasip1): what the standard library does
// through preview1 — os, io/fs, path/filepath, time, crypto/rand — must
// work as on any other system. The guests are conformance/guests/tour and
// conformance/guests/hello.

// tourFuncs are the preview1 functions the tour guest's transcript depends
// on, for the coverage table.
var tourFuncs = []string{
	"args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_time_get",
	"fd_close", "fd_fdstat_get", "fd_fdstat_set_flags", "fd_filestat_get", "fd_prestat_get",
	"fd_prestat_dir_name", "fd_read", "fd_readdir", "fd_write", "path_create_directory",
	"path_filestat_get", "path_filestat_set_times", "path_link", "path_open", "path_readlink",
	"path_remove_directory", "path_rename", "path_symlink", "path_unlink_file", "poll_oneoff",
	"random_get",
}

// stdoutLacks checks that the guest's stdout does not hold s.
func stdoutLacks(s string) checkFunc {
	return func(o Outcome, _ string) error {
		if strings.Contains(o.Stdout, s) {
			return fmt.Errorf("stdout holds %q: %s", s, clip(o.Stdout))
		}
		return nil
	}
}

func init() {
	register(
		Case{
			// The whole tour in a read-write pre-open: files, appends,
			// nanosecond times, rename, symbolic and hard links, listing,
			// the errors programs test for, clean-up, sleeping, randomness,
			// stdin, environment.
			Name:      "go/tour",
			Guest:     "tour",
			GuestArgs: []string{"/"},
			Needs:     writes,
			Env:       []string{"TOUR=yes"},
			Stdin:     "piped input",
			Funcs:     tourFuncs,
			WantStdout: []string{
				"args: []\n", `env TOUR="yes"`,
				`file: "hello, tour\nsecond line\n"`, "size: 24 regular: true",
				"mtime: 1700000000123456789\n",
				"link -> a/moved.txt\n", "through link: 24 bytes", "lstat symlink: true",
				"listing: a/ hard.txt link@\n",
				"missing is not-exist: true", "remove non-empty dir fails: true",
				"file as dir fails: true", "cleaned: true",
				"slept at least 20ms: true", "wall clock after 2020: true",
				"random not all zero: true", `stdin: "piped input"`, "done\n",
			},
			Check: wantAbsent("tour"),
		},
		Case{
			Name:       "go/tour-arguments",
			Guest:      "tour",
			GuestArgs:  []string{"-", "a b", "", "ünïcode"},
			Funcs:      []string{"args_get", "args_sizes_get"},
			WantStdout: []string{`args: ["a b" "" "ünïcode"]`, "done\n"},
		},
		Case{
			// In a read-only pre-open the first change fails with a Go
			// error (EPERM: "operation not permitted") and the program
			// exits cleanly.
			Name:       "go/tour-read-only",
			Guest:      "tour",
			GuestArgs:  []string{"/"},
			ReadOnly:   true,
			Funcs:      []string{"path_create_directory"},
			WantExit:   1,
			WantStdout: []string{"mkdir: FAIL: "},
			Check: func(o Outcome, _ string) error {
				if !strings.Contains(strings.ToLower(o.Stdout), "operation not permitted") {
					return fmt.Errorf("the mkdir error is not EPERM: %s", clip(o.Stdout))
				}
				return nil
			},
		},
		Case{
			// os.ReadDir reports each entry's type from the listing.
			Name:       "go/hello-lists-the-tree",
			Guest:      "hello",
			Tree:       mkTree("a/", "f=x", "l->f"),
			Funcs:      []string{"fd_readdir", "path_open", "fd_prestat_get", "fd_prestat_dir_name"},
			WantStdout: []string{"/ holds 3 entries:", "  dir     a\n", "  file    f\n", "  symlink l\n"},
		},
		Case{
			// Go cleans ".." itself (LESSONS): "/../outside" is "/outside",
			// which is not there; the secret beside the root stays unseen.
			Name:       "go/hello-dot-dot",
			Guest:      "hello",
			GuestArgs:  []string{"/../outside", "/missing"},
			Funcs:      []string{"path_open"},
			WantExit:   1,
			WantStdout: []string{"args: [\"/../outside\" \"/missing\"]"},
			Check: checkAll(stdoutLacks("secret"), func(o Outcome, _ string) error {
				if strings.Count(strings.ToLower(o.Stderr), "no such file or directory") != 2 {
					return fmt.Errorf("want two not-found errors, stderr: %s", clip(o.Stderr))
				}
				return nil
			}),
		},
	)
}
