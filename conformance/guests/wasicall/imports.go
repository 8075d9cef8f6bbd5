//go:build wasip1

package main

// Every preview1 import, with the exact wasm signature: pointers and sizes
// are uint32, 64-bit values uint64. The guest calls them with whatever the
// script says, bad pointers included.

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

// call is one import behind a uniform signature: the script's parameters in
// wasm order, each as a uint64 (i32 parameters take the low 32 bits).
type call struct {
	params int // number of wasm parameters
	fn     func(a []uint64) uint32
}

func u(v uint64) uint32 { return uint32(v) }

var calls = map[string]call{
	"args_get":          {2, func(a []uint64) uint32 { return argsGet(u(a[0]), u(a[1])) }},
	"args_sizes_get":    {2, func(a []uint64) uint32 { return argsSizesGet(u(a[0]), u(a[1])) }},
	"environ_get":       {2, func(a []uint64) uint32 { return environGet(u(a[0]), u(a[1])) }},
	"environ_sizes_get": {2, func(a []uint64) uint32 { return environSizesGet(u(a[0]), u(a[1])) }},
	"clock_res_get":     {2, func(a []uint64) uint32 { return clockResGet(u(a[0]), u(a[1])) }},
	"clock_time_get":    {3, func(a []uint64) uint32 { return clockTimeGet(u(a[0]), a[1], u(a[2])) }},
	"fd_advise":         {4, func(a []uint64) uint32 { return fdAdvise(u(a[0]), a[1], a[2], u(a[3])) }},
	"fd_allocate":       {3, func(a []uint64) uint32 { return fdAllocate(u(a[0]), a[1], a[2]) }},
	"fd_close":          {1, func(a []uint64) uint32 { return fdClose(u(a[0])) }},
	"fd_datasync":       {1, func(a []uint64) uint32 { return fdDatasync(u(a[0])) }},
	"fd_fdstat_get":     {2, func(a []uint64) uint32 { return fdFdstatGet(u(a[0]), u(a[1])) }},
	"fd_fdstat_set_flags": {2, func(a []uint64) uint32 {
		return fdFdstatSetFlags(u(a[0]), u(a[1]))
	}},
	"fd_fdstat_set_rights": {3, func(a []uint64) uint32 {
		return fdFdstatSetRights(u(a[0]), a[1], a[2])
	}},
	"fd_filestat_get":      {2, func(a []uint64) uint32 { return fdFilestatGet(u(a[0]), u(a[1])) }},
	"fd_filestat_set_size": {2, func(a []uint64) uint32 { return fdFilestatSetSize(u(a[0]), a[1]) }},
	"fd_filestat_set_times": {4, func(a []uint64) uint32 {
		return fdFilestatSetTimes(u(a[0]), a[1], a[2], u(a[3]))
	}},
	"fd_pread": {5, func(a []uint64) uint32 {
		return fdPread(u(a[0]), u(a[1]), u(a[2]), a[3], u(a[4]))
	}},
	"fd_prestat_get": {2, func(a []uint64) uint32 { return fdPrestatGet(u(a[0]), u(a[1])) }},
	"fd_prestat_dir_name": {3, func(a []uint64) uint32 {
		return fdPrestatDirName(u(a[0]), u(a[1]), u(a[2]))
	}},
	"fd_pwrite": {5, func(a []uint64) uint32 {
		return fdPwrite(u(a[0]), u(a[1]), u(a[2]), a[3], u(a[4]))
	}},
	"fd_read": {4, func(a []uint64) uint32 { return fdRead(u(a[0]), u(a[1]), u(a[2]), u(a[3])) }},
	"fd_readdir": {5, func(a []uint64) uint32 {
		return fdReaddir(u(a[0]), u(a[1]), u(a[2]), a[3], u(a[4]))
	}},
	"fd_renumber": {2, func(a []uint64) uint32 { return fdRenumber(u(a[0]), u(a[1])) }},
	"fd_seek": {4, func(a []uint64) uint32 {
		return fdSeek(u(a[0]), a[1], u(a[2]), u(a[3]))
	}},
	"fd_sync":  {1, func(a []uint64) uint32 { return fdSync(u(a[0])) }},
	"fd_tell":  {2, func(a []uint64) uint32 { return fdTell(u(a[0]), u(a[1])) }},
	"fd_write": {4, func(a []uint64) uint32 { return fdWrite(u(a[0]), u(a[1]), u(a[2]), u(a[3])) }},
	"path_create_directory": {3, func(a []uint64) uint32 {
		return pathCreateDirectory(u(a[0]), u(a[1]), u(a[2]))
	}},
	"path_filestat_get": {5, func(a []uint64) uint32 {
		return pathFilestatGet(u(a[0]), u(a[1]), u(a[2]), u(a[3]), u(a[4]))
	}},
	"path_filestat_set_times": {7, func(a []uint64) uint32 {
		return pathFilestatSetTimes(u(a[0]), u(a[1]), u(a[2]), u(a[3]), a[4], a[5], u(a[6]))
	}},
	"path_link": {7, func(a []uint64) uint32 {
		return pathLink(u(a[0]), u(a[1]), u(a[2]), u(a[3]), u(a[4]), u(a[5]), u(a[6]))
	}},
	"path_open": {9, func(a []uint64) uint32 {
		return pathOpen(u(a[0]), u(a[1]), u(a[2]), u(a[3]), u(a[4]), a[5], a[6], u(a[7]), u(a[8]))
	}},
	"path_readlink": {6, func(a []uint64) uint32 {
		return pathReadlink(u(a[0]), u(a[1]), u(a[2]), u(a[3]), u(a[4]), u(a[5]))
	}},
	"path_remove_directory": {3, func(a []uint64) uint32 {
		return pathRemoveDirectory(u(a[0]), u(a[1]), u(a[2]))
	}},
	"path_rename": {6, func(a []uint64) uint32 {
		return pathRename(u(a[0]), u(a[1]), u(a[2]), u(a[3]), u(a[4]), u(a[5]))
	}},
	"path_symlink": {5, func(a []uint64) uint32 {
		return pathSymlink(u(a[0]), u(a[1]), u(a[2]), u(a[3]), u(a[4]))
	}},
	"path_unlink_file": {3, func(a []uint64) uint32 {
		return pathUnlinkFile(u(a[0]), u(a[1]), u(a[2]))
	}},
	"poll_oneoff": {4, func(a []uint64) uint32 {
		return pollOneoff(u(a[0]), u(a[1]), u(a[2]), u(a[3]))
	}},
	"proc_exit":   {1, func(a []uint64) uint32 { procExit(u(a[0])); return 0 }},
	"proc_raise":  {1, func(a []uint64) uint32 { return procRaise(u(a[0])) }},
	"random_get":  {2, func(a []uint64) uint32 { return randomGet(u(a[0]), u(a[1])) }},
	"sched_yield": {0, func([]uint64) uint32 { return schedYield() }},
	"sock_accept": {3, func(a []uint64) uint32 { return sockAccept(u(a[0]), u(a[1]), u(a[2])) }},
	"sock_recv": {6, func(a []uint64) uint32 {
		return sockRecv(u(a[0]), u(a[1]), u(a[2]), u(a[3]), u(a[4]), u(a[5]))
	}},
	"sock_send": {5, func(a []uint64) uint32 {
		return sockSend(u(a[0]), u(a[1]), u(a[2]), u(a[3]), u(a[4]))
	}},
	"sock_shutdown": {2, func(a []uint64) uint32 { return sockShutdown(u(a[0]), u(a[1])) }},
}
