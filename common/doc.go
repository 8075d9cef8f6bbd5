// Package common holds the contracts of capwasi: the WASI preview1
// (wasi_snapshot_preview1) value types and the interfaces an implementation
// provides to a binding such as wazeroadapter.
//
// The package has three parts:
//
//   - The preview1 vocabulary with the specification's names, values and
//     sizes: [Errno], [Rights], [Filetype], the flag and enum types, and the
//     structures [Filestat], [Fdstat], [Dirent], [Prestat], [Subscription]
//     and [Event]. Flag types print as "FD_READ|FD_WRITE"-style strings.
//   - The contracts: [WasiCtx] (what a guest instance starts with),
//     [WasiFile] (any open descriptor), [WasiDir] (a directory descriptor and
//     its path operations), [Sched] (poll_oneoff and sched_yield) and
//     [Clocks]. Every method that can block takes a [context.Context] first.
//     [Pollable] is an optional interface of a file, discovered by type
//     assertion as io/fs discovers its own: a file whose readiness a
//     scheduler learns without an operating-system descriptor.
//   - Embeddable defaults, [UnimplementedFile] and [UnimplementedDir], whose
//     methods refuse with the errno the specification gives for an
//     unsupported operation, so an implementation supplies only what it
//     supports and keeps compiling when the contracts grow.
//
// Errors are values. An implementation returns an [Errno], an error that
// wraps one, an error that carries one (see [ErrnoCarrier]), or one of the
// io/fs sentinel errors; [ErrnoOf] turns any of them into the errno the guest
// sees. Mapping operating-system errors (syscall.Errno) is the job of the
// implementation that meets the operating system, not of this package.
//
// The file descriptor table, the rights model and the preview1 ABI rules
// (pointer checks, flag validation) live in the binding, not here: an
// implementation of these interfaces never sees a guest fd number or a guest
// pointer.
//
// The package imports only the standard library and contains no operating
// system code.
package common
