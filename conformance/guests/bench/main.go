// Command bench is the workload program of the cross-engine benchmark
// (package conformance/bench, command wasi-bench). It has no build
// constraint: the same source is compiled for GOOS=wasip1, to run under
// capwasi and wazero's built-in WASI, and for the host, to run natively, so
// that the three do exactly the same operations.
//
// Usage:
//
//	bench setup DIR          create the fixtures the workloads use in DIR
//	bench WORKLOAD DIR       run one workload on the fixtures in DIR
//	bench [-scale F] [-rounds N] WORKLOAD DIR
//
// Each workload times its own loop with time.Now, so that the start of the
// process (and, for a guest, of the runtime) is not counted, and prints one
// line to standard error:
//
//	bench WORKLOAD ops=N ns=T
//
// where N is the number of operations and T the nanoseconds they took.
// A workload runs the amount given below a few times over (its rounds, so
// that the short ones time a tenth of a second or more natively; -rounds
// overrides it), and reports all the rounds' operations and time together.
// -scale multiplies the sizes and counts (at least 1 each; the fixtures
// must have been made with the same scale), for quick checks.
//
// The workloads: read4k, read1m, write4k, write1m (64 MiB sequentially with
// 4 KiB or 1 MiB buffers), pread4k, pwrite4k (16,384 random 4 KiB
// transfers in a 64 MiB file), churn (10,000 files created, written,
// closed, stat-ed and removed in 100 nested directories), open1, open8
// (10,000 × stat+open+close of a file at depth 1 or 8), fstat (20,000
// fstat), list, liststat (a 10,000-entry directory listed by name, or with
// an lstat per entry), sleep (1,000 × 1 ms), clock (10^6 clock reads),
// random (64 MiB of random bytes in 64 KiB requests), stdout (64 MiB to
// standard output in 4 KiB writes), cpu (sorting 2^21 integers: no system
// call at all, the cost of the code itself), nop (nothing: to fill a
// compilation cache).
package main

import (
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

// The sizes of the workloads, at scale 1.
const (
	bigFile      = 64 << 20 // bytes of the sequential and random transfers
	randomOps    = 16384    // pread4k, pwrite4k
	churnDirs    = 10       // churn: churnDirs × churnDirs directories of
	churnFiles   = 100      // churnFiles files each
	pathOps      = 10000    // open1, open8
	fstatOps     = 20000    // fstat
	listEntries  = 10000    // entries of the listed directory
	listRounds   = 10       // list: listings of it
	lstatRounds  = 2        // liststat: listings of it
	sleeps       = 1000     // sleep
	clockReads   = 1000000  // clock
	randomChunk  = 64 << 10 // random: bytes per request
	sortElements = 1 << 21  // cpu
)

// Paths beneath DIR.
const (
	dataFile   = "data"   // bigFile bytes, read by read*, pread4k
	pwriteFile = "pwrite" // bigFile bytes, written by pwrite4k
	writeFile  = "write"  // made and removed by write*
	listDir    = "list"   // listEntries empty files
	churnDir   = "churn"  // churnDirs × churnDirs empty directories
	depth1     = "f1"
	depth8     = "a/b/c/d/e/f/g/f8"
)

var scale = 1.0

// rounds is how many times each workload runs by default.
var rounds = map[string]int{
	"read4k": 4, "read1m": 16, "write4k": 2, "write1m": 4, "pread4k": 4, "pwrite4k": 4,
	"fstat": 8, "list": 2, "clock": 2, "stdout": 16,
}

// n scales a count, to at least 1.
func n(v int) int { return max(1, int(float64(v)*scale)) }

func main() {
	flag.Float64Var(&scale, "scale", 1, "multiply sizes and counts by `F`")
	nrounds := flag.Int("rounds", 0, "run the workload `N` times (0: its default)")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: bench [-scale F] setup|WORKLOAD DIR")
		os.Exit(2)
	}
	name, dir := flag.Arg(0), flag.Arg(1)
	if name == "setup" {
		check(setup(dir))
		return
	}
	w, ok := workloads[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "bench: no workload %q\n", name)
		os.Exit(2)
	}
	r := *nrounds
	if r <= 0 {
		r = max(1, rounds[name])
	}
	var ops int
	var ns int64
	for range r {
		o, t, err := w(dir)
		check(err)
		ops, ns = ops+o, ns+t
	}
	fmt.Fprintf(os.Stderr, "bench %s ops=%d ns=%d\n", name, ops, ns)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// A workload runs in DIR and returns the number of operations and the
// nanoseconds they took.
type workload func(dir string) (ops int, ns int64, err error)

var workloads = map[string]workload{
	"read4k":   func(dir string) (int, int64, error) { return readSeq(dir, 4<<10) },
	"read1m":   func(dir string) (int, int64, error) { return readSeq(dir, 1<<20) },
	"write4k":  func(dir string) (int, int64, error) { return writeSeq(dir, 4<<10) },
	"write1m":  func(dir string) (int, int64, error) { return writeSeq(dir, 1<<20) },
	"pread4k":  preadRandom,
	"pwrite4k": pwriteRandom,
	"churn":    churn,
	"open1":    func(dir string) (int, int64, error) { return statOpen(dir, depth1) },
	"open8":    func(dir string) (int, int64, error) { return statOpen(dir, depth8) },
	"fstat":    fstat,
	"list":     func(dir string) (int, int64, error) { return list(dir, false) },
	"liststat": func(dir string) (int, int64, error) { return list(dir, true) },
	"sleep":    sleep,
	"clock":    clock,
	"random":   random,
	"stdout":   stdout,
	"cpu":      cpu,
	"nop":      func(string) (int, int64, error) { return 1, 0, nil },
}

// setup creates the fixtures: the two big files, the listed directory, the
// churn directories, the files at depth 1 and 8.
func setup(dir string) error {
	buf := make([]byte, 1<<20)
	for i := range buf {
		buf[i] = byte(i * 7)
	}
	size := n(bigFile)
	for _, name := range []string{dataFile, pwriteFile} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		for left := size; left > 0; left -= len(buf) {
			if _, err := f.Write(buf[:min(left, len(buf))]); err != nil {
				return err
			}
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, listDir), 0o755); err != nil {
		return err
	}
	for i := range n(listEntries) {
		if err := os.WriteFile(filepath.Join(dir, listDir, fmt.Sprintf("entry-%05d", i)), nil, 0o644); err != nil {
			return err
		}
	}
	for i := range churnDirs {
		for j := range churnDirs {
			if err := os.MkdirAll(filepath.Join(dir, churnDir, strconv.Itoa(i), strconv.Itoa(j)), 0o755); err != nil {
				return err
			}
		}
	}
	for _, p := range []string{depth1, depth8} {
		p = filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// readSeq reads the data file from start to end in reads of size bytes.
func readSeq(dir string, size int) (int, int64, error) {
	buf := make([]byte, size)
	f, err := os.Open(filepath.Join(dir, dataFile))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	ops, total := 0, 0
	start := time.Now()
	for {
		m, err := f.Read(buf)
		total += m
		ops++
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, 0, err
		}
	}
	ns := time.Since(start).Nanoseconds()
	if total != n(bigFile) {
		return 0, 0, fmt.Errorf("read %d bytes, want %d", total, n(bigFile))
	}
	return ops, ns, nil
}

// writeSeq creates a file and writes bigFile bytes to it in writes of size
// bytes; the timing includes the open and the close, not the removal.
func writeSeq(dir string, size int) (int, int64, error) {
	buf := make([]byte, size)
	for i := range buf {
		buf[i] = byte(i)
	}
	p := filepath.Join(dir, writeFile)
	defer os.Remove(p)
	ops := n(bigFile) / size
	if ops == 0 {
		ops, buf = 1, buf[:n(bigFile)]
	}
	start := time.Now()
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return 0, 0, err
	}
	for range ops {
		if _, err := f.Write(buf); err != nil {
			f.Close()
			return 0, 0, err
		}
	}
	if err := f.Close(); err != nil {
		return 0, 0, err
	}
	return ops, time.Since(start).Nanoseconds(), nil
}

// offsets returns ops pseudo-random 4 KiB-aligned offsets within bigFile
// (xorshift, fixed seed: the same offsets everywhere).
func offsets(ops int) []int64 {
	blocks := uint64(max(1, n(bigFile)/4096))
	x := uint64(0x9e3779b97f4a7c15)
	offs := make([]int64, ops)
	for i := range offs {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		offs[i] = int64(x%blocks) * 4096
	}
	return offs
}

func preadRandom(dir string) (int, int64, error) {
	f, err := os.Open(filepath.Join(dir, dataFile))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	buf := make([]byte, min(4096, n(bigFile)))
	offs := offsets(n(randomOps))
	start := time.Now()
	for _, off := range offs {
		if _, err := f.ReadAt(buf, off); err != nil {
			return 0, 0, err
		}
	}
	return len(offs), time.Since(start).Nanoseconds(), nil
}

func pwriteRandom(dir string) (int, int64, error) {
	f, err := os.OpenFile(filepath.Join(dir, pwriteFile), os.O_RDWR, 0)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	buf := make([]byte, min(4096, n(bigFile)))
	for i := range buf {
		buf[i] = byte(i * 3)
	}
	offs := offsets(n(randomOps))
	start := time.Now()
	for _, off := range offs {
		if _, err := f.WriteAt(buf, off); err != nil {
			return 0, 0, err
		}
	}
	return len(offs), time.Since(start).Nanoseconds(), nil
}

// churn creates, writes and closes a file in each of the churn directories
// in turn, then stats them all, then removes them all; an operation is one
// file's whole life.
func churn(dir string) (int, int64, error) {
	files := max(1, n(churnDirs*churnDirs*churnFiles))
	paths := make([]string, files)
	for i := range paths {
		d := i % (churnDirs * churnDirs)
		paths[i] = filepath.Join(dir, churnDir, strconv.Itoa(d/churnDirs), strconv.Itoa(d%churnDirs), "f"+strconv.Itoa(i))
	}
	data := make([]byte, 100)
	start := time.Now()
	for _, p := range paths {
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			return 0, 0, err
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return 0, 0, err
		}
		if err := f.Close(); err != nil {
			return 0, 0, err
		}
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return 0, 0, err
		}
		if st.Size() != int64(len(data)) {
			return 0, 0, fmt.Errorf("%s: size %d", p, st.Size())
		}
	}
	for _, p := range paths {
		if err := os.Remove(p); err != nil {
			return 0, 0, err
		}
	}
	return files, time.Since(start).Nanoseconds(), nil
}

// statOpen stats, opens and closes the file at rel, pathOps times.
func statOpen(dir, rel string) (int, int64, error) {
	p := filepath.Join(dir, filepath.FromSlash(rel))
	ops := n(pathOps)
	start := time.Now()
	for range ops {
		if _, err := os.Stat(p); err != nil {
			return 0, 0, err
		}
		f, err := os.Open(p)
		if err != nil {
			return 0, 0, err
		}
		if err := f.Close(); err != nil {
			return 0, 0, err
		}
	}
	return ops, time.Since(start).Nanoseconds(), nil
}

func fstat(dir string) (int, int64, error) {
	f, err := os.Open(filepath.Join(dir, depth1))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	ops := n(fstatOps)
	start := time.Now()
	for range ops {
		if _, err := f.Stat(); err != nil {
			return 0, 0, err
		}
	}
	return ops, time.Since(start).Nanoseconds(), nil
}

// list opens the listed directory, reads all its names (or, withStat, the
// FileInfo of every entry, which costs an lstat each) and closes it, a few
// times; an operation is one entry.
func list(dir string, withStat bool) (int, int64, error) {
	p := filepath.Join(dir, listDir)
	rounds := listRounds
	if withStat {
		rounds = lstatRounds
	}
	entries := 0
	start := time.Now()
	for range rounds {
		f, err := os.Open(p)
		if err != nil {
			return 0, 0, err
		}
		var got int
		if withStat {
			infos, err := f.Readdir(-1)
			got = len(infos)
			if err != nil {
				f.Close()
				return 0, 0, err
			}
		} else {
			names, err := f.Readdirnames(-1)
			got = len(names)
			if err != nil {
				f.Close()
				return 0, 0, err
			}
		}
		f.Close()
		if got != n(listEntries) {
			return 0, 0, fmt.Errorf("%s: %d entries, want %d", p, got, n(listEntries))
		}
		entries += got
	}
	return entries, time.Since(start).Nanoseconds(), nil
}

func sleep(string) (int, int64, error) {
	ops := n(sleeps)
	start := time.Now()
	for range ops {
		time.Sleep(time.Millisecond)
	}
	return ops, time.Since(start).Nanoseconds(), nil
}

func clock(string) (int, int64, error) {
	ops := n(clockReads)
	var last time.Time
	start := time.Now()
	for range ops {
		last = time.Now()
	}
	ns := time.Since(start).Nanoseconds()
	if last.Before(start) {
		return 0, 0, errors.New("the clock went back")
	}
	return ops, ns, nil
}

func random(string) (int, int64, error) {
	buf := make([]byte, randomChunk)
	ops := max(1, n(bigFile)/randomChunk)
	start := time.Now()
	for range ops {
		if _, err := rand.Read(buf); err != nil {
			return 0, 0, err
		}
	}
	return ops, time.Since(start).Nanoseconds(), nil
}

func stdout(string) (int, int64, error) {
	buf := make([]byte, 4096)
	for i := range buf {
		buf[i] = 'a' + byte(i%26)
	}
	ops := max(1, n(bigFile)/len(buf))
	start := time.Now()
	for range ops {
		if _, err := os.Stdout.Write(buf); err != nil {
			return 0, 0, err
		}
	}
	return ops, time.Since(start).Nanoseconds(), nil
}

// cpu sorts pseudo-random integers: no host call, only the code itself.
func cpu(string) (int, int64, error) {
	ops := n(sortElements)
	v := make([]uint64, ops)
	x := uint64(88172645463325252)
	for i := range v {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		v[i] = x
	}
	start := time.Now()
	slices.Sort(v)
	ns := time.Since(start).Nanoseconds()
	if !slices.IsSorted(v) {
		return 0, 0, errors.New("not sorted")
	}
	return ops, ns, nil
}
