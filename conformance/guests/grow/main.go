//go:build wasip1

// Command grow is the hardening suite's guest for disk budgets: it tries,
// with raw preview1 calls, to make the directory pre-opened as descriptor
// 3 grow as much as it can, in the ways its arguments name, and reports
// what it got.
//
// Command line:
//
//	grow WAY...
//
// Each way pushes until a call fails, then checks that the failing call
// changed nothing (the file's size, or the presence of a name, before and
// after) and tries once more. It prints one line per way:
//
//	WAY errno=E amount=N unchanged=BOOL
//
// E is the errno of the first call that failed (0 if none did), N how much
// the way grew the tree before it (bytes or entries), and unchanged
// whether the failing calls left the tree as it was. The ways:
//
//	write       fd_write of 64 KiB chunks to a new file
//	pwrite      fd_pwrite of 64 KiB chunks at rising offsets
//	far         fd_pwrite of one byte 1 TiB out, then 2 MiB out
//	seek        fd_seek 1 GiB out, then fd_write of one byte
//	allocate    fd_allocate of 64 KiB steps
//	setsize     fd_filestat_set_size of 64 KiB steps, after one to 1 TiB
//	files       path_open with OFLAGS_CREAT of empty files
//	dirs        path_create_directory
//	symlinks    path_symlink with 4,000-byte targets
//	links       path_link to one file
//	unlinked    writes to a file it has unlinked but keeps open
//	trunc       OFLAGS_TRUNC of its own full file, then writes again
//	rename      renames its full file away, then writes a new one
package main

import (
	"fmt"
	"os"
	"strings"
	"unsafe"

	"github.com/capwasi/capwasi/conformance/guests/abi"
)

const (
	dirFd      = 3
	chunk      = 64 << 10
	oflagCreat = 1
	oflagTrunc = 8
	rightsAll  = ^uint64(0)
)

var (
	buf = make([]byte, chunk)
	out = make([]byte, 64) // filestat, results
	iov = make([]uint32, 2)
	seq int // makes names unique across ways
)

func ptr[T any](p *T) uint32 { return uint32(uintptr(unsafe.Pointer(p))) }

func str(s string) (uint32, uint32) {
	if s == "" {
		return 0, 0
	}
	b := []byte(s)
	return ptr(&b[0]), uint32(len(b))
}

func name(prefix string) string {
	seq++
	return fmt.Sprintf("%s%d", prefix, seq)
}

// open opens path beneath the pre-open with oflags and every right.
func open(path string, oflags uint32) (uint32, uint32) {
	p, n := str(path)
	errno := abi.PathOpen(dirFd, 1, p, n, oflags, rightsAll, rightsAll, 0, ptr(&out[0]))
	return *(*uint32)(unsafe.Pointer(&out[0])), errno
}

// write writes n bytes of buf (fd_write, or fd_pwrite at off when off >= 0).
func write(fd uint32, n int, off int64) (uint32, uint32) {
	iov[0], iov[1] = ptr(&buf[0]), uint32(n)
	var errno uint32
	if off >= 0 {
		errno = abi.FdPwrite(fd, ptr(&iov[0]), 1, uint64(off), ptr(&out[0]))
	} else {
		errno = abi.FdWrite(fd, ptr(&iov[0]), 1, ptr(&out[0]))
	}
	return *(*uint32)(unsafe.Pointer(&out[0])), errno
}

// size returns fd's size (fd_filestat_get).
func size(fd uint32) uint64 {
	if abi.FdFilestatGet(fd, ptr(&out[0])) != 0 {
		return ^uint64(0)
	}
	return *(*uint64)(unsafe.Pointer(&out[32]))
}

// exists reports whether path names something (path_filestat_get).
func exists(path string) bool {
	p, n := str(path)
	return abi.PathFilestatGet(dirFd, 0, p, n, ptr(&out[0])) == 0
}

// result is one way's outcome.
type result struct {
	errno     uint32
	amount    uint64
	unchanged bool
}

// fill writes chunks to fd until a write fails or is short, and returns
// the bytes written and the errno that stopped it (0 when a short write
// did and the next one then failed).
func fill(fd uint32) (uint64, uint32) {
	var total uint64
	for {
		n, errno := write(fd, chunk, -1)
		if errno != 0 {
			return total, errno
		}
		total += uint64(n)
		if n == 0 {
			return total, 0
		}
	}
}

// sizeStays runs call twice, checking fd's size does not change and the
// errno is the same non-zero one.
func sizeStays(fd uint32, call func() uint32) (uint32, bool) {
	before := size(fd)
	e1 := call()
	e2 := call()
	return e1, e1 != 0 && e1 == e2 && size(fd) == before
}

// withFile creates a file and runs way on it. When the file cannot be
// created (other guests sharing the budget took the last entry), the
// way's result is that failure, checked to have left nothing behind.
func withFile(prefix string, way func(fd uint32, path string) result) result {
	path := name(prefix)
	fd, errno := open(path, oflagCreat)
	if errno != 0 {
		return result{errno, 0, !exists(path)}
	}
	return way(fd, path)
}

var ways = map[string]func() result{
	"write": func() result {
		return withFile("w", func(fd uint32, _ string) result {
			total, _ := fill(fd)
			errno, same := sizeStays(fd, func() uint32 { _, e := write(fd, chunk, -1); return e })
			return result{errno, total, same}
		})
	},
	"pwrite": func() result {
		return withFile("p", func(fd uint32, _ string) result {
			var total uint64
			var off int64
			for {
				n, errno := write(fd, chunk, off)
				if errno != 0 || n == 0 {
					break
				}
				total += uint64(n)
				off += int64(n)
			}
			errno, same := sizeStays(fd, func() uint32 { _, e := write(fd, 1, off+chunk); return e })
			return result{errno, total, same}
		})
	},
	"far": func() result {
		return withFile("f", func(fd uint32, _ string) result {
			errno, same := sizeStays(fd, func() uint32 { _, e := write(fd, 1, 1<<40); return e })
			e2, same2 := sizeStays(fd, func() uint32 { _, e := write(fd, 1, 2<<20); return e })
			return result{errno, 0, same && same2 && errno == e2}
		})
	},
	"seek": func() result {
		return withFile("s", func(fd uint32, _ string) result {
			if abi.FdSeek(fd, 1<<30, 0, ptr(&out[0])) != 0 {
				return result{}
			}
			errno, same := sizeStays(fd, func() uint32 { _, e := write(fd, 1, -1); return e })
			return result{errno, 0, same}
		})
	},
	"allocate": func() result {
		return withFile("a", func(fd uint32, _ string) result {
			var total uint64
			for {
				if e := abi.FdAllocate(fd, total, chunk); e != 0 {
					break
				}
				total += chunk
			}
			errno, same := sizeStays(fd, func() uint32 { return abi.FdAllocate(fd, total, chunk) })
			return result{errno, total, same}
		})
	},
	"setsize": func() result {
		return withFile("z", func(fd uint32, _ string) result {
			errno, same := sizeStays(fd, func() uint32 { return abi.FdFilestatSetSize(fd, 1<<40) })
			var total uint64
			for abi.FdFilestatSetSize(fd, total+chunk) == 0 {
				total += chunk
			}
			e2, same2 := sizeStays(fd, func() uint32 { return abi.FdFilestatSetSize(fd, total+chunk) })
			return result{errno, total, same && same2 && errno == e2}
		})
	},
	"files": func() result {
		return entries("n", func(path string) uint32 {
			fd, errno := open(path, oflagCreat)
			if errno == 0 {
				abi.FdClose(fd)
			}
			return errno
		})
	},
	"dirs": func() result {
		return entries("d", func(path string) uint32 {
			p, n := str(path)
			return abi.PathCreateDirectory(dirFd, p, n)
		})
	},
	"symlinks": func() result {
		target := strings.Repeat("t", 4000)
		return entries("l", func(path string) uint32 {
			tp, tn := str(target)
			p, n := str(path)
			return abi.PathSymlink(tp, tn, dirFd, p, n)
		})
	},
	"links": func() result {
		src := name("src")
		fd, errno := open(src, oflagCreat)
		if errno != 0 {
			return result{errno, 0, !exists(src)}
		}
		abi.FdClose(fd)
		return entries("h", func(path string) uint32 {
			sp, sn := str(src)
			p, n := str(path)
			return abi.PathLink(dirFd, 0, sp, sn, dirFd, p, n)
		})
	},
	"unlinked": func() result {
		return withFile("u", func(fd uint32, path string) result {
			total, _ := fill(fd)
			p, n := str(path)
			if e := abi.PathUnlinkFile(dirFd, p, n); e != 0 {
				return result{errno: e}
			}
			// Still open: its space is still taken.
			return withFile("v", func(other uint32, _ string) result {
				errno, same := sizeStays(other, func() uint32 { _, e := write(other, 1, -1); return e })
				abi.FdClose(fd)
				more, _ := fill(other) // closed: given back
				return result{errno, total, same && more == total}
			})
		})
	},
	"trunc": func() result {
		return withFile("t", func(fd uint32, path string) result {
			total, _ := fill(fd)
			abi.FdClose(fd)
			fd, errno := open(path, oflagTrunc)
			if errno != 0 {
				return result{errno: errno}
			}
			again, _ := fill(fd)
			errno, same := sizeStays(fd, func() uint32 { _, e := write(fd, 1, -1); return e })
			return result{errno, total + again, same && again == total}
		})
	},
	"rename": func() result {
		return withFile("r", func(fd uint32, path string) result {
			total, _ := fill(fd)
			p, n := str(path)
			q, m := str(name("r-moved"))
			if e := abi.PathRename(dirFd, p, n, dirFd, q, m); e != 0 {
				return result{errno: e}
			}
			return withFile("r", func(fd2 uint32, _ string) result {
				errno, same := sizeStays(fd2, func() uint32 { _, e := write(fd2, 1, -1); return e })
				return result{errno, total, same}
			})
		})
	},
}

// entries creates names with create until it fails, then checks the
// failing creation left no name behind.
func entries(prefix string, create func(path string) uint32) result {
	var total uint64
	for {
		path := name(prefix)
		if errno := create(path); errno != 0 {
			again := name(prefix)
			e2 := create(again)
			return result{errno, total, e2 == errno && !exists(path) && !exists(again)}
		}
		total++
	}
}

func main() {
	for _, way := range os.Args[1:] {
		f, ok := ways[way]
		if !ok {
			fmt.Printf("%s unknown\n", way)
			os.Exit(2)
		}
		r := f()
		fmt.Printf("%s errno=%d amount=%d unchanged=%v\n", way, r.errno, r.amount, r.unchanged)
	}
}
