package capstd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Benchmarks of open+close and stat at depth 1 and 8, against raw system
// calls and os.Root in the same run. Reproduce with
//
//	go test -run '^$' -bench . -benchmem -count 6 github.com/capwasi/capwasi/capstd
//
// (see docs/performance.md for the recorded table).

// benchTree creates a file at depth 1 and at depth 8 and returns the root
// and the two relative paths.
func benchTree(b *testing.B) (root string, paths []string) {
	root = b.TempDir()
	deep := strings.Repeat("dir/", 7) + "file"
	for _, p := range []string{"file", deep} {
		host := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(host), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(host, []byte("data"), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return root, []string{"file", deep}
}

// benchSubjects opens what the benchmarks compare: a raw directory
// descriptor, an os.Root, and a Dir with each resolver.
func benchSubjects(b *testing.B, root string) (dirfd int, osRoot *os.Root, dirs map[string]*Dir) {
	dirfd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { unix.Close(dirfd) })
	osRoot, err = os.OpenRoot(root)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { osRoot.Close() })
	dirs = map[string]*Dir{}
	for name, r := range map[string]Resolver{"openat2": ResolverAuto, "walk": ResolverWalk} {
		d, err := OpenAmbientDir(root, WithResolver(r))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { d.Close() })
		dirs[name] = d
	}
	if !useOpenat2() {
		b.Log("openat2 is unavailable: the openat2 rows use the walk")
	}
	return dirfd, osRoot, dirs
}

// run benchmarks fn as sub-benchmark name.
func run(b *testing.B, name string, fn func() error) {
	b.Run(name, func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := fn(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// closing closes fd if err is nil and returns err.
func closing(fd int, err error) error {
	if err == nil {
		unix.Close(fd)
	}
	return err
}

func BenchmarkOpenClose(b *testing.B) {
	root, paths := benchTree(b)
	dirfd, osRoot, dirs := benchSubjects(b, root)
	how := unix.OpenHow{Flags: unix.O_RDONLY | unix.O_CLOEXEC, Resolve: resolveFlags}
	for i, p := range paths {
		depth := []string{"depth1/", "depth8/"}[i]
		run(b, depth+"raw-openat", func() error {
			return closing(unix.Openat(dirfd, p, unix.O_RDONLY|unix.O_CLOEXEC, 0))
		})
		run(b, depth+"raw-openat2", func() error { return closing(unix.Openat2(dirfd, p, &how)) })
		run(b, depth+"os.Root", func() error {
			f, err := osRoot.Open(p)
			if err == nil {
				f.Close()
			}
			return err
		})
		for _, mode := range []string{"openat2", "walk"} {
			d := dirs[mode]
			run(b, depth+"capstd-"+mode, func() error {
				f, err := d.OpenFile(p, ORead, 0)
				if err == nil {
					f.Close()
				}
				return err
			})
		}
	}
}

func BenchmarkStat(b *testing.B) {
	root, paths := benchTree(b)
	dirfd, osRoot, dirs := benchSubjects(b, root)
	how := unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC, Resolve: resolveFlags}
	var st unix.Stat_t
	for i, p := range paths {
		depth := []string{"depth1/", "depth8/"}[i]
		run(b, depth+"raw-fstatat", func() error { return unix.Fstatat(dirfd, p, &st, 0) })
		run(b, depth+"raw-openat2-fstat", func() error {
			fd, err := unix.Openat2(dirfd, p, &how)
			if err == nil {
				err = unix.Fstat(fd, &st)
			}
			return closing(fd, err)
		})
		run(b, depth+"os.Root", func() error { _, err := osRoot.Stat(p); return err })
		for _, mode := range []string{"openat2", "walk"} {
			d := dirs[mode]
			run(b, depth+"capstd-"+mode, func() error { _, err := d.Stat(p, true); return err })
		}
	}
}

func BenchmarkPreadv(b *testing.B) {
	root, paths := benchTree(b)
	_, _, dirs := benchSubjects(b, root)
	f, err := dirs["openat2"].OpenFile(paths[0], ORead, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	bufs := [][]byte{make([]byte, 2), make([]byte, 2)}
	run(b, "2x2B", func() error { _, err := f.Preadv(bufs, 0); return err })
}

// BenchmarkPaired measures capstd against its raw reference in alternating
// blocks of the same loop, so that the load of a shared machine weighs on
// both alike, and reports the ratio of their times (capstd/raw).
func BenchmarkPaired(b *testing.B) {
	root, paths := benchTree(b)
	dirfd, _, dirs := benchSubjects(b, root)
	openHow := unix.OpenHow{Flags: unix.O_RDONLY | unix.O_CLOEXEC, Resolve: resolveFlags}
	pathHow := unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC, Resolve: resolveFlags}
	var st unix.Stat_t
	for i, p := range paths {
		depth := []string{"depth1/", "depth8/"}[i]
		for _, mode := range []string{"openat2", "walk"} {
			d := dirs[mode]
			paired(b, depth+"open+close/capstd-"+mode+"-vs-raw-openat2",
				func() error { return closing(unix.Openat2(dirfd, p, &openHow)) },
				func() error {
					f, err := d.OpenFile(p, ORead, 0)
					if err == nil {
						f.Close()
					}
					return err
				})
			paired(b, depth+"stat/capstd-"+mode+"-vs-raw-openat2-fstat",
				func() error {
					fd, err := unix.Openat2(dirfd, p, &pathHow)
					if err == nil {
						err = unix.Fstat(fd, &st)
					}
					return closing(fd, err)
				},
				func() error { _, err := d.Stat(p, true); return err })
		}
		paired(b, depth+"open+close/raw-openat-vs-raw-openat2",
			func() error { return closing(unix.Openat2(dirfd, p, &openHow)) },
			func() error { return closing(unix.Openat(dirfd, p, unix.O_RDONLY|unix.O_CLOEXEC, 0)) })
	}
}

// paired runs raw and subject in alternating blocks and reports the
// subject's time per operation and its ratio to raw's.
func paired(b *testing.B, name string, raw, subject func() error) {
	const block = 32
	b.Run(name, func(b *testing.B) {
		var rawTime, subjectTime time.Duration
		for b.Loop() {
			for _, s := range []struct {
				fn  func() error
				sum *time.Duration
			}{{raw, &rawTime}, {subject, &subjectTime}} {
				start := time.Now()
				for range block {
					if err := s.fn(); err != nil {
						b.Fatal(err)
					}
				}
				*s.sum += time.Since(start)
			}
		}
		b.ReportMetric(float64(subjectTime)/float64(rawTime), "ratio")
		b.ReportMetric(float64(subjectTime.Nanoseconds())/float64(b.N*block), "subject-ns/op")
		b.ReportMetric(float64(rawTime.Nanoseconds())/float64(b.N*block), "raw-ns/op")
	})
}
