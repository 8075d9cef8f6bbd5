//go:build linux || darwin || freebsd

package capstdsync

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/capwasi/capwasi/common"
)

// BenchmarkSleep measures a guest's sleep: poll_oneoff with one relative
// monotonic clock. overhead-ns is the time beyond the requested duration.
func BenchmarkSleep(b *testing.B) {
	for _, d := range []time.Duration{time.Microsecond, 100 * time.Microsecond, time.Millisecond} {
		b.Run(d.String(), func(b *testing.B) {
			s, err := NewSched(nil)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			subs := []common.Subscription{clockSub(1, common.ClockidMonotonic, d, false)}
			events := make([]common.Event, 1)
			b.ReportAllocs()
			start := time.Now()
			for b.Loop() {
				if _, err := s.Poll(bg, subs, events); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(time.Since(start)/time.Duration(b.N)-d), "overhead-ns")
		})
	}
}

// BenchmarkPollPipeWake measures the latency from a write to a pipe to a
// blocked poll_oneoff returning with its event.
func BenchmarkPollPipeWake(b *testing.B) {
	s, err := NewSched(nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	r, w, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	f := NewReaderFile(r)
	subs := []common.Subscription{fdSub(1, common.EventtypeFdRead, f)}
	events := make([]common.Event, 1)
	buf := make([]byte, 1)
	b.ReportAllocs()
	for b.Loop() {
		go func() { _, _ = w.Write(buf) }()
		if _, err := s.Poll(bg, subs, events); err != nil {
			b.Fatal(err)
		}
		_, _ = r.Read(buf)
	}
}

func benchDir(b *testing.B, entries int) *dirFile {
	root := b.TempDir()
	if err := os.WriteFile(filepath.Join(root, "f"), make([]byte, 1<<20), 0o644); err != nil {
		b.Fatal(err)
	}
	for i := range entries {
		if err := os.WriteFile(filepath.Join(root, "d", itoa(i)), nil, 0o644); err != nil {
			if err := os.MkdirAll(filepath.Join(root, "d"), 0o755); err != nil {
				b.Fatal(err)
			}
			_ = os.WriteFile(filepath.Join(root, "d", itoa(i)), nil, 0o644)
		}
	}
	dir, err := OpenAmbientDir(root)
	if err != nil {
		b.Fatal(err)
	}
	d, _ := NewWasiDir(dir, ReadWrite)
	b.Cleanup(func() { _ = d.Close() })
	return d.(*dirFile)
}

func BenchmarkRead4K(b *testing.B) {
	d := benchDir(b, 0)
	f, err := d.OpenFile(bg, "f", rd)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	iovs := [][]byte{buf}
	b.SetBytes(4096)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Pread(bg, iovs, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpenStatClose(b *testing.B) {
	for _, budget := range []*Budget{nil, NewBudget(1<<62, 1<<62)} {
		name := "no-budget"
		if budget != nil {
			name = "budget"
		}
		b.Run(name, func(b *testing.B) {
			d := benchDir(b, 0)
			d.budget = budget
			b.ReportAllocs()
			for b.Loop() {
				f, err := d.OpenFile(bg, "f", rd)
				if err != nil {
					b.Fatal(err)
				}
				_ = f.SetFdflags(bg, common.FdflagsNonblock) // as a Go guest does
				if _, err := f.Filestat(bg); err != nil {
					b.Fatal(err)
				}
				_ = f.Close()
			}
		})
	}
}

func BenchmarkReaddir10000(b *testing.B) {
	d := benchDir(b, 10000)
	f, err := d.OpenFile(bg, "d", dirO)
	if err != nil {
		b.Fatal(err)
	}
	sub := f.(common.WasiDir)
	defer sub.Close()
	entries := make([]common.DirEntry, 128)
	b.ReportAllocs()
	for b.Loop() {
		cookie, total := common.DircookieStart, 0
		for {
			n, err := sub.Readdir(bg, cookie, entries)
			if err != nil {
				b.Fatal(err)
			}
			if n == 0 {
				break
			}
			total += n
			cookie = entries[n-1].Next
		}
		if total != 10002 {
			b.Fatalf("listed %d entries", total)
		}
	}
}

// BenchmarkWrite4K measures fd_write and fd_pwrite of 4 KiB to a regular
// file on tmpfs (/dev/shm where there is one), without and with a budget:
// what a budget costs a write is two uncontended locks.
func BenchmarkWrite4K(b *testing.B) {
	for _, budget := range []*Budget{nil, NewBudget(1<<62, 1<<62)} {
		name := "no-budget"
		if budget != nil {
			name = "budget"
		}
		root, err := os.MkdirTemp(shmDir(), "capwasi-bench-")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = os.RemoveAll(root) })
		dir, err := OpenAmbientDir(root)
		if err != nil {
			b.Fatal(err)
		}
		d, _ := NewWasiDir(dir, ReadWrite)
		if budget != nil {
			d.(*dirFile).budget = budget
		}
		b.Cleanup(func() { _ = d.Close() })
		f, err := d.OpenFile(bg, "f", crw)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = f.Close() })
		iovs := [][]byte{make([]byte, 4096)}
		b.Run(name+"/write", func(b *testing.B) {
			b.SetBytes(4096)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if i++; i%256 == 0 {
					_, _ = f.Seek(bg, 0, common.WhenceSet)
				}
				if _, err := f.Write(bg, iovs); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/pwrite", func(b *testing.B) {
			b.SetBytes(4096)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.Pwrite(bg, iovs, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// shmDir is /dev/shm where it exists (a tmpfs on Linux), else the
// temporary directory.
func shmDir() string {
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		return "/dev/shm"
	}
	return os.TempDir()
}
