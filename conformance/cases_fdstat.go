package conformance

import "fmt"

// Cases of the descriptor's metadata: fd_fdstat_get, fd_fdstat_set_flags,
// fd_filestat_get, fd_filestat_set_size, fd_filestat_set_times,
// fd_prestat_get, fd_prestat_dir_name and fd_renumber. fd_fdstat_set_rights
// is in cases_rights.go.

// Timestamps with nanoseconds that no clock rounding produces by accident.
const (
	stampA = 1700000000123456789
	stampB = 1600000000987654321
)

func init() {
	register(
		Case{
			// wasi-testsuite truncation_rights, directory_seek: a directory
			// never has FD_SEEK nor FD_FILESTAT_SET_SIZE.
			Name: "fd_fdstat_get/preopen",
			Script: `
fd_fdstat_get 3 out:24 => ESUCCESS u8@0:FILETYPE_DIRECTORY,u16@2:0,u64@8&RIGHTS_FD_SEEK|RIGHTS_FD_FILESTAT_SET_SIZE|RIGHTS_FD_READ|RIGHTS_FD_WRITE:0,u64@16&RIGHTS_FD_READ|RIGHTS_FD_WRITE:RIGHTS_FD_READ|RIGHTS_FD_WRITE`,
		},
		Case{
			Name:  "fd_fdstat_get/file",
			Needs: writes,
			Tree:  mkTree("f=data"),
			Script: `
path_open 3 0 s:"f" 0 RIGHTS_FD_READ|RIGHTS_FD_WRITE|RIGHTS_FD_SEEK 0 0 out:4>fd => ESUCCESS
fd_fdstat_get $fd out:24 => ESUCCESS u8@0:FILETYPE_REGULAR_FILE,u16@2:0,u64@8&RIGHTS_FD_READ|RIGHTS_FD_WRITE|RIGHTS_FD_SEEK:RIGHTS_FD_READ|RIGHTS_FD_WRITE|RIGHTS_FD_SEEK
fd_fdstat_set_rights $fd RIGHTS_FD_READ|RIGHTS_FD_WRITE|RIGHTS_FD_SEEK 0 => ESUCCESS
fd_fdstat_get $fd out:24 => ESUCCESS u8@0:FILETYPE_REGULAR_FILE,u16@2:0,u64@8:RIGHTS_FD_READ|RIGHTS_FD_WRITE|RIGHTS_FD_SEEK,u64@16:0`,
		},
		Case{
			Name: "fd_fdstat_get/stdio",
			Script: `
fd_fdstat_get 0 out:24 => ESUCCESS u64@8&RIGHTS_FD_READ:RIGHTS_FD_READ
fd_fdstat_get 1 out:24 => ESUCCESS u64@8&RIGHTS_FD_WRITE:RIGHTS_FD_WRITE
fd_fdstat_get 2 out:24 => ESUCCESS u64@8&RIGHTS_FD_WRITE:RIGHTS_FD_WRITE`,
		},
		Case{
			Name: "fd_fdstat_get/errors",
			Script: `
fd_fdstat_get 99 out:24                         => EBADF
fd_fdstat_get 0xFFFFFFFF out:24                 => EBADF
fd_fdstat_get 3 ` + badPtr + `                   => EFAULT
fd_fdstat_get 3 ` + badLen + `                   => EFAULT`,
		},
		Case{
			// LESSONS and wasi-testsuite path_filestat: the fd flags given to
			// path_open come back from fd_fdstat_get.
			Name: "fd_fdstat_get/open-flags-reported",
			Tree: mkTree("a=", "n=", "s=", "d=", "r=", "x="),
			Script: `
path_open 3 0 s:"a" 0 RIGHTS_FILE_READ 0 FDFLAGS_APPEND out:4>a => ESUCCESS
fd_fdstat_get $a out:24 => ESUCCESS u16@2:FDFLAGS_APPEND
path_open 3 0 s:"n" 0 RIGHTS_FILE_READ 0 FDFLAGS_NONBLOCK out:4>n => ESUCCESS
fd_fdstat_get $n out:24 => ESUCCESS u16@2:FDFLAGS_NONBLOCK
path_open 3 0 s:"s" 0 RIGHTS_FILE_READ 0 FDFLAGS_SYNC out:4>s => ESUCCESS
fd_fdstat_get $s out:24 => ESUCCESS u16@2&FDFLAGS_SYNC:FDFLAGS_SYNC
path_open 3 0 s:"d" 0 RIGHTS_FILE_READ 0 FDFLAGS_DSYNC out:4>d => ESUCCESS
fd_fdstat_get $d out:24 => ESUCCESS u16@2&FDFLAGS_DSYNC:FDFLAGS_DSYNC
path_open 3 0 s:"r" 0 RIGHTS_FILE_READ 0 FDFLAGS_RSYNC out:4>r => ESUCCESS
fd_fdstat_get $r out:24 => ESUCCESS u16@2&FDFLAGS_RSYNC:FDFLAGS_RSYNC
path_open 3 0 s:"x" 0 RIGHTS_FILE_READ 0 FDFLAGS_APPEND|FDFLAGS_NONBLOCK|FDFLAGS_SYNC out:4>x => ESUCCESS
fd_fdstat_get $x out:24 => ESUCCESS u16@2&FDFLAGS_APPEND|FDFLAGS_NONBLOCK|FDFLAGS_SYNC:FDFLAGS_APPEND|FDFLAGS_NONBLOCK|FDFLAGS_SYNC`,
		},
		Case{
			// wasi-testsuite fd_flags_set: APPEND set at open makes writes go
			// to the end; cleared, writes go to the offset again.
			Name:  "fd_fdstat_set_flags/append-on-and-off",
			Needs: writes,
			Script: `
path_open 3 0 s:"f" OFLAGS_CREAT RIGHTS_FILE_BASE 0 FDFLAGS_APPEND out:4>fd => ESUCCESS
fd_write $fd iov:"aaaa" out:4                   => ESUCCESS u32:4
fd_seek $fd 0 WHENCE_SET out:8                  => ESUCCESS u64:0
fd_write $fd iov:"bbbb" out:4                   => ESUCCESS u32:4
fd_pread $fd iovout:8 0 out:4                   => ESUCCESS str:"aaaabbbb" u32:8
fd_fdstat_set_flags $fd 0                       => ESUCCESS
fd_fdstat_get $fd out:24                        => ESUCCESS u16@2:0
fd_seek $fd 0 WHENCE_SET out:8                  => ESUCCESS u64:0
fd_write $fd iov:"cc" out:4                     => ESUCCESS u32:2
fd_fdstat_set_flags $fd FDFLAGS_APPEND          => ESUCCESS
fd_fdstat_get $fd out:24                        => ESUCCESS u16@2:FDFLAGS_APPEND
fd_write $fd iov:"dd" out:4                     => ESUCCESS u32:2
fd_fdstat_set_flags $fd FDFLAGS_APPEND|FDFLAGS_NONBLOCK => ESUCCESS
fd_fdstat_get $fd out:24                        => ESUCCESS u16@2:FDFLAGS_APPEND|FDFLAGS_NONBLOCK`,
			Check: wantFile("f", "ccaabbbbdd"),
		},
		Case{
			Name: "fd_fdstat_set_flags/errors",
			Tree: mkTree("f="),
			Script: openR + `
fd_fdstat_set_flags $fd 0x20                    => EINVAL
fd_fdstat_set_flags $fd 0xFFFF                  => EINVAL
fd_fdstat_set_flags 99 0                        => EBADF
path_open 3 0 s:"f" 0 RIGHTS_FD_READ 0 0 out:4>n => ESUCCESS
fd_fdstat_set_rights $n RIGHTS_FD_READ 0        => ESUCCESS
fd_fdstat_set_flags $n FDFLAGS_NONBLOCK         => ENOTCAPABLE
fd_fdstat_get $n out:24                         => ESUCCESS u16@2:0`,
		},
		Case{
			Name: "fd_fdstat_set_flags/stdio-nonblock",
			Script: `
fd_fdstat_set_flags 0 FDFLAGS_NONBLOCK          => ESUCCESS
fd_fdstat_get 0 out:24                          => ESUCCESS u16@2&FDFLAGS_NONBLOCK:FDFLAGS_NONBLOCK
fd_fdstat_set_flags 2 FDFLAGS_NONBLOCK          => ESUCCESS`,
		},
		Case{
			Name: "fd_filestat_get/file-and-directory",
			Tree: mkTree("f=hello", "d/"),
			Script: `
path_open 3 0 s:"f" 0 RIGHTS_FD_READ|RIGHTS_FD_FILESTAT_GET 0 0 out:4>fd => ESUCCESS
fd_filestat_get $fd out:64                      => ESUCCESS u8@16:FILETYPE_REGULAR_FILE,u64@24:1,u64@32:5,u64@8!0,u64@48!0
path_filestat_get 3 0 s:"f" out:64              => ESUCCESS u64@32:5
fd_filestat_get 3 out:64                        => ESUCCESS u8@16:FILETYPE_DIRECTORY
path_open 3 0 s:"d" OFLAGS_DIRECTORY RIGHTS_FD_FILESTAT_GET 0 0 out:4>d => ESUCCESS
fd_filestat_get $d out:64                       => ESUCCESS u8@16:FILETYPE_DIRECTORY`,
			// The inode of the file is the same by descriptor and by path.
			Check: sameU64(1, 0, 8, 2, 0, 8),
		},
		Case{
			// The standard streams, when not regular files, report their
			// type and 0 for everything else (device, inode, links, size,
			// times), as wasmtime and wazero do: the host pipe's times
			// are no business of the guest's (wasmtime's preview1 test
			// fd_filestat_get expects 0 size and times).
			Name: "fd_filestat_get/stdio-zero",
			Script: `
fd_filestat_get 0 out:64                        => ESUCCESS u64@0:0,u64@8:0,u64@24:0,u64@32:0,u64@40:0,u64@48:0,u64@56:0
fd_filestat_get 1 out:64                        => ESUCCESS u64@0:0,u64@8:0,u64@24:0,u64@32:0,u64@40:0,u64@48:0,u64@56:0
fd_filestat_get 2 out:64                        => ESUCCESS u64@0:0,u64@8:0,u64@24:0,u64@32:0,u64@40:0,u64@48:0,u64@56:0
fd_renumber 1 7                                 => EBADF
fd_fdstat_get 1 out:24                          => ESUCCESS`,
		},
		Case{
			Name: "fd_filestat_get/errors",
			Tree: mkTree("f=hello"),
			Script: `
fd_filestat_get 99 out:64                       => EBADF
fd_filestat_get 3 ` + badPtr + `                 => EFAULT
path_open 3 0 s:"f" 0 RIGHTS_FD_READ 0 0 out:4>n => ESUCCESS
fd_fdstat_set_rights $n RIGHTS_FD_READ 0        => ESUCCESS
fd_filestat_get $n out:64                       => ENOTCAPABLE`,
		},
		Case{
			// wasi-testsuite fd_filestat_set: set_size grows and shrinks;
			// set_times MTIM changes mtim only, to the nanosecond.
			Name:  "fd_filestat_set_size/grow-and-shrink",
			Needs: writes,
			Tree:  mkTree("f=hello"),
			Script: `
path_open 3 0 s:"f" 0 RIGHTS_FILE_BASE 0 0 out:4>fd => ESUCCESS
fd_filestat_set_size $fd 100                    => ESUCCESS
fd_filestat_get $fd out:64                      => ESUCCESS u64@32:100
fd_pread $fd iovout:8 0 out:4                   => ESUCCESS hex:68656c6c6f000000 u32:8
fd_filestat_set_size $fd 2                      => ESUCCESS
fd_filestat_get $fd out:64                      => ESUCCESS u64@32:2
fd_filestat_set_size $fd 0                      => ESUCCESS`,
			Check: wantFile("f", ""),
		},
		Case{
			Name:  "fd_filestat_set_size/errors",
			Needs: writes,
			Tree:  mkTree("f=hello"),
			Script: `
fd_filestat_set_size 99 0                       => EBADF
fd_filestat_set_size 3 0                        => EISDIR|EINVAL|EBADF|ENOTCAPABLE
path_open 3 0 s:"f" 0 RIGHTS_FD_READ|RIGHTS_FD_FILESTAT_SET_SIZE 0 0 out:4>r => ESUCCESS
fd_filestat_set_size $r 0                       => EBADF|ENOTCAPABLE|EINVAL
path_open 3 0 s:"f" 0 RIGHTS_FD_READ|RIGHTS_FD_WRITE 0 0 out:4>w => ESUCCESS
fd_fdstat_set_rights $w RIGHTS_FD_READ|RIGHTS_FD_WRITE 0 => ESUCCESS
fd_filestat_set_size $w 0                       => ENOTCAPABLE`,
			Check: wantFile("f", "hello"),
		},
		Case{
			// A size or offset above 2^63-1 cannot be a file's: EINVAL (as
			// a negative off_t) or EFBIG; nothing changes.
			Name:  "fd_filestat_set_size/too-large",
			Needs: writes,
			Tree:  mkTree("f=hello"),
			Script: `
path_open 3 0 s:"f" 0 RIGHTS_FILE_BASE 0 0 out:4>fd => ESUCCESS
fd_filestat_set_size $fd 0x8000000000000000     => EINVAL|EFBIG
fd_filestat_set_size $fd 0xFFFFFFFFFFFFFFFF     => EINVAL|EFBIG
fd_pwrite $fd iov:"x" 0x8000000000000000 out:4  => EINVAL|EFBIG
fd_filestat_get $fd out:64                      => ESUCCESS u64@32:5`,
			Check: wantFile("f", "hello"),
		},
		Case{
			Name:  "fd_filestat_set_times/nanoseconds",
			Needs: writes,
			Tree:  mkTree("f=hello"),
			Script: fmt.Sprintf(`
path_open 3 0 s:"f" 0 RIGHTS_FILE_BASE 0 0 out:4>fd => ESUCCESS
fd_filestat_get $fd out:64                      => ESUCCESS
fd_filestat_set_times $fd 0 %[1]d FSTFLAGS_MTIM  => ESUCCESS
fd_filestat_get $fd out:64                      => ESUCCESS u64@48:%[1]d
fd_filestat_set_times $fd %[2]d 0 FSTFLAGS_ATIM  => ESUCCESS
fd_filestat_get $fd out:64                      => ESUCCESS u64@40:%[2]d,u64@48:%[1]d
fd_filestat_set_times $fd 0 0 FSTFLAGS_ATIM_NOW|FSTFLAGS_MTIM_NOW => ESUCCESS
fd_filestat_get $fd out:64                      => ESUCCESS u64@40>%[1]d,u64@48>%[1]d
fd_filestat_set_times $fd 1 2 0                 => ESUCCESS
fd_filestat_get $fd out:64                      => ESUCCESS u64@40>%[1]d,u64@48>%[1]d`, stampA, stampB),
			// MTIM alone leaves atim as it was.
			Check: sameU64(1, 0, 40, 3, 0, 40),
		},
		Case{
			// wasi-testsuite fstflags_validate.
			Name: "fd_filestat_set_times/errors",
			Tree: mkTree("f=hello"),
			Script: `
path_open 3 0 s:"f" 0 RIGHTS_FD_READ|RIGHTS_FD_FILESTAT_SET_TIMES 0 0 out:4>fd => ESUCCESS
fd_filestat_set_times $fd 100 200 FSTFLAGS_MTIM|FSTFLAGS_MTIM_NOW => EINVAL
fd_filestat_set_times $fd 100 200 FSTFLAGS_ATIM|FSTFLAGS_ATIM_NOW => EINVAL
fd_filestat_set_times $fd 100 200 0x10          => EINVAL
fd_filestat_set_times 99 100 200 FSTFLAGS_MTIM  => EBADF
path_open 3 0 s:"f" 0 RIGHTS_FD_READ 0 0 out:4>n => ESUCCESS
fd_fdstat_set_rights $n RIGHTS_FD_READ 0        => ESUCCESS
fd_filestat_set_times $n 100 200 FSTFLAGS_MTIM  => ENOTCAPABLE
path_filestat_get 3 0 s:"f" out:64              => ESUCCESS u64@48!200`,
		},
		Case{
			Name: "fd_prestat_get/preopens",
			More: []MoreDir{{GuestPath: "/data"}, {GuestPath: "rel", ReadOnly: true}},
			Script: `
fd_prestat_get 3 out:8                          => ESUCCESS u8@0:PREOPENTYPE_DIR,u32@4:1
fd_prestat_dir_name 3 buf:1                     => ESUCCESS str:"/"
fd_prestat_get 4 out:8                          => ESUCCESS u8@0:PREOPENTYPE_DIR,u32@4:5
fd_prestat_dir_name 4 buf:5                     => ESUCCESS str:"/data"
fd_prestat_get 5 out:8                          => ESUCCESS u32@4:3
fd_prestat_dir_name 5 buf:8                     => ESUCCESS hex:72656c0000000000
fd_prestat_get 6 out:8                          => EBADF`,
		},
		Case{
			// LESSONS: fd_prestat_get and fd_prestat_dir_name on anything but
			// a pre-open is EBADF, where wasi-libc's scan stops.
			Name: "fd_prestat_get/not-a-preopen-EBADF",
			Tree: mkTree("f=x", "d/"),
			Script: `
fd_prestat_get 0 out:8                          => EBADF
fd_prestat_get 1 out:8                          => EBADF
fd_prestat_get 2 out:8                          => EBADF
path_open 3 0 s:"f" 0 RIGHTS_FD_READ 0 0 out:4>f => ESUCCESS
fd_prestat_get $f out:8                         => EBADF
fd_prestat_dir_name $f buf:16                   => EBADF
path_open 3 0 s:"d" OFLAGS_DIRECTORY 0 0 0 out:4>d => ESUCCESS
fd_prestat_get $d out:8                         => EBADF
fd_prestat_dir_name $d buf:16                   => EBADF
fd_prestat_get 99 out:8                         => EBADF
fd_prestat_dir_name 99 buf:16                   => EBADF
fd_prestat_dir_name 0 buf:16                    => EBADF`,
		},
		Case{
			// wasi-testsuite dir_fd_op_failures: a buffer too short for the
			// name fails (ENAMETOOLONG or EINVAL); a longer one works.
			Name: "fd_prestat_dir_name/buffer-sizes",
			More: []MoreDir{{GuestPath: "/data"}},
			Script: `
fd_prestat_dir_name 4 0 0                       => ENAMETOOLONG|EINVAL
fd_prestat_dir_name 4 buf:4                     => ENAMETOOLONG|EINVAL
fd_prestat_dir_name 4 buf:6                     => ESUCCESS str:"/data"
fd_prestat_get 3 ` + badPtr + `                  => EFAULT
fd_prestat_dir_name 3 ` + badPtr + ` 16          => EFAULT
fd_prestat_dir_name 3 sp:"x" ` + badLen + `      => EFAULT`,
		},
		Case{
			// wasi-testsuite renumber.
			Name: "fd_renumber/file-onto-file",
			Tree: mkTree("file1=one", "file2=two"),
			Script: `
path_open 3 0 s:"file1" 0 RIGHTS_FD_READ 0 0 out:4>from => ESUCCESS
fd_fdstat_get $from out:24                      => ESUCCESS
path_open 3 0 s:"file2" 0 RIGHTS_FD_READ 0 0 out:4>to => ESUCCESS
fd_renumber $from $to                           => ESUCCESS
fd_close $from                                  => EBADF
fd_fdstat_get $to out:24                        => ESUCCESS
fd_renumber $to $from                           => EBADF
fd_read $to iovout:3 out:4                      => ESUCCESS str:"one" u32:3
fd_renumber $to $to                             => ESUCCESS
fd_fdstat_get $to out:24                        => ESUCCESS
fd_close $to                                    => ESUCCESS`,
			Check: checkAll(
				// The moved descriptor has the fdstat it had.
				func(o Outcome, root string) error {
					before, err := resultArea(o, 1, 0)
					if err != nil {
						return err
					}
					after, err := resultArea(o, 5, 0)
					if err != nil {
						return err
					}
					if string(before) != string(after) {
						return fmt.Errorf("fd_fdstat_get after fd_renumber differs from before")
					}
					return nil
				},
				wantFile("file1", "one"), wantFile("file2", "two")),
		},
		Case{
			Name: "fd_renumber/unknown-source-or-target-EBADF",
			Tree: mkTree("f="),
			Script: openR + `
fd_renumber 99 $fd                              => EBADF
fd_renumber $fd 99                              => EBADF
fd_renumber 99 99                               => EBADF
fd_fdstat_get $fd out:24                        => ESUCCESS u8@0:FILETYPE_REGULAR_FILE`,
		},
		Case{
			// wasi-testsuite overwrite_preopen: renumbering onto a pre-open
			// replaces it; the number is no longer a pre-open.
			Name: "fd_renumber/onto-preopen",
			Tree: mkTree("sub/", "sub/inner=in sub"),
			Script: `
path_open 3 0 s:"sub" OFLAGS_DIRECTORY RIGHTS_DIR_BASE RIGHTS_DIR_INHERITING 0 out:4>d => ESUCCESS
fd_filestat_get $d out:64                       => ESUCCESS
fd_renumber $d 3                                => ESUCCESS
fd_filestat_get 3 out:64                        => ESUCCESS u8@16:FILETYPE_DIRECTORY
fd_fdstat_get $d out:24                         => EBADF
fd_prestat_get 3 out:8                          => EBADF
path_open 3 0 s:"inner" 0 RIGHTS_FD_READ 0 0 out:4>f => ESUCCESS
fd_read $f iovout:6 out:4                       => ESUCCESS str:"in sub" u32:6`,
			Check: sameU64(1, 0, 8, 3, 0, 8),
		},
		Case{
			// wasi-testsuite stdio: stdio may be renumbered from and onto.
			Name: "fd_renumber/stdio",
			Tree: mkTree("f=", "in=from the file"),
			Script: openR + `
fd_renumber 0 $fd                               => ESUCCESS
fd_fdstat_get $fd out:24                        => ESUCCESS
fd_fdstat_get 0 out:24                          => EBADF
path_open 3 0 s:"in" 0 RIGHTS_FD_READ 0 0 out:4>e => ESUCCESS
fd_renumber $e 2                                => ESUCCESS
fd_read 2 iovout:13 out:4                       => ESUCCESS str:"from the file" u32:13
fd_fdstat_get $e out:24                         => EBADF`,
		},
	)
}
