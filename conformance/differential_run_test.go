package conformance

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/capwasi/capwasi/wazeroadapter"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// Difference is one place where capwasi (an Impl through wazeroadapter) and
// wazero's built-in WASI, running the same case, disagree.
type Difference struct {
	Case     string // the case
	Call     string // the script line, or "exit code" / "sandbox" / "outcome" for whole-run checks
	Capwasi  string // what capwasi did
	Wazero   string // what wazero's WASI did
	Expected string // what the case expects
	Reason   string // why they differ, and whose bug it is
}

// wazeroReasons explains known differences, by case name prefix: the
// behaviour wazero v1.12.0's WASI has and why the case expects otherwise.
var wazeroReasons = map[string]string{
	"sandbox/host-planted-symlinks":      "wazero bug, sandbox escape: its mounts follow symbolic links the host planted (relative or absolute) out of the mount; the guest reads, creates, truncates, deletes and stats outside. capwasi refuses relative ones with EPERM, as wasmtime, and follows absolute ones from the pre-open named \"/\" (root semantics), where these lead nowhere",
	"sandbox/host-planted-absolute":      "wazero bug, sandbox escape: its mounts follow absolute symbolic links the host planted from the host's root, whatever the mount's name; capwasi refuses them (EPERM) in every pre-open but \"/\"",
	"sandbox/absolute-symlinks-stay":     "wazero bug, sandbox escape: an absolute symbolic link in the mount \"/\" is followed from the host's root (the guest read and truncated the real file outside); capwasi follows it from the pre-open, as a chroot does (root semantics)",
	"path_symlink/absolute-target-in":    "wazero refuses absolute targets in path_symlink (EPERM), as capwasi does in pre-opens not named \"/\"; in \"/\" capwasi makes them and follows them from the pre-open (root semantics)",
	"sandbox/guest-made-symlink":         "wazero bug, sandbox escape: a symbolic link the guest creates pointing out of the mount is followed afterwards. capwasi refuses the resolution (EPERM)",
	"sandbox/read-only-preopen":          "wazero answers EROFS for most writes beneath a read-only mount and ENOSYS for write opens, where wasmtime answers EPERM; and it truncates a file with OFLAGS_TRUNC when only FD_READ is asked for (wazero bug: the 2026 read-only truncation advisory)",
	"sandbox/into-read-only-preopen":     "wazero answers ENOSYS to a rename or link between two mounts (never a preview1 answer); capwasi refuses writing into the read-only side with EPERM",
	"fd_readdir/cookies-kept-in-32-bits": "wazero keeps only the last entries it read: resuming from an older cookie (a seekdir back to a telldir value) fails with ENOENT; capwasi resumes from any cookie, from the checkpoint before it",
	"go/tour-read-only":                  "follows from wazero's EROFS/ENOSYS for writes in a read-only mount (see sandbox/read-only-preopen)",
	"poll_oneoff/bad-fd-fails-the-call":  "wazero answers a subscription on a descriptor that is not open with an EBADF event, and only after waiting for the clock; wasmtime and capwasi fail the whole call with EBADF at once",
	"poll_oneoff/errors":                 "wazero bug: its poll_oneoff panics on an undefined event type (index out of range, recovered as a trap), which ends the guest, so the later calls have no result",
	"proc_raise":                         "wazero answers ENOSYS (a stub); capwasi answers as wasmtime does: ENOTSUP, and EINVAL for a value that is not a signal",
	"fd_fdstat_set_rights":               "wazero has no rights model: fd_fdstat_set_rights is ENOSYS, fd_fdstat_get reports every right, and no call checks one",
	"path_open/directory-rights":         "wazero has no rights model: a directory opened with few rights may still do everything",
	"path_open/rights-within":            "wazero has no rights model: requested rights are neither narrowed to the directory's inheriting rights nor enforced",
	"path_open/read-without":             "wazero has no rights model: fd_fdstat_set_rights is ENOSYS, every descriptor reports FD_READ, and a file opened with rights 0 is read",
	"path_open/sync-flags":               "wazero has no rights model: the synchronous-I/O flags need no rights",
	"path_open/trunc-refused":            "wazero has no rights model: dropping PATH_FILESTAT_SET_SIZE does not stop OFLAGS_TRUNC",
	"fd_seek/fd_tell-rights":             "wazero has no rights model: a descriptor without FD_SEEK/FD_TELL may seek",
	"fd_seek/fd_tell-streams":            "wazero answers ENOSYS to fd_seek/fd_tell on a pipe-like stream; POSIX and wasmtime answer ESPIPE",
	"fd_sync":                            "wazero has no rights model, and accepts fd_sync/fd_datasync on a stream that cannot be synced (POSIX: EINVAL)",
	"fd_advise":                          "wazero has no rights model and accepts fd_advise on a stream (POSIX: ESPIPE)",
	"fd_allocate":                        "wazero has no rights model: fd_allocate works on a read-only descriptor and on a directory",
	"fd_filestat_get/stdio-zero":         "wazero reports the standard streams with nlink 1 where wasmtime and capwasi report 0 (their times are 0 on all three), and refuses to renumber a standard stream (ENOTSUP) where the target's not being open is the error (EBADF)",
	"fd_filestat_get/errors":             "wazero has no rights model",
	"fd_filestat_set_times/errors":       "wazero accepts undefined fstflags bits (the specification: EINVAL) and has no rights model",
	"fd_filestat_set_size/errors":        "wazero has no rights model: a descriptor without FD_FILESTAT_SET_SIZE truncates the file",
	"fd_fdstat_set_flags":                "wazero accepts undefined fdflags bits, answers ENOSYS to NONBLOCK on stdio, and has no rights model",
	"fd_fdstat_get":                      "wazero reports every right whatever the descriptor was opened for (a read-only file shows FD_WRITE) and drops the SYNC/DSYNC/RSYNC flags given at open",
	"fd_pread/fd_pwrite-rights":          "wazero has no rights model",
	"fd_pread/fd_pwrite-on-streams":      "wazero answers EBADF to fd_pread/fd_pwrite on a stream; POSIX and wasmtime answer ESPIPE",
	"fd_pread/fd_pwrite-bad-fd":          "wazero writes through an iovec array that runs past the end of guest memory instead of answering EFAULT",
	"fd_write/bad-pointers":              "wazero writes through an iovec array that runs past the end of guest memory instead of answering EFAULT",
	"fd_pwrite/append-file":              "wazero refuses fd_pwrite on a file opened with FDFLAGS_APPEND (EIO); the wasi-testsuite expects the write to happen",
	"fd_prestat":                         "wazero treats the standard streams as pre-opens (fd_prestat_get succeeds on 0-2) and checks fd_prestat_dir_name's buffer backwards: a larger buffer is ENAMETOOLONG, a shorter one is silently truncated, a bad pointer is not EFAULT",
	"fd_renumber":                        "wazero refuses to renumber onto a pre-open or a standard stream (ENOTSUP), accepts an unknown target, and closes the descriptor renumbered onto itself; the wasi-testsuite's renumber and overwrite_preopen expect otherwise",
	"fd_readdir":                         "wazero answers EINVAL when the buffer cannot hold one entry header (the specification: fill what fits and report the buffer full), does not check the buffer pointer, and has no rights model",
	"path_filestat_set_times":            "wazero accepts undefined fstflags and lookupflags bits (the specification: EINVAL), and answers EISDIR to setting the times of \".\"",
	"path_create_directory":              "wazero answers EEXIST for an empty path and ENOENT for a path through a file; POSIX answers ENOENT and ENOTDIR",
	"sandbox/symlink-to-slash":           "wazero bug, sandbox escape: a symbolic link to \"/\" inside the mount is followed to the host's root",
	"sock_shutdown/not-a-socket":         "wazero answers EBADF to the sock_* functions on a descriptor that is not a socket; the wasi-testsuite and wasmtime expect ENOTSOCK",
	"sock_shutdown/file-not-a-socket":    "wazero answers EBADF to the sock_* functions on a descriptor that is not a socket; the wasi-testsuite and wasmtime expect ENOTSOCK",
	"poll_oneoff/clock-absolute":         "wazero answers ENOTSUP to an absolute clock subscription (SUBSCRIPTION_CLOCK_ABSTIME), which preview1 defines and wasi-libc's clock_nanosleep uses",
	"poll_oneoff/earliest-clock":         "wazero answers ENOTSUP to absolute clock subscriptions and, given several clocks, does not wake at the earliest",
	"poll_oneoff/":                       "wazero's poll_oneoff reports fd events without the details the case checks (nbytes, the error of a bad or rightless descriptor) and handles descriptors one after another, so a bad descriptor waits for the clock",
	"path_open/bad-flags":                "wazero ignores undefined oflags, fdflags and lookupflags bits (the specification: EINVAL) and creates the file",
	"path_open/bad-output-pointer":       "wazero creates the file before it finds the result pointer bad: the call fails with EFAULT, yet the tree changed",
	"path_open/table-full":               "wazero has no limit on the descriptors one guest may open (capwasi: 1024 by default, EMFILE)",
	"path_open/trailing-slash":           "wazero opens \"f/.\" on a regular file; POSIX answers ENOTDIR",
	"path_open/read-write-rights":        "wazero reports every right whatever the file was opened for",
	"path_open/truncate":                 "wazero has no rights model",
	"path_open/path-errors":              "wazero answers EINVAL to an empty path (POSIX: ENOENT) and EPERM to invalid UTF-8 (the specification: EILSEQ)",
	"path_filestat_get/errors":           "wazero accepts undefined lookupflags bits, answers an empty path with success (POSIX: ENOENT) and invalid UTF-8 with EPERM (the specification: EILSEQ)",
	"path_link/path-errors":              "wazero answers empty paths with EPERM or EEXIST (POSIX: ENOENT) and invalid UTF-8 with EPERM (the specification: EILSEQ)",
	"path_link/refusals":                 "wazero answers EEXIST (as Linux) to a new name ending in \"/\" over a file; wasmtime answers ENOTDIR, as the wasi-testsuite's strict Unix mode requires",
	"path_link/symlinks":                 "wazero accepts LOOKUPFLAGS_SYMLINK_FOLLOW and undefined lookupflags in path_link; the wasi-testsuite's path_link expects EINVAL",
	"path_readlink/errors":               "wazero answers an empty path with EINVAL (POSIX: ENOENT) and invalid UTF-8 with EPERM (the specification: EILSEQ)",
	"path_readlink/truncates":            "wazero answers ERANGE when the buffer is shorter than the target; the wasi-testsuite's readlink expects the target truncated to the buffer",
	"path_remove_directory/empty":        "wazero answers ENOTEMPTY to removing \".\" (POSIX: EINVAL)",
	"path_remove_directory/path":         "wazero answers an empty path with ENOTEMPTY (POSIX: ENOENT) and invalid UTF-8 with EPERM (the specification: EILSEQ)",
	"path_rename/path-errors":            "wazero answers empty paths with EINVAL or ENOTEMPTY (POSIX: ENOENT) and invalid UTF-8 with EPERM (the specification: EILSEQ)",
	"path_unlink_file/path-errors":       "wazero answers an empty path with EISDIR (POSIX: ENOENT) and invalid UTF-8 with EPERM (the specification: EILSEQ)",
	"path_symlink/trailing-slashes":      "wazero answers EEXIST (as Linux) to a link name ending in \"/\" over a file; wasmtime answers ENOTDIR, as the wasi-testsuite's strict Unix mode requires",
	"path_symlink/content-errors":        "wazero stores a symbolic link whose target is not UTF-8 (the specification: EILSEQ) and answers EINVAL, not ENOENT, to empty paths",
	"fd_filestat_set_size/too-large":     "wazero answers EIO to fd_pwrite at an offset past the largest file offset; POSIX answers EINVAL (or EFBIG)",
	"fd_read/bad-fd-and-pointers":        "wazero reads before it checks every pointer: a failed call has already consumed data, so a later read sees different bytes",
}

// reasonFor returns the curated explanation for a case, or a default one
// that names who departs from the expectation.
func reasonFor(caseName string, capwasiOK, wazeroOK bool) string {
	best := ""
	for prefix := range wazeroReasons {
		if strings.HasPrefix(caseName, prefix) && len(prefix) > len(best) {
			best = prefix
		}
	}
	if best != "" {
		return wazeroReasons[best]
	}
	switch {
	case capwasiOK && wazeroOK:
		return "both answers are accepted (the specification and the wasi-testsuite allow either)"
	case capwasiOK:
		return "wazero departs from the expectation (wazero bug)"
	case wazeroOK:
		return "capwasi departs from the expectation (capwasi bug)"
	}
	return "both depart from the expectation"
}

// wazeroImpl stands for wazero's built-in WASI in runCase: it has no
// Listeners configuration here.
var wazeroImpl = Impl{Name: "wazero", Unsupported: []Feature{FeatureSockets}}

// newWazeroRunner returns a runner whose guests run on wazero's built-in
// WASI, each configured by config.
func newWazeroRunner(ctx context.Context, config func(Spec) wazero.ModuleConfig) (*runner, error) {
	rt := newRuntime(ctx)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		rt.Close(ctx)
		return nil, err
	}
	e := &runner{rt: rt, compiled: map[string]wazero.CompiledModule{}}
	e.other = func(ctx context.Context, compiled wazero.CompiledModule, spec Spec) (uint32, error) {
		mod, err := rt.InstantiateModule(ctx, compiled, config(spec))
		if mod != nil {
			defer mod.Close(ctx)
		}
		return wazeroadapter.ExitCode(ctx, err)
	}
	return e, nil
}

// Differential runs every case the suite has under impl and under wazero's
// built-in WASI, each run configured by wazeroConfig, and returns where
// they differ: per script line (errno or results), and per run (exit
// code, output, the tree outside the sandbox). Cases either side cannot
// run are left out. It lives in the tests: it regenerates the
// differential table of docs/conformance.md (see TestDifferentialDoc).
func Differential(ctx context.Context, impl Impl, wazeroConfig func(Spec) wazero.ModuleConfig) ([]Difference, error) {
	ours, err := sharedRunner()
	if err != nil {
		return nil, err
	}
	theirs, err := newWazeroRunner(ctx, wazeroConfig)
	if err != nil {
		return nil, err
	}
	defer theirs.rt.Close(ctx)
	tmp, err := os.MkdirTemp("", "capwasi-differential-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	cases := Cases()
	diffs := make([][]Difference, len(cases))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i, c := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			a := runCase(ctx, ours, impl, c, fmt.Sprintf("%s/%d-capwasi", tmp, i))
			b := runCase(ctx, theirs, wazeroImpl, c, fmt.Sprintf("%s/%d-wazero", tmp, i))
			if a.skipped != "" || b.skipped != "" {
				return
			}
			diffs[i] = compareRuns(c, a, b)
		}()
	}
	wg.Wait()
	var out []Difference
	for _, d := range diffs {
		out = append(out, d...)
	}
	return out, nil
}

// compareRuns lists the differences between two runs of c.
func compareRuns(c Case, a, b caseResult) []Difference {
	var out []Difference
	steps, _ := parseScript(c.Script)
	for i, s := range steps {
		var ra, rb *result
		if i < len(a.results) {
			ra = &a.results[i]
		}
		if i < len(b.results) {
			rb = &b.results[i]
		}
		okA := ra != nil && s.verify(*ra) == ""
		okB := rb != nil && s.verify(*rb) == ""
		if okA == okB && (ra == nil) == (rb == nil) && (ra == nil || ra.errno == rb.errno) {
			continue
		}
		out = append(out, Difference{
			Case: c.Name, Call: strings.TrimSpace(strings.SplitN(s.text, " => ", 2)[0]),
			Capwasi: describe(s, ra), Wazero: describe(s, rb), Expected: errnoList(s.errnos),
			Reason: reasonFor(c.Name, okA, okB),
		})
	}
	// Whole-run checks: failures that are not about a script line.
	fa, fb := runFailures(a), runFailures(b)
	if fa != fb {
		call := "outcome"
		if strings.Contains(fa+fb, "outside the pre-opened directory") {
			call = "sandbox"
		}
		out = append(out, Difference{
			Case: c.Name, Call: call, Capwasi: orOK(fa), Wazero: orOK(fb),
			Expected: "exit code, output and tree as the case says",
			Reason:   reasonFor(c.Name, fa == "", fb == ""),
		})
	}
	return out
}

// runFailures joins the failures of a run that are not script lines.
func runFailures(r caseResult) string {
	var fs []string
	for _, f := range r.failures {
		if !strings.HasPrefix(f, "line ") {
			fs = append(fs, stable(f))
		}
	}
	sort.Strings(fs)
	return strings.Join(fs, "; ")
}

// describe says what a step produced: its errno, and why its outputs fail
// the step's matchers when they do.
// stable reduces a failure message to what stays the same from run to run:
// its first clause, without numbers and temporary paths, so that the
// differential table does not change with timestamps, inode numbers or
// timings.
func stable(msg string) string {
	msg, _, _ = strings.Cut(msg, "\n")
	msg, _, _ = strings.Cut(msg, ";")
	msg = tempPath.ReplaceAllString(msg, "…")
	return digits.ReplaceAllString(msg, "N")
}

var (
	tempPath = regexp.MustCompile(`/tmp/[^\s:"]*`)
	digits   = regexp.MustCompile(`[0-9]+(\.[0-9]+)?`)
)

func describe(s step, r *result) string {
	if r == nil {
		return "no result"
	}
	if r.dependsOn > 0 {
		return "skipped: an earlier call failed"
	}
	if why := s.verify(*r); strings.HasPrefix(why, "output area") {
		area, _, _ := strings.Cut(why, ":")
		return r.errno.String() + ", " + area + " differs"
	}
	return r.errno.String()
}

func orOK(s string) string {
	if s == "" {
		return "as expected"
	}
	return s
}

// differentialTable renders differences as a markdown table.
func differentialTable(ds []Difference) string {
	if len(ds) == 0 {
		return "No differences.\n"
	}
	var b strings.Builder
	b.WriteString("| case | call | capwasi | wazero | expected | reason |\n|---|---|---|---|---|---|\n")
	for _, d := range ds {
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s | %s |\n", d.Case,
			strings.ReplaceAll(d.Call, "|", `\|`), cell(d.Capwasi), cell(d.Wazero), cell(d.Expected), cell(d.Reason))
	}
	return b.String()
}

// cell makes s fit a table cell: one line, escaped bars, at most 160 bytes.
func cell(s string) string {
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}
