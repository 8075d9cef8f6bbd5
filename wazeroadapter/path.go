package wazeroadapter

import (
	"context"
	"strings"

	"github.com/tetratelabs/wazero/api"

	"github.com/capwasi/capwasi/common"
)

// The path_* functions. Each resolves its directory descriptor (EBADF; a
// descriptor that is not a directory: ENOTDIR, as the wasi-testsuite
// expects, even though it also lacks the rights), checks its rights
// (ENOTCAPABLE) and decodes its paths (EFAULT, ENOENT for an empty path,
// ENAMETOOLONG, EINVAL for a NUL byte, EILSEQ for invalid UTF-8) before the
// implementation sees anything. Paths reach the implementation as strings
// aliasing guest memory, without a copy.

// dir returns the directory descriptor fd if its base rights include need.
func (in *instance) dir(fd uint32, need common.Rights) (*fdEntry, common.Errno) {
	return in.checked(fd, isDir, common.ENOTDIR, need)
}

// isDir reports whether a descriptor is a directory with path operations.
func isDir(e *fdEntry) bool { return e.dir != nil }

// path decodes the path parameter at stack[i] (pointer) and stack[i+1]
// (length). More components than WithMaxPathComponents allows:
// ENAMETOOLONG.
func (in *instance) path(mem memory, stack []uint64, i int) (string, common.Errno) {
	p, errno := mem.path(u32(stack[i]), u32(stack[i+1]), in.maxPath)
	if errno == common.ESUCCESS && tooManyComponents(p, in.maxComponents) {
		return "", common.ENAMETOOLONG
	}
	return p, errno
}

// tooManyComponents reports whether p has more than max components: names
// between slashes that are not empty. Paths with at most max slashes, the
// usual case, are answered by counting slashes alone.
func tooManyComponents(p string, max int) bool {
	if strings.Count(p, "/") < max {
		return false
	}
	n := 0
	for name := range strings.SplitSeq(p, "/") {
		if name != "" {
			n++
		}
	}
	return n > max
}

// lookupflags decodes a lookupflags parameter: only SYMLINK_FOLLOW may be
// set.
func lookupflags(v uint64) (common.Lookupflags, bool) {
	x := uint32(v)
	return common.Lookupflags(x), x&^uint32(common.LookupflagsSymlinkFollow) == 0
}

func pathCreateDirectory(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	e, errno := in.dir(u32(stack[0]), common.RightsPathCreateDirectory)
	if errno != common.ESUCCESS {
		return errno
	}
	path, errno := in.path(in.memory(mod), stack, 1)
	if errno != common.ESUCCESS {
		return errno
	}
	return common.ErrnoOf(e.dir.CreateDirectory(ctx, path))
}

func pathFilestatGet(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	flags, ok := lookupflags(stack[1])
	if !ok {
		return common.EINVAL
	}
	e, errno := in.dir(u32(stack[0]), common.RightsPathFilestatGet)
	if errno != common.ESUCCESS {
		return errno
	}
	mem, out := in.memory(mod), u32(stack[4])
	if !mem.has(out, common.FilestatSize) {
		return common.EFAULT
	}
	path, errno := in.path(mem, stack, 2)
	if errno != common.ESUCCESS {
		return errno
	}
	st, err := e.dir.PathFilestat(ctx, flags, path)
	if err != nil {
		return common.ErrnoOf(err)
	}
	putFilestat(mem, out, &st)
	return common.ESUCCESS
}

func pathFilestatSetTimes(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	flags, ok := lookupflags(stack[1])
	fst, ok2 := fstflags(stack[6])
	if !ok || !ok2 {
		return common.EINVAL
	}
	e, errno := in.dir(u32(stack[0]), common.RightsPathFilestatSetTimes)
	if errno != common.ESUCCESS {
		return errno
	}
	path, errno := in.path(in.memory(mod), stack, 2)
	if errno != common.ESUCCESS {
		return errno
	}
	return common.ErrnoOf(e.dir.PathSetTimes(ctx, flags, path, common.Timestamp(stack[4]), common.Timestamp(stack[5]), fst))
}

// pathLink refuses LOOKUPFLAGS_SYMLINK_FOLLOW (EINVAL): linkat(2) following
// a symbolic link is not portable, and the wasi-testsuite expects the
// refusal. The link source needs PATH_LINK_SOURCE, the target directory
// PATH_LINK_TARGET; both sides are checked.
func pathLink(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	flags, ok := lookupflags(stack[1])
	if !ok || flags&common.LookupflagsSymlinkFollow != 0 {
		return common.EINVAL
	}
	src, errno := in.dir(u32(stack[0]), common.RightsPathLinkSource)
	if errno != common.ESUCCESS {
		return errno
	}
	dst, errno := in.dir(u32(stack[4]), common.RightsPathLinkTarget)
	if errno != common.ESUCCESS {
		return errno
	}
	mem := in.memory(mod)
	oldPath, errno := in.path(mem, stack, 2)
	if errno != common.ESUCCESS {
		return errno
	}
	newPath, errno := in.path(mem, stack, 5)
	if errno != common.ESUCCESS {
		return errno
	}
	return common.ErrnoOf(src.dir.Link(ctx, flags, oldPath, dst.dir, newPath))
}

// pathOpen opens a file beneath a directory descriptor. The directory needs
// PATH_OPEN, and PATH_CREATE_FILE for OFLAGS_CREAT and
// PATH_FILESTAT_SET_SIZE for OFLAGS_TRUNC; its inheriting rights must allow
// the synchronous-I/O fdflags asked for. The new descriptor's rights are
// computed by openedRights (the rights asked for count only under
// WithStrictRights); the access the file is opened with comes from the
// rights asked for (see openAccess). A full table: EMFILE; the Host's
// instances holding WithMaxHostOpenFiles opened descriptors together:
// ENFILE; both before the implementation is called.
func pathOpen(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	dirflags, ok := lookupflags(stack[1])
	oflags, fdflags := u32(stack[4]), u32(stack[7])
	if !ok || oflags&^uint32(common.OflagsAll) != 0 || fdflags&^uint32(common.FdflagsAll) != 0 {
		return common.EINVAL
	}
	e, errno := in.dir(u32(stack[0]), openNeeds(common.Oflags(oflags)))
	if errno != common.ESUCCESS {
		return errno
	}
	if !truncAllowed(common.Oflags(oflags), e.rights) || !syncRightsOK(common.Fdflags(fdflags), e.heldInheriting) {
		return common.ENOTCAPABLE
	}
	mem, out := in.memory(mod), u32(stack[8])
	if !mem.has(out, 4) {
		return common.EFAULT
	}
	path, errno := in.path(mem, stack, 2)
	if errno != common.ESUCCESS {
		return errno
	}
	if in.fds.Full() {
		return common.EMFILE
	}
	if !in.host.takeFile() {
		return common.ENFILE
	}
	reqBase, reqInheriting := common.Rights(stack[5]), common.Rights(stack[6])
	read, write := openAccess(reqBase)
	opts := common.OpenOptions{
		Lookup:  dirflags,
		Oflags:  common.Oflags(oflags),
		Fdflags: common.Fdflags(fdflags),
		Read:    read,
		Write:   write,
	}
	errno = in.open(ctx, e, path, opts, reqBase, reqInheriting, mem, out)
	if errno != common.ESUCCESS {
		in.host.giveFile()
	}
	return errno
}

// open opens path beneath the directory e for path_open, whose checks have
// passed, and numbers the file.
func (in *instance) open(ctx context.Context, e *fdEntry, path string, opts common.OpenOptions, reqBase, reqInheriting common.Rights, mem memory, out uint32) common.Errno {
	f, err := e.dir.OpenFile(ctx, path, opts)
	if err != nil {
		return common.ErrnoOf(err)
	}
	if f == nil {
		return common.EIO // a broken implementation; never hand the guest a nil file
	}
	ne := newEntry(f)
	if opts.Oflags&common.OflagsDirectory != 0 && ne.typ != common.FiletypeDirectory {
		_ = f.Close()
		return common.ENOTDIR
	}
	ne.rights = openedRights(f, ne.typ, reqBase, reqInheriting, e.rights, opts.Read, opts.Write, in.strictRights)
	return in.insert(mem, out, ne) // e is invalid from here on
}

// insert numbers a new descriptor the guest opened, counted against
// WithMaxHostOpenFiles, and stores its number at out, which the caller has
// checked. A full table (which callers check before opening): the file is
// closed, EMFILE.
func (in *instance) insert(mem memory, out uint32, e fdEntry) common.Errno {
	e.opened = true
	fd, err := in.fds.Insert(e)
	if err != nil {
		_ = e.file.Close()
		return common.ErrnoOf(err)
	}
	mem.putU32(out, uint32(fd))
	return common.ESUCCESS
}

// pathReadlink copies a symbolic link's content into the buffer, truncated
// to its length (not an error, as the wasi-testsuite expects).
func pathReadlink(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	e, errno := in.dir(u32(stack[0]), common.RightsPathReadlink)
	if errno != common.ESUCCESS {
		return errno
	}
	mem, out := in.memory(mod), u32(stack[5])
	buf, ok := mem.slice(u32(stack[3]), u32(stack[4]))
	if !ok || !mem.has(out, 4) {
		return common.EFAULT
	}
	path, errno := in.path(mem, stack, 1)
	if errno != common.ESUCCESS {
		return errno
	}
	if overlap(u32(stack[1]), u32(stack[2]), u32(stack[3]), u32(stack[4])) {
		path = strings.Clone(path) // the implementation writes where the path lies
	}
	n, err := e.dir.Readlink(ctx, path, buf)
	if err != nil {
		return common.ErrnoOf(err)
	}
	mem.putU32(out, uint32(max(0, min(n, len(buf)))))
	return common.ESUCCESS
}

// overlap reports whether the guest ranges [p, p+n) and [q, q+m) share a
// byte.
func overlap(p, n, q, m uint32) bool {
	return n > 0 && m > 0 && uint64(p) < uint64(q)+uint64(m) && uint64(q) < uint64(p)+uint64(n)
}

func pathRemoveDirectory(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	e, errno := in.dir(u32(stack[0]), common.RightsPathRemoveDirectory)
	if errno != common.ESUCCESS {
		return errno
	}
	path, errno := in.path(in.memory(mod), stack, 1)
	if errno != common.ESUCCESS {
		return errno
	}
	return common.ErrnoOf(e.dir.RemoveDirectory(ctx, path))
}

// pathRename needs PATH_RENAME_SOURCE on the source directory and
// PATH_RENAME_TARGET on the target directory; both sides are checked.
func pathRename(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	src, errno := in.dir(u32(stack[0]), common.RightsPathRenameSource)
	if errno != common.ESUCCESS {
		return errno
	}
	dst, errno := in.dir(u32(stack[3]), common.RightsPathRenameTarget)
	if errno != common.ESUCCESS {
		return errno
	}
	mem := in.memory(mod)
	oldPath, errno := in.path(mem, stack, 1)
	if errno != common.ESUCCESS {
		return errno
	}
	newPath, errno := in.path(mem, stack, 4)
	if errno != common.ESUCCESS {
		return errno
	}
	return common.ErrnoOf(src.dir.Rename(ctx, oldPath, dst.dir, newPath))
}

// pathSymlink checks the link's content (old_path) as a path too: empty is
// ENOENT, a NUL byte EINVAL, as symlink(2) does.
func pathSymlink(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	e, errno := in.dir(u32(stack[2]), common.RightsPathSymlink)
	if errno != common.ESUCCESS {
		return errno
	}
	mem := in.memory(mod)
	target, errno := in.path(mem, stack, 0)
	if errno != common.ESUCCESS {
		return errno
	}
	path, errno := in.path(mem, stack, 3)
	if errno != common.ESUCCESS {
		return errno
	}
	return common.ErrnoOf(e.dir.Symlink(ctx, target, path))
}

func pathUnlinkFile(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno {
	e, errno := in.dir(u32(stack[0]), common.RightsPathUnlinkFile)
	if errno != common.ESUCCESS {
		return errno
	}
	path, errno := in.path(in.memory(mod), stack, 1)
	if errno != common.ESUCCESS {
		return errno
	}
	return common.ErrnoOf(e.dir.UnlinkFile(ctx, path))
}
