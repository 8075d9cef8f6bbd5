//go:build wasip1

// Command dircookies lists a directory with fd_readdir the way wasi-libc's
// readdir does, keeping every cookie in 32 bits as wasi-libc's telldir does
// (a long on wasm32), then resumes the listing from each kept cookie, in a
// scrambled order, and checks that the entry after it is the one the first
// listing showed. Its argument is the directory's path beneath the
// pre-opened descriptor 3. It prints one line of counts, or what went wrong
// and exits with 1.
package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"unsafe"

	"github.com/capwasi/capwasi/conformance/guests/abi"
)

const (
	oflagsDirectory = 2
	rightsFdReaddir = 1 << 14
	direntSize      = 24
	bufSize         = 256 // a few entries per call, as a small libc buffer
)

var (
	buf  [bufSize]byte
	used [4]byte
	fdo  [4]byte
)

func addr(p unsafe.Pointer) uint32 { return uint32(uintptr(p)) }

// readdir fills buf from cookie and returns the whole entries in it as
// (d_next, name) pairs and whether the listing reached its end.
func readdir(fd uint32, cookie uint64) (next []uint64, names []string, end bool) {
	if e := abi.FdReaddir(fd, addr(unsafe.Pointer(&buf[0])), bufSize, cookie, addr(unsafe.Pointer(&used[0]))); e != 0 {
		fail("fd_readdir from cookie %d: errno %d", cookie, e)
	}
	n := int(binary.LittleEndian.Uint32(used[:]))
	b := buf[:n]
	for len(b) >= direntSize {
		l := int(binary.LittleEndian.Uint32(b[16:]))
		if len(b) < direntSize+l {
			break
		}
		next = append(next, binary.LittleEndian.Uint64(b[0:]))
		names = append(names, string(b[direntSize:direntSize+l]))
		b = b[direntSize+l:]
	}
	return next, names, n < bufSize
}

func fail(format string, args ...any) {
	fmt.Printf("dircookies: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 2 {
		fail("usage: dircookies DIR")
	}
	path := os.Args[1]
	if abi.PathOpen(3, 0, addr(unsafe.Pointer(unsafe.StringData(path))), uint32(len(path)), oflagsDirectory,
		rightsFdReaddir, 0, 0, addr(unsafe.Pointer(&fdo[0]))) != 0 {
		fail("cannot open %s", path)
	}
	fd := binary.LittleEndian.Uint32(fdo[:])

	// The listing, as wasi-libc's readdir reads it: each call resumes from
	// the cookie of the last whole entry, kept in 32 bits.
	var cookies []int32 // cookies[k]: the telldir value after entry k
	var names []string
	seen := map[string]bool{}
	var cookie int32
	for {
		next, got, end := readdir(fd, uint64(uint32(cookie)))
		if len(got) == 0 && !end {
			fail("an entry does not fit %d bytes", bufSize)
		}
		for k, c := range next {
			if c >= 1<<31 {
				fail("entry %q has cookie %d, which a 32-bit long cannot hold", got[k], c)
			}
			if seen[got[k]] {
				fail("%q listed twice", got[k])
			}
			seen[got[k]] = true
			cookie = int32(c)
			cookies = append(cookies, cookie)
			names = append(names, got[k])
		}
		if end {
			break
		}
	}

	// seekdir to every kept cookie, in a scrambled order (a stride prime
	// to the count), and read one entry.
	n := len(cookies)
	stride := 7919 % max(n, 1)
	for gcd(stride, n) != 1 {
		stride++
	}
	for i, k := 0, 0; i < n; i, k = i+1, (k+stride)%n {
		_, got, _ := readdir(fd, uint64(uint32(cookies[k])))
		switch {
		case k == n-1 && len(got) != 0:
			fail("after the last entry, cookie %d lists %q", cookies[k], got[0])
		case k < n-1 && (len(got) == 0 || got[0] != names[k+1]):
			fail("cookie %d (after %q) resumes at %q, want %q", cookies[k], names[k], got, names[k+1])
		}
	}
	fmt.Printf("%d entries, every cookie below 2^31, all %d resumed\n", n, n)
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
