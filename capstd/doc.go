// Package capstd is a capability-based file system API for Go, in the
// spirit of Rust's cap-std: a [Dir] is the capability to one directory
// tree, and no method of it can reach anything outside that tree.
//
// # The capability model
//
// [OpenAmbientDir] is the one function that uses the process's ambient
// authority: it opens a directory by host path. Every other operation is a
// method of a Dir (or of a [File] or [DirReader] obtained from one) and
// takes a slash-separated path relative to it. Such a path can name only
// what lies beneath the Dir: absolute paths, ".." above the Dir, symbolic
// links whose targets lead out (relative or absolute), and Linux /proc
// magic links all fail with an error wrapping [ErrEscape]; a symbolic link
// that stays inside is followed like any other. Handing a Dir to code is
// handing it that tree and nothing more; [Dir.OpenDir] attenuates it to a
// subtree. A Dir opened [WithRootSemantics] is the root of its own tree,
// as a chroot is: absolute link targets beneath it are followed from it,
// never from the host's root.
//
// # How confinement is achieved
//
// On Linux 5.6 and later a path is resolved by the kernel in one openat2(2)
// call with RESOLVE_BENEATH|RESOLVE_NO_MAGICLINKS. Elsewhere (darwin,
// freebsd), and on Linux when openat2 is missing, capstd walks the path one
// element at a time from the Dir's descriptor, opening each element with
// O_NOFOLLOW, reading symbolic links itself and splicing their targets in,
// and keeping ".." on a stack of descriptors so that it can never climb
// above the Dir — not even when another process renames directories
// meanwhile. Operations that do not open a file (Mkdir, RemoveFile,
// Rename, Stat without following, ...) resolve the parent directory that
// way and act on the final name relative to it without following it.
// [WithResolver] chooses the walk even where openat2 works, for a Dir and
// everything obtained from it. docs/security.md in the capwasi repository
// states the guarantees and their limits.
//
// # Errors
//
// Errors are values: *[PathError] (an alias of fs.PathError) or *[LinkError]
// (os.LinkError) carrying the path the caller passed — never a host path —
// and wrapping a syscall.Errno, [ErrEscape], fs.ErrClosed or
// errors.ErrUnsupported, so that errors.Is(err, fs.ErrNotExist),
// errors.Is(err, syscall.ENOENT) and errors.Is(err, capstd.ErrEscape) all
// work. An empty path is ENOENT, a path with NUL is EINVAL, a path of 4096
// bytes or more is ENAMETOOLONG, and no input makes a method panic.
//
// # Systems
//
// Linux (openat2 or the walk), darwin and freebsd (the walk) are
// supported. On other systems, Windows included, the package compiles but
// OpenAmbientDir fails with an error wrapping errors.ErrUnsupported.
//
// # Performance
//
// On Linux, opening and stat-ing a path do not allocate beyond the
// returned *File, and the vectored I/O methods do not allocate for up to 8
// buffers; listing a directory does not allocate per entry.
package capstd
