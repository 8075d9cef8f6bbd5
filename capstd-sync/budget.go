package capstdsync

import (
	"context"
	"math"
	"sync"

	"github.com/capwasi/capwasi/capstd"
	"github.com/capwasi/capwasi/common"
)

// Budget bounds how much the guests it is given to can make their
// pre-opened directory trees grow: a number of bytes and a number of new
// directory entries. Give it to a pre-open with
// [WasiCtxBuilder.PreopenDirWithBudget] or
// [WasiCtxBuilder.PreopenHostDirWithBudget] (or [NewWasiDirWithBudget] and
// [WasiCtxBuilder.Preopen]); one Budget may be given to several pre-opens,
// of one instance or of many, and then bounds their growth together. It is
// safe for concurrent use.
//
// What is counted, through the pre-opens that have the budget (and the
// directories and files opened beneath them), relative to how the trees
// were when the budget was made — so the count starts at zero and may go
// below it:
//
//   - Bytes: a regular file's size, wherever it grows: fd_write and
//     fd_pwrite past the end (a write far past it counts the whole gap:
//     sparse files count by their size), fd_allocate and
//     fd_filestat_set_size beyond the end; and a symbolic link's target,
//     by its length; a file or link with several hard links counts once.
//     Shrinking a file (fd_filestat_set_size, OFLAGS_TRUNC) gives the
//     difference back; removing the last link of a file or a symbolic
//     link gives its size back (for a file still open through the budget,
//     at its last close, as its blocks stay taken until then).
//   - Entries: every name created (a file by OFLAGS_CREAT, a directory, a
//     symbolic link, a hard link) counts one; every name removed (unlink,
//     rmdir, a rename that replaces its target) gives one back.
//
// A call that would take the count past a limit fails with ENOSPC, as on
// a full disk (the errno programs handle: SQLite, for one, reports a full
// database for ENOSPC and an I/O error for EDQUOT), and changes nothing —
// except fd_write and fd_pwrite, which, like a write to a nearly full
// disk, write what fits (a short write) and fail with ENOSPC only when not
// one byte fits. Renames and hard links between pre-opens with different
// budgets (or one with a budget and one without) fail with EXDEV, as
// between file systems, so that nothing moves out of one budget's count
// into another's.
//
// What it does not count: the file system's own metadata (inodes, a
// directory's blocks, the blocks of a long link target; the entry limit
// bounds them), holes of files that were already sparse being filled
// (their size does not change), and changes made by anyone else: other
// processes, and pre-opens of the same directories without this budget.
// The sizes of open files are remembered between calls, so that a change
// by the host to a file the guest has open can make the count err by as
// much as the host changed. docs/security.md has the details.
type Budget struct {
	maxBytes, maxEntries int64

	mu      sync.Mutex
	bytes   int64                    // net growth in bytes
	entries int64                    // net new entries
	inodes  map[inodeKey]*inodeState // the regular files open through the budget
}

// NewBudget returns a budget of maxBytes bytes and maxEntries new
// directory entries; math.MaxInt64 leaves one unbounded, and a negative
// limit is 0 (nothing may grow).
func NewBudget(maxBytes, maxEntries int64) *Budget {
	return &Budget{
		maxBytes:   max(maxBytes, 0),
		maxEntries: max(maxEntries, 0),
		inodes:     map[inodeKey]*inodeState{},
	}
}

// Used returns the bytes and entries the guests have added so far, net of
// what they gave back (negative when they removed more than they added).
func (b *Budget) Used() (bytes, entries int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.bytes, b.entries
}

// Limits returns the limits the budget was made with.
func (b *Budget) Limits() (maxBytes, maxEntries int64) { return b.maxBytes, b.maxEntries }

// inodeKey identifies a file.
type inodeKey struct{ dev, ino uint64 }

// inodeState is what the budget knows of a regular file open through it.
type inodeState struct {
	key inodeKey
	// mu is held across every call that may change the file's size,
	// system call included, so that size is the file's size as far as
	// the budget's guests changed it.
	mu       sync.Mutex
	size     int64
	opens    int  // handles open through the budget; guarded by Budget.mu
	unlinked bool // its last link was removed through the budget; guarded by Budget.mu
}

// charge adds bytes and entries to the count, all or nothing: ENOSPC if
// either would pass its limit. Negative amounts always succeed.
func (b *Budget) charge(bytes, entries int64) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if bytes > 0 && bytes > b.maxBytes-b.bytes || entries > 0 && entries > b.maxEntries-b.entries {
		return common.ENOSPC
	}
	b.bytes += bytes
	b.entries += entries
	return nil
}

// chargeUpTo adds up to want bytes (want > 0) and returns how many it
// added: what is left below the limit, if less.
func (b *Budget) chargeUpTo(want int64) int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	got := min(want, max(b.maxBytes-b.bytes, 0))
	b.bytes += got
	return got
}

// open registers a handle of the regular file st describes and returns
// its state, and whether the file was not open through the budget yet (it
// then starts at st.Size).
func (b *Budget) open(st *capstd.Stat) (ino *inodeState, fresh bool) {
	key := inodeKey{st.Dev, st.Ino}
	b.mu.Lock()
	defer b.mu.Unlock()
	ino = b.inodes[key]
	if ino == nil {
		ino, fresh = &inodeState{key: key, size: st.Size}, true
		b.inodes[key] = ino
	}
	ino.opens++
	return ino, fresh
}

// close unregisters a handle; the last one of a file whose last link was
// removed gives its size back.
func (b *Budget) close(ino *inodeState) {
	ino.mu.Lock()
	defer ino.mu.Unlock()
	b.mu.Lock()
	defer b.mu.Unlock()
	ino.opens--
	if ino.opens > 0 {
		return
	}
	delete(b.inodes, ino.key)
	if ino.unlinked {
		b.bytes -= ino.size
	}
}

// removed gives back what the name st described (as lstat saw it just
// before it was unlinked or replaced) counted: one entry, and when that
// was the last link to a regular file or a symbolic link (which can have
// hard links too), its size — for a file open through the budget, at its
// last close.
func (b *Budget) removed(st *capstd.Stat) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.entries--
	if st.Nlink > 1 || st.Type != capstd.TypeRegular && st.Type != capstd.TypeSymlink {
		return
	}
	if ino := b.inodes[inodeKey{st.Dev, st.Ino}]; ino != nil {
		ino.unlinked = true
		return
	}
	b.bytes -= st.Size
}

// truncated records that an open with OFLAGS_TRUNC cut the file ino to
// size. old is its size before, from a stat just before the open, used
// when the budget did not know the file yet (fresh).
func (b *Budget) truncated(ino *inodeState, fresh bool, old, size int64) {
	ino.mu.Lock()
	defer ino.mu.Unlock()
	if !fresh {
		old = ino.size
	}
	ino.size = size
	if old > size {
		_ = b.charge(size-old, 0)
	}
}

// opened registers a regular file just opened through the budget and
// returns its state. before, for an open with OFLAGS_TRUNC, is what a stat
// found at the path just before (nil otherwise): the truncation gives back
// the size the file had, when it is the same file.
func (b *Budget) opened(st, before *capstd.Stat) *inodeState {
	ino, fresh := b.open(st)
	if before != nil {
		old := st.Size
		if before.Type == capstd.TypeRegular && before.Dev == st.Dev && before.Ino == st.Ino {
			old = before.Size
		}
		b.truncated(ino, fresh, old, st.Size)
	}
	return ino
}

// growth returns how many bytes a file of size grows by when n bytes are
// written at pos (none when n is 0: an empty write changes nothing), and
// false if pos+n overflows.
func growth(size, pos, n int64) (int64, bool) {
	switch {
	case n == 0:
		return 0, true
	case pos > math.MaxInt64-n:
		return 0, false
	}
	return max(pos+n-size, 0), true
}

// cutIovs returns the first n bytes of iovs, in dst's storage.
func cutIovs(dst, iovs [][]byte, n int) [][]byte {
	dst = dst[:0]
	for _, iov := range iovs {
		if n <= 0 {
			break
		}
		if len(iov) > n {
			iov = iov[:n]
		}
		dst = append(dst, iov)
		n -= len(iov)
	}
	return dst
}

// PreopenDirWithBudget is [WasiCtxBuilder.PreopenDir] with a [Budget]
// bounding how much the guest may make the tree grow through it. A nil
// budget is invalid.
func (b *WasiCtxBuilder) PreopenDirWithBudget(dir *Dir, guestPath string, perms Perms, budget *Budget) *WasiCtxBuilder {
	return b.withBudget("PreopenDirWithBudget", guestPath, budget, func() { b.PreopenDir(dir, guestPath, perms) })
}

// PreopenHostDirWithBudget is [WasiCtxBuilder.PreopenHostDir] (opts
// included) with a [Budget], as [WasiCtxBuilder.PreopenDirWithBudget].
func (b *WasiCtxBuilder) PreopenHostDirWithBudget(hostPath, guestPath string, perms Perms, budget *Budget, opts ...DirOption) *WasiCtxBuilder {
	return b.withBudget("PreopenHostDirWithBudget", guestPath, budget, func() { b.PreopenHostDir(hostPath, guestPath, perms, opts...) })
}

// withBudget runs preopen, and gives the pre-open it records budget.
func (b *WasiCtxBuilder) withBudget(method, guestPath string, budget *Budget, preopen func()) *WasiCtxBuilder {
	if budget == nil {
		return b.fail("%s: nil budget for %q", method, guestPath)
	}
	n := len(b.preopens)
	preopen()
	if len(b.preopens) > n {
		b.preopens[n].budget = budget
	}
	return b
}

// NewWasiDirWithBudget is [NewWasiDir] with a [Budget] bounding how much
// the tree may grow through the returned directory. A nil budget is
// EINVAL.
func NewWasiDirWithBudget(d *Dir, perms Perms, budget *Budget) (common.WasiDir, error) {
	if budget == nil {
		return nil, common.EINVAL
	}
	wd, err := NewWasiDir(d, perms)
	if err != nil {
		return nil, err
	}
	wd.(*dirFile).budget = budget
	return wd, nil
}

// statBeforeTrunc returns what is at name before an open with OTrunc
// (lstat, or stat with follow), or a zero Stat if nothing is.
func (d *dirFile) statBeforeTrunc(name string, follow bool) *capstd.Stat {
	st, err := d.d.Stat(name, follow)
	if err != nil {
		return &capstd.Stat{}
	}
	return &st
}

// openCounted is openFile, counting a file that OCreate creates as one
// entry of the budget (ENOSPC when none is left). Without OExcl, the file
// is first opened without OCreate; only when that finds nothing (ENOENT)
// is an entry counted and the file created, with OExcl, so that of two
// guests creating one file at once only one counts it (the other opens
// what the first made). A final symbolic link to nothing (ENOENT, then
// EEXIST) is created through, as the guest asked, and counted.
func (d *dirFile) openCounted(ctx context.Context, name string, flags capstd.OpenFlag, nonblock bool) (*capstd.File, error) {
	if d.budget == nil || flags&capstd.OCreate == 0 {
		return d.openFile(ctx, name, flags, nonblock)
	}
	if flags&capstd.OExcl == 0 {
		for range 2 {
			f, err := d.openFile(ctx, name, flags&^capstd.OCreate, nonblock)
			if err != common.ENOENT {
				return f, err
			}
			f, err = d.createCounted(ctx, name, flags|capstd.OExcl, nonblock)
			if err != common.EEXIST {
				return f, err
			}
		}
	}
	return d.createCounted(ctx, name, flags, nonblock)
}

// createCounted opens name with flags, which create it, counting one
// entry: given back if the open fails.
func (d *dirFile) createCounted(ctx context.Context, name string, flags capstd.OpenFlag, nonblock bool) (*capstd.File, error) {
	if err := d.budget.charge(0, 1); err != nil {
		return nil, err
	}
	f, err := d.openFile(ctx, name, flags, nonblock)
	if err != nil {
		_ = d.budget.charge(0, -1)
	}
	return f, err
}

// counted runs op, which creates one name (and, for a symbolic link,
// bytes of target), counting it in the budget: ENOSPC and op not run when
// it does not fit; given back if op fails.
func (d *dirFile) counted(bytes int64, op func() error) error {
	if d.budget == nil {
		return wasiErr(op())
	}
	if err := d.budget.charge(bytes, 1); err != nil {
		return err
	}
	if err := op(); err != nil {
		_ = d.budget.charge(-bytes, -1)
		return wasiErr(err)
	}
	return nil
}

// removeCounted unlinks path and gives back what it counted (see
// [Budget.removed]), as an lstat just before saw it.
func (d *dirFile) removeCounted(path string) error {
	st, statErr := d.d.Stat(path, false)
	if err := d.d.RemoveFile(path); err != nil {
		return wasiErr(err)
	}
	if statErr != nil {
		st = capstd.Stat{} // an entry, nothing more known
	}
	d.budget.removed(&st)
	return nil
}

// renameCounted renames within one budget: the move itself changes
// nothing, a target it replaces is given back as if unlinked (unless it
// is the same file as the source, which rename leaves alone).
func (d *dirFile) renameCounted(oldPath string, nd *dirFile, newPath string) error {
	src, srcErr := d.d.Stat(oldPath, false)
	dst, dstErr := nd.d.Stat(newPath, false)
	if err := d.d.Rename(oldPath, nd.d, newPath); err != nil {
		return wasiErr(err)
	}
	if dstErr == nil && (srcErr != nil || src.Dev != dst.Dev || src.Ino != dst.Ino) {
		d.budget.removed(&dst)
	}
	return nil
}
