// Package common holds the contracts of capwasi: the WASI preview1
// (wasi_snapshot_preview1) value types and the interfaces an implementation
// provides to a binding such as wazeroadapter.
//
// The package has four parts:
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
//     supports and keeps compiling when the contracts grow; and
//     [ReadOnlyFile] and [ReadOnlyDir], which refuse every change as a
//     read-only tree must and keep the descriptor's flags, so a read-only
//     implementation supplies only how it reads.
//   - Conversions: [ErrnoOf] (any Go error to the guest's errno),
//     [FiletypeOf] and [FilestatOf] (io/fs modes and attributes to
//     preview1's).
//
// Errors are values. An implementation returns an [Errno], an error that
// wraps one, an error that carries one (see [ErrnoCarrier]), an
// operating-system error (a syscall.Errno, bare or wrapped as os and io/fs
// wrap them), or one of the io/fs sentinel errors; [ErrnoOf] turns any of
// them into the errno the guest sees, through one table of system error
// numbers for every system.
//
// # Leaving the tree
//
// A path that would reach outside the directory it is relative to — an
// absolute path, ".." above the directory, a symbolic link (relative or
// absolute) leading out, an absolute symbolic link target given to
// [WasiDir.Symlink] — fails with EPERM and changes nothing. EPERM is the one
// errno for it: the WebAssembly wasi-testsuite (interesting_paths) accepts
// EPERM for an absolute path and for ".." above the directory in every
// version (older ones accept nothing else; the current one also
// ENOTCAPABLE), wasmtime answers EPERM (wasi-filesystem's "not-permitted", which its
// path-resolution rules name for every escape), and wasi-filesystem
// dropped ENOTCAPABLE. ENOTCAPABLE is left to the binding, for a call the
// guest's descriptor has no right to make.
//
// # Read-only trees
//
// A directory can be read-only: the guest may list, open for reading, stat
// and read links, and every change beneath it is refused with EPERM, as
// wasmtime refuses it. The checks of a change happen in one order, the
// first that fails giving the errno:
//
//  1. The binding's own checks: descriptor, rights, pointers, flags (EBADF,
//     ENOTCAPABLE, EFAULT, EINVAL).
//  2. What the descriptor itself can never do, whatever the tree allows:
//     content and size operations on a directory (Read, Write, Pread,
//     Pwrite, SetSize: EISDIR; Seek, Allocate, Advise: EBADF), and Read or
//     Write on a file not opened for it (EBADF).
//  3. The tree's permission: a change beneath a read-only tree is EPERM
//     before its path is resolved and before its arguments are looked at —
//     whether or not the file exists, is a directory or lies outside the
//     tree. A change is: an open that [OpenOptions.Mutates] (write access,
//     OFLAGS_CREAT, OFLAGS_TRUNC), CreateDirectory, Symlink,
//     RemoveDirectory, UnlinkFile, PathSetTimes, Rename and Link (this
//     side read-only, or the other side when it is of the same
//     implementation; one of another implementation is EXDEV), and
//     SetSize, SetTimes and Allocate on a file or directory of the tree.
//  4. Everything else, in the order of the method's contract: the file's
//     access mode (SetSize or Allocate on a file not opened for writing:
//     EBADF), its type (SetSize on a non-regular file: EINVAL), the path
//     (ENOENT, ENOTDIR, ELOOP, EPERM for one leaving the tree), what is
//     there (EEXIST, ENOTEMPTY), the arguments (EFBIG).
//
// So SetSize on a read-only tree's directory is EISDIR, on its file EPERM;
// path_create_directory of an existing name in a read-only tree is EPERM,
// not EEXIST. [ReadOnlyFile] and [ReadOnlyDir] answer so.
//
// The file descriptor table, the rights model and the preview1 ABI rules
// (pointer checks, flag validation) live in the binding, not here: an
// implementation of these interfaces never sees a guest fd number or a guest
// pointer.
//
// The package imports only the standard library and contains no operating
// system code.
package common
