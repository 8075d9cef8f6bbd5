package wazeroadapter

import (
	"iter"

	"github.com/capwasi/capwasi/common"
)

// fdTable maps guest file descriptor numbers to values of type T, the way a
// POSIX process table does: a new entry takes the lowest free number, and
// the table holds at most a fixed number of entries.
//
// Values are stored in the table itself, so an insert into a slot that was
// used before does not allocate. Get returns a pointer into that
// storage, valid until the next call to Insert.
//
// An fdTable is not safe for concurrent use. The zero value is an empty
// table with no limit; use newFdTable to set one.
type fdTable[T any] struct {
	slots     []fdSlot[T]
	used      int // number of slots in use
	firstFree int // no slot below this index is free
	limit     int // most entries; 0 means no limit
}

// fdSlot is one numbered place of an fdTable.
type fdSlot[T any] struct {
	v    T
	used bool
}

// newFdTable returns an empty table holding at most limit entries. A limit
// of 0 or less means no limit.
func newFdTable[T any](limit int) *fdTable[T] {
	if limit < 0 {
		limit = 0
	}
	return &fdTable[T]{limit: limit}
}

// Len returns the number of entries in the table.
func (t *fdTable[T]) Len() int { return t.used }

// Full reports whether an Insert would fail with EMFILE.
func (t *fdTable[T]) Full() bool { return t.limit > 0 && t.used >= t.limit }

// Insert stores v under the lowest free number and returns that number.
// A full table: EMFILE, and v is not stored.
func (t *fdTable[T]) Insert(v T) (common.Fd, error) {
	if t.Full() {
		return 0, common.EMFILE
	}
	i := t.firstFree
	for i < len(t.slots) && t.slots[i].used {
		i++
	}
	if i == len(t.slots) {
		t.slots = append(t.slots, fdSlot[T]{})
	}
	t.slots[i] = fdSlot[T]{v: v, used: true}
	t.used++
	t.firstFree = i + 1
	return common.Fd(i), nil
}

// Get returns a pointer to the value stored under fd, or nil and false when
// fd is not in use. The pointer is valid until the next Insert.
func (t *fdTable[T]) Get(fd common.Fd) (*T, bool) {
	if uint64(fd) >= uint64(len(t.slots)) || !t.slots[fd].used {
		return nil, false
	}
	return &t.slots[fd].v, true
}

// Remove takes the value stored under fd out of the table and returns it;
// fd becomes free. An fd not in use: the zero T and false.
func (t *fdTable[T]) Remove(fd common.Fd) (T, bool) {
	var zero T
	if uint64(fd) >= uint64(len(t.slots)) || !t.slots[fd].used {
		return zero, false
	}
	v := t.slots[fd].v
	t.slots[fd] = fdSlot[T]{}
	t.used--
	if int(fd) < t.firstFree {
		t.firstFree = int(fd)
	}
	return v, true
}

// Renumber moves the value stored under from to the number to, as dup2
// followed by a close of from: the value to held before is returned so
// that the caller can release it, and from becomes free. Both numbers must
// be in use, else EBADF and nothing changes. from == to changes nothing
// and returns the zero T.
func (t *fdTable[T]) Renumber(from, to common.Fd) (replaced T, err error) {
	src, ok := t.Get(from)
	if !ok {
		return replaced, common.EBADF
	}
	if _, ok := t.Get(to); !ok {
		return replaced, common.EBADF
	}
	if from == to {
		return replaced, nil
	}
	replaced = t.slots[to].v
	t.slots[to].v = *src
	t.Remove(from)
	return replaced, nil
}

// All iterates over the entries in ascending descriptor order. The table
// must not be changed during the iteration, except by removing the entry
// being visited.
func (t *fdTable[T]) All() iter.Seq2[common.Fd, *T] {
	return func(yield func(common.Fd, *T) bool) {
		for i := range t.slots {
			if t.slots[i].used && !yield(common.Fd(i), &t.slots[i].v) {
				return
			}
		}
	}
}
