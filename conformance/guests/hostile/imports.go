//go:build wasip1

package main

// Every preview1 import with its exact wasm signature: pointers and sizes
// are uint32, 64-bit values uint64, so that the guest can pass any bit
// pattern, bad pointers included.

//go:wasmimport wasi_snapshot_preview1 args_get
func argsGet(a, b uint32) uint32

//go:wasmimport wasi_snapshot_preview1 args_sizes_get
func argsSizesGet(a, b uint32) uint32

//go:wasmimport wasi_snapshot_preview1 environ_get
func environGet(a, b uint32) uint32

//go:wasmimport wasi_snapshot_preview1 environ_sizes_get
func environSizesGet(a, b uint32) uint32

//go:wasmimport wasi_snapshot_preview1 clock_res_get
func clockResGet(id, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 clock_time_get
func clockTimeGet(id uint32, precision uint64, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_advise
func fdAdvise(fd uint32, off, n uint64, advice uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_allocate
func fdAllocate(fd uint32, off, n uint64) uint32

//go:wasmimport wasi_snapshot_preview1 fd_close
func fdClose(fd uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_datasync
func fdDatasync(fd uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_fdstat_get
func fdFdstatGet(fd, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_fdstat_set_flags
func fdFdstatSetFlags(fd, flags uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_fdstat_set_rights
func fdFdstatSetRights(fd uint32, base, inh uint64) uint32

//go:wasmimport wasi_snapshot_preview1 fd_filestat_get
func fdFilestatGet(fd, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_filestat_set_size
func fdFilestatSetSize(fd uint32, size uint64) uint32

//go:wasmimport wasi_snapshot_preview1 fd_filestat_set_times
func fdFilestatSetTimes(fd uint32, atim, mtim uint64, fst uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_pread
func fdPread(fd, iovs, n uint32, off uint64, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_prestat_get
func fdPrestatGet(fd, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_prestat_dir_name
func fdPrestatDirName(fd, buf, n uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_pwrite
func fdPwrite(fd, iovs, n uint32, off uint64, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_read
func fdRead(fd, iovs, n, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_readdir
func fdReaddir(fd, buf, n uint32, cookie uint64, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_renumber
func fdRenumber(from, to uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_seek
func fdSeek(fd uint32, off uint64, whence, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_sync
func fdSync(fd uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_tell
func fdTell(fd, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_write
func fdWrite(fd, iovs, n, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 path_create_directory
func pathCreateDirectory(fd, path, n uint32) uint32

//go:wasmimport wasi_snapshot_preview1 path_filestat_get
func pathFilestatGet(fd, flags, path, n, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 path_filestat_set_times
func pathFilestatSetTimes(fd, flags, path, n uint32, atim, mtim uint64, fst uint32) uint32

//go:wasmimport wasi_snapshot_preview1 path_link
func pathLink(oldFd, oldFlags, oldPath, oldN, newFd, newPath, newN uint32) uint32

//go:wasmimport wasi_snapshot_preview1 path_open
func pathOpen(fd, dirflags, path, n, oflags uint32, base, inh uint64, fdflags, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 path_readlink
func pathReadlink(fd, path, n, buf, bufN, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 path_remove_directory
func pathRemoveDirectory(fd, path, n uint32) uint32

//go:wasmimport wasi_snapshot_preview1 path_rename
func pathRename(fd, oldPath, oldN, newFd, newPath, newN uint32) uint32

//go:wasmimport wasi_snapshot_preview1 path_symlink
func pathSymlink(oldPath, oldN, fd, newPath, newN uint32) uint32

//go:wasmimport wasi_snapshot_preview1 path_unlink_file
func pathUnlinkFile(fd, path, n uint32) uint32

//go:wasmimport wasi_snapshot_preview1 poll_oneoff
func pollOneoff(in, out, n, nout uint32) uint32

//go:wasmimport wasi_snapshot_preview1 proc_exit
func procExit(code uint32)

//go:wasmimport wasi_snapshot_preview1 proc_raise
func procRaise(sig uint32) uint32

//go:wasmimport wasi_snapshot_preview1 random_get
func randomGet(buf, n uint32) uint32

//go:wasmimport wasi_snapshot_preview1 sched_yield
func schedYield() uint32

//go:wasmimport wasi_snapshot_preview1 sock_accept
func sockAccept(fd, flags, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 sock_recv
func sockRecv(fd, iovs, n, flags, outN, outFlags uint32) uint32

//go:wasmimport wasi_snapshot_preview1 sock_send
func sockSend(fd, iovs, n, flags, out uint32) uint32

//go:wasmimport wasi_snapshot_preview1 sock_shutdown
func sockShutdown(fd, how uint32) uint32
