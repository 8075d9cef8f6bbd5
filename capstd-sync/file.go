package capstdsync

import (
	"context"
	"errors"
	"io"
	"syscall"

	"github.com/capwasi/capwasi/capstd"
	"github.com/capwasi/capwasi/common"
)

// file is a non-directory opened beneath a pre-opened directory: a regular
// file, or a device, FIFO or socket that lives in the tree. Each method is
// one call of capstd.File, which is one system call; Read, Write, Pread and
// Pwrite pass the caller's slices straight to readv/writev/preadv/pwritev.
type file struct {
	common.UnimplementedFile
	f     *capstd.File
	typ   common.Filetype
	perms Perms          // of the pre-opened directory it came from
	read  bool           // opened for reading
	write bool           // opened for writing
	sync  common.Fdflags // SYNC, DSYNC, RSYNC as given at open
	flags common.Fdflags // the descriptor's flags, kept in step with the system's

	budget *Budget     // the pre-open's, or nil
	ino    *inodeState // a regular file's state in budget, or nil
	cut    [][]byte    // scratch for a write cut to what the budget allows
	// With a budget, the descriptor's offset, kept in step by Read,
	// Write and Seek (nothing else moves it: preview1 has no dup), so
	// that a budgeted write needs no lseek to know where it lands.
	// offUnknown after an append, which moves it to an end the budget
	// may not know; the next write that needs it asks with lseek.
	off        int64
	offUnknown bool
}

func (f *file) Filetype() common.Filetype { return f.typ }

// Rights leaves out what the file cannot do: reading when it was not
// opened for reading, writing when it was not opened for writing or its
// directory does not allow writing files.
func (f *file) Rights() (base, inheriting common.Rights) {
	base = common.RightsAll
	if !f.read {
		base &^= common.RightsReadMask
	}
	if !f.write {
		base &^= common.RightsWriteMask
	}
	if !f.perms.allows(FileWrite) {
		base &^= common.RightsWriteMask | common.RightsFdFilestatSetTimes
	}
	return base, 0
}

// Fdflags reports the flags given at open or set since; it makes no system
// call, as nothing but this file changes the descriptor's flags.
func (f *file) Fdflags(context.Context) (common.Fdflags, error) { return f.flags, nil }

// SetFdflags changes FDFLAGS_APPEND with fcntl(F_SETFL) on the
// descriptor, never by reopening the file. FDFLAGS_NONBLOCK is only
// recorded: the descriptor is always non-blocking (see [dirFile.OpenFile])
// and blocking mode is emulated by Read and Write, so nothing is called
// when only it changes (Go guests set it after every open). The sync
// flags cannot change after open: asking to is ENOTSUP.
func (f *file) SetFdflags(_ context.Context, flags common.Fdflags) error {
	if flags&syncFdflags != f.sync {
		return common.ENOTSUP
	}
	if (flags^f.flags)&^common.FdflagsNonblock == 0 {
		f.flags = flags
		return nil
	}
	if err := f.f.SetFlags(openFlagsOf(flags) | capstd.ONonblock); err != nil {
		return wasiErr(err)
	}
	f.flags = flags
	return nil
}

func (f *file) Filestat(context.Context) (common.Filestat, error) {
	st, err := f.f.Stat()
	if err != nil {
		return common.Filestat{}, wasiErr(err)
	}
	return filestatOf(st), nil
}

// SetSize truncates or extends the file. Without FileWrite: EPERM; not
// opened for writing: EBADF; not a regular file: EINVAL.
func (f *file) SetSize(_ context.Context, size common.Filesize) error {
	if !f.perms.allows(FileWrite) {
		return common.EPERM
	}
	if !f.write {
		return common.EBADF
	}
	if f.typ != common.FiletypeRegularFile {
		return common.EINVAL
	}
	n, err := offsetOf(size)
	if err != nil {
		return common.EFBIG
	}
	if f.ino != nil {
		return f.changeSize(n, true, func() error { return f.f.Truncate(n) })
	}
	return wasiErr(f.f.Truncate(n))
}

// changeSize runs op, after which the file's size is end (exact: a
// truncation) or at least end (an allocation), within the budget: if the
// growth does not fit, ENOSPC and op is not run.
func (f *file) changeSize(end int64, exact bool, op func() error) error {
	ino := f.ino
	ino.mu.Lock()
	defer ino.mu.Unlock()
	delta := end - ino.size
	if delta > 0 {
		if err := f.budget.charge(delta, 0); err != nil {
			return err
		}
	}
	if err := op(); err != nil {
		if delta > 0 {
			_ = f.budget.charge(-delta, 0)
		}
		return wasiErr(err)
	}
	if delta > 0 || exact {
		if delta < 0 {
			_ = f.budget.charge(delta, 0)
		}
		ino.size = end
	}
	return nil
}

// SetTimes sets the file's times through its descriptor (futimens).
// Without FileWrite: EPERM.
func (f *file) SetTimes(_ context.Context, atim, mtim common.Timestamp, flags common.Fstflags) error {
	if !f.perms.allows(FileWrite) {
		return common.EPERM
	}
	a, m, err := setTimesArgs(atim, mtim, flags)
	if err != nil {
		return err
	}
	return wasiErr(f.f.SetTimes(a, m))
}

func (f *file) Advise(_ context.Context, offset, length common.Filesize, advice common.Advice) error {
	off, err := offsetOf(offset)
	if err != nil {
		return err
	}
	n, err := offsetOf(length)
	if err != nil {
		return err
	}
	if advice > common.AdviceNoreuse {
		return common.EINVAL
	}
	if f.typ != common.FiletypeRegularFile {
		return common.ESPIPE
	}
	return wasiErr(f.f.Advise(off, n, capstd.Advice(advice)))
}

// Allocate makes sure a byte range is allocated (fallocate where the
// system has it; ENOTSUP where it has not). Without FileWrite: EPERM; not
// opened for writing: EBADF.
func (f *file) Allocate(_ context.Context, offset, length common.Filesize) error {
	if !f.perms.allows(FileWrite) {
		return common.EPERM
	}
	if !f.write {
		return common.EBADF
	}
	off, err := offsetOf(offset)
	if err != nil {
		return err
	}
	n, err := offsetOf(length)
	if err != nil || off+n < off {
		return common.EFBIG
	}
	if f.ino != nil {
		return f.changeSize(off+n, false, func() error { return f.f.Allocate(off, n) })
	}
	return wasiErr(f.f.Allocate(off, n))
}

func (f *file) Sync(context.Context) error { return wasiErr(f.f.Sync()) }

func (f *file) Datasync(context.Context) error { return wasiErr(f.f.Datasync()) }

// Read is one readv(2) (read(2) for one buffer). The descriptor is
// non-blocking; unless the guest asked for FDFLAGS_NONBLOCK, a FIFO or
// device is first waited for in poll(2), where a cancelled context ends the
// wait, and a read that would block (EAGAIN: another reader took the data)
// waits again. (The wait before the read also makes a FIFO that has never
// had a writer wait for one, as a blocking open(2) would have, instead of
// reading end of file.)
func (f *file) Read(ctx context.Context, iovs [][]byte) (int, error) {
	if err := f.waitStream(ctx, false); err != nil {
		return 0, err
	}
	for {
		n, err := f.f.Readv(iovs)
		if err == nil {
			if f.ino != nil {
				f.off += int64(n)
			}
			return n, nil
		}
		if err := f.retry(ctx, err, false); err != nil {
			return 0, err
		}
	}
}

func (f *file) Pread(_ context.Context, iovs [][]byte, offset common.Filesize) (int, error) {
	off, err := offsetOf(offset)
	if err != nil {
		return 0, err
	}
	n, err := f.f.Preadv(iovs, off)
	return n, wasiErr(err)
}

// Write is one writev(2) (write(2) for one buffer). On a FIFO or device
// that cannot take the data now, it waits as Read does, unless the guest
// asked for FDFLAGS_NONBLOCK (EAGAIN); a write to a pipe may be short.
func (f *file) Write(ctx context.Context, iovs [][]byte) (int, error) {
	if f.ino != nil {
		return f.writeBudgeted(iovs, -1)
	}
	for {
		n, err := f.f.Writev(iovs)
		if err == nil {
			return n, nil
		}
		if err := f.retry(ctx, err, true); err != nil {
			return 0, err
		}
	}
}

// waitStream waits, cancellably, until a non-regular file in blocking mode
// is ready; regular files and non-blocking descriptors go straight to the
// system call.
func (f *file) waitStream(ctx context.Context, write bool) error {
	if f.typ == common.FiletypeRegularFile || f.flags&common.FdflagsNonblock != 0 {
		return nil
	}
	return waitReady(ctx, int(f.f.Fd()), write)
}

// retry decides what follows a failed read or write: nil to try again
// (after waiting, cancellably, when the call would have blocked and the
// guest is in blocking mode), or the error to return.
func (f *file) retry(ctx context.Context, err error, write bool) error {
	if errors.Is(err, syscall.EAGAIN) && f.flags&common.FdflagsNonblock == 0 {
		return waitReady(ctx, int(f.f.Fd()), write)
	}
	return wasiErr(err)
}

func (f *file) Pwrite(_ context.Context, iovs [][]byte, offset common.Filesize) (int, error) {
	off, err := offsetOf(offset)
	if err != nil {
		return 0, err
	}
	if f.ino != nil {
		return f.writeBudgeted(iovs, off)
	}
	n, err := f.f.Pwritev(iovs, off)
	return n, wasiErr(err)
}

// writeBudgeted writes iovs at off (at the descriptor's offset when off <
// 0) as far as the budget allows: a write whose growth does not fit is
// cut to what does (a short write), and is ENOSPC if not one byte does.
func (f *file) writeBudgeted(iovs [][]byte, off int64) (int, error) {
	ino := f.ino
	ino.mu.Lock()
	defer ino.mu.Unlock()
	appending := f.flags&common.FdflagsAppend != 0
	pos := off
	switch {
	case off >= 0:
	case appending:
		pos = ino.size
	case f.offUnknown:
		p, err := f.f.Seek(0, io.SeekCurrent)
		if err != nil {
			return 0, wasiErr(err)
		}
		f.off, f.offUnknown = p, false
		pos = p
	default:
		pos = f.off
	}
	n := int64(iovsLen(iovs))
	grow, ok := growth(ino.size, pos, n)
	if !ok {
		return 0, common.EFBIG
	}
	// fd_pwrite on an append file writes at the offset (POSIX) or at
	// the end (Linux): count the larger, and settle with fstat after.
	settle := off >= 0 && appending
	if settle {
		grow = max(grow, n)
	}
	var granted int64
	if grow > 0 {
		granted = f.budget.chargeUpTo(grow)
		if granted < grow {
			m := n - (grow - granted)
			if m <= 0 {
				_ = f.budget.charge(-granted, 0)
				return 0, common.ENOSPC
			}
			f.cut = cutIovs(f.cut, iovs, int(m))
			iovs = f.cut
		}
	}
	var w int
	var err error
	if off >= 0 {
		w, err = f.f.Pwritev(iovs, off)
	} else {
		w, err = f.f.Writev(iovs)
	}
	newSize := ino.size
	if end := pos + int64(w); w > 0 && end > newSize {
		newSize = end
	}
	if settle {
		if st, err := f.f.Stat(); err == nil {
			newSize = st.Size
		}
	}
	if grown := max(newSize-ino.size, 0); grown < granted {
		_ = f.budget.charge(grown-granted, 0)
	}
	ino.size = max(ino.size, newSize)
	switch {
	case off >= 0: // pwrite leaves the offset
	case appending:
		f.offUnknown = true
	default:
		f.off += int64(w)
	}
	return w, wasiErr(err)
}

// Seek moves the offset; whence has the values of io.SeekStart, SeekCurrent
// and SeekEnd.
func (f *file) Seek(_ context.Context, offset common.Filedelta, whence common.Whence) (common.Filesize, error) {
	if whence > common.WhenceEnd {
		return 0, common.EINVAL
	}
	off, err := f.f.Seek(int64(offset), int(whence))
	if err != nil {
		return 0, wasiErr(err)
	}
	f.off, f.offUnknown = off, false
	return common.Filesize(off), nil
}

func (f *file) Close() error {
	err := f.f.Close()
	if f.ino != nil {
		f.budget.close(f.ino)
		f.ino = nil
	}
	return wasiErr(err)
}

// pollFd is -1 for a regular file, which is always ready, and the
// descriptor of anything else (a FIFO or a device in the tree).
func (f *file) pollFd() int {
	if f.typ == common.FiletypeRegularFile {
		return -1
	}
	return int(f.f.Fd())
}

// readableBytes is the number of bytes after the offset.
func (f *file) readableBytes() (common.Filesize, error) {
	st, err := f.f.Stat()
	if err != nil {
		return 0, wasiErr(err)
	}
	off, err := f.f.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, wasiErr(err)
	}
	return common.Filesize(max(st.Size-off, 0)), nil
}

// syncFdflags are the flags fixed at open.
const syncFdflags = common.FdflagsSync | common.FdflagsDsync | common.FdflagsRsync

// openFlagsOf translates preview1 fd flags to capstd's.
func openFlagsOf(flags common.Fdflags) capstd.OpenFlag {
	var o capstd.OpenFlag
	if flags&common.FdflagsAppend != 0 {
		o |= capstd.OAppend
	}
	if flags&common.FdflagsNonblock != 0 {
		o |= capstd.ONonblock
	}
	if flags&common.FdflagsSync != 0 {
		o |= capstd.OSync
	}
	if flags&common.FdflagsDsync != 0 {
		o |= capstd.ODsync
	}
	if flags&common.FdflagsRsync != 0 {
		o |= capstd.ORsync
	}
	return o
}
