package wazeroadapter

import (
	"context"
	"math"

	"github.com/tetratelabs/wazero/api"

	"github.com/capwasi/capwasi/common"
)

// direntBatch is how many entries one WasiDir.Readdir call may fill. The
// batch is the instance's, reused by every fd_readdir.
const direntBatch = 128

// fdReaddir fills the guest buffer with dirents (a 24-byte header then the
// name, back to back) starting at cookie. When the next entry does not fit,
// as much of it as fits is written and bufused is the buffer's length, the
// specification's signal that the guest must call again from the cookie of
// the last entry it read whole; bufused below the length means the end of
// the directory. A descriptor that is not a directory: ENOTDIR.
func fdReaddir(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	e, errno := in.entry(u32(stack[0]))
	switch {
	case errno != common.ESUCCESS:
		return errno
	case e.dir == nil:
		return common.ENOTDIR
	case !e.heldBase.Has(common.RightsFdReaddir):
		return common.ENOTCAPABLE
	}
	mem, out := in.memory(mod), u32(stack[4])
	buf, ok := mem.slice(u32(stack[1]), u32(stack[2]))
	if !ok || !mem.has(out, 4) {
		return common.EFAULT
	}
	used, errno := in.readdir(ctx, e.dir, buf, common.Dircookie(stack[3]))
	if errno != common.ESUCCESS {
		return errno
	}
	mem.putU32(out, used)
	return common.ESUCCESS
}

// readdir writes the entries of dir from cookie into buf and returns the
// bytes used. It asks the implementation for batches no larger than what
// the rest of the buffer can hold, so that it reads little it must drop,
// and for at most WithMaxReaddirEntries entries in all, plus one to learn
// whether more follow. When more do, the call ends as if the buffer were
// full (see cutShort).
func (in *instance) readdir(ctx context.Context, dir common.WasiDir, buf []byte, cookie common.Dircookie) (uint32, common.Errno) {
	if len(buf) == 0 {
		return 0, common.ESUCCESS
	}
	if in.dirents == nil {
		in.dirents = make([]common.DirEntry, direntBatch)
	}
	used, left := 0, in.maxReaddir // left: entries this call may still write
	for {
		batch := in.dirents[:min(len(in.dirents), (len(buf)-used)/common.DirentSize+1, left+1)]
		n, err := dir.Readdir(ctx, cookie, batch)
		if err != nil {
			clear(batch)
			return 0, common.ErrnoOf(err)
		}
		if n <= 0 {
			return uint32(used), common.ESUCCESS
		}
		batch = batch[:min(n, len(batch))]
		for i := range batch {
			if left == 0 { // an entry beyond the limit: more to come
				clear(batch)
				return cutShort(buf, used, cookie), common.ESUCCESS
			}
			d := &batch[i]
			var h [common.DirentSize]byte
			le.PutUint64(h[0:], uint64(d.Next))
			le.PutUint64(h[8:], uint64(d.Ino))
			le.PutUint32(h[16:], uint32(len(d.Name)))
			h[20] = byte(d.Type)
			used += copy(buf[used:], h[:])
			used += copy(buf[used:], d.Name)
			if used == len(buf) {
				clear(batch) // the names alias the implementation's buffers
				return uint32(used), common.ESUCCESS
			}
			cookie = d.Next
			left--
		}
		clear(batch)
	}
}

// cutShort ends a listing stopped by WithMaxReaddirEntries before the
// buffer was full, without the work of filling it: after the used bytes it
// writes (as far as it fits) the header of an entry whose name would reach
// past the buffer's end, and reports the whole buffer used. A guest takes
// it for the truncated entry the specification describes and calls again
// from the cookie of the last whole entry; the header's own cookie is that
// one too.
func cutShort(buf []byte, used int, resume common.Dircookie) uint32 {
	var h [common.DirentSize]byte
	le.PutUint64(h[0:], uint64(resume))
	rest := len(buf) - used
	le.PutUint32(h[16:], uint32(min(uint64(rest), math.MaxUint32)))
	copy(buf[used:], h[:])
	return uint32(len(buf))
}
