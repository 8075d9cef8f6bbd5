package conformance

import (
	"fmt"
	"strings"

	"github.com/capwasi/capwasi/common"
)

// Cases of the rights model: fd_fdstat_set_rights only drops rights, and
// what it drops is enforced, on the descriptor and on what is opened
// through it; each call needs the rights the specification names for it
// (ENOTCAPABLE without). The rights asked for in path_open choose only
// whether a file is opened for reading (FD_READ) and writing (FD_WRITE):
// wasmtime's rule since 2023, which its own test programs and code written
// for it rely on (path_open/zero-rights-directory); wazeroadapter's
// WithStrictRights makes path_open narrow to the rights asked for, as the
// specification describes. So the cases narrow a descriptor's rights with
// fd_fdstat_set_rights, which both modes enforce.

// preopenBaseRights are the rights every directory needs, which
// wasi-testsuite path_open_preopen expects of a pre-open's base set.
const preopenBaseRights = "RIGHTS_PATH_CREATE_DIRECTORY|RIGHTS_PATH_CREATE_FILE|RIGHTS_PATH_LINK_SOURCE|RIGHTS_PATH_LINK_TARGET|RIGHTS_PATH_OPEN|RIGHTS_FD_READDIR|RIGHTS_PATH_READLINK|RIGHTS_PATH_RENAME_SOURCE|RIGHTS_PATH_RENAME_TARGET|RIGHTS_PATH_SYMLINK|RIGHTS_PATH_REMOVE_DIRECTORY|RIGHTS_PATH_UNLINK_FILE|RIGHTS_PATH_FILESTAT_GET|RIGHTS_PATH_FILESTAT_SET_TIMES|RIGHTS_FD_FILESTAT_GET|RIGHTS_FD_FILESTAT_SET_TIMES"

// preopenInheritingRights adds what files opened beneath need.
const preopenInheritingRights = preopenBaseRights + "|RIGHTS_FD_DATASYNC|RIGHTS_FD_READ|RIGHTS_FD_SEEK|RIGHTS_FD_FDSTAT_SET_FLAGS|RIGHTS_FD_SYNC|RIGHTS_FD_TELL|RIGHTS_FD_WRITE|RIGHTS_FD_ADVISE|RIGHTS_FD_ALLOCATE|RIGHTS_FD_FILESTAT_SET_SIZE|RIGHTS_POLL_FD_READWRITE"

func init() {
	register(
		Case{
			// wasi-testsuite path_open_preopen.
			Name:  "fd_fdstat_get/preopen-rights",
			Needs: writes,
			Script: `
fd_fdstat_get 3 out:24 => ESUCCESS u64@8&` + preopenBaseRights + `:` + preopenBaseRights + `,u64@16&` + preopenInheritingRights + `:` + preopenInheritingRights,
		},
		Case{
			// wasi-testsuite fd_fdstat_set_rights: rights dropped are gone,
			// and cannot be had back.
			Name:  "fd_fdstat_set_rights/drop-only",
			Needs: writes,
			Script: `
path_open 3 0 s:"f" OFLAGS_CREAT RIGHTS_FD_READ|RIGHTS_FD_WRITE|RIGHTS_FD_SEEK|RIGHTS_FD_TELL 0 0 out:4>fd => ESUCCESS
fd_write $fd iov:"\x00\x01\x02\x03" out:4       => ESUCCESS u32:4
fd_seek $fd 0 WHENCE_SET out:8                  => ESUCCESS u64:0
fd_read $fd iovout:4 out:4                      => ESUCCESS hex:00010203 u32:4
fd_fdstat_set_rights $fd RIGHTS_FD_SEEK|RIGHTS_FD_TELL 0 => ESUCCESS
fd_fdstat_get $fd out:24                        => ESUCCESS u64@8:RIGHTS_FD_SEEK|RIGHTS_FD_TELL,u64@16:0
fd_read $fd iovout:4 out:4                      => EBADF|ENOTCAPABLE
fd_write $fd iov:"x" out:4                      => EBADF|ENOTCAPABLE
fd_fdstat_set_rights $fd RIGHTS_FD_READ|RIGHTS_FD_WRITE|RIGHTS_FD_SEEK|RIGHTS_FD_TELL RIGHTS_FD_READ|RIGHTS_FD_WRITE|RIGHTS_FD_SEEK|RIGHTS_FD_TELL => ENOTCAPABLE
fd_fdstat_set_rights $fd RIGHTS_FD_SEEK|RIGHTS_FD_TELL RIGHTS_FD_READ => ENOTCAPABLE
fd_fdstat_set_rights $fd RIGHTS_FD_SEEK|RIGHTS_FD_TELL 0 => ESUCCESS
fd_fdstat_set_rights $fd RIGHTS_FD_TELL 0        => ESUCCESS
fd_seek $fd 0 WHENCE_SET out:8                  => ENOTCAPABLE
fd_tell $fd out:8                               => ESUCCESS u64:4
fd_fdstat_set_rights $fd 0 0                    => ESUCCESS
fd_fdstat_get $fd out:24                        => ESUCCESS u64@8:0,u64@16:0
fd_fdstat_set_rights 99 0 0                     => EBADF`,
			Check: wantFile("f", "\x00\x01\x02\x03"),
		},
		Case{
			// wasi-testsuite truncation_rights: OFLAGS_TRUNC needs the
			// directory's PATH_FILESTAT_SET_SIZE, not the inheriting
			// FD_FILESTAT_SET_SIZE; a directory never has the latter in its
			// base set.
			Name:  "fd_fdstat_set_rights/truncation-rights",
			Needs: writes,
			Tree:  mkTree("sub/", "sub/file=data", "sub/other=more"),
			Script: `
path_open 3 0 s:"sub" OFLAGS_DIRECTORY RIGHTS_DIR_BASE RIGHTS_DIR_INHERITING 0 out:4>d => ESUCCESS
fd_fdstat_get $d out:24                         => ESUCCESS u8@0:FILETYPE_DIRECTORY,u16@2:0,u64@8&RIGHTS_FD_FILESTAT_SET_SIZE:0,u64@8&RIGHTS_PATH_FILESTAT_SET_SIZE:RIGHTS_PATH_FILESTAT_SET_SIZE
path_open $d 0 s:"file" OFLAGS_TRUNC 0 0 0 out:4 => ESUCCESS
fd_fdstat_set_rights $d RIGHTS_DIR_BASE ` + fmt.Sprint(uint64(common.RightsDirectoryInheriting&^common.RightsFdFilestatSetSize)) + ` => ESUCCESS
fd_fdstat_set_rights $d RIGHTS_DIR_BASE RIGHTS_DIR_INHERITING => ENOTCAPABLE
path_open $d 0 s:"other" OFLAGS_TRUNC 0 0 0 out:4 => ESUCCESS
fd_fdstat_set_rights $d ` + fmt.Sprint(uint64(common.RightsDirectoryBase&^common.RightsPathFilestatSetSize)) + ` ` + fmt.Sprint(uint64(common.RightsDirectoryInheriting&^common.RightsFdFilestatSetSize)) + ` => ESUCCESS
fd_fdstat_get $d out:24                         => ESUCCESS u64@8&RIGHTS_PATH_FILESTAT_SET_SIZE:0,u64@8&RIGHTS_PATH_OPEN:RIGHTS_PATH_OPEN
path_open $d 0 s:"file" OFLAGS_TRUNC 0 0 0 out:4 => EPERM|ENOTCAPABLE
path_open $d 0 s:"file" 0 RIGHTS_FD_READ 0 0 out:4 => ESUCCESS`,
			Check: checkAll(wantFile("sub/file", ""), wantFile("sub/other", "")),
		},
		Case{
			// wasi-testsuite path_open_read_without_rights: a directory that
			// dropped FD_READ from both its sets opens a file with rights 0;
			// the file has FD_READ in neither set, and fd_read is EBADF.
			Name:  "path_open/read-without-rights",
			Needs: writes,
			Tree:  mkTree("d/", "d/file=x"),
			Script: `
path_open 3 0 s:"d" OFLAGS_DIRECTORY 0 0 0 out:4>d => ESUCCESS
fd_fdstat_set_rights $d ` + preopenBaseRights + ` ` + strings.Replace(preopenInheritingRights, "|RIGHTS_FD_READ|", "|", 1) + ` => ESUCCESS
fd_fdstat_get $d out:24                         => ESUCCESS u64@8&RIGHTS_FD_READ:0,u64@16&RIGHTS_FD_READ:0
path_open $d 0 s:"file" 0 0 0 0 out:4>f         => ESUCCESS
fd_fdstat_get $f out:24                         => ESUCCESS u64@8&RIGHTS_FD_READ:0,u64@16&RIGHTS_FD_READ:0
fd_read $f iovout:1 out:4                       => EBADF
path_unlink_file $d s:"file"                    => ESUCCESS`,
			Check: wantAbsent("d/file"),
		},
		Case{
			// wasmtime's preview1 test programs (since 2023) open their
			// scratch directory with path_open(fd, 0, ".",
			// OFLAGS_DIRECTORY, 0, 0, 0) and work through it; wasmtime and
			// wazero let them. A file opened with FD_READ|FD_WRITE may also
			// seek and stat, as on wasmtime.
			Name:  "path_open/zero-rights-directory",
			Needs: writes,
			Script: `
path_open 3 0 s:"." OFLAGS_DIRECTORY 0 0 0 out:4>d => ESUCCESS
path_open $d 0 s:"file" OFLAGS_CREAT RIGHTS_FD_READ|RIGHTS_FD_WRITE 0 0 out:4>f => ESUCCESS
fd_write $f iov:"hello" out:4                   => ESUCCESS u32:5
fd_seek $f 0 WHENCE_SET out:8                   => ESUCCESS u64:0
fd_read $f iovout:8 out:4                       => ESUCCESS str:"hello" u32:5
fd_filestat_get $f out:64                       => ESUCCESS u64@32:5
fd_close $f                                     => ESUCCESS
path_create_directory $d s:"dir"                => ESUCCESS
path_rename $d s:"file" $d s:"dir/kept"         => ESUCCESS
path_symlink s:"kept" $d s:"dir/link"           => ESUCCESS
path_readlink $d s:"dir/link" buf:8 out:4       => ESUCCESS str:"kept" u32:4
path_filestat_get $d 0 s:"dir/kept" out:64      => ESUCCESS u64@32:5
fd_readdir $d buf:256 0 out:4                   => ESUCCESS
path_open $d 0 s:"dir" OFLAGS_DIRECTORY 0 0 0 out:4>e => ESUCCESS
path_unlink_file $e s:"link"                    => ESUCCESS
path_open $d 0 s:"gone" OFLAGS_CREAT 0 0 0 out:4 => ESUCCESS
path_unlink_file $d s:"gone"                    => ESUCCESS
path_create_directory $e s:"sub"                => ESUCCESS
path_remove_directory $d s:"dir/sub"            => ESUCCESS`,
			Check: checkAll(wantFile("dir/kept", "hello"), wantAbsent("file", "gone", "dir/link", "dir/sub")),
		},
		Case{
			// wasi-testsuite path_open_read_write and LESSONS: a read-only
			// descriptor does not have FD_WRITE, a write-only one not
			// FD_READ.
			Name:  "path_open/read-write-rights",
			Needs: writes,
			Tree:  mkTree("f="),
			Script: `
path_open 3 0 s:"f" 0 RIGHTS_FD_READ 0 0 out:4>r => ESUCCESS
fd_fdstat_get $r out:24                         => ESUCCESS u64@8&RIGHTS_FD_READ|RIGHTS_FD_WRITE:RIGHTS_FD_READ
fd_read $r iovout:100 out:4                     => ESUCCESS _ u32:0
fd_write $r iov:"` + fifty + `" out:4            => EBADF|ENOTCAPABLE|EACCES
fd_close $r                                     => ESUCCESS
path_open 3 0 s:"f" 0 RIGHTS_FD_WRITE 0 0 out:4>w => ESUCCESS
fd_fdstat_get $w out:24                         => ESUCCESS u64@8&RIGHTS_FD_READ|RIGHTS_FD_WRITE:RIGHTS_FD_WRITE
fd_read $w iovout:100 out:4                     => EBADF|ENOTCAPABLE|EACCES
fd_write $w iov:"` + fifty + `" out:4            => ESUCCESS u32:50
fd_close $w                                     => ESUCCESS
path_open 3 0 s:"f" 0 RIGHTS_FD_READ|RIGHTS_FD_WRITE|RIGHTS_FD_FILESTAT_GET 0 0 out:4>rw => ESUCCESS
fd_fdstat_get $rw out:24                        => ESUCCESS u64@8&RIGHTS_FD_READ|RIGHTS_FD_WRITE:RIGHTS_FD_READ|RIGHTS_FD_WRITE
fd_read $rw iovout:100 out:4                    => ESUCCESS _ u32:50
fd_write $rw iov:"` + fifty[:25] + `" out:4      => ESUCCESS u32:25
fd_filestat_get $rw out:64                      => ESUCCESS u64@32:75`,
		},
		Case{
			// A descriptor gets its rights within the opening directory's
			// inheriting rights; a directory that dropped some passes on
			// less, whatever is asked for.
			Name:  "path_open/rights-within-inheriting",
			Needs: writes,
			Tree:  mkTree("sub/", "sub/f=data"),
			Script: `
path_open 3 0 s:"sub" OFLAGS_DIRECTORY RIGHTS_PATH_OPEN RIGHTS_FD_READ|RIGHTS_FD_SEEK 0 out:4>d => ESUCCESS
fd_fdstat_set_rights $d RIGHTS_PATH_OPEN RIGHTS_FD_READ|RIGHTS_FD_SEEK => ESUCCESS
fd_fdstat_get $d out:24                         => ESUCCESS u64@8:RIGHTS_PATH_OPEN,u64@16:RIGHTS_FD_READ|RIGHTS_FD_SEEK
path_open $d 0 s:"f" 0 RIGHTS_ALL RIGHTS_ALL 0 out:4>f => ESUCCESS
fd_fdstat_get $f out:24                         => ESUCCESS u64@8:RIGHTS_FD_READ|RIGHTS_FD_SEEK,u64@16:0
fd_read $f iovout:4 out:4                       => ESUCCESS str:"data" u32:4
fd_filestat_get $f out:64                       => ENOTCAPABLE
path_open $d 0 s:"f" 0 RIGHTS_FD_READ|RIGHTS_FD_WRITE 0 0 out:4>w => ESUCCESS|EPERM|ENOTCAPABLE
fd_write $w iov:"x" out:4                       => EBADF|ENOTCAPABLE
fd_fdstat_get 3 out:24                          => ESUCCESS u64@16&RIGHTS_FD_WRITE:RIGHTS_FD_WRITE`,
			Check: wantFile("sub/f", "data"),
		},
		Case{
			// Each path function needs its right on the directory
			// descriptor: here one that kept PATH_OPEN and FD_READDIR only.
			Name: "path_open/directory-rights-checked",
			Tree: mkTree("sub/", "sub/f=data", "sub/d/", "sub/l->f"),
			Script: `
path_open 3 0 s:"sub" OFLAGS_DIRECTORY RIGHTS_PATH_OPEN|RIGHTS_FD_READDIR RIGHTS_FILE_BASE 0 out:4>d => ESUCCESS
fd_fdstat_set_rights $d RIGHTS_PATH_OPEN|RIGHTS_FD_READDIR RIGHTS_FD_READ|RIGHTS_FD_SEEK|RIGHTS_FD_SYNC => ESUCCESS
path_open $d 0 s:"new" OFLAGS_CREAT RIGHTS_FD_WRITE 0 0 out:4 => ENOTCAPABLE
path_open $d 0 s:"f" 0 RIGHTS_FD_READ 0 FDFLAGS_SYNC out:4 => ESUCCESS
path_create_directory $d s:"nd"                 => ENOTCAPABLE
path_remove_directory $d s:"d"                  => ENOTCAPABLE
path_unlink_file $d s:"f"                       => ENOTCAPABLE
path_rename $d s:"f" $d s:"g"                   => ENOTCAPABLE
path_rename $d s:"f" 3 s:"g"                    => ENOTCAPABLE
path_rename 3 s:"sub/f" $d s:"g"                => ENOTCAPABLE
path_link $d 0 s:"f" $d s:"g"                   => ENOTCAPABLE
path_link $d 0 s:"f" 3 s:"g"                    => ENOTCAPABLE
path_link 3 0 s:"sub/f" $d s:"g"                => ENOTCAPABLE
path_symlink s:"f" $d s:"s"                     => ENOTCAPABLE
path_readlink $d s:"l" buf:8 out:4              => ENOTCAPABLE
path_filestat_get $d 0 s:"f" out:64             => ENOTCAPABLE
path_filestat_set_times $d 0 s:"f" 0 0 FSTFLAGS_MTIM_NOW => ENOTCAPABLE
fd_filestat_get $d out:64                       => ENOTCAPABLE
fd_readdir $d buf:64 0 out:4                    => ESUCCESS
path_open 3 0 s:"sub" OFLAGS_DIRECTORY RIGHTS_FD_READDIR RIGHTS_FILE_BASE 0 out:4>n => ESUCCESS
fd_fdstat_set_rights $n RIGHTS_FD_READDIR RIGHTS_FD_READ|RIGHTS_FD_SEEK|RIGHTS_FD_SYNC => ESUCCESS
path_open $n 0 s:"f" 0 RIGHTS_FD_READ 0 0 out:4 => ENOTCAPABLE`,
			Check: checkAll(wantFile("sub/f", "data"), wantDir("sub/d"), wantLink("sub/l", "f"),
				wantAbsent("sub/new", "sub/nd", "sub/g", "sub/s", "g")),
		},
		Case{
			// OFLAGS_TRUNC is refused once the guest gave up
			// PATH_FILESTAT_SET_SIZE with fd_fdstat_set_rights
			// (wasi-testsuite truncation_rights), but not merely because
			// the directory was opened without it: Go's os.OpenRoot does
			// that, then creates files with CREAT|TRUNC through it.
			Name:  "path_open/trunc-refused-only-after-dropping-the-right",
			Needs: writes,
			Tree:  mkTree("sub/", "sub/f=data", "sub/g=more"),
			Script: `
path_open 3 0 s:"sub" OFLAGS_DIRECTORY RIGHTS_PATH_OPEN RIGHTS_FILE_BASE 0 out:4>r => ESUCCESS
path_open $r 0 s:"f" OFLAGS_TRUNC 0 0 0 out:4 => ESUCCESS
path_open 3 0 s:"sub" OFLAGS_DIRECTORY RIGHTS_PATH_OPEN|RIGHTS_PATH_FILESTAT_SET_SIZE RIGHTS_FILE_BASE 0 out:4>d => ESUCCESS
fd_fdstat_set_rights $d RIGHTS_PATH_OPEN RIGHTS_FILE_BASE => ESUCCESS
path_open $d 0 s:"g" OFLAGS_TRUNC 0 0 0 out:4 => ENOTCAPABLE`,
			Check: checkAll(wantFile("sub/f", ""), wantFile("sub/g", "more")),
		},
		Case{
			// Synchronous-I/O flags need rights in the directory's
			// inheriting set (here, what it kept): SYNC needs FD_SYNC, DSYNC FD_DATASYNC or
			// FD_SYNC, RSYNC FD_SYNC or FD_READ.
			Name:  "path_open/sync-flags-need-rights",
			Needs: writes,
			Tree:  mkTree("sub/", "sub/f=data"),
			Script: `
path_open 3 0 s:"sub" OFLAGS_DIRECTORY RIGHTS_PATH_OPEN RIGHTS_FD_WRITE 0 out:4>d => ESUCCESS
fd_fdstat_set_rights $d RIGHTS_PATH_OPEN RIGHTS_FD_WRITE => ESUCCESS
path_open $d 0 s:"f" 0 RIGHTS_FD_WRITE 0 FDFLAGS_SYNC out:4 => ENOTCAPABLE
path_open $d 0 s:"f" 0 RIGHTS_FD_WRITE 0 FDFLAGS_DSYNC out:4 => ENOTCAPABLE
path_open $d 0 s:"f" 0 RIGHTS_FD_WRITE 0 FDFLAGS_RSYNC out:4 => ENOTCAPABLE
path_open $d 0 s:"f" 0 RIGHTS_FD_WRITE 0 0 out:4 => ESUCCESS
path_open 3 0 s:"sub" OFLAGS_DIRECTORY RIGHTS_PATH_OPEN RIGHTS_FD_DATASYNC|RIGHTS_FD_READ 0 out:4>e => ESUCCESS
fd_fdstat_set_rights $e RIGHTS_PATH_OPEN RIGHTS_FD_DATASYNC|RIGHTS_FD_READ => ESUCCESS
path_open $e 0 s:"f" 0 RIGHTS_FD_READ 0 FDFLAGS_DSYNC|FDFLAGS_RSYNC out:4 => ESUCCESS
path_open $e 0 s:"f" 0 RIGHTS_FD_READ 0 FDFLAGS_SYNC out:4 => ENOTCAPABLE`,
		},
	)
}

// fifty is 50 bytes to write.
const fifty = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
