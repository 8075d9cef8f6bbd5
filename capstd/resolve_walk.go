//go:build linux || darwin || freebsd

package capstd

import (
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// The component walk resolves a path the way the kernel would, but one
// element at a time and without ever letting the kernel follow anything:
//
//   - every element is opened relative to the descriptor of the directory
//     before it, with O_NOFOLLOW, and the name handed to the kernel never
//     contains a slash — so never a trailing one (the 2026 cap-std advisory:
//     "name/" under O_NOFOLLOW makes the kernel follow a symlink "name");
//   - ".." pops a stack of the descriptors opened so far, so it can never
//     climb above the starting directory, even if a directory on the way is
//     moved meanwhile; the kernel never sees "..";
//   - a symbolic link is read with readlinkat and its target spliced in
//     front of the rest of the path; absolute targets are refused (or,
//     beneath a Dir with root semantics, send the walk back to the starting
//     directory, where ".." then stays), and more than maxSymlinks
//     expansions fail with ELOOP;
//   - a path ending in "/" must be a directory, and its final symbolic link
//     is followed even under O_NOFOLLOW, as POSIX specifies.
//
// It is the resolver on darwin and freebsd, and on Linux when openat2 is
// missing or undecided.

// A walk does not hold a descriptor for every directory it is inside: a
// path of 2048 levels, or fewer levels multiplied by symbolic links whose
// targets go deeper, would hold thousands at once, and a guest could starve
// the process of descriptors with one call. It holds the innermost
// walkWindow levels and every walkWindow-th level above them (at most
// walkWindow + maxWalkDepth/walkWindow descriptors); a ".." back to a level
// it no longer holds reopens the levels from the checkpoint below by the
// names it went through, each with O_NOFOLLOW, so that the reopening stays
// beneath the root as the first opening did. A walk deeper than
// maxWalkDepth levels is ENAMETOOLONG: its path, with the symbolic links
// spliced in, exceeds PATH_MAX (4096 bytes), as POSIX allows.
const (
	walkWindow   = 32
	maxWalkDepth = 2048
)

// walker holds the descriptors of the directories a walk is inside, level
// 1 to n below the root (level 0). Level i is held when it is a checkpoint
// (a multiple of walkWindow, in checkpoints[i/walkWindow]) or above lo (in
// window[i%walkWindow]). The arrays live in the struct itself, not behind
// slices of local arrays, so that a walker on the stack stays there.
type walker struct {
	root        int  // the starting directory, not owned
	rooted      bool // absolute link targets restart at root (resRoot)
	jumped      bool // one did: ".." at root stays there, as "/.." is "/"
	n           int  // the level the walk is at
	lo          int  // levels above lo that are not checkpoints are held
	links       int  // symbolic links expanded so far
	window      [walkWindow]int
	checkpoints [maxWalkDepth/walkWindow + 1]int
	names       [walkWindow]string // the name of each level up to walkWindow
	moreNames   []string           // and of the levels beyond
}

// held reports whether the walk holds the descriptor of level i ≥ 1.
func (w *walker) held(i int) bool { return i%walkWindow == 0 || i > w.lo }

// slot returns where the descriptor of level i ≥ 1 is kept.
func (w *walker) slot(i int) *int {
	if i%walkWindow == 0 {
		return &w.checkpoints[i/walkWindow]
	}
	return &w.window[i%walkWindow]
}

// name returns the name level i ≥ 1 was entered by.
func (w *walker) name(i int) string {
	if i <= walkWindow {
		return w.names[i-1]
	}
	return w.moreNames[i-walkWindow-1]
}

// cur returns the directory the walk is in (held: see up).
func (w *walker) cur() int {
	if w.n == 0 {
		return w.root
	}
	return *w.slot(w.n)
}

// push enters the directory fd, opened by name in the current one: it
// takes fd, closing it when the walk is too deep (ENAMETOOLONG).
func (w *walker) push(fd int, name string) error {
	if w.n == maxWalkDepth {
		closeFd(fd)
		return syscall.ENAMETOOLONG
	}
	w.n++
	i := w.n
	if i%walkWindow != 0 {
		// The slot's previous holder, walkWindow levels up, leaves the
		// window unless it left it already.
		// (j > lo ≥ 0 makes j a level).
		if j := i - walkWindow; j > w.lo {
			closeFd(w.window[i%walkWindow])
			w.lo = j
		}
	}
	*w.slot(i) = fd
	if i <= walkWindow {
		w.names[i-1] = name
	} else {
		// The names of the levels below i are dead: replace them.
		w.moreNames = append(w.moreNames[:i-walkWindow-1], name)
	}
	return nil
}

// up moves to the parent directory; above the root is an escape, or the
// root itself after an absolute link was followed from it. A parent no
// longer held is reopened from the checkpoint below it.
func (w *walker) up() error {
	if w.n == 0 {
		if w.jumped {
			return nil
		}
		return ErrEscape
	}
	closeFd(*w.slot(w.n))
	w.n--
	if w.n == 0 || w.held(w.n) {
		return nil
	}
	// Reopen the levels between the checkpoint c and n, which are all in
	// the window then.
	target := w.n
	c := target - target%walkWindow
	w.n, w.lo = c, c
	for i := c + 1; i <= target; i++ {
		fd, err := sysOpenat(w.cur(), w.name(i), oSearchDir|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return err
		}
		w.n = i
		w.window[i%walkWindow] = fd
	}
	return nil
}

// closeAll closes the directories the walk holds.
func (w *walker) closeAll() {
	for i := w.n; i >= 1; i-- {
		if w.held(i) {
			closeFd(*w.slot(i))
		}
	}
	w.n, w.lo = 0, 0
}

// take hands the current directory to the caller with the final element
// name: it is owned by the caller unless it is the root.
func (w *walker) take(name string) at {
	if w.n == 0 {
		return at{fd: w.root, name: name}
	}
	fd := w.cur()
	w.n-- // the levels below stay held or not as they were: closeAll sees to them
	return at{fd: fd, name: name, owned: true}
}

// maybeSymlink reports whether an O_NOFOLLOW open failing with err may have
// met a symbolic link: ELOOP (Linux, darwin), EMLINK (freebsd), or ENOTDIR
// (Linux, when O_DIRECTORY meets a symbolic link).
func maybeSymlink(err error) bool {
	return err == unix.ELOOP || err == unix.EMLINK || err == unix.ENOTDIR
}

// follow reads the symbolic link name in the current directory after an
// open of it failed with openErr, and returns its target. If name turns out
// not to be a symbolic link, openErr is returned.
func (w *walker) follow(name string, openErr error) (string, error) {
	if !maybeSymlink(openErr) {
		return "", openErr
	}
	target, err := readlinkString(w.cur(), name)
	if err == unix.EINVAL {
		return "", openErr
	}
	if err != nil {
		return "", err
	}
	return w.expand(target)
}

// expand counts one symbolic-link expansion and vets the link's target:
// ELOOP after maxSymlinks expansions, ENOENT for an empty target. An
// absolute target is ErrEscape unless the walk is rooted; then the walk
// goes back to the root and the target is returned relative to it ("."
// for "/").
func (w *walker) expand(target string) (string, error) {
	if w.links >= maxSymlinks {
		return "", syscall.ELOOP
	}
	w.links++
	switch {
	case target == "":
		return "", syscall.ENOENT
	case target[0] != '/':
		return target, nil
	case !w.rooted:
		return "", ErrEscape
	}
	w.closeAll()
	w.jumped = true
	if target = strings.TrimLeft(target, "/"); target == "" {
		target = "."
	}
	return target, nil
}

// descend moves the walk through elem, an element on the way to the final
// one, which must be a directory, and returns the path left to resolve:
// rest, or the target of elem spliced in front of rest if elem is a
// symbolic link.
func (w *walker) descend(elem, rest string) (string, error) {
	switch elem {
	case ".":
		return rest, nil
	case "..":
		return rest, w.up()
	}
	fd, err := sysOpenat(w.cur(), elem, oSearchDir|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err == nil {
		return rest, w.push(fd, elem)
	}
	target, err := w.follow(elem, err)
	if err != nil {
		return "", err
	}
	return target + "/" + rest, nil
}

// toFinal walks through every element of rest but the final one, which it
// returns; trailing reports that slashes follow it.
func (w *walker) toFinal(rest string) (elem string, trailing bool, err error) {
	for {
		elem, next, trailing := firstElem(rest)
		if next == "" {
			return elem, trailing, nil
		}
		if rest, err = w.descend(elem, next); err != nil {
			return "", false, err
		}
	}
}

// walkOpen opens path, relative to the directory root, without leaving it,
// as openBeneath does (see there; of res only resRoot matters here); it is
// the fallback resolver. flags never hold O_PATH without O_DIRECTORY (the
// callers see to it): an O_PATH|O_NOFOLLOW open of a symbolic link
// succeeds on the link itself, which would hide a final link that is to be
// followed.
func walkOpen(root int, path string, flags int, mode uint32, res resolution) (int, error) {
	w := walker{root: root, rooted: res&resRoot != 0}
	defer w.closeAll()

	follow := flags&unix.O_NOFOLLOW == 0
	flags = flags&^unix.O_NOFOLLOW | unix.O_CLOEXEC
	rest := path
	for {
		elem, trailing, err := w.toFinal(rest)
		if err != nil {
			return -1, err
		}

		// The final element.
		if trailing {
			flags |= unix.O_DIRECTORY
		}
		switch elem {
		case "..":
			if err := w.up(); err != nil {
				return -1, err
			}
			fallthrough
		case ".":
			return sysOpenat(w.cur(), ".", flags, mode)
		}
		if trailing && flags&unix.O_CREAT != 0 {
			// As Linux does: a name with a trailing slash is never created.
			return -1, syscall.EISDIR
		}
		fd, err := sysOpenat(w.cur(), elem, flags|unix.O_NOFOLLOW, mode)
		if err == nil || !(follow || trailing) {
			return fd, err
		}
		target, err := w.follow(elem, err)
		if err != nil {
			return -1, err
		}
		rest = target
		if trailing {
			rest += "/"
		}
	}
}

// walkLookup resolves path, relative to the directory root, to the
// directory holding its final element and the element's name, and fills st
// with the element's lstat. Final symbolic links are followed while follow
// is set or the path ends in a slash (which then requires a directory).
// A final "." or ".." comes back as "." in the directory it names. The
// returned directory is owned by the caller unless it is root. Of res only
// resRoot matters.
func walkLookup(root int, path string, follow bool, st *unix.Stat_t, res resolution) (at, error) {
	w := walker{root: root, rooted: res&resRoot != 0}
	defer w.closeAll()

	rest := path
	for {
		elem, trailing, err := w.toFinal(rest)
		if err != nil {
			return at{}, err
		}

		if elem == ".." {
			if err := w.up(); err != nil {
				return at{}, err
			}
			elem = "."
		}
		if err := sysFstatat(w.cur(), elem, st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return at{}, err
		}
		mode := uint32(st.Mode) & unix.S_IFMT
		if mode == unix.S_IFLNK && (follow || trailing) {
			target, err := readlinkString(w.cur(), elem)
			if err == nil {
				target, err = w.expand(target)
			}
			if err != nil {
				return at{}, err
			}
			rest = target
			if trailing {
				rest += "/"
			}
			continue
		}
		if trailing && mode != unix.S_IFDIR {
			return at{}, syscall.ENOTDIR
		}
		return w.take(elem), nil
	}
}

// readlinkString returns the target of the symbolic link name in dirfd.
func readlinkString(dirfd int, name string) (string, error) {
	var small [256]byte
	buf := small[:]
	for {
		n, err := sysReadlinkat(dirfd, name, buf)
		if err != nil {
			return "", err
		}
		if n < len(buf) {
			return string(buf[:n]), nil
		}
		buf = make([]byte, 2*len(buf))
	}
}
