package wazeroadapter

import (
	"context"

	"github.com/tetratelabs/wazero/api"

	"github.com/capwasi/capwasi/common"
)

// The sock_* functions. A descriptor that is not a socket: ENOTSOCK, checked
// before the rights (a standard stream lacks SOCK_SHUTDOWN, yet
// sock_shutdown on it is ENOTSOCK, as the wasi-testsuite expects). A
// descriptor of unknown type is handed to the implementation, which
// answers ENOTSOCK if it is not a socket.

// socket returns the socket descriptor fd if its base rights include need.
func (in *instance) socket(fd uint32, need common.Rights) (*fdEntry, common.Errno) {
	return in.checked(fd, func(e *fdEntry) bool { return isSocket(e.typ) }, common.ENOTSOCK, need)
}

// sockAccept accepts a connection on a listening socket and numbers it like
// path_open does. Its rights are those of a socket, within what the
// implementation allows and the listener's inheriting rights. A full
// table: EMFILE; the Host's instances holding WithMaxHostOpenFiles
// opened descriptors together: ENFILE; both before the implementation is
// called.
func sockAccept(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	flags := u32(stack[1])
	if flags&^uint32(common.FdflagsAll) != 0 {
		return common.EINVAL
	}
	e, errno := in.socket(u32(stack[0]), common.RightsSockAccept)
	if errno != common.ESUCCESS {
		return errno
	}
	mem, out := in.memory(mod), u32(stack[2])
	if !mem.has(out, 4) {
		return common.EFAULT
	}
	if in.fds.Full() {
		return common.EMFILE
	}
	if !in.host.takeFile() {
		return common.ENFILE
	}
	errno = in.accept(ctx, e, common.Fdflags(flags), mem, out)
	if errno != common.ESUCCESS {
		in.host.giveFile()
	}
	return errno
}

// accept accepts a connection on the listener e for sock_accept, whose
// checks have passed, and numbers it.
func (in *instance) accept(ctx context.Context, e *fdEntry, flags common.Fdflags, mem memory, out uint32) common.Errno {
	f, err := e.file.SockAccept(ctx, flags)
	if err != nil {
		return common.ErrnoOf(err)
	}
	if f == nil {
		return common.EIO // a broken implementation; never hand the guest a nil file
	}
	ne := newEntry(f)
	ne.rights = fileRights(f, ne.typ).within(e.rights)
	return in.insert(mem, out, ne) // e is invalid from here on
}

func sockRecv(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	flags := u32(stack[3])
	if flags&^uint32(common.RiflagsAll) != 0 {
		return common.EINVAL
	}
	e, errno := in.socket(u32(stack[0]), common.RightsFdRead)
	if errno != common.ESUCCESS {
		return errno
	}
	mem, outLen, outFlags := in.memory(mod), u32(stack[4]), u32(stack[5])
	if !mem.has(outLen, 4) || !mem.has(outFlags, 2) {
		return common.EFAULT
	}
	iovs, total, errno := in.iovecs(mem, stack, 1)
	if errno != common.ESUCCESS {
		return errno
	}
	n, oflags, err := e.file.SockRecv(ctx, iovs, common.Riflags(flags))
	if errno := transferred(mem, outLen, n, err, total); errno != common.ESUCCESS {
		return errno
	}
	le.PutUint16(mem[outFlags:], uint16(oflags))
	return common.ESUCCESS
}

// sockSend refuses any siflags (EINVAL): preview1 defines none.
func sockSend(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	if u32(stack[3]) != 0 {
		return common.EINVAL
	}
	e, errno := in.socket(u32(stack[0]), common.RightsFdWrite)
	if errno != common.ESUCCESS {
		return errno
	}
	mem, out := in.memory(mod), u32(stack[4])
	if !mem.has(out, 4) {
		return common.EFAULT
	}
	iovs, total, errno := in.iovecs(mem, stack, 1)
	if errno != common.ESUCCESS {
		return errno
	}
	n, err := e.file.SockSend(ctx, iovs, 0)
	return transferred(mem, out, n, err, total)
}

// sockShutdown needs RD, WR or both: no flag or an unknown one is EINVAL.
func sockShutdown(ctx context.Context, in *instance, _ api.Module, stack []uint64) common.Errno {
	how := u32(stack[1])
	if how == 0 || how&^uint32(common.SdflagsAll) != 0 {
		return common.EINVAL
	}
	e, errno := in.socket(u32(stack[0]), common.RightsSockShutdown)
	if errno != common.ESUCCESS {
		return errno
	}
	return common.ErrnoOf(e.file.SockShutdown(ctx, common.Sdflags(how)))
}
