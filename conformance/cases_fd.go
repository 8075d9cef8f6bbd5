package conformance

import "strings"

// Cases of the fd_* functions that move data and offsets: fd_read,
// fd_write, fd_pread, fd_pwrite, fd_seek, fd_tell, fd_close, fd_advise,
// fd_allocate, fd_sync, fd_datasync. Expected errnos follow the
// specification and, where it leaves a choice, the WebAssembly wasi-testsuite
// (tests/rust/wasm32-wasip1), whose accepted sets are kept as they are.

// openRW opens (creating) "f" for reading and writing as $fd.
const openRW = `path_open 3 0 s:"f" OFLAGS_CREAT RIGHTS_FILE_BASE 0 0 out:4>fd => ESUCCESS`

// openR opens "f", which the case's tree holds, for reading as $fd, with
// every right a read-only file can have.
const openR = `path_open 3 0 s:"f" 0 RIGHTS_FILE_READ 0 0 out:4>fd => ESUCCESS`

// dirContentErrnos are what a content or offset operation on a directory
// may answer (wasi-testsuite dir_fd_op_failures).
const dirContentErrnos = "EISDIR|EBADF|ENOTCAPABLE"

func init() {
	register(
		Case{
			Name:  "fd_write/then-read-back",
			Needs: writes,
			Script: openRW + `
fd_write $fd iov:"hello" out:4                  => ESUCCESS u32:5
fd_seek $fd 0 WHENCE_SET out:8                  => ESUCCESS u64:0
fd_read $fd iovout:8 out:4                      => ESUCCESS str:"hello" u32:5
fd_read $fd iovout:8 out:4                      => ESUCCESS _ u32:0
fd_close $fd                                    => ESUCCESS`,
			Check: wantFile("f", "hello"),
		},
		Case{
			Name:  "fd_write/gathers-iovecs-in-order",
			Needs: writes,
			Script: openRW + `
fd_write $fd iov:"ab","","cde" out:4            => ESUCCESS u32:5
fd_write $fd 0 0 out:4                          => ESUCCESS u32:0`,
			Check: wantFile("f", "abcde"),
		},
		Case{
			Name: "fd_write/stderr",
			Script: `
fd_write 2 iov:"to ","stderr\n" out:4            => ESUCCESS u32:10`,
			Check: wantStderr("to stderr\n"),
		},
		Case{
			Name: "fd_write/bad-fd",
			Script: `
fd_write 99 iov:"x" out:4                       => EBADF
fd_write 0xFFFFFFFF iov:"x" out:4               => EBADF`,
		},
		Case{
			// Nothing may be written when a pointer is bad: the adapter
			// checks every pointer before it calls the implementation.
			Name:  "fd_write/bad-pointers-EFAULT",
			Needs: writes,
			Script: openRW + `
fd_write $fd iov:"x" ` + badPtr + `              => EFAULT
fd_write $fd ` + badPtr + ` 1 out:4              => EFAULT
fd_write $fd ` + iovecs(1, 0xFFFFFFF0, 16) + ` 1 out:4 => EFAULT
fd_write $fd ` + iovecs(1, 0x1000, 0xFFFFFFFF) + ` 1 out:4 => EFAULT
fd_write $fd sp:"12345678" 0x20000000 out:4    => EFAULT`,
			Check: wantFile("f", ""),
		},
		Case{
			Name: "fd_write/read-only-fd",
			Tree: mkTree("f=data"),
			Script: `
path_open 3 0 s:"f" 0 RIGHTS_FD_READ 0 0 out:4>fd => ESUCCESS
fd_write $fd iov:"x" out:4                      => EBADF|ENOTCAPABLE|EACCES`,
			Check: wantFile("f", "data"),
		},
		Case{
			Name: "fd_write/directory",
			Script: `
fd_write 3 iov:"x" out:4                        => ` + dirContentErrnos,
		},
		Case{
			Name:  "fd_write/append-mode-writes-at-end",
			Needs: writes,
			Tree:  mkTree("f=abc"),
			Script: `
path_open 3 0 s:"f" 0 RIGHTS_FILE_BASE 0 FDFLAGS_APPEND out:4>fd => ESUCCESS
fd_seek $fd 0 WHENCE_SET out:8                  => ESUCCESS u64:0
fd_write $fd iov:"de" out:4                     => ESUCCESS u32:2
fd_tell $fd out:8                               => ESUCCESS u64:5`,
			Check: wantFile("f", "abcde"),
		},
		Case{
			Name: "fd_read/file-to-end",
			Tree: mkTree("f=hello world"),
			Script: `
path_open 3 0 s:"f" 0 RIGHTS_FD_READ 0 0 out:4>fd => ESUCCESS
fd_read $fd iovout:5,1,10 out:4                 => ESUCCESS str:"hello world" u32:11
fd_read $fd iovout:4 out:4                      => ESUCCESS hex:00000000 u32:0
fd_read $fd 0 0 out:4                           => ESUCCESS u32:0`,
		},
		Case{
			Name:  "fd_read/stdin",
			Stdin: "line one\nline two\n",
			Script: `
fd_read 0 iovout:9 out:4                        => ESUCCESS str:"line one\n" u32:9
fd_read 0 iovout:32 out:4                       => ESUCCESS str:"line two\n" u32:9
fd_read 0 iovout:32 out:4                       => ESUCCESS _ u32:0`,
		},
		Case{
			// wasi-testsuite path_open_read_write.
			Name:  "fd_read/write-only-fd",
			Needs: writes,
			Tree:  mkTree("f=data"),
			Script: `
path_open 3 0 s:"f" 0 RIGHTS_FD_WRITE 0 0 out:4>fd => ESUCCESS
fd_read $fd iovout:4 out:4                      => EBADF|ENOTCAPABLE|EACCES`,
		},
		Case{
			Name: "fd_read/directory",
			Script: `
fd_read 3 iovout:128 out:4                      => ` + dirContentErrnos,
		},
		Case{
			Name: "fd_read/bad-fd-and-pointers",
			Tree: mkTree("f=data"),
			Script: `
fd_read 99 iovout:4 out:4                       => EBADF
path_open 3 0 s:"f" 0 RIGHTS_FD_READ 0 0 out:4>fd => ESUCCESS
fd_read $fd iovout:4 ` + badPtr + `              => EFAULT
fd_read $fd ` + badPtr + ` 1 out:4               => EFAULT
fd_read $fd ` + iovecs(1, 0xFFFFFFF0, 16) + ` 1 out:4 => EFAULT
fd_read $fd ` + iovecs(2, 0x1000, 0xFFFFFFFF) + ` 2 out:4 => EFAULT
fd_read $fd iovout:4 out:4                      => ESUCCESS str:"data" u32:4`,
		},
		Case{
			// wasi-testsuite file_pread_pwrite: positioned transfers leave
			// the offset alone.
			Name:  "fd_pread/fd_pwrite-at-offsets",
			Needs: writes,
			Script: openRW + `
fd_pwrite $fd iov:"\x00\x01\x02\x03" 0 out:4    => ESUCCESS u32:4
fd_pread $fd iovout:4 0 out:4                   => ESUCCESS hex:00010203 u32:4
fd_pwrite $fd iov:"\x00\x01","\x02\x03" 0 out:4 => ESUCCESS u32:4
fd_pread $fd iovout:2,2 0 out:4                 => ESUCCESS hex:00010203 u32:4
fd_pread $fd iovout:4 2 out:4                   => ESUCCESS hex:02030000 u32:2
fd_pwrite $fd iov:"\x01\x00" 2 out:4            => ESUCCESS u32:2
fd_pread $fd iovout:4 0 out:4                   => ESUCCESS hex:00010100 u32:4
fd_pread $fd iovout:4 1000 out:4                => ESUCCESS _ u32:0
fd_tell $fd out:8                               => ESUCCESS u64:0`,
			Check: wantFile("f", "\x00\x01\x01\x00"),
		},
		Case{
			// LESSONS: fd_pwrite on an O_APPEND file writes 3 of 3 bytes and
			// leaves the offset; the data lands at the offset (POSIX) or at
			// the end (Linux).
			Name:  "fd_pwrite/append-file",
			Needs: writes,
			Tree:  mkTree("f=abc"),
			Script: `
path_open 3 0 s:"f" 0 RIGHTS_FILE_BASE 0 FDFLAGS_APPEND out:4>fd => ESUCCESS
fd_pwrite $fd iov:"XYZ" 0 out:4                 => ESUCCESS u32:3
fd_tell $fd out:8                               => ESUCCESS u64:0`,
			Check: wantFile("f", "XYZ", "abcXYZ"),
		},
		Case{
			Name: "fd_pread/fd_pwrite-on-streams-ESPIPE",
			Script: `
fd_pread 0 iovout:4 0 out:4                     => ESPIPE
fd_pwrite 2 iov:"x" 0 out:4                     => ESPIPE`,
		},
		Case{
			Name: "fd_pread/fd_pwrite-on-directory",
			Script: `
fd_pread 3 iovout:4 0 out:4                     => ` + dirContentErrnos + `
fd_pwrite 3 iov:"x" 0 out:4                     => ` + dirContentErrnos,
		},
		Case{
			// Positioned transfers need FD_SEEK besides FD_READ/FD_WRITE.
			Name:  "fd_pread/fd_pwrite-rights",
			Needs: writes,
			Tree:  mkTree("f=data"),
			Script: `
path_open 3 0 s:"f" 0 RIGHTS_FD_READ 0 0 out:4>r => ESUCCESS
fd_fdstat_set_rights $r RIGHTS_FD_READ 0        => ESUCCESS
fd_pread $r iovout:4 0 out:4                    => ENOTCAPABLE
fd_pwrite $r iov:"x" 0 out:4                    => EBADF|ENOTCAPABLE
path_open 3 0 s:"f" 0 RIGHTS_FD_WRITE|RIGHTS_FD_SEEK 0 0 out:4>w => ESUCCESS
fd_pread $w iovout:4 0 out:4                    => EBADF|ENOTCAPABLE
fd_pwrite $w iov:"D" 0 out:4                    => ESUCCESS u32:1`,
			Check: wantFile("f", "Data"),
		},
		Case{
			Name:  "fd_pread/fd_pwrite-bad-fd-and-pointers",
			Needs: writes,
			Script: `
fd_pread 99 iovout:4 0 out:4                    => EBADF
fd_pwrite 99 iov:"x" 0 out:4                    => EBADF
` + openRW + `
fd_pread $fd iovout:4 0 ` + badPtr + `           => EFAULT
fd_pwrite $fd iov:"x" 0 ` + badPtr + `           => EFAULT
fd_pwrite $fd ` + iovecs(1, 0xFFFFFFF0, 16) + ` 1 0 out:4 => EFAULT
fd_pread $fd ` + badPtr + ` 1 0 out:4            => EFAULT`,
			Check: wantFile("f", ""),
		},
		Case{
			// wasi-testsuite file_seek_tell.
			Name: "fd_seek/fd_tell-file",
			Tree: mkTree("f=" + strings.Repeat("\x00", 100)),
			Script: openR + `
fd_tell $fd out:8                               => ESUCCESS u64:0
fd_read $fd iovout:100 out:4                    => ESUCCESS _ u32:100
fd_tell $fd out:8                               => ESUCCESS u64:100
fd_seek $fd -50 WHENCE_CUR out:8                => ESUCCESS u64:50
fd_seek $fd 0 WHENCE_SET out:8                  => ESUCCESS u64:0
fd_seek $fd 1000 WHENCE_CUR out:8               => ESUCCESS u64:1000
fd_seek $fd -2000 WHENCE_CUR out:8              => EINVAL
fd_tell $fd out:8                               => ESUCCESS u64:1000
fd_seek $fd -10 WHENCE_END out:8                => ESUCCESS u64:90
fd_seek $fd 0 WHENCE_SET out:8                  => ESUCCESS u64:0
fd_read $fd iovout:100 out:4                    => ESUCCESS _ u32:100
fd_tell $fd out:8                               => ESUCCESS u64:100`,
		},
		Case{
			Name: "fd_seek/bad-whence-EINVAL",
			Tree: mkTree("f="),
			Script: openR + `
fd_seek $fd 0 3 out:8                           => EINVAL
fd_seek $fd 0 0xFFFFFFFF out:8                  => EINVAL`,
		},
		Case{
			// wasi-testsuite dir_fd_op_failures and directory_seek.
			Name: "fd_seek/fd_tell-directory",
			Tree: mkTree("d/"),
			Script: `
fd_seek 3 0 WHENCE_CUR out:8                    => ` + dirContentErrnos + `
fd_seek 3 0 WHENCE_SET out:8                    => ` + dirContentErrnos + `
fd_seek 3 0 WHENCE_END out:8                    => ` + dirContentErrnos + `
fd_tell 3 out:8                                 => ` + dirContentErrnos + `
path_open 3 0 s:"d" OFLAGS_DIRECTORY RIGHTS_FD_SEEK 0 0 out:4>d => ESUCCESS
fd_seek $d 0 WHENCE_CUR out:8                   => ` + dirContentErrnos + `
fd_fdstat_get $d out:24                         => ESUCCESS u8@0:FILETYPE_DIRECTORY,u64@8&RIGHTS_FD_SEEK:0`,
		},
		Case{
			Name: "fd_seek/fd_tell-streams-ESPIPE",
			Script: `
fd_seek 0 0 WHENCE_CUR out:8                    => ESPIPE
fd_seek 2 5 WHENCE_SET out:8                    => ESPIPE
fd_tell 2 out:8                                 => ESPIPE`,
		},
		Case{
			Name: "fd_seek/fd_tell-bad-fd-and-pointers",
			Tree: mkTree("f="),
			Script: `
fd_seek 99 0 WHENCE_SET out:8                   => EBADF
fd_tell 99 out:8                                => EBADF
` + openR + `
fd_seek $fd 0 WHENCE_SET ` + badPtr + `          => EFAULT
fd_tell $fd ` + badPtr + `                       => EFAULT`,
		},
		Case{
			// FD_TELL alone allows fd_tell and a seek of 0 from the current
			// offset, nothing else; without FD_TELL and FD_SEEK fd_tell is
			// refused. (Rights narrowed with fd_fdstat_set_rights, as
			// everywhere: see cases_rights.go.)
			Name: "fd_seek/fd_tell-rights",
			Tree: mkTree("f=data"),
			Script: `
path_open 3 0 s:"f" 0 RIGHTS_FD_READ|RIGHTS_FD_TELL 0 0 out:4>t => ESUCCESS
fd_fdstat_set_rights $t RIGHTS_FD_READ|RIGHTS_FD_TELL 0 => ESUCCESS
fd_tell $t out:8                                => ESUCCESS u64:0
fd_seek $t 0 WHENCE_CUR out:8                   => ESUCCESS u64:0
fd_seek $t 2 WHENCE_SET out:8                   => ENOTCAPABLE
path_open 3 0 s:"f" 0 RIGHTS_FD_READ 0 0 out:4>n => ESUCCESS
fd_fdstat_set_rights $n RIGHTS_FD_READ 0        => ESUCCESS
fd_tell $n out:8                                => ENOTCAPABLE
fd_seek $n 0 WHENCE_CUR out:8                   => ENOTCAPABLE`,
		},
		Case{
			Name: "fd_close/file-then-EBADF",
			Tree: mkTree("f="),
			Script: openR + `
fd_close $fd                                    => ESUCCESS
fd_close $fd                                    => EBADF
fd_write $fd iov:"x" out:4                      => EBADF
fd_close 99                                     => EBADF
fd_close 0xFFFFFFFF                             => EBADF`,
		},
		Case{
			// wasi-testsuite close_preopen: a pre-open may be closed.
			Name: "fd_close/preopen",
			More: []MoreDir{{GuestPath: "/more"}},
			Script: `
fd_close 4                                      => ESUCCESS
fd_fdstat_get 4 out:24                          => EBADF
fd_prestat_get 4 out:8                          => EBADF
fd_fdstat_get 3 out:24                          => ESUCCESS u8@0:FILETYPE_DIRECTORY`,
		},
		Case{
			Name: "fd_close/stdin",
			Script: `
fd_close 0                                      => ESUCCESS
fd_read 0 iovout:4 out:4                        => EBADF
fd_fdstat_get 0 out:24                          => EBADF`,
		},
		Case{
			// wasi-testsuite fd_advise.
			Name: "fd_advise/every-advice",
			Tree: mkTree("f=" + strings.Repeat("x", 100)),
			Script: `
path_open 3 0 s:"f" 0 RIGHTS_FD_READ|RIGHTS_FD_ADVISE|RIGHTS_FD_FILESTAT_GET 0 0 out:4>fd => ESUCCESS
fd_advise $fd 10 50 ADVICE_NORMAL               => ESUCCESS
fd_advise $fd 0 0 ADVICE_SEQUENTIAL             => ESUCCESS
fd_advise $fd 0 100 ADVICE_RANDOM               => ESUCCESS
fd_advise $fd 0 100 ADVICE_WILLNEED             => ESUCCESS
fd_advise $fd 0 100 ADVICE_DONTNEED             => ESUCCESS
fd_advise $fd 0 100 ADVICE_NOREUSE              => ESUCCESS
fd_filestat_get $fd out:64                      => ESUCCESS u64@32:100`,
		},
		Case{
			Name: "fd_advise/errors",
			Tree: mkTree("f="),
			Script: openR + `
fd_advise $fd 0 0 6                             => EINVAL
fd_advise $fd 0 0 0xFFFFFFFF                    => EINVAL
fd_advise 99 0 0 ADVICE_NORMAL                  => EBADF
path_open 3 0 s:"f" 0 RIGHTS_FD_READ 0 0 out:4>n => ESUCCESS
fd_fdstat_set_rights $n RIGHTS_FD_READ 0        => ESUCCESS
fd_advise $n 0 0 ADVICE_NORMAL                  => ENOTCAPABLE
fd_advise 2 0 0 ADVICE_NORMAL                   => ESPIPE`,
		},
		Case{
			// wasi-testsuite file_allocate and fd_advise.
			Name:  "fd_allocate/grows-never-shrinks",
			Needs: writes,
			Script: `
path_open 3 0 s:"f" OFLAGS_CREAT RIGHTS_FD_READ|RIGHTS_FD_WRITE|RIGHTS_FD_ALLOCATE|RIGHTS_FD_FILESTAT_GET 0 0 out:4>fd => ESUCCESS
fd_filestat_get $fd out:64                      => ESUCCESS u64@32:0
fd_allocate $fd 0 100                           => ESUCCESS
fd_filestat_get $fd out:64                      => ESUCCESS u64@32:100
fd_allocate $fd 10 10                           => ESUCCESS
fd_filestat_get $fd out:64                      => ESUCCESS u64@32:100
fd_allocate $fd 90 20                           => ESUCCESS
fd_filestat_get $fd out:64                      => ESUCCESS u64@32:110`,
		},
		Case{
			Name:  "fd_allocate/errors",
			Needs: writes,
			Tree:  mkTree("f=data"),
			Script: `
fd_allocate 99 0 1                              => EBADF
fd_allocate 3 0 1                               => ` + dirContentErrnos + `
path_open 3 0 s:"f" 0 RIGHTS_FD_READ|RIGHTS_FD_WRITE 0 0 out:4>n => ESUCCESS
fd_fdstat_set_rights $n RIGHTS_FD_READ|RIGHTS_FD_WRITE 0 => ESUCCESS
fd_allocate $n 0 100                            => ENOTCAPABLE
path_open 3 0 s:"f" 0 RIGHTS_FD_READ|RIGHTS_FD_ALLOCATE 0 0 out:4>r => ESUCCESS
fd_allocate $r 0 100                            => EBADF|ENOTCAPABLE`,
			Check: wantFile("f", "data"),
		},
		Case{
			Name:  "fd_sync/fd_datasync-file",
			Needs: writes,
			Script: openRW + `
fd_write $fd iov:"durable" out:4                => ESUCCESS u32:7
fd_sync $fd                                     => ESUCCESS
fd_datasync $fd                                 => ESUCCESS`,
			Check: wantFile("f", "durable"),
		},
		Case{
			// A directory has FD_SYNC but not FD_DATASYNC in its base rights.
			Name: "fd_sync/fd_datasync-directory",
			Script: `
fd_sync 3                                       => ESUCCESS
fd_datasync 3                                   => ENOTCAPABLE`,
		},
		Case{
			Name: "fd_sync/fd_datasync-errors",
			Tree: mkTree("f=data"),
			Script: `
fd_sync 99                                      => EBADF
fd_datasync 99                                  => EBADF
path_open 3 0 s:"f" 0 RIGHTS_FD_READ 0 0 out:4>n => ESUCCESS
fd_fdstat_set_rights $n RIGHTS_FD_READ 0        => ESUCCESS
fd_sync $n                                      => ENOTCAPABLE
fd_datasync $n                                  => ENOTCAPABLE
fd_sync 2                                       => EINVAL
fd_datasync 2                                   => EINVAL`,
		},
	)
}
