package wazeroadapter

import (
	"context"

	"github.com/tetratelabs/wazero/api"

	"github.com/capwasi/capwasi/common"
)

// The fd_* functions that act on one descriptor. Checks run in one order
// throughout: flag and enum values (EINVAL), the descriptor (EBADF), its
// kind (EBADF for content operations on a directory, ESPIPE for offsets on a
// stream, ENOTDIR for path operations on a non-directory), its rights
// (ENOTCAPABLE), then guest pointers (EFAULT), all before the
// implementation is called, so that a failing call changes nothing.

// entry returns the descriptor fd. Not open: EBADF.
func (in *instance) entry(fd uint32) (*fdEntry, common.Errno) {
	e, ok := in.fds.Get(common.Fd(fd))
	if !ok {
		return nil, common.EBADF
	}
	return e, common.ESUCCESS
}

// checked returns the descriptor fd if it is of a kind (kind reports
// whether it is; nil accepts any, else wrongKind is the errno) and its base
// rights include need. Not open: EBADF. Missing a right: ENOTCAPABLE.
func (in *instance) checked(fd uint32, kind func(*fdEntry) bool, wrongKind common.Errno, need common.Rights) (*fdEntry, common.Errno) {
	e, errno := in.entry(fd)
	switch {
	case errno != common.ESUCCESS:
		return nil, errno
	case kind != nil && !kind(e):
		return nil, wrongKind
	case !e.heldBase.Has(need):
		return nil, common.ENOTCAPABLE
	}
	return e, common.ESUCCESS
}

// withRights returns the descriptor fd, of any kind, if its base rights
// include need.
func (in *instance) withRights(fd uint32, need common.Rights) (*fdEntry, common.Errno) {
	return in.checked(fd, nil, 0, need)
}

// notDir reports whether a descriptor is not a directory.
func notDir(e *fdEntry) bool { return e.typ != common.FiletypeDirectory }

// content returns the descriptor fd for an operation on a file's content or
// size. A directory: EBADF (it is not open for its content; wasmtime and
// the wasi-testsuite agree). Missing a right: ENOTCAPABLE.
func (in *instance) content(fd uint32, need common.Rights) (*fdEntry, common.Errno) {
	return in.checked(fd, notDir, common.EBADF, need)
}

// transfer returns the descriptor fd for fd_read/fd_write (access is
// FD_READ or FD_WRITE) and, when positioned, fd_pread/fd_pwrite. A
// directory, or no read (write) access: EBADF, as POSIX answers a read from
// a descriptor not open for reading. Positioned on a stream: ESPIPE; on a
// file without FD_SEEK: ENOTCAPABLE.
func (in *instance) transfer(fd uint32, access common.Rights, positioned bool) (*fdEntry, common.Errno) {
	e, errno := in.entry(fd)
	switch {
	case errno != common.ESUCCESS:
		return nil, errno
	case e.typ == common.FiletypeDirectory || !e.heldBase.Has(access):
		return nil, common.EBADF
	case positioned && !seekable(e.typ):
		return nil, common.ESPIPE
	case positioned && !e.heldBase.Has(common.RightsFdSeek):
		return nil, common.ENOTCAPABLE
	}
	return e, common.ESUCCESS
}

// offset returns the descriptor fd for fd_seek and fd_tell, which need one
// of the rights in any. A directory: EBADF. A stream: ESPIPE.
func (in *instance) offset(fd uint32, any common.Rights) (*fdEntry, common.Errno) {
	e, errno := in.entry(fd)
	switch {
	case errno != common.ESUCCESS:
		return nil, errno
	case e.typ == common.FiletypeDirectory:
		return nil, common.EBADF
	case !seekable(e.typ):
		return nil, common.ESPIPE
	case e.heldBase&any == 0:
		return nil, common.ENOTCAPABLE
	}
	return e, common.ESUCCESS
}

// transferred stores the byte count of a read or write at ptr. A transfer
// that moved some bytes succeeds even if the implementation also returned
// an error, as readv/writev do; the error comes back on the next call. The
// count is clamped to the buffers' total, so that a misbehaving
// implementation cannot make the guest believe it got more.
func transferred(mem memory, ptr uint32, n int, err error, total uint32) common.Errno {
	if n <= 0 {
		if err != nil {
			return common.ErrnoOf(err)
		}
		n = 0
	}
	mem.putU32(ptr, uint32(min(uint64(n), uint64(total))))
	return common.ESUCCESS
}

func fdAdvise(ctx context.Context, in *instance, _ api.Module, stack []uint64) common.Errno {
	advice := u32(stack[3])
	if advice > uint32(common.AdviceNoreuse) {
		return common.EINVAL
	}
	e, errno := in.withRights(u32(stack[0]), common.RightsFdAdvise)
	if errno != common.ESUCCESS {
		return errno
	}
	return common.ErrnoOf(e.file.Advise(ctx, common.Filesize(stack[1]), common.Filesize(stack[2]), common.Advice(advice)))
}

func fdAllocate(ctx context.Context, in *instance, _ api.Module, stack []uint64) common.Errno {
	e, errno := in.content(u32(stack[0]), common.RightsFdAllocate)
	if errno != common.ESUCCESS {
		return errno
	}
	return common.ErrnoOf(e.file.Allocate(ctx, common.Filesize(stack[1]), common.Filesize(stack[2])))
}

// fdClose closes the descriptor. The descriptor is gone even when the
// implementation's Close fails; its errno is still reported, as close(2)
// does.
func fdClose(_ context.Context, in *instance, _ api.Module, stack []uint64) common.Errno {
	e, ok := in.fds.Remove(common.Fd(u32(stack[0])))
	if !ok {
		return common.EBADF
	}
	if e.opened {
		in.host.giveFile()
	}
	return common.ErrnoOf(e.file.Close())
}

func fdDatasync(ctx context.Context, in *instance, _ api.Module, stack []uint64) common.Errno {
	e, errno := in.withRights(u32(stack[0]), common.RightsFdDatasync)
	if errno != common.ESUCCESS {
		return errno
	}
	return common.ErrnoOf(e.file.Datasync(ctx))
}

func fdSync(ctx context.Context, in *instance, _ api.Module, stack []uint64) common.Errno {
	e, errno := in.withRights(u32(stack[0]), common.RightsFdSync)
	if errno != common.ESUCCESS {
		return errno
	}
	return common.ErrnoOf(e.file.Sync(ctx))
}

// fdFdstatGet needs no right: every descriptor may be inspected.
func fdFdstatGet(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	e, errno := in.entry(u32(stack[0]))
	if errno != common.ESUCCESS {
		return errno
	}
	mem, ptr := in.memory(mod), u32(stack[1])
	if !mem.has(ptr, common.FdstatSize) {
		return common.EFAULT
	}
	flags, err := e.file.Fdflags(ctx)
	if err != nil {
		return common.ErrnoOf(err)
	}
	b := mem[ptr : ptr+common.FdstatSize]
	clear(b)
	b[0] = byte(e.typ)
	le.PutUint16(b[2:], uint16(flags))
	le.PutUint64(b[8:], uint64(e.base))
	le.PutUint64(b[16:], uint64(e.inheriting))
	return common.ESUCCESS
}

func fdFdstatSetFlags(ctx context.Context, in *instance, _ api.Module, stack []uint64) common.Errno {
	flags := u32(stack[1])
	if flags&^uint32(common.FdflagsAll) != 0 {
		return common.EINVAL
	}
	e, errno := in.withRights(u32(stack[0]), common.RightsFdFdstatSetFlags)
	if errno != common.ESUCCESS {
		return errno
	}
	return common.ErrnoOf(e.file.SetFdflags(ctx, common.Fdflags(flags)))
}

// fdFdstatSetRights replaces the descriptor's rights with a subset of them.
// Asking for a right it does not have, in either set: ENOTCAPABLE.
func fdFdstatSetRights(_ context.Context, in *instance, _ api.Module, stack []uint64) common.Errno {
	e, errno := in.entry(u32(stack[0]))
	if errno != common.ESUCCESS {
		return errno
	}
	base, inheriting := common.Rights(stack[1]), common.Rights(stack[2])
	if !e.base.Has(base) || !e.inheriting.Has(inheriting) {
		return common.ENOTCAPABLE
	}
	// The new sets are within the reported ones, so nothing withheld by
	// the implementation stays held.
	e.rights = rights{base: base, inheriting: inheriting, heldBase: base, heldInheriting: inheriting,
		dropped: e.dropped | e.base&^base, droppedInheriting: e.droppedInheriting | e.inheriting&^inheriting}
	return common.ESUCCESS
}

// fdFilestatGet reports the file's attributes. A standard stream that is
// not a regular file (a pipe, a terminal, /dev/null) is reported with its
// type and every other field 0, as wasmtime and wazero report the standard
// streams: its device, inode, size and times are the host's, not the
// guest's (wasmtime's preview1 test fd_filestat_get expects 0 size and
// times). A regular file given as a standard stream keeps its attributes,
// so that a guest can size its input.
func fdFilestatGet(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	e, errno := in.withRights(u32(stack[0]), common.RightsFdFilestatGet)
	if errno != common.ESUCCESS {
		return errno
	}
	mem, ptr := in.memory(mod), u32(stack[1])
	if !mem.has(ptr, common.FilestatSize) {
		return common.EFAULT
	}
	st, err := e.file.Filestat(ctx)
	if err != nil {
		return common.ErrnoOf(err)
	}
	if e.isStdio && st.Filetype != common.FiletypeRegularFile {
		st = common.Filestat{Filetype: st.Filetype}
	}
	putFilestat(mem, ptr, &st)
	return common.ESUCCESS
}

// putFilestat encodes st at ptr, which the caller has checked.
func putFilestat(mem memory, ptr uint32, st *common.Filestat) {
	b := mem[ptr : ptr+common.FilestatSize]
	le.PutUint64(b[0:], uint64(st.Dev))
	le.PutUint64(b[8:], uint64(st.Ino))
	le.PutUint64(b[16:], uint64(st.Filetype)) // the type byte and its padding
	le.PutUint64(b[24:], uint64(st.Nlink))
	le.PutUint64(b[32:], uint64(st.Size))
	le.PutUint64(b[40:], uint64(st.Atim))
	le.PutUint64(b[48:], uint64(st.Mtim))
	le.PutUint64(b[56:], uint64(st.Ctim))
}

func fdFilestatSetSize(ctx context.Context, in *instance, _ api.Module, stack []uint64) common.Errno {
	e, errno := in.content(u32(stack[0]), common.RightsFdFilestatSetSize)
	if errno != common.ESUCCESS {
		return errno
	}
	return common.ErrnoOf(e.file.SetSize(ctx, common.Filesize(stack[1])))
}

func fdFilestatSetTimes(ctx context.Context, in *instance, _ api.Module, stack []uint64) common.Errno {
	fst, ok := fstflags(stack[3])
	if !ok {
		return common.EINVAL
	}
	e, errno := in.withRights(u32(stack[0]), common.RightsFdFilestatSetTimes)
	if errno != common.ESUCCESS {
		return errno
	}
	return common.ErrnoOf(e.file.SetTimes(ctx, common.Timestamp(stack[1]), common.Timestamp(stack[2]), fst))
}

// fstflags decodes and checks an fstflags parameter: only defined bits,
// never a value and "now" for the same timestamp.
func fstflags(v uint64) (common.Fstflags, bool) {
	x := uint32(v)
	return common.Fstflags(x), x <= 0xffff && common.Fstflags(x).Valid()
}

// ioOp is the implementation call of fd_read, fd_write, fd_pread or
// fd_pwrite.
type ioOp func(ctx context.Context, f common.WasiFile, iovs [][]byte, off common.Filesize) (int, error)

func readOp(ctx context.Context, f common.WasiFile, iovs [][]byte, _ common.Filesize) (int, error) {
	return f.Read(ctx, iovs)
}

func writeOp(ctx context.Context, f common.WasiFile, iovs [][]byte, _ common.Filesize) (int, error) {
	return f.Write(ctx, iovs)
}

func preadOp(ctx context.Context, f common.WasiFile, iovs [][]byte, off common.Filesize) (int, error) {
	return f.Pread(ctx, iovs, off)
}

func pwriteOp(ctx context.Context, f common.WasiFile, iovs [][]byte, off common.Filesize) (int, error) {
	return f.Pwrite(ctx, iovs, off)
}

func fdRead(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	return in.io(ctx, mod, stack, common.RightsFdRead, false, readOp)
}

func fdWrite(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	return in.io(ctx, mod, stack, common.RightsFdWrite, false, writeOp)
}

func fdPread(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	return in.io(ctx, mod, stack, common.RightsFdRead, true, preadOp)
}

func fdPwrite(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	return in.io(ctx, mod, stack, common.RightsFdWrite, true, pwriteOp)
}

// io runs fd_read, fd_write (fd, iovs, iovs_len, result) or, positioned,
// fd_pread, fd_pwrite (fd, iovs, iovs_len, offset, result): checks, iovecs
// decoded into views of guest memory, op, the count stored.
func (in *instance) io(ctx context.Context, mod api.Module, stack []uint64, access common.Rights, positioned bool, op ioOp) common.Errno {
	e, errno := in.transfer(u32(stack[0]), access, positioned)
	if errno != common.ESUCCESS {
		return errno
	}
	var off common.Filesize
	out := u32(stack[3])
	if positioned {
		off, out = common.Filesize(stack[3]), u32(stack[4])
	}
	mem := in.memory(mod)
	if !mem.has(out, 4) {
		return common.EFAULT
	}
	iovs, total, errno := in.iovecs(mem, stack, 1)
	if errno != common.ESUCCESS {
		return errno
	}
	n, err := op(ctx, e.file, iovs, off)
	return transferred(mem, out, n, err, total)
}

// iovecs decodes the iovec array parameter at stack[i] (pointer) and
// stack[i+1] (count) into the instance's reused slice, cut to
// WithMaxIOBytes. The views stay in the slice after the call (clearing them
// would cost every call write barriers); memory drops them when the guest
// memory is replaced.
func (in *instance) iovecs(mem memory, stack []uint64, i int) ([][]byte, uint32, common.Errno) {
	iovs, total, errno := mem.iovecs(in.iovs, u32(stack[i]), u32(stack[i+1]))
	in.iovs = iovs
	if total > in.maxIO {
		iovs, total = cutIovecs(iovs, in.maxIO)
	}
	return iovs, total, errno
}

// cutIovecs shortens iovs, whose total exceeds max, to the first max bytes:
// the buffer holding the max-th byte is cut there and those after it are
// dropped. It returns the shortened slice and max.
func cutIovecs(iovs [][]byte, max uint32) ([][]byte, uint32) {
	left := max
	for i, b := range iovs {
		if uint64(len(b)) >= uint64(left) {
			iovs[i] = b[:left]
			return iovs[:i+1], max
		}
		left -= uint32(len(b))
	}
	return iovs, max - left
}

// fdRenumber moves descriptor fd to number to, closing what to held. Both
// must be open (EBADF otherwise); to may be a standard stream or a
// pre-open. fd == to succeeds and changes nothing.
func fdRenumber(_ context.Context, in *instance, _ api.Module, stack []uint64) common.Errno {
	from, to := common.Fd(u32(stack[0])), common.Fd(u32(stack[1]))
	replaced, err := in.fds.Renumber(from, to)
	if err != nil {
		return common.ErrnoOf(err)
	}
	if from != to {
		if replaced.opened {
			in.host.giveFile()
		}
		_ = replaced.file.Close() // as dup2, which ignores the close of the target
	}
	return common.ESUCCESS
}

// fdSeek needs FD_SEEK, or only FD_TELL for a seek of 0 from the current
// offset, as the specification describes FD_TELL.
func fdSeek(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	offset, whence := int64(stack[1]), u32(stack[2])
	if whence > uint32(common.WhenceEnd) {
		return common.EINVAL
	}
	need := common.RightsFdSeek
	if offset == 0 && common.Whence(whence) == common.WhenceCur {
		need |= common.RightsFdTell
	}
	e, errno := in.offset(u32(stack[0]), need)
	if errno != common.ESUCCESS {
		return errno
	}
	mem, out := in.memory(mod), u32(stack[3])
	if !mem.has(out, 8) {
		return common.EFAULT
	}
	pos, err := e.file.Seek(ctx, common.Filedelta(offset), common.Whence(whence))
	if err != nil {
		return common.ErrnoOf(err)
	}
	mem.putU64(out, uint64(pos))
	return common.ESUCCESS
}

func fdTell(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	e, errno := in.offset(u32(stack[0]), common.RightsFdTell|common.RightsFdSeek)
	if errno != common.ESUCCESS {
		return errno
	}
	mem, out := in.memory(mod), u32(stack[1])
	if !mem.has(out, 8) {
		return common.EFAULT
	}
	pos, err := e.file.Seek(ctx, 0, common.WhenceCur)
	if err != nil {
		return common.ErrnoOf(err)
	}
	mem.putU64(out, uint64(pos))
	return common.ESUCCESS
}

// fdPrestatGet describes a pre-opened directory. Any other descriptor, open
// or not: EBADF, which is where wasi-libc's scan for pre-opens stops.
func fdPrestatGet(_ context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	e, errno := in.entry(u32(stack[0]))
	if errno != common.ESUCCESS {
		return errno
	}
	if !e.isPreopen {
		return common.EBADF
	}
	mem, ptr := in.memory(mod), u32(stack[1])
	if !mem.has(ptr, common.PrestatSize) {
		return common.EFAULT
	}
	mem.putU32(ptr, uint32(common.PreopentypeDir)) // the tag byte and its padding
	mem.putU32(ptr+4, uint32(len(e.preopen)))
	return common.ESUCCESS
}

// fdPrestatDirName copies a pre-open's guest path, without a NUL. Not a
// pre-open: EBADF. A buffer shorter than the path: ENAMETOOLONG, as
// wasmtime answers (the wasi-testsuite accepts it or EINVAL); nothing is
// written.
func fdPrestatDirName(_ context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	e, errno := in.entry(u32(stack[0]))
	if errno != common.ESUCCESS {
		return errno
	}
	if !e.isPreopen {
		return common.EBADF
	}
	b, ok := in.memory(mod).slice(u32(stack[1]), u32(stack[2]))
	if !ok {
		return common.EFAULT
	}
	if len(b) < len(e.preopen) {
		return common.ENAMETOOLONG
	}
	copy(b, e.preopen)
	return common.ESUCCESS
}
