// Package wasmbin holds the few pieces of the WebAssembly binary format
// that capwasi's hand-encoded guests are written with (the density guest
// of conformance/bench, the hardening tests' guests): LEB128 numbers,
// names and sections.
package wasmbin

// AppendU32 appends v in unsigned LEB128.
func AppendU32(b []byte, v uint32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// AppendS64 appends v in signed LEB128 (an i32 constant too).
func AppendS64(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// AppendName appends a name: its length, then its bytes.
func AppendName(b []byte, s string) []byte {
	return append(AppendU32(b, uint32(len(s))), s...)
}

// AppendSection appends the section id holding count entries, content.
func AppendSection(m []byte, id byte, count uint32, content []byte) []byte {
	c := AppendU32(nil, count)
	c = append(c, content...)
	m = append(m, id)
	m = AppendU32(m, uint32(len(c)))
	return append(m, c...)
}
