//go:build linux

package hardening

import (
	"encoding/binary"

	"github.com/tetratelabs/wazero/api"

	"github.com/capwasi/capwasi/conformance/internal/wasmbin"
)

// A small WebAssembly encoder for the guests the leak and load tests need
// by the thousand: a module that instantiates in microseconds, where a Go
// guest costs milliseconds. Guests import preview1 functions by name,
// have one memory with data segments, and export functions whose bodies
// are written with the op helpers below.

const (
	i32 = api.ValueTypeI32
	i64 = api.ValueTypeI64
)

// preview1Params are the parameter types of the preview1 functions the
// hand-made guests import (every one returns an i32 errno but proc_exit).
var preview1Params = map[string][]api.ValueType{
	"args_get":              {i32, i32},
	"args_sizes_get":        {i32, i32},
	"fd_close":              {i32},
	"fd_fdstat_get":         {i32, i32},
	"fd_filestat_get":       {i32, i32},
	"fd_pread":              {i32, i32, i32, i64, i32},
	"fd_prestat_dir_name":   {i32, i32, i32},
	"fd_prestat_get":        {i32, i32},
	"fd_pwrite":             {i32, i32, i32, i64, i32},
	"fd_read":               {i32, i32, i32, i32},
	"fd_readdir":            {i32, i32, i32, i64, i32},
	"fd_renumber":           {i32, i32},
	"fd_seek":               {i32, i64, i32, i32},
	"fd_write":              {i32, i32, i32, i32},
	"path_create_directory": {i32, i32, i32},
	"path_filestat_get":     {i32, i32, i32, i32, i32},
	"path_open":             {i32, i32, i32, i32, i32, i64, i64, i32, i32},
	"path_remove_directory": {i32, i32, i32},
	"path_rename":           {i32, i32, i32, i32, i32, i32},
	"path_symlink":          {i32, i32, i32, i32, i32},
	"path_unlink_file":      {i32, i32, i32},
	"poll_oneoff":           {i32, i32, i32, i32},
	"proc_exit":             {i32},
	"sock_accept":           {i32, i32, i32},
	"sock_recv":             {i32, i32, i32, i32, i32, i32},
	"sock_send":             {i32, i32, i32, i32, i32},
	"sock_shutdown":         {i32, i32},
}

// wasmModule is a module being assembled.
type wasmModule struct {
	types    [][]byte
	imports  []byte
	nImports uint32
	fnTypes  []uint32
	code     [][]byte
	exports  []byte
	nExports uint32
	data     []byte
	nData    uint32
	pages    uint32
	byName   map[string]uint32 // imported function → index
}

// newWasmModule returns a module with a memory of pages 64 KiB pages,
// exported as "memory", that imports the named preview1 functions. Their
// indexes come from imp.
func newWasmModule(pages uint32, imports ...string) *wasmModule {
	m := &wasmModule{pages: pages, byName: map[string]uint32{}}
	for _, name := range imports {
		params, ok := preview1Params[name]
		if !ok {
			panic("no signature for " + name)
		}
		var results []api.ValueType
		if name != "proc_exit" {
			results = []api.ValueType{i32}
		}
		t := m.typ(params, results)
		m.imports = wasmbin.AppendName(m.imports, "wasi_snapshot_preview1")
		m.imports = wasmbin.AppendName(m.imports, name)
		m.imports = append(m.imports, 0x00)
		m.imports = wasmbin.AppendU32(m.imports, t)
		m.byName[name] = m.nImports
		m.nImports++
	}
	return m
}

// imp returns the function index of an imported preview1 function.
func (m *wasmModule) imp(name string) uint32 {
	i, ok := m.byName[name]
	if !ok {
		panic(name + " is not imported")
	}
	return i
}

// typ returns the index of the function type, adding it if new.
func (m *wasmModule) typ(params, results []api.ValueType) uint32 {
	t := []byte{0x60}
	t = wasmbin.AppendU32(t, uint32(len(params)))
	t = append(t, params...)
	t = wasmbin.AppendU32(t, uint32(len(results)))
	t = append(t, results...)
	for i, have := range m.types {
		if string(have) == string(t) {
			return uint32(i)
		}
	}
	m.types = append(m.types, t)
	return uint32(len(m.types) - 1)
}

// function adds a function with params, no result, and i32 locals, with
// body (its final end is added), exported as name; it returns its index.
func (m *wasmModule) function(name string, params []api.ValueType, i32Locals uint32, body ...[]byte) uint32 {
	idx := m.nImports + uint32(len(m.fnTypes))
	m.fnTypes = append(m.fnTypes, m.typ(params, nil))
	var b []byte
	if i32Locals > 0 {
		b = append(b, 1)
		b = wasmbin.AppendU32(b, i32Locals)
		b = append(b, byte(i32))
	} else {
		b = append(b, 0)
	}
	for _, op := range body {
		b = append(b, op...)
	}
	b = append(b, 0x0b)
	m.code = append(m.code, b)
	m.exports = wasmbin.AppendName(m.exports, name)
	m.exports = append(m.exports, 0x00)
	m.exports = wasmbin.AppendU32(m.exports, idx)
	m.nExports++
	return idx
}

// put adds a data segment writing b at offset.
func (m *wasmModule) put(offset uint32, b []byte) {
	m.data = append(m.data, 0x00, 0x41) // active, memory 0, i32.const
	m.data = wasmbin.AppendS64(m.data, int64(offset))
	m.data = append(m.data, 0x0b)
	m.data = wasmbin.AppendU32(m.data, uint32(len(b)))
	m.data = append(m.data, b...)
	m.nData++
}

// putU32 adds a data segment writing v at offset.
func (m *wasmModule) putU32(offset, v uint32) {
	m.put(offset, binary.LittleEndian.AppendUint32(nil, v))
}

// bytes returns the module's binary.
func (m *wasmModule) bytes() []byte {
	var types []byte
	for _, t := range m.types {
		types = append(types, t...)
	}
	var funcs, code []byte
	for _, t := range m.fnTypes {
		funcs = wasmbin.AppendU32(funcs, t)
	}
	for _, c := range m.code {
		code = wasmbin.AppendU32(code, uint32(len(c)))
		code = append(code, c...)
	}
	exports := wasmbin.AppendName(m.exports, "memory")
	exports = append(exports, 0x02, 0)
	out := []byte{0x00, 'a', 's', 'm', 1, 0, 0, 0}
	out = wasmbin.AppendSection(out, 1, uint32(len(m.types)), types)
	out = wasmbin.AppendSection(out, 2, m.nImports, m.imports)
	out = wasmbin.AppendSection(out, 3, uint32(len(m.fnTypes)), funcs)
	out = wasmbin.AppendSection(out, 5, 1, append([]byte{0x00}, wasmbin.AppendU32(nil, m.pages)...))
	out = wasmbin.AppendSection(out, 7, m.nExports+1, exports)
	out = wasmbin.AppendSection(out, 10, uint32(len(m.code)), code)
	if m.nData > 0 {
		out = wasmbin.AppendSection(out, 11, m.nData, m.data)
	}
	return out
}

// Instructions.

// i32c pushes v.
func i32c(v int32) []byte { return wasmbin.AppendS64([]byte{0x41}, int64(v)) }

// i64c pushes v.
func i64c(v int64) []byte { return wasmbin.AppendS64([]byte{0x42}, v) }

// call calls function f.
func call(f uint32) []byte { return wasmbin.AppendU32([]byte{0x10}, f) }

// load pushes the i32 at the address on the stack.
func load() []byte { return []byte{0x28, 2, 0} }

// loadAt pushes the i32 stored at addr.
func loadAt(addr uint32) []byte { return append(i32c(int32(addr)), load()...) }

// localGet pushes local i; localSet pops into it.
func localGet(i uint32) []byte { return wasmbin.AppendU32([]byte{0x20}, i) }
func localSet(i uint32) []byte { return wasmbin.AppendU32([]byte{0x21}, i) }

// trapUnlessZero traps when the i32 on the stack (an errno) is not 0.
func trapUnlessZero() []byte { return []byte{0x04, 0x40, 0x00, 0x0b} } // if; unreachable; end

// trapUnlessEq traps when the i32 on the stack is not v.
func trapUnlessEq(v int32) []byte {
	return append(append(i32c(v), 0x47), trapUnlessZero()...) // i32.ne
}

// trapUnlessSame64 traps when the i64 values at addresses a and b differ.
func trapUnlessSame64(a, b uint32) []byte {
	op := append(i32c(int32(a)), 0x29, 3, 0) // i64.load
	op = append(op, i32c(int32(b))...)
	op = append(op, 0x29, 3, 0, 0x52) // i64.load; i64.ne
	return append(op, trapUnlessZero()...)
}

// store64 stores v at addr.
func store64(addr uint32, v int64) []byte {
	op := append(i32c(int32(addr)), i64c(v)...)
	return append(op, 0x37, 3, 0) // i64.store
}

// store32 pops an i32 and stores it at addr; the address goes first, so
// the value's ops follow.
func store32(addr uint32, value ...[]byte) []byte {
	op := i32c(int32(addr))
	for _, v := range value {
		op = append(op, v...)
	}
	return append(op, 0x36, 2, 0) // i32.store
}

// until repeats body, which must leave an i32 on the stack, until that
// value is not 0; the value is then in local i.
func until(local uint32, body ...[]byte) []byte {
	b := []byte{0x02, 0x40, 0x03, 0x40} // block; loop
	for _, op := range body {
		b = append(b, op...)
	}
	b = append(b, 0x22) // local.tee
	b = wasmbin.AppendU32(b, local)
	b = append(b, 0x0d, 1)       // br_if 1: out of the block
	b = append(b, 0x0c, 0)       // br 0: again
	return append(b, 0x0b, 0x0b) // end loop; end block
}

// unreachable traps.
func unreachable() []byte { return []byte{0x00} }

// loop repeats body while local i, decremented each time, is not 0.
func loop(counter uint32, body ...[]byte) []byte {
	b := []byte{0x03, 0x40} // loop
	for _, op := range body {
		b = append(b, op...)
	}
	b = append(b, localGet(counter)...)
	b = append(b, i32c(1)...)
	b = append(b, 0x6b) // i32.sub
	b = append(b, 0x22) // local.tee
	b = wasmbin.AppendU32(b, counter)
	b = append(b, 0x0d, 0) // br_if 0
	return append(b, 0x0b)
}
