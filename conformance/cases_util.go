package conformance

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/capwasi/capwasi/common"
)

// Helpers the cases_*.go files share: trees to prepare, checks of the tree
// after a run, the probe's results for checks that compare two calls, and
// poll_oneoff subscriptions written out as bytes.

// badPtr is a guest address past the end of any guest memory (a Go guest's
// memory is far below 4 GiB), and badLen a length that, added to any valid
// address, passes the end: together they exercise EFAULT.
const (
	badPtr = "0xFFFFFFF0"
	badLen = "0xFFFFFFFF"
)

// mkTree returns a Case.Tree that creates the named entries beneath the root,
// in order: "name->target" a symbolic link, "d/" a directory, "name=text" a
// file holding text.
func mkTree(entries ...string) func(root string) error {
	return func(root string) error {
		for _, e := range entries {
			var err error
			switch {
			case strings.Contains(e, "->"):
				name, target, _ := strings.Cut(e, "->")
				err = os.Symlink(target, filepath.Join(root, name))
			case strings.HasSuffix(e, "/"):
				err = os.MkdirAll(filepath.Join(root, e), 0o755)
			default:
				name, text, _ := strings.Cut(e, "=")
				err = os.WriteFile(filepath.Join(root, name), []byte(text), 0o644)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
}

// checkFunc is a Case.Check.
type checkFunc = func(o Outcome, root string) error

// checkAll runs every check and joins their errors.
func checkAll(cs ...checkFunc) checkFunc {
	return func(o Outcome, root string) error {
		var errs []error
		for _, c := range cs {
			errs = append(errs, c(o, root))
		}
		return errors.Join(errs...)
	}
}

// wantFile checks that the file at name beneath the root holds one of wants.
func wantFile(name string, wants ...string) checkFunc {
	return func(_ Outcome, root string) error {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			return fmt.Errorf("after the run: %w", err)
		}
		for _, w := range wants {
			if string(b) == w {
				return nil
			}
		}
		return fmt.Errorf("after the run %s holds %q, want %q", name, b, strings.Join(wants, `" or "`))
	}
}

// wantAbsent checks that none of the names exist beneath the root.
func wantAbsent(names ...string) checkFunc {
	return func(_ Outcome, root string) error {
		for _, n := range names {
			if _, err := os.Lstat(filepath.Join(root, n)); !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("after the run %s exists (%v), want it absent", n, err)
			}
		}
		return nil
	}
}

// wantDir checks that each name beneath the root is a directory.
func wantDir(names ...string) checkFunc {
	return func(_ Outcome, root string) error {
		for _, n := range names {
			st, err := os.Lstat(filepath.Join(root, n))
			if err != nil || !st.IsDir() {
				return fmt.Errorf("after the run %s is not a directory (%v)", n, err)
			}
		}
		return nil
	}
}

// wantLink checks that name beneath the root is a symbolic link to target.
func wantLink(name, target string) checkFunc {
	return func(_ Outcome, root string) error {
		got, err := os.Readlink(filepath.Join(root, name))
		if err != nil || got != target {
			return fmt.Errorf("after the run %s links to %q (%v), want %q", name, got, err, target)
		}
		return nil
	}
}

// wantStderr checks that the guest's stderr holds want.
func wantStderr(want string) checkFunc {
	return func(o Outcome, _ string) error {
		if !strings.Contains(o.Stderr, want) {
			return fmt.Errorf("stderr %q lacks %q", clip(o.Stderr), want)
		}
		return nil
	}
}

// probeResults parses the probe's output, one result per script step.
func probeResults(stdout string) ([]result, error) {
	var rs []result
	for _, l := range strings.Split(stdout, "\n") {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		r, err := parseResult(l)
		if err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	return rs, nil
}

// resultArea returns output area a of step i (0-based, in script order) of
// the probe's output, or an error when the step has none (the probe
// stopped, or skipped the step).
func resultArea(o Outcome, i, a int) ([]byte, error) {
	rs, err := probeResults(o.Stdout)
	if err != nil {
		return nil, err
	}
	if i >= len(rs) || a >= len(rs[i].areas) {
		return nil, fmt.Errorf("the probe's output has no area %d at step %d", a+1, i+1)
	}
	return rs[i].areas[a], nil
}

// resultU64 returns the little-endian u64 at off in output area a of step
// i (0-based, in script order) of the probe's output.
func resultU64(o Outcome, i, a, off int) (uint64, error) {
	area, err := resultArea(o, i, a)
	if err != nil {
		return 0, err
	}
	if off+8 > len(area) {
		return 0, fmt.Errorf("the probe's output has no u64 at step %d, area %d, offset %d", i+1, a+1, off)
	}
	return binary.LittleEndian.Uint64(area[off:]), nil
}

// compareU64 checks a relation between two u64 outputs of the probe,
// (step i, area a, offset off) for each: ok gets both values and returns
// why they do not relate as they should, or "".
func compareU64(i1, a1, off1, i2, a2, off2 int, ok func(x, y uint64) string) checkFunc {
	return func(o Outcome, _ string) error {
		x, err := resultU64(o, i1, a1, off1)
		if err != nil {
			return err
		}
		y, err := resultU64(o, i2, a2, off2)
		if err != nil {
			return err
		}
		if why := ok(x, y); why != "" {
			return fmt.Errorf("step %d and step %d: %s", i1+1, i2+1, why)
		}
		return nil
	}
}

// sameU64 checks that two u64 outputs of the probe are equal (inodes of
// one file, say).
func sameU64(i1, a1, off1, i2, a2, off2 int) checkFunc {
	return compareU64(i1, a1, off1, i2, a2, off2, func(x, y uint64) string {
		if x != y {
			return fmt.Sprintf("%d != %d", x, y)
		}
		return ""
	})
}

// subscriptions returns a probe parameter pointing to the subscriptions.
func subscriptions(subs ...[]byte) string {
	return "hex:" + hex.EncodeToString(bytes.Join(subs, nil))
}

// clockSub is a clock subscription (common.SubscriptionSize bytes).
func clockSub(userdata uint64, id common.Clockid, timeout uint64, flags common.Subclockflags) []byte {
	b := make([]byte, common.SubscriptionSize)
	binary.LittleEndian.PutUint64(b[0:], userdata)
	b[8] = byte(common.EventtypeClock)
	binary.LittleEndian.PutUint32(b[16:], uint32(id))
	binary.LittleEndian.PutUint64(b[24:], timeout)
	binary.LittleEndian.PutUint16(b[40:], uint16(flags))
	return b
}

// fdSub is an fd_read or fd_write subscription.
func fdSub(userdata uint64, t common.Eventtype, fd uint32) []byte {
	b := make([]byte, common.SubscriptionSize)
	binary.LittleEndian.PutUint64(b[0:], userdata)
	b[8] = byte(t)
	binary.LittleEndian.PutUint32(b[16:], fd)
	return b
}

// rawSub is a subscription with any tag byte, for invalid event types.
func rawSub(userdata uint64, tag byte) []byte {
	b := make([]byte, common.SubscriptionSize)
	binary.LittleEndian.PutUint64(b[0:], userdata)
	b[8] = tag
	return b
}

// iovecs returns a probe parameter pointing to n iovecs, each (ptr, len):
// for iovecs the probe's own syntax cannot write (outside the memory, or
// adding up to more than 4 GiB).
func iovecs(n int, ptr, length uint32) string {
	b := make([]byte, 8*n)
	for i := range n {
		binary.LittleEndian.PutUint32(b[8*i:], ptr)
		binary.LittleEndian.PutUint32(b[8*i+4:], length)
	}
	return "hex:" + hex.EncodeToString(b)
}
