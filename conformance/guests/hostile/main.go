//go:build wasip1

// Command hostile is the hardening suite's hostile guest: it calls the
// preview1 functions with random arguments drawn from a seed the host
// passes, and reports the errno of every call for the host to check.
//
// Command line:
//
//	hostile SEED CALLS DEV INO...
//
// SEED (a uint64) seeds the generator, CALLS is how many calls to make, and
// DEV and the INOs name the host's files outside the sandbox: a filestat
// that any call writes with that device and one of those inode numbers is a
// violation. The host pre-opens a read-write directory as fd 3, a read-only
// one as fd 4 and a listening socket as fd 5, and plants symbolic links that
// lead out of them.
//
// The arguments are what a hostile guest would pass: descriptors open,
// closed, renumbered and out of range; pointers into the guest's scratch
// arena, straddling the end of memory and past it; lengths near 2^32; flags
// and enums with undefined bits; paths made of "..", ".", NUL bytes,
// invalid UTF-8, 255- and 256-byte components, absolute prefixes, trailing
// slashes, thousands of components, /proc names and the links the host
// planted; symbolic links created to outside targets. Every pointer that is
// inside memory points into the arena, so that the host can only ever write
// there: the guest's own Go runtime stays intact whatever the host does.
//
// Report, on fd 1 (which no random call is given): one 4-byte record per
// call, [function index (common.Functions order), kind, value uint16 LE],
// kind 0 for the call's errno and kind 1 for a violation the guest saw
// (value 1: the content of the host's secret file appeared in memory; 2: a
// directory listing named a file that exists only outside; 3: a filestat
// described a file outside). The report ends with "END!", the number of
// calls and the exit code (uint32 LE each), and the guest then calls
// proc_exit with that code.
package main

import (
	"encoding/binary"
	"math/rand/v2"
	"os"
	"strconv"
	"unsafe"

	"github.com/capwasi/capwasi/conformance/guests/abi"
)

// Function indexes, in the specification's order (common.Functions).
const (
	fArgsGet = iota
	fArgsSizesGet
	fEnvironGet
	fEnvironSizesGet
	fClockResGet
	fClockTimeGet
	fFdAdvise
	fFdAllocate
	fFdClose
	fFdDatasync
	fFdFdstatGet
	fFdFdstatSetFlags
	fFdFdstatSetRights
	fFdFilestatGet
	fFdFilestatSetSize
	fFdFilestatSetTimes
	fFdPread
	fFdPrestatGet
	fFdPrestatDirName
	fFdPwrite
	fFdRead
	fFdReaddir
	fFdRenumber
	fFdSeek
	fFdSync
	fFdTell
	fFdWrite
	fPathCreateDirectory
	fPathFilestatGet
	fPathFilestatSetTimes
	fPathLink
	fPathOpen
	fPathReadlink
	fPathRemoveDirectory
	fPathRename
	fPathSymlink
	fPathUnlinkFile
	fPollOneoff
	fProcExit
	fProcRaise
	fRandomGet
	fSchedYield
	fSockAccept
	fSockRecv
	fSockSend
	fSockShutdown
	numFunctions
)

// Violation codes reported with kind 1.
const (
	violSecretContent = 1
	violOutsideName   = 2
	violOutsideInode  = 3
)

// The markers the host puts outside the sandbox, stored reversed so that
// the guest's own memory never holds them in the order a read of the host's
// files would bring them in (the guest may write its whole memory to a file
// and read it back).
const (
	secretReversed = "xobdnas-eht-edistuo-terces-elitsoh-iwspac"
	nameReversed   = "eman-ylno-edistuo-elitsoh-iwspac"
)

const arenaSize = 64 << 10

// none is a descriptor number no call returns.
const none = 0xffffffff

var (
	// arena is the only memory the host may write to: every in-bounds
	// pointer the guest passes lies in it.
	arena [arenaSize]byte
	// report holds records until they are flushed to fd 1.
	report  [4096]byte
	nReport int
	// reportIov is the iovec of a flush, and reportOut its count.
	reportIov [8]byte
	reportOut [4]byte
)

// guest is the generator's state.
type guest struct {
	r     *rand.Rand
	base  uint32 // address of arena[0]
	mem   uint32 // size of the guest memory
	used  uint32 // bytes of the arena handed out for the current call
	fds   fdList // descriptors the guest holds, the first five from the start
	socks fdList // connections sock_accept returned
	// listener is the listening socket's number (5 at the start, moved by
	// fd_renumber), or none. sock_shutdown spares it: a shut-down listener
	// takes no more connections, and a blocking sock_accept on it would
	// then wait for ever, as it would on any system.
	listener uint32
	dev      uint64
	inos     []uint64
	argc     uint32
	argvLen  uint32
	envc     uint32
	envLen   uint32
	now      uint64
	// good makes the current call well-formed: every argument plausible
	// (descriptors the guest holds, pointers into the arena, defined
	// flags, paths of names inside), so that calls reach the
	// implementation and change the tree. Half the calls are.
	good bool
}

func addr(p unsafe.Pointer) uint32 { return uint32(uintptr(p)) }

func main() {
	if len(os.Args) < 4 {
		os.Stderr.WriteString("usage: hostile SEED CALLS DEV INO...\n")
		os.Exit(2)
	}
	seed, err1 := strconv.ParseUint(os.Args[1], 10, 64)
	calls, err2 := strconv.Atoi(os.Args[2])
	dev, err3 := strconv.ParseUint(os.Args[3], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		os.Stderr.WriteString("hostile: bad arguments\n")
		os.Exit(2)
	}
	g := &guest{
		r:        rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		base:     addr(unsafe.Pointer(&arena[0])),
		dev:      dev,
		fds:      fdList{fds: [16]uint32{0, 2, 3, 4, 5}, n: 5, keep: 5},
		listener: 5,
	}
	for _, s := range os.Args[4:] {
		ino, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			os.Stderr.WriteString("hostile: bad inode\n")
			os.Exit(2)
		}
		g.inos = append(g.inos, ino)
	}
	for _, a := range os.Args {
		g.argvLen += uint32(len(a)) + 1
	}
	g.argc = uint32(len(os.Args))
	for _, kv := range os.Environ() {
		g.envLen += uint32(len(kv)) + 1
		g.envc++
	}
	var ts [8]byte
	if abi.ClockTimeGet(0, 0, addr(unsafe.Pointer(&ts[0]))) == 0 {
		g.now = binary.LittleEndian.Uint64(ts[:])
	}
	g.mem = memorySize(0)
	if g.mem >= 1<<30 {
		os.Stderr.WriteString("hostile: memory too large for the pointer generator\n")
		os.Exit(2)
	}
	for range calls {
		if abi.RandomGet(g.mem+1, 0) == 0 { // memory grew: find its new end
			g.mem = memorySize(g.mem)
		}
		g.used = 0
		g.good = g.n(2) == 0
		fn, errno := g.call()
		record(fn, 0, uint16(errno))
	}
	code := g.r.Uint32()
	var end [12]byte
	copy(end[:], "END!")
	binary.LittleEndian.PutUint32(end[4:], uint32(calls))
	binary.LittleEndian.PutUint32(end[8:], code)
	for i := 0; i < len(end); i += 4 {
		record(end[i], end[i+1], binary.LittleEndian.Uint16(end[i+2:]))
	}
	flush()
	abi.ProcExit(code)
}

// memorySize returns the size of the guest memory, at least from: the
// largest p for which random_get(p, 0) succeeds (a zero-length buffer is
// inside memory up to and including its end).
func memorySize(from uint32) uint32 {
	lo, hi := uint64(from), uint64(1)<<32 // lo is inside, hi is not
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if abi.RandomGet(uint32(mid), 0) == 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return uint32(lo)
}

// record appends one report record, flushing when the buffer is full.
func record(fn, kind byte, value uint16) {
	if nReport+4 > len(report) {
		flush()
	}
	report[nReport] = fn
	report[nReport+1] = kind
	binary.LittleEndian.PutUint16(report[nReport+2:], value)
	nReport += 4
}

// flush writes the buffered records to fd 1, all of them.
func flush() {
	off := 0
	for off < nReport {
		binary.LittleEndian.PutUint32(reportIov[0:], addr(unsafe.Pointer(&report[off])))
		binary.LittleEndian.PutUint32(reportIov[4:], uint32(nReport-off))
		if abi.FdWrite(1, addr(unsafe.Pointer(&reportIov[0])), 1, addr(unsafe.Pointer(&reportOut[0]))) != 0 {
			abi.ProcExit(99) // the report channel is broken: the host sees no trailer
		}
		off += int(binary.LittleEndian.Uint32(reportOut[:]))
	}
	nReport = 0
}

// n returns a random int in [0, k).
func (g *guest) n(k int) int { return g.r.IntN(k) }

// alloc reserves size bytes of the arena for the current call, 8-aligned,
// and returns their offset, or false when the arena is exhausted.
func (g *guest) alloc(size uint32) (uint32, bool) {
	off := (g.used + 7) &^ 7
	if uint64(off)+uint64(size) > arenaSize {
		return 0, false
	}
	g.used = off + size
	return off, true
}

// hostilePtr returns a pointer for an area of size bytes that is never
// wholly inside memory: straddling its end, at it, past it, or far beyond.
func (g *guest) hostilePtr(size uint32) uint32 {
	switch g.n(6) {
	case 0:
		if size > 0 {
			return g.mem - uint32(g.n(int(min(size, g.mem)))) // straddles the end
		}
		return g.mem + 1
	case 1:
		return g.mem + 1 + uint32(g.n(64))
	case 2:
		return 0xffffffff - uint32(g.n(8))
	case 3:
		return 0x80000000
	case 4:
		return g.r.Uint32() | 0x80000000
	default:
		return 0xfffffff0
	}
}

// out returns a pointer for an output area of size bytes: mostly in the
// arena, sometimes hostile.
func (g *guest) out(size uint32) uint32 {
	if g.good || g.n(8) != 0 {
		if off, ok := g.alloc(size); ok {
			return g.base + off
		}
	}
	return g.hostilePtr(max(size, 1))
}

// buf returns a buffer pointer and length of at most max bytes: mostly in
// the arena, sometimes a length near 2^32 or a pointer at or past the end
// of memory. A length that is inside memory is never given with a pointer
// outside the arena.
func (g *guest) buf(maxLen uint32) (ptr, n uint32) {
	k := g.n(10)
	if g.good {
		k = 9
	}
	switch k {
	case 0: // an arena pointer with a length beyond the end of memory
		off, _ := g.alloc(0)
		lens := [...]uint32{0xffffffff, 0xfffffff0, 0x80000000, 0x7fffffff, g.mem}
		return g.base + off, lens[g.n(len(lens))]
	case 1: // a pointer straddling or past the end
		l := uint32(1 + g.n(64))
		return g.hostilePtr(l), l
	case 2: // an empty buffer at the end of memory or anywhere in it
		if g.n(2) == 0 {
			return g.mem, 0
		}
		return uint32(g.n(int(g.mem))), 0
	}
	l := uint32(g.n(int(maxLen) + 1))
	if g.n(4) == 0 {
		l = min(maxLen, uint32(g.n(16)))
	}
	off, ok := g.alloc(l)
	if !ok {
		return g.mem + 1, l
	}
	return g.base + off, l
}

// iovecs lays out an iovec array in the arena and returns it with its
// count. For a write (the host only reads the buffers) a buffer may cover
// any part of memory, the whole of it included; for a read, in-bounds
// buffers lie in the arena.
func (g *guest) iovecs(write bool) (ptr, n uint32) {
	k := g.n(20)
	if g.good {
		k = 19
	}
	switch k {
	case 0:
		return g.hostilePtr(8), uint32(1 + g.n(4))
	case 1:
		return g.base, 0x20000000 // an array far larger than memory
	case 2: // more than IOV_MAX entries
		n = 1025 + uint32(g.n(200))
	case 3:
		if write && g.n(4) == 0 { // 1024 times the whole memory: more than 4 GiB
			n = 1024
			off, ok := g.alloc(8 * n)
			if !ok {
				return g.mem, 1
			}
			for i := range n {
				binary.LittleEndian.PutUint32(arena[off+8*i:], 0)
				binary.LittleEndian.PutUint32(arena[off+8*i+4:], g.mem)
			}
			return g.base + off, n
		}
		n = uint32(g.n(4))
	default:
		n = uint32(g.n(5))
	}
	off, ok := g.alloc(8 * n)
	if !ok {
		return g.mem, 1
	}
	for i := range n {
		var p, l uint32
		switch {
		case g.good:
			p, l = g.buf(4096)
		case write && g.n(50) == 0:
			p, l = 0, g.mem // all of memory, read by the host
		case g.n(12) == 0:
			l = uint32(1 + g.n(64))
			p = g.hostilePtr(l)
		case g.n(12) == 0:
			p, l = g.base, 0xffffffff
		default:
			max := uint32(4096)
			if g.n(8) == 0 {
				max = 32 << 10
			}
			p, l = g.buf(max)
			if p >= g.base+arenaSize && p < g.mem {
				p, l = g.base, 0 // never in memory outside the arena
			}
		}
		if i%64 == 0 && n > 64 {
			p, l = g.base, uint32(g.n(16))
		}
		binary.LittleEndian.PutUint32(arena[off+8*i:], p)
		binary.LittleEndian.PutUint32(arena[off+8*i+4:], l)
	}
	if !g.good && g.n(10) == 0 {
		return g.base + off, n + 1 + uint32(g.n(4)) // a count beyond the array: stale arena bytes
	}
	return g.base + off, n
}

// Kinds of descriptor arguments.
const (
	anyFd     = iota // any descriptor, fd 1 (the report channel) included
	notStdout        // never fd 1: the call may change or write to it
	disposing        // never fd 1, and the first descriptors only rarely: fd_close, fd_renumber
)

// fd returns a descriptor: one the guest holds, a small number, or one far
// out of range.
func (g *guest) fd(kind int) uint32 {
	var fd uint32
	k := g.n(10)
	if g.good {
		k = 0
	}
	switch {
	case k < 6:
		fd = g.fds.pick(g)
	case k < 9:
		fd = uint32(g.n(24))
	default:
		hostile := [...]uint32{0xffffffff, 0x80000000, 1024, 1 << 16, g.r.Uint32()}
		fd = hostile[g.n(len(hostile))]
	}
	if kind == disposing && fd <= 5 && g.n(32) != 0 {
		// Closing the pre-opens and the listener ends most of what a run
		// can reach: do it rarely.
		fd = 6 + uint32(g.n(18))
		if g.fds.n > 5 {
			fd = g.fds.fds[5+g.n(g.fds.n-5)]
		}
	}
	if kind != anyFd && fd == 1 {
		fd = 2
	}
	return fd
}

// dirfd returns a directory descriptor most of the time.
func (g *guest) dirfd() uint32 {
	switch {
	case g.good && g.n(4) != 0:
		return 3 // the read-write pre-open
	case g.n(4) != 0:
		return 3 + uint32(g.n(2))
	}
	return g.fd(anyFd)
}

// fdList is the descriptors the guest knows of; once it is full, a new
// one replaces one at random after the first keep.
type fdList struct {
	fds  [16]uint32
	n    int
	keep int
}

// add notes fd.
func (l *fdList) add(g *guest, fd uint32) {
	if l.n < len(l.fds) {
		l.fds[l.n] = fd
		l.n++
		return
	}
	l.fds[l.keep+g.n(len(l.fds)-l.keep)] = fd
}

// pick returns one of the descriptors.
func (l *fdList) pick(g *guest) uint32 { return l.fds[g.n(l.n)] }

// stored returns the descriptor a call stored at ptr, if ptr is in the
// arena.
func (g *guest) stored(ptr uint32) (uint32, bool) {
	if ptr < g.base || ptr+4 > g.base+arenaSize {
		return 0, false
	}
	return binary.LittleEndian.Uint32(arena[ptr-g.base:]), true
}

// remember notes the descriptor a call stored at ptr.
func (g *guest) remember(ptr uint32) {
	if fd, ok := g.stored(ptr); ok && fd != 1 {
		g.fds.add(g, fd)
	}
}

// sock returns a descriptor for a sock_* call: in a well-formed call the
// listener (fd 5) or a connection the guest accepted.
func (g *guest) sock(kind int) uint32 {
	if !g.good {
		return g.fd(kind)
	}
	if g.socks.n == 0 || g.n(4) == 0 {
		return g.listener
	}
	return g.socks.pick(g)
}

// rememberSock notes the connection sock_accept stored at ptr.
func (g *guest) rememberSock(ptr uint32) {
	if fd, ok := g.stored(ptr); ok {
		g.socks.add(g, fd)
	}
}

// flags returns a value of a flags type whose defined bits are mask: mostly
// defined bits only, sometimes undefined ones too.
func (g *guest) flags(mask uint32) uint32 {
	if g.good {
		return g.r.Uint32() & mask
	}
	switch g.n(32) {
	case 0:
		return g.r.Uint32()
	case 1:
		return mask + 1 + uint32(g.n(0xffff))
	}
	return g.r.Uint32() & mask
}

// enum returns a value of an enum with count values, sometimes beyond it.
func (g *guest) enum(count int) uint32 {
	if !g.good && g.n(8) == 0 {
		return uint32(count + g.n(300))
	}
	return uint32(g.n(count))
}

// u64 returns a 64-bit size, offset or timestamp: small, at an edge, or
// random. Sizes that would make the host allocate storage stay small.
func (g *guest) u64() uint64 {
	if g.good {
		return uint64(g.n(1 << 16))
	}
	switch g.n(8) {
	case 0:
		edges := [...]uint64{1 << 31, 1 << 32, 1<<62 + 1, 1 << 63, 1<<63 - 1, 1<<64 - 1, 1<<64 - 4096}
		return edges[g.n(len(edges))]
	case 1:
		return g.r.Uint64() | 1<<62
	case 2:
		return g.now + uint64(g.n(1e9))
	}
	return uint64(g.n(1 << 16))
}

// allocLen returns a length for fd_allocate: small, or so large that the
// system refuses it before allocating anything (a length of gigabytes would
// really be allocated on a file system with room for it).
func (g *guest) allocLen() uint64 {
	if g.n(4) == 0 {
		return 1<<62 + g.r.Uint64()>>2
	}
	return uint64(g.n(1 << 20))
}

// rights returns a rights set: every right, none, random bits, or the bits
// a real guest asks for.
func (g *guest) rights() uint64 {
	if g.good {
		if g.n(2) == 0 {
			return 1<<64 - 1 // as Go guests ask
		}
		return 1<<1 | 1<<2 | 1<<5 | 1<<6 | 1<<14 | 1<<21
	}
	switch g.n(5) {
	case 0:
		return 1<<64 - 1
	case 1:
		return 0
	case 2:
		return g.r.Uint64()
	case 3:
		return 1<<1 | 1<<2 | 1<<5 | 1<<6 | 1<<14 | 1<<21 // read, seek, tell, write, readdir, filestat_get
	}
	return g.r.Uint64() & (1<<30 - 1)
}

// The components paths are made of.
var components = [...]string{
	".", "..", "..", "..", "a", "b", "d", "f", "sub", "file.txt", "new", "x",
	"link_out", "abs_link", "loop1", "chain0", "chain39", "dir_link", "up", "proc_link", "fd_link",
	"ro_link", "outside", "secret.txt", "proc", "self", "root", "fd", "cwd", "etc", "passwd",
	"", "\x00", "a\x00b", "\xff", "\xc3\x28", "\xed\xa0\x80", "~", " ", "CON", "COM¹", "nul",
	"\\", "..\\..", "*", "%2e%2e", ".git", "...", "\u202e",
}

var (
	long255 = string(repeat('x', 255))
	long256 = string(repeat('y', 256))
)

func repeat(c byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return b
}

// put copies s into the arena at *off and advances it, up to end.
func put(off *uint32, end uint32, s string) {
	*off += uint32(copy(arena[*off:end], s))
}

// path writes a random path into the arena and returns its pointer and
// length, or a hostile pointer and length.
func (g *guest) path() (ptr, n uint32) {
	if g.good {
		return g.goodPath()
	}
	switch g.n(16) {
	case 0:
		l := uint32(1 + g.n(32))
		return g.hostilePtr(l), l
	case 1:
		off, _ := g.alloc(0)
		return g.base + off, 0xffffffff - uint32(g.n(4))
	}
	const maxPath = 8192
	start, ok := g.alloc(0)
	if !ok {
		return g.mem, 0
	}
	end := min(start+maxPath, arenaSize)
	off := start
	switch g.n(24) {
	case 0: // thousands of components: ENAMETOOLONG or a very deep walk
		comp := [...]string{"a/", "../", "./", "sub/"}[g.n(4)]
		count := 1000 + g.n(1200)
		for range count {
			put(&off, end, comp)
		}
	case 1:
		put(&off, end, long255)
		if g.n(2) == 0 {
			put(&off, end, "/")
			put(&off, end, long256)
		}
	case 2:
		put(&off, end, "/proc/self/root/etc/passwd")
	case 3:
		for range 1 + g.n(40) {
			put(&off, end, "../")
		}
		put(&off, end, "outside/secret.txt")
	default:
		if g.n(20) == 0 {
			put(&off, end, "/")
		}
		parts := 1 + g.n(6)
		for i := range parts {
			if i > 0 {
				put(&off, end, "/")
				if g.n(20) == 0 {
					put(&off, end, "/")
				}
			}
			put(&off, end, components[g.n(len(components))])
		}
		if g.n(10) == 0 {
			put(&off, end, "/")
		}
	}
	g.used = off
	return g.base + start, off - start
}

// names are the components of well-formed paths: names that exist or will,
// and links that stay inside.
var names = [...]string{"a", "b", "d", "f", "sub", "file.txt", "new", "x", "dir_link", "chain1", "hard", "."}

// goodPath writes a path of one to three names inside.
func (g *guest) goodPath() (ptr, n uint32) {
	start, ok := g.alloc(0)
	if !ok {
		return g.mem, 0
	}
	end := min(start+256, arenaSize)
	off := start
	for i := range 1 + g.n(3) {
		if i > 0 {
			put(&off, end, "/")
		}
		put(&off, end, names[g.n(len(names))])
	}
	g.used = off
	return g.base + start, off - start
}

// oflags returns path_open's oflags: plausible combinations when the call
// is well-formed.
func (g *guest) oflags() uint32 {
	if g.good {
		return [...]uint32{0, 0, 1, 1, 1 | 8, 1 | 4, 2}[g.n(7)] // -, CREAT, CREAT|TRUNC, CREAT|EXCL, DIRECTORY
	}
	return g.flags(0xf)
}

// target writes a symbolic link's content: a path, or one leading out.
func (g *guest) target() (ptr, n uint32) {
	if g.n(3) != 0 {
		return g.path()
	}
	outs := [...]string{"../outside/secret.txt", "../../../../../../../etc/passwd", "/etc/passwd",
		"/proc/self/root", "..", "/", "../outside", "sub/../../outside", "/proc/self/fd/3", "link_out/secret.txt"}
	s := outs[g.n(len(outs))]
	off, ok := g.alloc(uint32(len(s)))
	if !ok {
		return g.mem, 0
	}
	copy(arena[off:], s)
	return g.base + off, uint32(len(s))
}

// subscriptions lays out n subscriptions, the last a 1 ms monotonic clock
// so that the poll always ends, and returns the array and n.
func (g *guest) subscriptions() (ptr, n uint32) {
	n = 1 + uint32(g.n(6))
	off, ok := g.alloc(48 * n)
	if !ok {
		return g.mem, 1
	}
	for i := range n - 1 {
		s := arena[off+48*i : off+48*i+48]
		if g.n(6) == 0 {
			for j := range s {
				s[j] = byte(g.r.Uint32())
			}
			continue
		}
		clear(s)
		binary.LittleEndian.PutUint64(s[0:], g.r.Uint64()) // userdata
		typ := byte(g.n(3))
		if g.n(20) == 0 {
			typ = byte(3 + g.n(250))
		}
		s[8] = typ
		if typ == 0 {
			binary.LittleEndian.PutUint32(s[16:], g.enum(4))
			binary.LittleEndian.PutUint64(s[24:], uint64(g.n(1e6)))
			binary.LittleEndian.PutUint64(s[32:], g.u64())
			binary.LittleEndian.PutUint16(s[40:], uint16(g.flags(1)))
		} else {
			binary.LittleEndian.PutUint32(s[16:], g.fd(anyFd))
		}
	}
	last := arena[off+48*(n-1) : off+48*n]
	clear(last)
	binary.LittleEndian.PutUint32(last[16:], 1)         // monotonic
	binary.LittleEndian.PutUint64(last[24:], 1_000_000) // 1 ms
	switch g.n(30) {
	case 0:
		return g.base + off, 0
	case 1:
		return g.base + off, 0xffffffff
	case 2:
		return g.hostilePtr(48), n
	}
	return g.base + off, n
}

// call makes one random call and returns its function index and errno.
func (g *guest) call() (byte, uint32) {
	fn := g.n(numFunctions)
	switch fn {
	case fProcExit:
		fn = fSchedYield // proc_exit ends the run: it is the last call
	}
	var e uint32
	switch fn {
	case fArgsGet:
		e = abi.ArgsGet(g.out(4*g.argc), g.out(g.argvLen))
	case fArgsSizesGet:
		e = abi.ArgsSizesGet(g.out(4), g.out(4))
	case fEnvironGet:
		e = abi.EnvironGet(g.out(4*g.envc), g.out(g.envLen))
	case fEnvironSizesGet:
		e = abi.EnvironSizesGet(g.out(4), g.out(4))
	case fClockResGet:
		e = abi.ClockResGet(g.enum(4), g.out(8))
	case fClockTimeGet:
		e = abi.ClockTimeGet(g.enum(4), g.u64(), g.out(8))
	case fFdAdvise:
		e = abi.FdAdvise(g.fd(anyFd), g.u64(), g.u64(), g.enum(6))
	case fFdAllocate:
		e = abi.FdAllocate(g.fd(notStdout), g.u64(), g.allocLen())
	case fFdClose:
		fd := g.fd(disposing)
		e = abi.FdClose(fd)
		if e == 0 && fd == g.listener {
			g.listener = none
		}
	case fFdDatasync:
		e = abi.FdDatasync(g.fd(anyFd))
	case fFdFdstatGet:
		e = abi.FdFdstatGet(g.fd(anyFd), g.out(24))
	case fFdFdstatSetFlags:
		e = abi.FdFdstatSetFlags(g.fd(notStdout), g.flags(0x1f))
	case fFdFdstatSetRights:
		e = abi.FdFdstatSetRights(g.fd(notStdout), g.rights(), g.rights())
	case fFdFilestatGet:
		out := g.out(64)
		e = abi.FdFilestatGet(g.fd(anyFd), out)
		if e == 0 {
			g.checkFilestat(fn, out)
		}
	case fFdFilestatSetSize:
		e = abi.FdFilestatSetSize(g.fd(notStdout), g.u64())
	case fFdFilestatSetTimes:
		e = abi.FdFilestatSetTimes(g.fd(notStdout), g.u64(), g.u64(), g.flags(0xf))
	case fFdPread:
		iovs, n := g.iovecs(false)
		e = abi.FdPread(g.fd(anyFd), iovs, n, g.u64(), g.out(4))
		g.scan(fn, e)
	case fFdPrestatGet:
		e = abi.FdPrestatGet(g.fd(anyFd), g.out(8))
	case fFdPrestatDirName:
		p, n := g.buf(64)
		e = abi.FdPrestatDirName(g.fd(anyFd), p, n)
	case fFdPwrite:
		iovs, n := g.iovecs(true)
		e = abi.FdPwrite(g.fd(notStdout), iovs, n, g.u64(), g.out(4))
	case fFdRead:
		iovs, n := g.iovecs(false)
		e = abi.FdRead(g.fd(anyFd), iovs, n, g.out(4))
		g.scan(fn, e)
	case fFdReaddir:
		p, n := g.buf(8192)
		cookie := uint64(g.n(8))
		if g.n(4) == 0 {
			cookie = g.r.Uint64()
		}
		e = abi.FdReaddir(g.fd(anyFd), p, n, cookie, g.out(4))
		g.scan(fn, e)
	case fFdRenumber:
		from, to := g.fd(disposing), g.fd(disposing)
		e = abi.FdRenumber(from, to)
		switch {
		case e != 0 || from == to:
		case from == g.listener:
			g.listener = to
		case to == g.listener:
			g.listener = none
		}
	case fFdSeek:
		e = abi.FdSeek(g.fd(anyFd), g.u64(), g.enum(3), g.out(8))
	case fFdSync:
		e = abi.FdSync(g.fd(anyFd))
	case fFdTell:
		e = abi.FdTell(g.fd(anyFd), g.out(8))
	case fFdWrite:
		iovs, n := g.iovecs(true)
		e = abi.FdWrite(g.fd(notStdout), iovs, n, g.out(4))
	case fPathCreateDirectory:
		p, n := g.path()
		e = abi.PathCreateDirectory(g.dirfd(), p, n)
	case fPathFilestatGet:
		p, n := g.path()
		out := g.out(64)
		e = abi.PathFilestatGet(g.dirfd(), g.flags(1), p, n, out)
		if e == 0 {
			g.checkFilestat(fn, out)
		}
	case fPathFilestatSetTimes:
		p, n := g.path()
		e = abi.PathFilestatSetTimes(g.dirfd(), g.flags(1), p, n, g.u64(), g.u64(), g.flags(0xf))
	case fPathLink:
		p, n := g.path()
		q, m := g.path()
		flags := g.flags(1)
		if g.good {
			flags = 0 // SYMLINK_FOLLOW is EINVAL
		}
		e = abi.PathLink(g.dirfd(), flags, p, n, g.dirfd(), q, m)
	case fPathOpen:
		p, n := g.path()
		out := g.out(4)
		e = abi.PathOpen(g.dirfd(), g.flags(1), p, n, g.oflags(), g.rights(), g.rights(), g.flags(0x1f), out)
		if e == 0 {
			g.remember(out)
		}
	case fPathReadlink:
		p, n := g.path()
		b, bn := g.buf(512)
		e = abi.PathReadlink(g.dirfd(), p, n, b, bn, g.out(4))
		g.scan(fn, e)
	case fPathRemoveDirectory:
		p, n := g.path()
		e = abi.PathRemoveDirectory(g.dirfd(), p, n)
	case fPathRename:
		p, n := g.path()
		q, m := g.path()
		e = abi.PathRename(g.dirfd(), p, n, g.dirfd(), q, m)
	case fPathSymlink:
		p, n := g.target()
		q, m := g.path()
		e = abi.PathSymlink(p, n, g.dirfd(), q, m)
	case fPathUnlinkFile:
		p, n := g.path()
		e = abi.PathUnlinkFile(g.dirfd(), p, n)
	case fPollOneoff:
		subs, n := g.subscriptions()
		events := g.hostilePtr(32)
		if n <= 64 {
			events = g.out(32 * n)
		}
		e = abi.PollOneoff(subs, events, n, g.out(4))
	case fProcRaise:
		e = abi.ProcRaise(g.enum(31))
	case fSchedYield:
		e = abi.SchedYield()
	case fRandomGet:
		p, n := g.buf(4096)
		e = abi.RandomGet(p, n)
	case fSockAccept:
		out := g.out(4)
		flags := g.flags(0x1f)
		if g.good {
			flags &= 4 // NONBLOCK or nothing
		}
		e = abi.SockAccept(g.sock(notStdout), flags, out)
		if e == 0 {
			g.remember(out)
			g.rememberSock(out)
		}
	case fSockRecv:
		iovs, n := g.iovecs(false)
		e = abi.SockRecv(g.sock(anyFd), iovs, n, g.flags(3), g.out(4), g.out(2))
		g.scan(fn, e)
	case fSockSend:
		iovs, n := g.iovecs(true)
		flags := uint32(0)
		if g.n(8) == 0 {
			flags = g.r.Uint32()
		}
		e = abi.SockSend(g.sock(notStdout), iovs, n, flags, g.out(4))
	case fSockShutdown:
		fd := g.sock(notStdout)
		if fd == g.listener {
			fd = 2
		}
		e = abi.SockShutdown(fd, g.enum(4))
	}
	return byte(fn), e
}

// scan looks for the host's markers in the arena after a call that
// succeeded in reading something into it.
func (g *guest) scan(fn int, errno uint32) {
	if errno != 0 {
		return
	}
	if contains(secretReversed) {
		record(byte(fn), 1, violSecretContent)
	}
	if contains(nameReversed) {
		record(byte(fn), 1, violOutsideName)
	}
}

// contains reports whether the arena holds the reverse of rev.
func contains(rev string) bool {
	last := rev[len(rev)-1] // the marker's first byte
	for i := 0; i+len(rev) <= len(arena); i++ {
		if arena[i] != last {
			continue
		}
		j := 1
		for j < len(rev) && arena[i+j] == rev[len(rev)-1-j] {
			j++
		}
		if j == len(rev) {
			return true
		}
	}
	return false
}

// checkFilestat reports a filestat written at ptr that describes one of
// the host's files outside the sandbox.
func (g *guest) checkFilestat(fn int, ptr uint32) {
	if ptr < g.base || ptr+64 > g.base+arenaSize {
		return
	}
	b := arena[ptr-g.base:]
	dev, ino := binary.LittleEndian.Uint64(b[0:]), binary.LittleEndian.Uint64(b[8:])
	if dev != g.dev {
		return
	}
	for _, x := range g.inos {
		if ino == x {
			record(byte(fn), 1, violOutsideInode)
		}
	}
}
