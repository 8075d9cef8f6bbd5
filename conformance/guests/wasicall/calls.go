//go:build wasip1

package main

import "github.com/capwasi/capwasi/conformance/guests/abi"

// call is one import behind a uniform signature: the script's parameters in
// wasm order, each as a uint64 (i32 parameters take the low 32 bits).
type call struct {
	params int // number of wasm parameters
	fn     func(a []uint64) uint32
}

func u(v uint64) uint32 { return uint32(v) }

var calls = map[string]call{
	"args_get":          {2, func(a []uint64) uint32 { return abi.ArgsGet(u(a[0]), u(a[1])) }},
	"args_sizes_get":    {2, func(a []uint64) uint32 { return abi.ArgsSizesGet(u(a[0]), u(a[1])) }},
	"environ_get":       {2, func(a []uint64) uint32 { return abi.EnvironGet(u(a[0]), u(a[1])) }},
	"environ_sizes_get": {2, func(a []uint64) uint32 { return abi.EnvironSizesGet(u(a[0]), u(a[1])) }},
	"clock_res_get":     {2, func(a []uint64) uint32 { return abi.ClockResGet(u(a[0]), u(a[1])) }},
	"clock_time_get":    {3, func(a []uint64) uint32 { return abi.ClockTimeGet(u(a[0]), a[1], u(a[2])) }},
	"fd_advise":         {4, func(a []uint64) uint32 { return abi.FdAdvise(u(a[0]), a[1], a[2], u(a[3])) }},
	"fd_allocate":       {3, func(a []uint64) uint32 { return abi.FdAllocate(u(a[0]), a[1], a[2]) }},
	"fd_close":          {1, func(a []uint64) uint32 { return abi.FdClose(u(a[0])) }},
	"fd_datasync":       {1, func(a []uint64) uint32 { return abi.FdDatasync(u(a[0])) }},
	"fd_fdstat_get":     {2, func(a []uint64) uint32 { return abi.FdFdstatGet(u(a[0]), u(a[1])) }},
	"fd_fdstat_set_flags": {2, func(a []uint64) uint32 {
		return abi.FdFdstatSetFlags(u(a[0]), u(a[1]))
	}},
	"fd_fdstat_set_rights": {3, func(a []uint64) uint32 {
		return abi.FdFdstatSetRights(u(a[0]), a[1], a[2])
	}},
	"fd_filestat_get":      {2, func(a []uint64) uint32 { return abi.FdFilestatGet(u(a[0]), u(a[1])) }},
	"fd_filestat_set_size": {2, func(a []uint64) uint32 { return abi.FdFilestatSetSize(u(a[0]), a[1]) }},
	"fd_filestat_set_times": {4, func(a []uint64) uint32 {
		return abi.FdFilestatSetTimes(u(a[0]), a[1], a[2], u(a[3]))
	}},
	"fd_pread": {5, func(a []uint64) uint32 {
		return abi.FdPread(u(a[0]), u(a[1]), u(a[2]), a[3], u(a[4]))
	}},
	"fd_prestat_get": {2, func(a []uint64) uint32 { return abi.FdPrestatGet(u(a[0]), u(a[1])) }},
	"fd_prestat_dir_name": {3, func(a []uint64) uint32 {
		return abi.FdPrestatDirName(u(a[0]), u(a[1]), u(a[2]))
	}},
	"fd_pwrite": {5, func(a []uint64) uint32 {
		return abi.FdPwrite(u(a[0]), u(a[1]), u(a[2]), a[3], u(a[4]))
	}},
	"fd_read": {4, func(a []uint64) uint32 { return abi.FdRead(u(a[0]), u(a[1]), u(a[2]), u(a[3])) }},
	"fd_readdir": {5, func(a []uint64) uint32 {
		return abi.FdReaddir(u(a[0]), u(a[1]), u(a[2]), a[3], u(a[4]))
	}},
	"fd_renumber": {2, func(a []uint64) uint32 { return abi.FdRenumber(u(a[0]), u(a[1])) }},
	"fd_seek": {4, func(a []uint64) uint32 {
		return abi.FdSeek(u(a[0]), a[1], u(a[2]), u(a[3]))
	}},
	"fd_sync":  {1, func(a []uint64) uint32 { return abi.FdSync(u(a[0])) }},
	"fd_tell":  {2, func(a []uint64) uint32 { return abi.FdTell(u(a[0]), u(a[1])) }},
	"fd_write": {4, func(a []uint64) uint32 { return abi.FdWrite(u(a[0]), u(a[1]), u(a[2]), u(a[3])) }},
	"path_create_directory": {3, func(a []uint64) uint32 {
		return abi.PathCreateDirectory(u(a[0]), u(a[1]), u(a[2]))
	}},
	"path_filestat_get": {5, func(a []uint64) uint32 {
		return abi.PathFilestatGet(u(a[0]), u(a[1]), u(a[2]), u(a[3]), u(a[4]))
	}},
	"path_filestat_set_times": {7, func(a []uint64) uint32 {
		return abi.PathFilestatSetTimes(u(a[0]), u(a[1]), u(a[2]), u(a[3]), a[4], a[5], u(a[6]))
	}},
	"path_link": {7, func(a []uint64) uint32 {
		return abi.PathLink(u(a[0]), u(a[1]), u(a[2]), u(a[3]), u(a[4]), u(a[5]), u(a[6]))
	}},
	"path_open": {9, func(a []uint64) uint32 {
		return abi.PathOpen(u(a[0]), u(a[1]), u(a[2]), u(a[3]), u(a[4]), a[5], a[6], u(a[7]), u(a[8]))
	}},
	"path_readlink": {6, func(a []uint64) uint32 {
		return abi.PathReadlink(u(a[0]), u(a[1]), u(a[2]), u(a[3]), u(a[4]), u(a[5]))
	}},
	"path_remove_directory": {3, func(a []uint64) uint32 {
		return abi.PathRemoveDirectory(u(a[0]), u(a[1]), u(a[2]))
	}},
	"path_rename": {6, func(a []uint64) uint32 {
		return abi.PathRename(u(a[0]), u(a[1]), u(a[2]), u(a[3]), u(a[4]), u(a[5]))
	}},
	"path_symlink": {5, func(a []uint64) uint32 {
		return abi.PathSymlink(u(a[0]), u(a[1]), u(a[2]), u(a[3]), u(a[4]))
	}},
	"path_unlink_file": {3, func(a []uint64) uint32 {
		return abi.PathUnlinkFile(u(a[0]), u(a[1]), u(a[2]))
	}},
	"poll_oneoff": {4, func(a []uint64) uint32 {
		return abi.PollOneoff(u(a[0]), u(a[1]), u(a[2]), u(a[3]))
	}},
	"proc_exit":   {1, func(a []uint64) uint32 { abi.ProcExit(u(a[0])); return 0 }},
	"proc_raise":  {1, func(a []uint64) uint32 { return abi.ProcRaise(u(a[0])) }},
	"random_get":  {2, func(a []uint64) uint32 { return abi.RandomGet(u(a[0]), u(a[1])) }},
	"sched_yield": {0, func([]uint64) uint32 { return abi.SchedYield() }},
	"sock_accept": {3, func(a []uint64) uint32 { return abi.SockAccept(u(a[0]), u(a[1]), u(a[2])) }},
	"sock_recv": {6, func(a []uint64) uint32 {
		return abi.SockRecv(u(a[0]), u(a[1]), u(a[2]), u(a[3]), u(a[4]), u(a[5]))
	}},
	"sock_send": {5, func(a []uint64) uint32 {
		return abi.SockSend(u(a[0]), u(a[1]), u(a[2]), u(a[3]), u(a[4]))
	}},
	"sock_shutdown": {2, func(a []uint64) uint32 { return abi.SockShutdown(u(a[0]), u(a[1])) }},
}
