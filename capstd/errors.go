package capstd

import (
	"errors"
	"io/fs"
	"os"
)

// ErrEscape reports that a path would resolve to something outside the
// [Dir] it is relative to. It is returned, wrapped in a [*PathError] or a
// [*LinkError], for absolute paths, for ".." that would climb above the
// Dir, for symbolic links (relative or absolute) whose targets lead out, for
// Linux /proc "magic links", and by [Dir.Symlink] for absolute targets.
// Beneath a Dir opened [WithRootSemantics], absolute targets (a magic
// link's absolute text among them) are followed from the Dir instead, and
// Dir.Symlink accepts them.
//
// Test for it with errors.Is(err, capstd.ErrEscape). It is deliberately not
// a syscall.Errno: callers map it to whatever their protocol requires (WASI
// preview1 answers EPERM).
var ErrEscape = errors.New("path escapes the directory")

// PathError records an error and the operation and path that caused it. The
// path is the one the caller passed, relative to the [Dir]; capstd never
// reports a host path in an error of a Dir or File method.
//
// Err is a syscall.Errno for operating-system failures (so errors.Is works
// with both syscall.ENOENT and fs.ErrNotExist), [ErrEscape], fs.ErrClosed,
// or errors.ErrUnsupported.
type PathError = fs.PathError

// LinkError records an error of an operation with two paths ([Dir.Rename],
// [Dir.Link], [Dir.Symlink]). Old and New are the paths the caller passed.
type LinkError = os.LinkError

// pathErr wraps err for op on path; nil stays nil.
func pathErr(op, path string, err error) error {
	if err == nil {
		return nil
	}
	return &PathError{Op: op, Path: path, Err: err}
}

// linkErr wraps err for a two-path op; nil stays nil.
func linkErr(op, oldPath, newPath string, err error) error {
	if err == nil {
		return nil
	}
	return &LinkError{Op: op, Old: oldPath, New: newPath, Err: err}
}
