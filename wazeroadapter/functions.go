package wazeroadapter

import (
	"context"

	"github.com/tetratelabs/wazero/api"

	"github.com/capwasi/capwasi/common"
)

// function describes one preview1 function: its name and parameters as the
// specification gives them, and its implementation.
type function struct {
	name   string
	params []param
	// call implements the function: it reads its parameters from stack and
	// returns the errno, which the host function stores as the result.
	call func(ctx context.Context, in *instance, mod api.Module, stack []uint64) common.Errno
	// exit marks proc_exit, which has no result and does not return.
	exit bool
	// unlocked marks the functions that run without the instance's lock:
	// they read only what never changes after the instance is made (its
	// Clocks, safe for concurrent use by contract) and write only to guest
	// memory, through the binding's api.Memory rather than the instance's
	// reused view. They are the clock calls, which a Go guest makes twice
	// per time.Now, where the lock's two atomic instructions are a tenth of
	// the call.
	unlocked bool
}

// param is one parameter of a function: its name in the specification and
// its kind, which gives its wasm type and how a trace shows it.
type param struct {
	name string
	kind paramKind
}

// paramKind says what a parameter holds.
type paramKind uint8

const (
	pFd        paramKind = iota // a descriptor (u32)
	pU32                        // a count or size (u32)
	pPtr                        // a guest pointer (u32)
	pPath                       // a guest pointer to a path; the next parameter is its length
	pBuf                        // a guest pointer to a buffer; the next parameter is its length
	pIovs                       // a guest pointer to an iovec array; the next parameter is its count
	pLen                        // the length or count of the pointer before it (u32)
	pFilesize                   // a size or offset (u64)
	pFiledelta                  // a relative offset (s64)
	pTimestamp                  // nanoseconds (u64)
	pDircookie                  // a directory position (u64)
	pRights                     // rights (u64)
	pLookupflags
	pOflags
	pFdflags
	pFstflags
	pWhence
	pAdvice
	pClockid
	pSignal
	pRiflags
	pSiflags
	pSdflags
	pExitcode
	// Output pointers: where the function stores a result.
	pOutU32      // a size or count (u32)
	pOutFd       // a new descriptor (u32)
	pOutU64      // a timestamp, offset (u64)
	pOutFdstat   // a fdstat (24 bytes)
	pOutFilestat // a filestat (64 bytes)
	pOutPrestat  // a prestat (8 bytes)
	pOutRoflags  // roflags (u16)
)

// wasmType returns the parameter's type in the wasm signature.
func (k paramKind) wasmType() api.ValueType {
	switch k {
	case pFilesize, pFiledelta, pTimestamp, pDircookie, pRights:
		return api.ValueTypeI64
	}
	return api.ValueTypeI32
}

func (f *function) paramTypes() []api.ValueType {
	if len(f.params) == 0 {
		return nil
	}
	t := make([]api.ValueType, len(f.params))
	for i, p := range f.params {
		t[i] = p.kind.wasmType()
	}
	return t
}

func (f *function) paramNames() []string {
	n := make([]string, len(f.params))
	for i, p := range f.params {
		n[i] = p.name
	}
	return n
}

func (f *function) resultTypes() []api.ValueType {
	if f.exit {
		return nil
	}
	return []api.ValueType{api.ValueTypeI32}
}

func (f *function) resultNames() []string {
	if f.exit {
		return nil
	}
	return []string{"errno"}
}

// maxParams is the most parameters a preview1 function takes (path_open).
const maxParams = 9

// functions are the 46 functions of wasi_snapshot_preview1, in the order
// of the specification, with its parameter names (results written through
// pointers are named "result.<name>", as wazero names them).
var functions = [...]function{
	{name: "args_get", call: argsGet, params: []param{{"argv", pPtr}, {"argv_buf", pPtr}}},
	{name: "args_sizes_get", call: argsSizesGet, params: []param{{"result.argc", pOutU32}, {"result.argv_len", pOutU32}}},
	{name: "environ_get", call: environGet, params: []param{{"environ", pPtr}, {"environ_buf", pPtr}}},
	{name: "environ_sizes_get", call: environSizesGet, params: []param{{"result.environc", pOutU32}, {"result.environv_len", pOutU32}}},
	{name: "clock_res_get", call: clockResGet, unlocked: true, params: []param{{"id", pClockid}, {"result.resolution", pOutU64}}},
	{name: "clock_time_get", call: clockTimeGet, unlocked: true, params: []param{{"id", pClockid}, {"precision", pTimestamp}, {"result.timestamp", pOutU64}}},
	{name: "fd_advise", call: fdAdvise, params: []param{{"fd", pFd}, {"offset", pFilesize}, {"len", pFilesize}, {"advice", pAdvice}}},
	{name: "fd_allocate", call: fdAllocate, params: []param{{"fd", pFd}, {"offset", pFilesize}, {"len", pFilesize}}},
	{name: "fd_close", call: fdClose, params: []param{{"fd", pFd}}},
	{name: "fd_datasync", call: fdDatasync, params: []param{{"fd", pFd}}},
	{name: "fd_fdstat_get", call: fdFdstatGet, params: []param{{"fd", pFd}, {"result.stat", pOutFdstat}}},
	{name: "fd_fdstat_set_flags", call: fdFdstatSetFlags, params: []param{{"fd", pFd}, {"flags", pFdflags}}},
	{name: "fd_fdstat_set_rights", call: fdFdstatSetRights, params: []param{{"fd", pFd}, {"fs_rights_base", pRights}, {"fs_rights_inheriting", pRights}}},
	{name: "fd_filestat_get", call: fdFilestatGet, params: []param{{"fd", pFd}, {"result.buf", pOutFilestat}}},
	{name: "fd_filestat_set_size", call: fdFilestatSetSize, params: []param{{"fd", pFd}, {"size", pFilesize}}},
	{name: "fd_filestat_set_times", call: fdFilestatSetTimes, params: []param{{"fd", pFd}, {"atim", pTimestamp}, {"mtim", pTimestamp}, {"fst_flags", pFstflags}}},
	{name: "fd_pread", call: fdPread, params: []param{{"fd", pFd}, {"iovs", pIovs}, {"iovs_len", pLen}, {"offset", pFilesize}, {"result.nread", pOutU32}}},
	{name: "fd_prestat_get", call: fdPrestatGet, params: []param{{"fd", pFd}, {"result.prestat", pOutPrestat}}},
	{name: "fd_prestat_dir_name", call: fdPrestatDirName, params: []param{{"fd", pFd}, {"path", pBuf}, {"path_len", pLen}}},
	{name: "fd_pwrite", call: fdPwrite, params: []param{{"fd", pFd}, {"iovs", pIovs}, {"iovs_len", pLen}, {"offset", pFilesize}, {"result.nwritten", pOutU32}}},
	{name: "fd_read", call: fdRead, params: []param{{"fd", pFd}, {"iovs", pIovs}, {"iovs_len", pLen}, {"result.nread", pOutU32}}},
	{name: "fd_readdir", call: fdReaddir, params: []param{{"fd", pFd}, {"buf", pBuf}, {"buf_len", pLen}, {"cookie", pDircookie}, {"result.bufused", pOutU32}}},
	{name: "fd_renumber", call: fdRenumber, params: []param{{"fd", pFd}, {"to", pFd}}},
	{name: "fd_seek", call: fdSeek, params: []param{{"fd", pFd}, {"offset", pFiledelta}, {"whence", pWhence}, {"result.newoffset", pOutU64}}},
	{name: "fd_sync", call: fdSync, params: []param{{"fd", pFd}}},
	{name: "fd_tell", call: fdTell, params: []param{{"fd", pFd}, {"result.offset", pOutU64}}},
	{name: "fd_write", call: fdWrite, params: []param{{"fd", pFd}, {"iovs", pIovs}, {"iovs_len", pLen}, {"result.nwritten", pOutU32}}},
	{name: "path_create_directory", call: pathCreateDirectory, params: []param{{"fd", pFd}, {"path", pPath}, {"path_len", pLen}}},
	{name: "path_filestat_get", call: pathFilestatGet, params: []param{{"fd", pFd}, {"flags", pLookupflags}, {"path", pPath}, {"path_len", pLen}, {"result.buf", pOutFilestat}}},
	{name: "path_filestat_set_times", call: pathFilestatSetTimes, params: []param{{"fd", pFd}, {"flags", pLookupflags}, {"path", pPath}, {"path_len", pLen}, {"atim", pTimestamp}, {"mtim", pTimestamp}, {"fst_flags", pFstflags}}},
	{name: "path_link", call: pathLink, params: []param{{"old_fd", pFd}, {"old_flags", pLookupflags}, {"old_path", pPath}, {"old_path_len", pLen}, {"new_fd", pFd}, {"new_path", pPath}, {"new_path_len", pLen}}},
	{name: "path_open", call: pathOpen, params: []param{{"fd", pFd}, {"dirflags", pLookupflags}, {"path", pPath}, {"path_len", pLen}, {"oflags", pOflags}, {"fs_rights_base", pRights}, {"fs_rights_inheriting", pRights}, {"fdflags", pFdflags}, {"result.opened_fd", pOutFd}}},
	{name: "path_readlink", call: pathReadlink, params: []param{{"fd", pFd}, {"path", pPath}, {"path_len", pLen}, {"buf", pBuf}, {"buf_len", pLen}, {"result.bufused", pOutU32}}},
	{name: "path_remove_directory", call: pathRemoveDirectory, params: []param{{"fd", pFd}, {"path", pPath}, {"path_len", pLen}}},
	{name: "path_rename", call: pathRename, params: []param{{"fd", pFd}, {"old_path", pPath}, {"old_path_len", pLen}, {"new_fd", pFd}, {"new_path", pPath}, {"new_path_len", pLen}}},
	{name: "path_symlink", call: pathSymlink, params: []param{{"old_path", pPath}, {"old_path_len", pLen}, {"fd", pFd}, {"new_path", pPath}, {"new_path_len", pLen}}},
	{name: "path_unlink_file", call: pathUnlinkFile, params: []param{{"fd", pFd}, {"path", pPath}, {"path_len", pLen}}},
	{name: "poll_oneoff", call: pollOneoff, params: []param{{"in", pPtr}, {"out", pPtr}, {"nsubscriptions", pU32}, {"result.nevents", pOutU32}}},
	{name: "proc_exit", exit: true, params: []param{{"rval", pExitcode}}},
	{name: "proc_raise", call: procRaise, params: []param{{"sig", pSignal}}},
	{name: "sched_yield", call: schedYield},
	{name: "random_get", call: randomGet, params: []param{{"buf", pBuf}, {"buf_len", pLen}}},
	{name: "sock_accept", call: sockAccept, params: []param{{"fd", pFd}, {"flags", pFdflags}, {"result.fd", pOutFd}}},
	{name: "sock_recv", call: sockRecv, params: []param{{"fd", pFd}, {"ri_data", pIovs}, {"ri_data_len", pLen}, {"ri_flags", pRiflags}, {"result.ro_datalen", pOutU32}, {"result.ro_flags", pOutRoflags}}},
	{name: "sock_send", call: sockSend, params: []param{{"fd", pFd}, {"si_data", pIovs}, {"si_data_len", pLen}, {"si_flags", pSiflags}, {"result.so_datalen", pOutU32}}},
	{name: "sock_shutdown", call: sockShutdown, params: []param{{"fd", pFd}, {"how", pSdflags}}},
}

// u32 decodes an i32 parameter.
func u32(v uint64) uint32 { return uint32(v) }
