package engine

// sliceMemory is a linear memory in a Go slice grown by copying, as
// wazero's own: the fallback where memory cannot be reserved.
type sliceMemory struct {
	buf      []byte
	capacity uint64
}

func (m *sliceMemory) Reallocate(size uint64) []byte {
	if m.buf == nil {
		m.buf = make([]byte, size, max(size, m.capacity))
		return m.buf
	}
	if size <= uint64(cap(m.buf)) {
		m.buf = m.buf[:size]
		return m.buf
	}
	m.buf = append(m.buf, make([]byte, size-uint64(len(m.buf)))...)
	return m.buf
}

func (m *sliceMemory) Free() { m.buf = nil }
