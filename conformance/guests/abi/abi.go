//go:build wasip1

// Package abi declares every preview1 import with its exact wasm
// signature: pointers and sizes are uint32, 64-bit values uint64, so that a
// guest can pass any bit pattern, bad pointers included. It is not a guest
// itself; the guests that call the ABI directly (wasicall, hostile) import
// it.
package abi

//go:wasmimport wasi_snapshot_preview1 args_get
func ArgsGet(a, b uint32) uint32

//go:wasmimport wasi_snapshot_preview1 args_sizes_get
func ArgsSizesGet(a, b uint32) uint32

//go:wasmimport wasi_snapshot_preview1 environ_get
func EnvironGet(a, b uint32) uint32

//go:wasmimport wasi_snapshot_preview1 environ_sizes_get
func EnvironSizesGet(a, b uint32) uint32

//go:wasmimport wasi_snapshot_preview1 clock_res_get
func ClockResGet(id, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 clock_time_get
func ClockTimeGet(id uint32, precision uint64, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_advise
func FdAdvise(fd uint32, off, n uint64, advice uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_allocate
func FdAllocate(fd uint32, off, n uint64) uint32

//go:wasmimport wasi_snapshot_preview1 fd_close
func FdClose(fd uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_datasync
func FdDatasync(fd uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_fdstat_get
func FdFdstatGet(fd, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_fdstat_set_flags
func FdFdstatSetFlags(fd, flags uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_fdstat_set_rights
func FdFdstatSetRights(fd uint32, base, inh uint64) uint32

//go:wasmimport wasi_snapshot_preview1 fd_filestat_get
func FdFilestatGet(fd, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_filestat_set_size
func FdFilestatSetSize(fd uint32, size uint64) uint32

//go:wasmimport wasi_snapshot_preview1 fd_filestat_set_times
func FdFilestatSetTimes(fd uint32, atim, mtim uint64, fst uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_pread
func FdPread(fd, iovs, n uint32, off uint64, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_prestat_get
func FdPrestatGet(fd, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_prestat_dir_name
func FdPrestatDirName(fd, buf, n uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_pwrite
func FdPwrite(fd, iovs, n uint32, off uint64, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_read
func FdRead(fd, iovs, n, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_readdir
func FdReaddir(fd, buf, n uint32, cookie uint64, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_renumber
func FdRenumber(from, to uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_seek
func FdSeek(fd uint32, off uint64, whence, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_sync
func FdSync(fd uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_tell
func FdTell(fd, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_write
func FdWrite(fd, iovs, n, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 path_create_directory
func PathCreateDirectory(fd, path, n uint32) uint32

//go:wasmimport wasi_snapshot_preview1 path_filestat_get
func PathFilestatGet(fd, flags, path, n, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 path_filestat_set_times
func PathFilestatSetTimes(fd, flags, path, n uint32, atim, mtim uint64, fst uint32) uint32

//go:wasmimport wasi_snapshot_preview1 path_link
func PathLink(oldFd, oldFlags, oldPath, oldN, newFd, newPath, newN uint32) uint32

//go:wasmimport wasi_snapshot_preview1 path_open
func PathOpen(fd, dirflags, path, n, oflags uint32, base, inh uint64, fdflags, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 path_readlink
func PathReadlink(fd, path, n, buf, bufN, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 path_remove_directory
func PathRemoveDirectory(fd, path, n uint32) uint32

//go:wasmimport wasi_snapshot_preview1 path_rename
func PathRename(fd, oldPath, oldN, newFd, newPath, newN uint32) uint32

//go:wasmimport wasi_snapshot_preview1 path_symlink
func PathSymlink(oldPath, oldN, fd, newPath, newN uint32) uint32

//go:wasmimport wasi_snapshot_preview1 path_unlink_file
func PathUnlinkFile(fd, path, n uint32) uint32

//go:wasmimport wasi_snapshot_preview1 poll_oneoff
func PollOneoff(in, out, n, nout uint32) uint32

//go:wasmimport wasi_snapshot_preview1 proc_exit
func ProcExit(code uint32)

//go:wasmimport wasi_snapshot_preview1 proc_raise
func ProcRaise(sig uint32) uint32

//go:wasmimport wasi_snapshot_preview1 random_get
func RandomGet(buf, n uint32) uint32

//go:wasmimport wasi_snapshot_preview1 sched_yield
func SchedYield() uint32

//go:wasmimport wasi_snapshot_preview1 sock_accept
func SockAccept(fd, flags, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 sock_recv
func SockRecv(fd, iovs, n, flags, outN, outFlags uint32) uint32

//go:wasmimport wasi_snapshot_preview1 sock_send
func SockSend(fd, iovs, n, flags, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 sock_shutdown
func SockShutdown(fd, how uint32) uint32
