package common

import "io"

// WasiCtx is what one guest instance starts with: its arguments,
// environment, standard streams, pre-opened directories and sockets, clocks,
// random source and scheduler. The binding builds the instance's descriptor
// table from it: stdin, stdout and stderr at 0, 1 and 2, then the directories
// of Preopens from 3 in order, then Sockets.
//
// A WasiCtx serves one instance. The binding owns every file it hands out:
// it closes each when the guest closes it, or when the instance closes, and
// then calls Close on the WasiCtx.
type WasiCtx interface {
	// Args returns the command-line arguments, the program name first
	// (args_get). No argument contains a NUL byte.
	Args() []string
	// Environ returns the environment as "KEY=VALUE" strings
	// (environ_get). No entry contains a NUL byte.
	Environ() []string
	// Stdin returns the file for descriptor 0. It must not be nil; use a
	// file that reads end of file for no input.
	Stdin() WasiFile
	// Stdout returns the file for descriptor 1. It must not be nil.
	Stdout() WasiFile
	// Stderr returns the file for descriptor 2. It must not be nil.
	Stderr() WasiFile
	// Preopens returns the pre-opened directories, numbered from 3 in
	// order (fd_prestat_get, fd_prestat_dir_name).
	Preopens() []Preopen
	// Sockets returns pre-opened sockets, typically listeners for
	// sock_accept. They are numbered after the directories, so that a
	// guest scanning for directories with fd_prestat_get stops at the
	// first socket (EBADF).
	Sockets() []WasiFile
	// Clocks returns the clocks.
	Clocks() Clocks
	// Random returns the source random_get reads; each call reads until
	// the buffer is full.
	Random() io.Reader
	// Sched returns the scheduler for poll_oneoff and sched_yield.
	Sched() Sched
	// Close releases what the context holds besides the files it handed
	// out (for example a scheduler's wake-up descriptors). The binding
	// calls it once, after closing the instance's files.
	Close() error
}

// Preopen is a directory a guest starts with, and the name it sees it by.
type Preopen struct {
	// GuestPath is the directory's name in the guest, as
	// fd_prestat_dir_name reports it, for example "/" or "/data" or ".".
	GuestPath string
	// Dir is the directory.
	Dir WasiDir
}
