package capstd

import (
	"fmt"
	"syscall"
)

// Resolver names how a [Dir] resolves paths. Every resolver keeps every
// guarantee of the package (docs/security.md in the capwasi repository
// lists them); they differ in how, and so in cost and in which code is
// trusted.
type Resolver uint8

const (
	// ResolverAuto resolves with the kernel where it can: on Linux 5.6 and
	// later one openat2(2) per path, with RESOLVE_BENEATH and
	// RESOLVE_NO_MAGICLINKS, leaving to the component walk only the answers
	// openat2 cannot settle (ELOOP, repeated EAGAIN, an absolute symbolic
	// link beneath a Dir with [WithRootSemantics]); elsewhere, and where
	// openat2 is missing, the walk. It is the default.
	ResolverAuto Resolver = iota
	// ResolverWalk resolves every path with the component walk, even where
	// openat2 works: one element at a time from the Dir's descriptor, each
	// opened with O_NOFOLLOW, symbolic links read and spliced in by capstd,
	// ".." kept on a stack of descriptors so that it cannot climb above the
	// Dir. It is what darwin, freebsd and Linux before 5.6 always use;
	// choosing it on Linux runs that code where it can be tested, or avoids
	// openat2 where a seccomp filter mishandles it.
	ResolverWalk
)

// String returns "auto" or "walk" (or "Resolver(N)" for an unknown value).
func (r Resolver) String() string {
	switch r {
	case ResolverAuto:
		return "auto"
	case ResolverWalk:
		return "walk"
	}
	return fmt.Sprintf("Resolver(%d)", uint8(r))
}

// MarshalText returns r's name, as String does; an unknown value is an
// error wrapping EINVAL.
func (r Resolver) MarshalText() ([]byte, error) {
	if r > ResolverWalk {
		return nil, fmt.Errorf("capstd: %v: %w", r, syscall.EINVAL)
	}
	return []byte(r.String()), nil
}

// UnmarshalText sets r from its name, "auto" or "walk" (so that a Resolver
// can be a command-line flag with flag.TextVar); anything else is an error
// wrapping EINVAL and leaves r unchanged.
func (r *Resolver) UnmarshalText(text []byte) error {
	switch string(text) {
	case "auto":
		*r = ResolverAuto
	case "walk":
		*r = ResolverWalk
	default:
		return fmt.Errorf("capstd: resolver %q: want auto or walk: %w", text, syscall.EINVAL)
	}
	return nil
}

// An Option changes how a Dir opened by [OpenAmbientDir] resolves paths.
// The zero Option changes nothing.
type Option struct {
	apply func(*resolution) error
}

// resolution is how a Dir, and what is derived from it, resolves paths.
type resolution uint8

const (
	// resWalk: the component walk even where openat2 works (ResolverWalk).
	resWalk resolution = 1 << iota
	// resRoot: absolute symbolic link targets restart at the Dir
	// (WithRootSemantics). Only the Dir opened with it, and its clones,
	// have it; Dirs opened beneath it do not.
	resRoot
)

// WithResolver makes the Dir, and every Dir and File obtained from it
// (by [Dir.OpenDir], [Dir.OpenFile] and [NewDirFromFile], [Dir.Clone]),
// resolve paths with r. An unknown r makes OpenAmbientDir fail with EINVAL.
func WithResolver(r Resolver) Option {
	return Option{func(res *resolution) error {
		switch r {
		case ResolverAuto:
			*res &^= resWalk
		case ResolverWalk:
			*res |= resWalk
		default:
			return syscall.EINVAL
		}
		return nil
	}}
}

// WithRootSemantics makes the Dir the root of its own file system, as
// chroot(2) makes a directory the root of a process's: a symbolic link
// met while resolving a path beneath it whose target is absolute is
// followed from the Dir itself ("/etc/x" means the Dir's etc/x), never from
// the host's root, and from then on, for the rest of that resolution, ".."
// in the Dir stays in the Dir, as "/.." is "/" (Linux's RESOLVE_IN_ROOT).
// [Dir.Symlink] then accepts absolute targets. A Linux /proc magic link is
// never followed as the kernel would: its text, when absolute, is such a
// target. Everything else is as for any Dir: a path passed to a method is relative (an absolute one is
// [ErrEscape]), and ".." above the Dir in it, or in relative link targets
// before any absolute one, is ErrEscape.
//
// It is for a directory that is a whole tree's root: a container's root
// file system, or a directory given to a sandboxed program as "/". Only
// the Dir itself (and its [Dir.Clone]s) has it: a Dir opened beneath it is
// confined to its own subtree like any other, so an absolute target met
// from there is ErrEscape, and so is creating one there.
func WithRootSemantics() Option {
	return Option{func(res *resolution) error {
		*res |= resRoot
		return nil
	}}
}

// resolutionOf applies opts in order.
func resolutionOf(opts []Option) (resolution, error) {
	var res resolution
	for _, o := range opts {
		if o.apply == nil {
			continue
		}
		if err := o.apply(&res); err != nil {
			return 0, err
		}
	}
	return res, nil
}

// Resolver reports the resolver d uses (see [WithResolver]).
func (d *Dir) Resolver() Resolver {
	if d != nil && d.res&resWalk != 0 {
		return ResolverWalk
	}
	return ResolverAuto
}

// HasRootSemantics reports whether d was opened [WithRootSemantics] (or is
// a clone of such a Dir).
func (d *Dir) HasRootSemantics() bool { return d != nil && d.res&resRoot != 0 }
