package bench

import "github.com/capwasi/capwasi/conformance/internal/wasmbin"

// DensityFile is the file the density guest reads, beneath its first
// pre-opened directory (descriptor 3).
const DensityFile = "density.txt"

// DensityReadAt is where in its memory the density guest reads
// [DensityFile] to (up to 64 bytes).
const DensityReadAt = 128

// DensityGuest returns the density guest: a WebAssembly command module,
// encoded here byte by byte, small enough that instantiating it costs
// microseconds (a Go guest's runtime start would take milliseconds and
// hide what the host costs). Its _start makes one fd_write of "hello\n"
// to standard output, then one path_open of [DensityFile] for reading
// beneath descriptor 3, one fd_read of up to 64 bytes from it and one
// fd_close. A call that fails, or a read of 0 bytes, traps
// (unreachable). It has one page of memory, exported as "memory", and
// imports nothing else.
func DensityGuest() []byte {
	const (
		i32, i64        = 0x7f, 0x7e
		iovWrite        = 0  // {64, 6}
		iovRead         = 8  // {128, 64}
		nbytes          = 16 // fd_write's and fd_read's count
		openedFd        = 20 // path_open's descriptor
		pathAddr        = 32 // DensityFile
		helloAddr       = 64 // "hello\n"
		bufAddr         = DensityReadAt
		bufLen          = 64
		rightsFdRead    = 1 << 1
		fdWrite, pathOp = 0, 1 // function indexes of the imports
		fdRead, fdClose = 2, 3
	)
	types := [][]byte{
		{0x60, 4, i32, i32, i32, i32, 1, i32},                          // 0: fd_write, fd_read
		{0x60, 9, i32, i32, i32, i32, i32, i64, i64, i32, i32, 1, i32}, // 1: path_open
		{0x60, 1, i32, 1, i32},                                         // 2: fd_close
		{0x60, 0, 0},                                                   // 3: _start
	}
	var imports []byte
	for _, imp := range []struct {
		name string
		typ  byte
	}{{"fd_write", 0}, {"path_open", 1}, {"fd_read", 0}, {"fd_close", 2}} {
		imports = wasmbin.AppendName(imports, "wasi_snapshot_preview1")
		imports = wasmbin.AppendName(imports, imp.name)
		imports = append(imports, 0x00, imp.typ)
	}

	// check traps unless the i32 on the stack is 0 (an errno, or, after
	// i32.eqz, a count).
	check := []byte{0x04, 0x40, 0x00, 0x0b} // if (non-zero) unreachable end
	i32c := func(v uint32) []byte { return wasmbin.AppendS64([]byte{0x41}, int64(int32(v))) }
	call := func(f byte) []byte { return []byte{0x10, f} }
	loadI32 := func(addr uint32) []byte { return append(i32c(addr), 0x28, 2, 0) }
	var body []byte
	for _, op := range [][]byte{
		i32c(1), i32c(iovWrite), i32c(1), i32c(nbytes), call(fdWrite), check,
		i32c(3), i32c(0), i32c(pathAddr), i32c(uint32(len(DensityFile))), i32c(0),
		wasmbin.AppendS64([]byte{0x42}, rightsFdRead), {0x42, 0}, i32c(0), i32c(openedFd), call(pathOp), check,
		loadI32(openedFd), i32c(iovRead), i32c(1), i32c(nbytes), call(fdRead), check,
		loadI32(nbytes), {0x45}, check, // i32.eqz: a read of 0 bytes traps
		loadI32(openedFd), call(fdClose), check,
	} {
		body = append(body, op...)
	}
	body = append(append([]byte{0}, body...), 0x0b) // no locals, the body, end

	var data []byte
	put := func(addr uint32, b []byte) {
		data = append(data, 0x00) // active, memory 0
		data = append(data, i32c(addr)...)
		data = append(data, 0x0b)
		data = wasmbin.AppendU32(data, uint32(len(b)))
		data = append(data, b...)
	}
	put(iovWrite, le32(helloAddr, 6, bufAddr, bufLen))
	put(pathAddr, []byte(DensityFile))
	put(helloAddr, []byte("hello\n"))

	var typeSec []byte
	for _, t := range types {
		typeSec = append(typeSec, t...)
	}
	var exports []byte
	exports = append(wasmbin.AppendName(exports, "memory"), 0x02, 0)
	exports = append(wasmbin.AppendName(exports, "_start"), 0x00, 4)

	m := []byte{0x00, 'a', 's', 'm', 1, 0, 0, 0}
	m = wasmbin.AppendSection(m, 1, uint32(len(types)), typeSec)
	m = wasmbin.AppendSection(m, 2, 4, imports)
	m = wasmbin.AppendSection(m, 3, 1, []byte{3})
	m = wasmbin.AppendSection(m, 5, 1, []byte{0x00, 1}) // one memory of one page, no maximum
	m = wasmbin.AppendSection(m, 7, 2, exports)
	m = wasmbin.AppendSection(m, 10, 1, append(wasmbin.AppendU32(nil, uint32(len(body))), body...))
	m = wasmbin.AppendSection(m, 11, 3, data)
	return m
}

// le32 encodes vs as consecutive little-endian uint32s.
func le32(vs ...uint32) []byte {
	var b []byte
	for _, v := range vs {
		b = append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
	}
	return b
}
