// Package capstdsync is the synchronous implementation of the capwasi
// contracts (package common) on the host's operating system: the Go twin of
// Rust's wasi-cap-std-sync. Directories and the files beneath them go
// through package capstd, so no path a guest uses can reach outside its
// pre-opened directories; everything else (standard streams, sockets,
// polling, clocks) meets the system through golang.org/x/sys. There is no
// asynchronous runtime: every call runs on the calling goroutine, and a call
// that waits can be cancelled through its context.
//
// # Getting started
//
// [WasiCtxBuilder] wires a [common.WasiCtx] in a few lines; a binding such
// as wazeroadapter runs a guest with it:
//
//	dir, err := capstdsync.OpenAmbientDir("/srv/data")
//	...
//	ctx, err := capstdsync.NewWasiCtxBuilder().
//		Args("app").
//		InheritStdio().
//		PreopenDir(dir, "/data", capstdsync.ReadOnly).
//		Build()
//
// # What implements what
//
//   - [NewWasiDir] (and [WasiCtxBuilder.PreopenDir]): a [common.WasiDir]
//     over a [Dir], with [Perms]; the directories and files opened through
//     it inherit those permissions. [SharedDir] (and
//     [WasiCtxBuilder.PreopenSharedDir]): one directory that many contexts
//     pre-open through one host descriptor, each with its own [Perms].
//   - [NewFSDir] (and [WasiCtxBuilder.PreopenFS]): a read-only
//     [common.WasiDir] over any io/fs file system (embed.FS, fstest.MapFS,
//     os.DirFS, *zip.Reader), built on package common's read-only defaults
//     and on package vfs (capstd-sync/vfs), which third-party virtual
//     implementations import without this package's operating-system
//     code.
//   - [WasiCtxBuilder.Preopen]: any implementation's directory beside
//     these.
//   - [NewReaderFile], [NewWriterFile], [NewNullFile], and the inherited
//     standard streams of [WasiCtxBuilder.InheritStdio]: stream files. A
//     Go reader or writer that may block is served by a goroutine and
//     reports its readiness through [common.Pollable], so that a guest
//     waiting for it keeps running.
//   - [NewListenerFile] (and [WasiCtxBuilder.PreopenSocket]): a listening
//     socket whose sock_accept returns connected socket files.
//   - [Sched]: poll_oneoff over one poll(2), and sched_yield.
//   - [SystemClocks]: the four preview1 clocks.
//
// # Errors
//
// Every error a method returns is a bare [common.Errno] (returning one
// costs no allocation). capstd's escape error becomes EPERM, the contract's
// one errno for leaving the tree (what the wasi-testsuite and wasmtime
// expect for an absolute path or ".." above a pre-opened directory);
// operating-system errors, the io/fs sentinels, context errors and the rest
// go through [common.ErrnoOf], whose one table maps every system's error
// numbers. A change a directory's [Perms] do not allow is EPERM, as on
// wasmtime, checked in the order package common gives for read-only trees.
//
// # Systems
//
// Linux, macOS and FreeBSD are supported. On Windows the package compiles:
// directories cannot be opened (capstd does not support Windows yet),
// listeners give ENOTSUP, the inherited standard streams are reader and
// writer files over os.Stdin, os.Stdout and os.Stderr, and the scheduler
// treats every file with a descriptor as ready and waits only for clocks
// and [common.Pollable] files.
//
// docs/implementing.md in the capwasi repository walks through how each
// contract maps to the operating system here, as a worked example for
// writing an implementation of one's own.
package capstdsync
