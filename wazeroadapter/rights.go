package wazeroadapter

import "github.com/capwasi/capwasi/common"

// The rights model (see docs/architecture.md, section wazeroadapter).
//
// Every descriptor carries a base set (what it may do) and an inheriting set
// (the most a descriptor opened through it may get). A descriptor's sets
// are the intersection of
//
//   - the rights that make sense for its file type (typeRights),
//   - what the implementation says the file can honour (WasiFile.Rights),
//   - for path_open, the opening directory's inheriting set, less the read
//     rights when a file is not opened for reading and the write rights
//     when it is not opened for writing,
//   - with WithStrictRights, also the rights the guest asked path_open for.
//
// By default the rights asked for in path_open only decide the access a
// file is opened with (openAccess), which is what wasmtime has done since
// it rebuilt preview1 on preview2 in 2023: wasmtime's own test programs
// open directories with rights 0 and then create, write and rename through
// them, and wasi-libc asks for every right anyway. A directory is not
// opened for reading or writing: it keeps FD_READDIR and its path rights
// whatever was asked for.
//
// Rights only ever shrink: fd_fdstat_set_rights may drop bits, never add
// them, and the rights it drops stay dropped for everything opened through
// the descriptor afterwards, in both modes (wasmtime refuses the call with
// ENOTSUP; the wasi-testsuite expects the drop to hold).

// Rights the guest asks for in path_open that open the file for reading
// (any of readRights) or for writing (writeRights).
//
// Only FD_WRITE opens for writing, not the whole RightsWriteMask: Go's
// syscall package still asks for FD_FILESTAT_SET_SIZE when it opens a file
// O_RDONLY (its own write mask names PATH_FILESTAT_SET_SIZE instead), so
// counting it would open every read of a Go guest for writing, which fails
// in a read-only tree and on a read-only file. wazero's WASI and wasmtime's preview1 also derive
// write access from FD_WRITE alone. A file not opened for writing loses the
// whole RightsWriteMask, so those rights cannot be used on it.
const (
	readRights  = common.RightsFdRead | common.RightsFdReaddir
	writeRights = common.RightsFdWrite
)

// streamRights are the rights of a descriptor whose kind is unknown (a pipe,
// say): everything a file or a socket could do, so that the implementation,
// not the rights model, answers what the file cannot do.
const streamRights = common.RightsRegularFileBase | common.RightsSocketBase | common.RightsListenerBase

// typeRights returns the base and inheriting rights that make sense for a
// descriptor of type t. Only a directory passes rights on.
func typeRights(t common.Filetype) (base, inheriting common.Rights) {
	switch t {
	case common.FiletypeDirectory:
		return common.RightsDirectoryBase, common.RightsDirectoryInheriting
	case common.FiletypeRegularFile, common.FiletypeBlockDevice, common.FiletypeSymbolicLink:
		return common.RightsRegularFileBase, common.RightsRegularFileBase
	case common.FiletypeCharacterDevice:
		return common.RightsCharacterDeviceBase, common.RightsCharacterDeviceBase
	case common.FiletypeSocketStream, common.FiletypeSocketDgram:
		r := common.RightsSocketBase | common.RightsListenerBase
		return r, r
	}
	return streamRights, streamRights
}

// seekable reports whether a descriptor of type t can have a file offset.
// fd_seek, fd_tell, fd_pread and fd_pwrite on one that cannot answer ESPIPE
// whatever its rights, as POSIX does for a pipe or a terminal.
func seekable(t common.Filetype) bool {
	base, _ := typeRights(t)
	return base.Has(common.RightsFdSeek)
}

// isSocket reports whether the sock_* functions apply to a descriptor of
// type t. A descriptor of unknown type is passed to the implementation,
// which answers ENOTSOCK if it is not one.
func isSocket(t common.Filetype) bool {
	switch t {
	case common.FiletypeSocketStream, common.FiletypeSocketDgram, common.FiletypeUnknown:
		return true
	}
	return false
}

// rights are a descriptor's two pairs of rights sets.
//
// base and inheriting are its rights as fd_fdstat_get reports them: what
// the guest asked for and kept, less what the implementation says it
// cannot honour (WasiFile.Rights), as LESSONS and the wasi-testsuite want
// (a read-only directory does not report PATH_CREATE_FILE).
//
// heldBase and heldInheriting are what calls are checked against: the
// guest's own rights before the implementation's restriction. A call
// needing a right the guest never had, or dropped, fails with ENOTCAPABLE
// here; a call needing a right only the implementation withholds goes on
// to the implementation, which refuses it with its own errno — EPERM for a
// write beneath a read-only pre-open, as wasmtime answers — and changes
// nothing. The contract of WasiFile.Rights obliges an implementation to
// refuse what it withholds.
//
// dropped are the base rights the guest gave up with fd_fdstat_set_rights,
// on this descriptor or, from the inheriting set, on a directory it was
// opened through (droppedInheriting, passed on by within): a directory
// opened through one whose inheriting set lost a right has given that right
// up too, however it was opened. Only PATH_FILESTAT_SET_SIZE is looked at
// there (see truncAllowed).
type rights struct {
	base, inheriting           common.Rights
	heldBase, heldInheriting   common.Rights
	dropped, droppedInheriting common.Rights
}

// fileRights returns the rights of a descriptor the instance starts with
// (standard streams, pre-opened directories and sockets) or accepts
// (sock_accept): what its type allows, less (for the reported sets) what
// the implementation cannot honour.
func fileRights(f common.WasiFile, t common.Filetype) rights {
	tb, ti := typeRights(t)
	fb, fi := f.Rights()
	return rights{base: tb & fb, inheriting: ti & fi, heldBase: tb, heldInheriting: ti}
}

// within returns r limited to what a directory with rights dir passes on:
// reported sets by its reported inheriting set, held sets by its held one;
// what the guest dropped from dir's inheriting set counts as dropped from
// both sets.
func (r rights) within(dir rights) rights {
	return rights{
		base: r.base & dir.inheriting, inheriting: r.inheriting & dir.inheriting,
		heldBase: r.heldBase & dir.heldInheriting, heldInheriting: r.heldInheriting & dir.heldInheriting,
		dropped: dir.droppedInheriting, droppedInheriting: dir.droppedInheriting,
	}
}

// openedRights returns the rights of a descriptor path_open creates: what
// fileRights allows within what the directory passes on, without the read
// rights unless opened for reading and without the write rights unless
// opened for writing (a directory keeps FD_READDIR). With strict, also
// within the rights requested; requested rights beyond that are dropped
// silently, as many guests (Go's among them) ask for every right.
func openedRights(f common.WasiFile, t common.Filetype, reqBase, reqInheriting common.Rights, dir rights, read, write, strict bool) rights {
	r := fileRights(f, t).within(dir)
	if strict {
		r.base &= reqBase
		r.heldBase &= reqBase
		r.inheriting &= reqInheriting
		r.heldInheriting &= reqInheriting
	}
	if !read && (strict || t != common.FiletypeDirectory) {
		r.base &^= common.RightsReadMask
		r.heldBase &^= common.RightsReadMask
	}
	if !write {
		r.base &^= common.RightsWriteMask
		r.heldBase &^= common.RightsWriteMask
	}
	return r
}

// openAccess derives from the rights a guest asks for in path_open whether
// the file is opened for reading and for writing.
func openAccess(reqBase common.Rights) (read, write bool) {
	return reqBase&readRights != 0, reqBase&writeRights != 0
}

// openNeeds returns the base rights path_open needs on the directory
// descriptor for oflags: PATH_OPEN, and PATH_CREATE_FILE for CREAT. TRUNC
// is checked by truncAllowed. The synchronous-I/O fdflags are checked
// against the directory's inheriting rights by syncRightsOK.
func openNeeds(oflags common.Oflags) common.Rights {
	need := common.RightsPathOpen
	if oflags&common.OflagsCreat != 0 {
		need |= common.RightsPathCreateFile
	}
	return need
}

// truncAllowed reports whether path_open may truncate (OFLAGS_TRUNC)
// through a directory with rights r: unless the guest dropped
// PATH_FILESTAT_SET_SIZE with fd_fdstat_set_rights, from the directory's
// base set or from the inheriting set of one it was opened through, which
// the wasi-testsuite (truncation_rights) expects to be refused. Not asking for the right when
// opening the directory does not count: Go's os.OpenRoot opens directories
// without it and then creates files with OFLAGS_TRUNC through them, which
// wasmtime and wazero allow.
func truncAllowed(oflags common.Oflags, r rights) bool {
	return oflags&common.OflagsTrunc == 0 || !r.dropped.Has(common.RightsPathFilestatSetSize)
}

// syncRightsOK reports whether a directory whose inheriting rights are inh
// may open a file with the synchronous-I/O flags in fdflags, as the
// specification describes the rights: SYNC needs FD_SYNC; DSYNC FD_DATASYNC
// or FD_SYNC; RSYNC FD_SYNC or FD_READ.
func syncRightsOK(fdflags common.Fdflags, inh common.Rights) bool {
	if fdflags&common.FdflagsSync != 0 && !inh.Has(common.RightsFdSync) {
		return false
	}
	if fdflags&common.FdflagsDsync != 0 && inh&(common.RightsFdDatasync|common.RightsFdSync) == 0 {
		return false
	}
	if fdflags&common.FdflagsRsync != 0 && inh&(common.RightsFdSync|common.RightsFdRead) == 0 {
		return false
	}
	return true
}
