package wazeroadapter

import (
	"github.com/tetratelabs/wazero/api"
)

// This file builds, byte by byte, the test guest: a wasm module that
// imports every wasi_snapshot_preview1 function and exports, for each, a
// trampoline "call_<name>" with the same signature that calls it, plus its
// memory as "memory". Tests write arguments into that memory, call a
// trampoline with raw parameters and read the results back, which reaches
// every errno path without compiling a guest.

const (
	i32 = api.ValueTypeI32
	i64 = api.ValueTypeI64
)

// specSig is the signature of one preview1 function as the specification
// gives it (wasi_snapshot_preview1.witx), written out independently of the
// adapter's own table so that a mismatch fails instantiation.
type specSig struct {
	name    string
	params  []api.ValueType
	noErrno bool // proc_exit
}

var specSigs = []specSig{
	{name: "args_get", params: []api.ValueType{i32, i32}},
	{name: "args_sizes_get", params: []api.ValueType{i32, i32}},
	{name: "environ_get", params: []api.ValueType{i32, i32}},
	{name: "environ_sizes_get", params: []api.ValueType{i32, i32}},
	{name: "clock_res_get", params: []api.ValueType{i32, i32}},
	{name: "clock_time_get", params: []api.ValueType{i32, i64, i32}},
	{name: "fd_advise", params: []api.ValueType{i32, i64, i64, i32}},
	{name: "fd_allocate", params: []api.ValueType{i32, i64, i64}},
	{name: "fd_close", params: []api.ValueType{i32}},
	{name: "fd_datasync", params: []api.ValueType{i32}},
	{name: "fd_fdstat_get", params: []api.ValueType{i32, i32}},
	{name: "fd_fdstat_set_flags", params: []api.ValueType{i32, i32}},
	{name: "fd_fdstat_set_rights", params: []api.ValueType{i32, i64, i64}},
	{name: "fd_filestat_get", params: []api.ValueType{i32, i32}},
	{name: "fd_filestat_set_size", params: []api.ValueType{i32, i64}},
	{name: "fd_filestat_set_times", params: []api.ValueType{i32, i64, i64, i32}},
	{name: "fd_pread", params: []api.ValueType{i32, i32, i32, i64, i32}},
	{name: "fd_prestat_get", params: []api.ValueType{i32, i32}},
	{name: "fd_prestat_dir_name", params: []api.ValueType{i32, i32, i32}},
	{name: "fd_pwrite", params: []api.ValueType{i32, i32, i32, i64, i32}},
	{name: "fd_read", params: []api.ValueType{i32, i32, i32, i32}},
	{name: "fd_readdir", params: []api.ValueType{i32, i32, i32, i64, i32}},
	{name: "fd_renumber", params: []api.ValueType{i32, i32}},
	{name: "fd_seek", params: []api.ValueType{i32, i64, i32, i32}},
	{name: "fd_sync", params: []api.ValueType{i32}},
	{name: "fd_tell", params: []api.ValueType{i32, i32}},
	{name: "fd_write", params: []api.ValueType{i32, i32, i32, i32}},
	{name: "path_create_directory", params: []api.ValueType{i32, i32, i32}},
	{name: "path_filestat_get", params: []api.ValueType{i32, i32, i32, i32, i32}},
	{name: "path_filestat_set_times", params: []api.ValueType{i32, i32, i32, i32, i64, i64, i32}},
	{name: "path_link", params: []api.ValueType{i32, i32, i32, i32, i32, i32, i32}},
	{name: "path_open", params: []api.ValueType{i32, i32, i32, i32, i32, i64, i64, i32, i32}},
	{name: "path_readlink", params: []api.ValueType{i32, i32, i32, i32, i32, i32}},
	{name: "path_remove_directory", params: []api.ValueType{i32, i32, i32}},
	{name: "path_rename", params: []api.ValueType{i32, i32, i32, i32, i32, i32}},
	{name: "path_symlink", params: []api.ValueType{i32, i32, i32, i32, i32}},
	{name: "path_unlink_file", params: []api.ValueType{i32, i32, i32}},
	{name: "poll_oneoff", params: []api.ValueType{i32, i32, i32, i32}},
	{name: "proc_exit", params: []api.ValueType{i32}, noErrno: true},
	{name: "proc_raise", params: []api.ValueType{i32}},
	{name: "sched_yield"},
	{name: "random_get", params: []api.ValueType{i32, i32}},
	{name: "sock_accept", params: []api.ValueType{i32, i32, i32}},
	{name: "sock_recv", params: []api.ValueType{i32, i32, i32, i32, i32, i32}},
	{name: "sock_send", params: []api.ValueType{i32, i32, i32, i32, i32}},
	{name: "sock_shutdown", params: []api.ValueType{i32, i32}},
}

// trampolineModule returns the test guest's binary.
func trampolineModule() []byte {
	var types, imports, funcs, exports, code []byte
	n := uint32(len(specSigs))
	for i, s := range specSigs {
		// type i: the import's signature, shared by its trampoline
		types = append(types, 0x60)
		types = appendU32(types, uint32(len(s.params)))
		types = append(types, s.params...)
		if s.noErrno {
			types = append(types, 0)
		} else {
			types = append(types, 1, i32)
		}

		imports = appendName(imports, "wasi_snapshot_preview1")
		imports = appendName(imports, s.name)
		imports = append(imports, 0x00) // a function
		imports = appendU32(imports, uint32(i))

		funcs = appendU32(funcs, uint32(i))

		exports = appendName(exports, "call_"+s.name)
		exports = append(exports, 0x00)
		exports = appendU32(exports, n+uint32(i))

		var body []byte
		body = append(body, 0) // no locals
		for p := range s.params {
			body = append(body, 0x20) // local.get
			body = appendU32(body, uint32(p))
		}
		body = append(body, 0x10) // call
		body = appendU32(body, uint32(i))
		body = append(body, 0x0b) // end
		code = appendU32(code, uint32(len(body)))
		code = append(code, body...)
	}
	exports = appendName(exports, "memory")
	exports = append(exports, 0x02, 0) // memory 0

	m := []byte{0x00, 'a', 's', 'm', 1, 0, 0, 0}
	m = appendSection(m, 1, n, types)
	m = appendSection(m, 2, n, imports)
	m = appendSection(m, 3, n, funcs)
	m = appendSection(m, 5, 1, []byte{0x00, 1}) // one memory: 1 page, no maximum
	m = appendSection(m, 7, n+1, exports)
	m = appendSection(m, 10, n, code)
	return m
}

// memorylessModule returns a module importing fd_write that has no memory,
// with a trampoline "call_fd_write".
func memorylessModule() []byte {
	var types, imports, exports, code []byte
	types = append(types, 0x60, 4, i32, i32, i32, i32, 1, i32)
	imports = appendName(imports, "wasi_snapshot_preview1")
	imports = appendName(imports, "fd_write")
	imports = append(imports, 0x00, 0)
	exports = appendName(exports, "call_fd_write")
	exports = append(exports, 0x00, 1)
	body := []byte{0, 0x20, 0, 0x20, 1, 0x20, 2, 0x20, 3, 0x10, 0, 0x0b}
	code = appendU32(code, uint32(len(body)))
	code = append(code, body...)
	m := []byte{0x00, 'a', 's', 'm', 1, 0, 0, 0}
	m = appendSection(m, 1, 1, types)
	m = appendSection(m, 2, 1, imports)
	m = appendSection(m, 3, 1, []byte{0})
	m = appendSection(m, 7, 1, exports)
	m = appendSection(m, 10, 1, code)
	return m
}

func appendSection(m []byte, id byte, count uint32, content []byte) []byte {
	c := appendU32(nil, count)
	c = append(c, content...)
	m = append(m, id)
	m = appendU32(m, uint32(len(c)))
	return append(m, c...)
}

func appendName(b []byte, s string) []byte {
	b = appendU32(b, uint32(len(s)))
	return append(b, s...)
}

// appendU32 appends v in unsigned LEB128.
func appendU32(b []byte, v uint32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
