package conformance

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/capwasi/capwasi/common"
)

// Cases of fd_readdir. A listing's order is the implementation's, so the
// checks parse the dirents (24 bytes: d_next u64, d_ino u64, d_namlen u32,
// d_type u8, then the name) rather than match bytes in place. Resuming from
// cookies is checked with Go guests: os.ReadDir lists through a small
// buffer and resumes from the cookie of the last whole entry, and
// dircookies keeps every cookie in 32 bits, as wasi-libc's telldir does,
// and seeks back to each.

// dirent is one parsed directory entry.
type dirent struct {
	next, ino uint64
	typ       common.Filetype
	name      string
}

// parseDirents parses the whole entries at the start of b.
func parseDirents(b []byte) []dirent {
	var ds []dirent
	for len(b) >= common.DirentSize {
		n := int(binary.LittleEndian.Uint32(b[16:]))
		if len(b) < common.DirentSize+n {
			break
		}
		ds = append(ds, dirent{
			next: binary.LittleEndian.Uint64(b[0:]), ino: binary.LittleEndian.Uint64(b[8:]),
			typ: common.Filetype(b[20]), name: string(b[common.DirentSize : common.DirentSize+n]),
		})
		b = b[common.DirentSize+n:]
	}
	return ds
}

// listing returns the entries of the fd_readdir at step i (0-based, with
// buf:N then out:4), by name, and whether bufused said "the end" (less than
// the buffer).
func listing(o Outcome, i int) (map[string]dirent, bool, error) {
	rs, err := probeResults(o.Stdout)
	if err != nil {
		return nil, false, err
	}
	if i >= len(rs) || len(rs[i].areas) < 2 || len(rs[i].areas[1]) < 4 {
		return nil, false, fmt.Errorf("no fd_readdir result at step %d", i+1)
	}
	buf, used := rs[i].areas[0], binary.LittleEndian.Uint32(rs[i].areas[1])
	if int(used) > len(buf) {
		return nil, false, fmt.Errorf("step %d: bufused %d exceeds the buffer (%d)", i+1, used, len(buf))
	}
	m := map[string]dirent{}
	for _, d := range parseDirents(buf[:used]) {
		if _, dup := m[d.name]; dup {
			return nil, false, fmt.Errorf("step %d: %q listed twice", i+1, d.name)
		}
		m[d.name] = d
	}
	return m, int(used) < len(buf), nil
}

// wantListing checks the fd_readdir at step i: it reached the end and
// lists exactly names with the types given after ":" ("f:REGULAR_FILE"
// style, by Filetype name without the prefix).
func wantListing(i int, entries ...string) checkFunc {
	return func(o Outcome, _ string) error {
		got, end, err := listing(o, i)
		if err != nil {
			return err
		}
		if !end {
			return fmt.Errorf("step %d: the buffer was full, want the whole listing", i+1)
		}
		var names []string
		for n := range got {
			names = append(names, n)
		}
		sort.Strings(names)
		var want []string
		for _, e := range entries {
			name, typ, _ := strings.Cut(e, ":")
			want = append(want, name)
			if d, ok := got[name]; ok && d.typ.String() != typ {
				return fmt.Errorf("step %d: %q has type %v, want %s", i+1, name, d.typ, typ)
			}
		}
		sort.Strings(want)
		if !slices.Equal(names, want) {
			return fmt.Errorf("step %d lists %q, want %q", i+1, names, want)
		}
		return nil
	}
}

// wantIno checks that entry name of the fd_readdir at step i has the inode
// of the filestat (fd_filestat_get or path_filestat_get) at step j.
func wantIno(i int, name string, j int) checkFunc {
	return func(o Outcome, _ string) error {
		got, _, err := listing(o, i)
		if err != nil {
			return err
		}
		ino, err := resultU64(o, j, 0, 8)
		if err != nil {
			return err
		}
		if d := got[name]; d.ino != ino {
			return fmt.Errorf("step %d: %q has d_ino %d, want %d (step %d)", i+1, name, d.ino, ino, j+1)
		}
		return nil
	}
}

// manyFiles returns a tree of a directory "big" holding n empty files.
func manyFiles(n int) func(root string) error {
	entries := []string{"big/"}
	for i := range n {
		entries = append(entries, fmt.Sprintf("big/file.%d=", i))
	}
	return mkTree(entries...)
}

func init() {
	register(
		Case{
			// wasi-testsuite fd_readdir and LESSONS: "." and ".." are
			// listed, even in an empty directory; "." has the directory's
			// inode.
			Name: "fd_readdir/empty-directory-dot-and-dotdot",
			Tree: mkTree("d/"),
			Script: `
path_open 3 0 s:"d" OFLAGS_DIRECTORY RIGHTS_FD_READDIR|RIGHTS_FD_FILESTAT_GET 0 0 out:4>d => ESUCCESS
fd_filestat_get $d out:64                       => ESUCCESS
fd_readdir $d buf:256 0 out:4                   => ESUCCESS _ u32<256
fd_readdir 3 buf:256 0 out:4                    => ESUCCESS _ u32<256`,
			Check: checkAll(
				wantListing(2, ".:DIRECTORY", "..:DIRECTORY"), wantIno(2, ".", 1),
				wantListing(3, ".:DIRECTORY", "..:DIRECTORY", "d:DIRECTORY")),
		},
		Case{
			// wasi-testsuite fd_readdir: entries carry their type and inode
			// (from the directory listing, no stat per entry needed).
			Name: "fd_readdir/types-and-inodes",
			Tree: mkTree("sub/", "f=x", "l->f", "dangling->nowhere", "new="),
			Script: `
path_open 3 0 s:"new" 0 RIGHTS_FD_FILESTAT_GET 0 0 out:4>n => ESUCCESS
fd_filestat_get $n out:64                       => ESUCCESS
path_filestat_get 3 0 s:"sub" out:64            => ESUCCESS
path_filestat_get 3 0 s:"l" out:64              => ESUCCESS
fd_readdir 3 buf:1024 0 out:4                   => ESUCCESS _ u32<1024`,
			Check: checkAll(
				wantListing(4, ".:DIRECTORY", "..:DIRECTORY", "sub:DIRECTORY", "f:REGULAR_FILE",
					"l:SYMBOLIC_LINK", "dangling:SYMBOLIC_LINK", "new:REGULAR_FILE"),
				wantIno(4, "new", 1), wantIno(4, "sub", 2), wantIno(4, "l", 3)),
		},
		Case{
			// The specification's "buffer full" signal: when the next entry
			// does not fit, as much as fits is written and bufused is the
			// buffer's length.
			Name: "fd_readdir/small-buffer-is-full",
			Tree: mkTree("a_rather_long_file_name=", "b="),
			Script: `
fd_readdir 3 buf:30 0 out:4                     => ESUCCESS _ u32:30
fd_readdir 3 buf:24 0 out:4                     => ESUCCESS _ u32:24
fd_readdir 3 buf:1 0 out:4                      => ESUCCESS _ u32:1
fd_readdir 3 buf:100 0 out:4                    => ESUCCESS _ u32:100
fd_readdir 3 buf:4096 0 out:4                   => ESUCCESS _ u32<4096`,
			Check: checkAll(
				// The whole entries in a full buffer are those of the full
				// listing, and the first of them is in the 30-byte one.
				func(o Outcome, _ string) error {
					var areas [5][]byte
					for _, i := range []int{0, 3, 4} {
						var err error
						if areas[i], err = resultArea(o, i, 0); err != nil {
							return err
						}
					}
					part, whole := parseDirents(areas[3]), parseDirents(areas[4])
					first := parseDirents(areas[0])
					if len(part) == 0 || len(part) > len(whole) || len(first) > 1 {
						return fmt.Errorf("a 100-byte buffer holds %d whole entries and a 30-byte one %d, of %d", len(part), len(first), len(whole))
					}
					for k, d := range part {
						if d != whole[k] {
							return fmt.Errorf("entry %d of a 100-byte buffer is %+v, of the whole listing %+v", k, d, whole[k])
						}
					}
					return nil
				},
				wantListing(4, ".:DIRECTORY", "..:DIRECTORY", "a_rather_long_file_name:REGULAR_FILE", "b:REGULAR_FILE")),
		},
		Case{
			Name: "fd_readdir/errors",
			Tree: mkTree("f=x", "d/"),
			Script: `
fd_readdir 99 buf:64 0 out:4                    => EBADF
path_open 3 0 s:"f" 0 RIGHTS_FD_READ|RIGHTS_FD_READDIR 0 0 out:4>f => ESUCCESS
fd_readdir $f buf:64 0 out:4                    => ENOTDIR
fd_readdir 1 buf:64 0 out:4                     => ENOTDIR|EBADF
path_open 3 0 s:"d" OFLAGS_DIRECTORY RIGHTS_PATH_OPEN 0 0 out:4>d => ESUCCESS
fd_fdstat_set_rights $d RIGHTS_PATH_OPEN 0      => ESUCCESS
fd_readdir $d buf:64 0 out:4                    => ENOTCAPABLE
fd_readdir 3 ` + badPtr + ` 64 0 out:4           => EFAULT
fd_readdir 3 sp:"x" ` + badLen + ` 0 out:4       => EFAULT
fd_readdir 3 buf:64 0 ` + badPtr + `             => EFAULT`,
		},
		Case{
			// wasi-testsuite fd_readdir (lots): a listing larger than the
			// guest's buffer continues across calls from the cookies it
			// returned. Go's os.ReadDir lists through an 8 KiB buffer.
			Name:       "fd_readdir/resume-from-cookies-go",
			Guest:      "hello",
			GuestArgs:  []string{"/big"},
			Tree:       manyFiles(1000),
			Funcs:      []string{"fd_readdir"},
			WantStdout: []string{"/big holds 1000 entries:", "file.0\n", "file.999\n"},
		},
		Case{
			// The Readdir contract: cookies below 2^31, so that a guest
			// can keep them in 32 bits (wasi-libc's telldir returns a
			// long), each resuming the listing at the entry after the one
			// it came with, in any order. 1,202 entries: several host
			// buffers of records.
			Name:       "fd_readdir/cookies-kept-in-32-bits",
			Guest:      "dircookies",
			GuestArgs:  []string{"big"},
			Tree:       manyFiles(1200),
			Funcs:      []string{"fd_readdir", "path_open"},
			WantStdout: []string{"1202 entries, every cookie below 2^31, all 1202 resumed\n"},
		},
	)
}
