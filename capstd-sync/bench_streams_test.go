//go:build linux || darwin || freebsd

package capstdsync

import (
	"io"
	"os"
	"testing"

	"github.com/capwasi/capwasi/common"
)

// BenchmarkPollReadyFile measures poll_oneoff on a file that is ready at
// once without a descriptor to poll (a regular file): no system call.
func BenchmarkPollReadyFile(b *testing.B) {
	s, err := NewSched(nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	d := benchDir(b, 0)
	f, err := d.OpenFile(bg, "f", rd)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	subs := []common.Subscription{fdSub(1, common.EventtypeFdRead, f)}
	events := make([]common.Event, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Poll(bg, subs, events); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStreamWrite measures a 64-byte fd_write to a host pipe
// (inherited-stream style, polled by descriptor) and to a Go writer
// through the pumped writer (a hand-over to its goroutine and back).
func BenchmarkStreamWrite(b *testing.B) {
	r, w, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	go func() { _, _ = io.Copy(io.Discard, r) }()
	for _, tc := range []struct {
		name string
		f    common.WasiFile
	}{
		{"host-pipe", newHostStream(int(w.Fd()), false)},
		{"go-writer", NewWriterFile(struct{ io.Writer }{io.Discard})},
	} {
		b.Run(tc.name, func(b *testing.B) {
			iovs := [][]byte{make([]byte, 64)}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tc.f.Write(bg, iovs); err != nil {
					b.Fatal(err)
				}
			}
		})
		tc.f.Close()
	}
}
