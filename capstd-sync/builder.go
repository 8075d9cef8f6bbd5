package capstdsync

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"strings"

	"github.com/capwasi/capwasi/common"
)

// WasiCtxBuilder assembles a [common.WasiCtx] for one guest instance. Its
// methods record what they are given and return the builder, so that calls
// chain; invalid input is collected and reported by [WasiCtxBuilder.Build],
// never by a panic:
//
//	ctx, err := capstdsync.NewWasiCtxBuilder().
//		Args("app", "-v").
//		Env("HOME", "/").
//		InheritStdio().
//		PreopenDir(dir, "/", capstdsync.ReadOnly).
//		Build()
//
// Without further calls a context has no arguments, no environment,
// null standard streams ([NewNullFile]), no pre-opens, [SystemClocks],
// crypto/rand as its random source, and a [Sched].
//
// What the builder is given — directories, listeners, files — belongs to the
// built context once Build succeeds (the binding closes the files it hands
// out); if Build fails, nothing has been taken and the caller still owns it
// all. A builder builds once.
type WasiCtxBuilder struct {
	args     []string
	env      []string
	envIndex map[string]int // key → index in env, made by the first Env
	stdio    [3]common.WasiFile
	preopens []preopenSpec
	sockets  []socketSpec
	clocks   common.Clocks
	random   io.Reader
	maxArgs  int // most bytes of arguments and environment; 0: DefaultMaxArgsEnvSize
	errs     []error
	built    bool
}

// DefaultMaxArgsEnvSize is the most bytes of arguments and environment a
// context may hold unless [WasiCtxBuilder.MaxArgsEnvSize] says otherwise:
// 2 MiB, counting each string with its NUL (as args_sizes_get and
// environ_sizes_get do), ARG_MAX on Linux with the default 8 MiB stack.
// It matches the binding's own default limit (wazeroadapter's
// DefaultMaxArgsEnvSize), so that a context the builder accepts is not
// refused when the guest starts.
const DefaultMaxArgsEnvSize = 2 << 20

// preopenSpec is one pre-opened directory, in one of four forms: a Dir
// given by the caller (dir), a host path Build opens (host), any
// implementation's directory (any), an io/fs file system Build wraps
// (fsys), or a SharedDir (shared).
type preopenSpec struct {
	guestPath string
	dir       *Dir
	host      string
	hostOpts  []DirOption // how Build opens host
	any       common.WasiDir
	fsys      fs.FS
	shared    *SharedDir
	perms     Perms
	budget    *Budget // see budget.go
}

// socketSpec is one pre-opened socket: a listener Build wraps, or any
// implementation's file.
type socketSpec struct {
	listener net.Listener
	file     common.WasiFile
}

// ErrInvalidBuilder is wrapped by every error of [WasiCtxBuilder.Build]
// that reports invalid input, so that errors.Is(err, ErrInvalidBuilder)
// tells it from a system failure.
var ErrInvalidBuilder = errors.New("capstdsync: invalid WasiCtxBuilder input")

// NewWasiCtxBuilder returns an empty builder.
func NewWasiCtxBuilder() *WasiCtxBuilder { return &WasiCtxBuilder{} }

func (b *WasiCtxBuilder) fail(format string, a ...any) *WasiCtxBuilder {
	b.errs = append(b.errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidBuilder}, a...)...))
	return b
}

// Args appends command-line arguments; the first one a guest sees is its
// program name. An argument containing a NUL byte is invalid.
func (b *WasiCtxBuilder) Args(args ...string) *WasiCtxBuilder {
	for _, a := range args {
		if strings.IndexByte(a, 0) >= 0 {
			return b.fail("Args: argument %q contains NUL", a)
		}
	}
	b.args = append(b.args, args...)
	return b
}

// InheritArgs appends the host process's arguments (os.Args).
func (b *WasiCtxBuilder) InheritArgs() *WasiCtxBuilder { return b.Args(os.Args...) }

// Env sets an environment variable; setting a key again replaces its value
// in place. A key that is empty or contains '=' or NUL, or a value that
// contains NUL, is invalid.
func (b *WasiCtxBuilder) Env(key, value string) *WasiCtxBuilder {
	switch {
	case key == "":
		return b.fail("Env: empty key")
	case strings.ContainsAny(key, "=\x00"):
		return b.fail("Env: key %q contains '=' or NUL", key)
	case strings.IndexByte(value, 0) >= 0:
		return b.fail("Env: value of %q contains NUL", key)
	}
	kv := key + "=" + value
	if i, ok := b.envIndex[key]; ok {
		b.env[i] = kv
		return b
	}
	if b.envIndex == nil {
		b.envIndex = map[string]int{}
	}
	b.envIndex[key] = len(b.env)
	b.env = append(b.env, kv)
	return b
}

// InheritEnv sets every variable of the host process's environment
// (os.Environ). Entries a guest could not represent (Windows's "=C:"
// drive entries, which have no key) are skipped.
func (b *WasiCtxBuilder) InheritEnv() *WasiCtxBuilder {
	for _, kv := range os.Environ() {
		key, value, ok := strings.Cut(kv, "=")
		if !ok || key == "" {
			continue
		}
		b.Env(key, value)
	}
	return b
}

func (b *WasiCtxBuilder) setStdio(i int, name string, f common.WasiFile) *WasiCtxBuilder {
	if f == nil {
		return b.fail("%s: nil file", name)
	}
	b.stdio[i] = f
	return b
}

// Stdin sets the guest's standard input to f; for an io.Reader, use
// [NewReaderFile]. A nil f is invalid.
func (b *WasiCtxBuilder) Stdin(f common.WasiFile) *WasiCtxBuilder { return b.setStdio(0, "Stdin", f) }

// Stdout sets the guest's standard output to f; for an io.Writer, use
// [NewWriterFile]. A nil f is invalid.
func (b *WasiCtxBuilder) Stdout(f common.WasiFile) *WasiCtxBuilder {
	return b.setStdio(1, "Stdout", f)
}

// Stderr sets the guest's standard error to f; for an io.Writer, use
// [NewWriterFile]. A nil f is invalid.
func (b *WasiCtxBuilder) Stderr(f common.WasiFile) *WasiCtxBuilder {
	return b.setStdio(2, "Stderr", f)
}

// InheritStdin gives the guest the host process's standard input
// (descriptor 0). The host's descriptor is shared, never closed, and its
// flags are never changed: a guest's FDFLAGS_NONBLOCK is emulated (on
// Linux, macOS and FreeBSD a non-blocking read polls first and answers
// EAGAIN when nothing is there; on Windows the flag is only recorded).
func (b *WasiCtxBuilder) InheritStdin() *WasiCtxBuilder {
	return b.setStdio(0, "Stdin", inheritStdin())
}

// InheritStdout gives the guest the host process's standard output
// (descriptor 1), under the rules of [WasiCtxBuilder.InheritStdin].
func (b *WasiCtxBuilder) InheritStdout() *WasiCtxBuilder {
	return b.setStdio(1, "Stdout", inheritStdout())
}

// InheritStderr gives the guest the host process's standard error
// (descriptor 2), under the rules of [WasiCtxBuilder.InheritStdin].
func (b *WasiCtxBuilder) InheritStderr() *WasiCtxBuilder {
	return b.setStdio(2, "Stderr", inheritStderr())
}

// InheritStdio is InheritStdin, InheritStdout and InheritStderr.
func (b *WasiCtxBuilder) InheritStdio() *WasiCtxBuilder {
	return b.InheritStdin().InheritStdout().InheritStderr()
}

// PreopenDir gives the guest dir under the name guestPath (what
// fd_prestat_dir_name reports, e.g. "/", "/data" or "."), with perms saying
// what it may change beneath it ([ReadOnly], [ReadWrite], or [DirWrite] or
// [FileWrite] alone). Directories are numbered from 3 in the order of the
// Preopen* calls. A nil or closed dir, the same dir twice, an empty
// guestPath, one containing NUL, a guestPath given twice, and a dir opened
// [WithRootSemantics] under a guestPath other than "/" are invalid. The
// built context owns dir; to give one directory to many contexts, use
// [WasiCtxBuilder.PreopenSharedDir].
func (b *WasiCtxBuilder) PreopenDir(dir *Dir, guestPath string, perms Perms) *WasiCtxBuilder {
	switch {
	case dir == nil:
		return b.fail("PreopenDir: nil dir for %q", guestPath)
	case dir.Fd() == ^uintptr(0):
		b.errs = append(b.errs, fmt.Errorf("%w: PreopenDir: dir for %q is closed: %w", ErrInvalidBuilder, guestPath, fs.ErrClosed))
		return b
	case dir.HasRootSemantics() && guestPath != "/":
		return b.fail("PreopenDir: a Dir with root semantics pre-opened as %q, not \"/\"", guestPath)
	}
	for _, p := range b.preopens {
		if p.dir == dir {
			return b.fail("PreopenDir: the same Dir pre-opened as %q and %q", p.guestPath, guestPath)
		}
	}
	return b.addPreopen("PreopenDir", preopenSpec{guestPath: guestPath, dir: dir, perms: perms})
}

// PreopenHostDir gives the guest the host directory hostPath under the name
// guestPath, with perms, as [WasiCtxBuilder.PreopenDir] does, except that
// [WasiCtxBuilder.Build] opens the directory itself ([OpenAmbientDir] with
// opts) and the built context owns it: it is closed with the guest's
// descriptor, and by Build when Build fails. An empty hostPath is invalid;
// a directory that cannot be opened is an error of Build naming hostPath
// (not wrapping [ErrInvalidBuilder]); so is an invalid option, and
// [WithRootSemantics] for a guestPath other than "/" is an invalid input.
func (b *WasiCtxBuilder) PreopenHostDir(hostPath, guestPath string, perms Perms, opts ...DirOption) *WasiCtxBuilder {
	if hostPath == "" {
		return b.fail("PreopenHostDir: empty host path for %q", guestPath)
	}
	p := preopenSpec{guestPath: guestPath, host: hostPath, hostOpts: append([]DirOption(nil), opts...), perms: perms}
	return b.addPreopen("PreopenHostDir", p)
}

// PreopenSharedDir gives the guest the directory of s under the name
// guestPath, with perms, as [WasiCtxBuilder.PreopenDir] does, through the
// host descriptor every context pre-opening s shares (see [SharedDir]):
// the built context takes a reference to s, which its directory gives
// back when it is closed. The permissions are this context's own: one
// guest may get s read-only and another read-write. A nil s, an s already
// closed (by [SharedDir.Close]) and the guestPath rules of PreopenDir are
// invalid; the same s may be pre-opened more than once.
func (b *WasiCtxBuilder) PreopenSharedDir(s *SharedDir, guestPath string, perms Perms) *WasiCtxBuilder {
	switch {
	case s == nil:
		return b.fail("PreopenSharedDir: nil SharedDir for %q", guestPath)
	case s.isClosed():
		b.errs = append(b.errs, fmt.Errorf("%w: PreopenSharedDir: SharedDir for %q is closed: %w", ErrInvalidBuilder, guestPath, fs.ErrClosed))
		return b
	case s.d.HasRootSemantics() && guestPath != "/":
		return b.fail("PreopenSharedDir: a directory with root semantics pre-opened as %q, not \"/\"", guestPath)
	}
	return b.addPreopen("PreopenSharedDir", preopenSpec{guestPath: guestPath, shared: s, perms: perms})
}

// Preopen gives the guest dir, a directory of any implementation of
// [common.WasiDir] (an in-memory tree, an [io/fs.FS], a third-party file
// system), under the name guestPath, numbered with the other pre-opened
// directories in the order of the Preopen* calls. What dir allows is its
// own affair: the builder adds no permissions of its own. The built
// context owns dir (the binding closes it). A nil dir, the same dir twice,
// and the guestPath rules of [WasiCtxBuilder.PreopenDir] are invalid.
func (b *WasiCtxBuilder) Preopen(dir common.WasiDir, guestPath string) *WasiCtxBuilder {
	if dir == nil {
		return b.fail("Preopen: nil dir for %q", guestPath)
	}
	for _, p := range b.preopens {
		if p.any != nil && p.any == dir {
			return b.fail("Preopen: the same WasiDir pre-opened as %q and %q", p.guestPath, guestPath)
		}
	}
	return b.addPreopen("Preopen", preopenSpec{guestPath: guestPath, any: dir, perms: ReadWrite})
}

// PreopenFS gives the guest fsys — an embed.FS, an fstest.MapFS, an
// os.DirFS, a *zip.Reader, any io/fs file system — as a read-only directory
// under the name guestPath, numbered with the other pre-opened directories
// in the order of the Preopen* calls. Build wraps it with [NewFSDir] (see
// there for what the guest sees); a fsys whose root is not a directory is
// an error of Build naming guestPath. A nil fsys, and the guestPath rules
// of [WasiCtxBuilder.PreopenDir], are invalid. fsys stays the caller's:
// nothing closes it.
func (b *WasiCtxBuilder) PreopenFS(fsys fs.FS, guestPath string) *WasiCtxBuilder {
	if fsys == nil {
		return b.fail("PreopenFS: nil fs.FS for %q", guestPath)
	}
	return b.addPreopen("PreopenFS", preopenSpec{guestPath: guestPath, fsys: fsys, perms: ReadOnly})
}

// addPreopen checks what every pre-open shares, the guest path and the
// permissions, and records p.
func (b *WasiCtxBuilder) addPreopen(method string, p preopenSpec) *WasiCtxBuilder {
	switch {
	case p.guestPath == "":
		return b.fail("%s: empty guest path", method)
	case strings.IndexByte(p.guestPath, 0) >= 0:
		return b.fail("%s: guest path %q contains NUL", method, p.guestPath)
	case p.perms&^ReadWrite != 0:
		return b.fail("%s: unknown permissions %#x for %q", method, uint8(p.perms), p.guestPath)
	}
	for _, q := range b.preopens {
		if q.guestPath == p.guestPath {
			return b.fail("%s: guest path %q given twice", method, p.guestPath)
		}
	}
	b.preopens = append(b.preopens, p)
	return b
}

// PreopenSocket gives the guest a listening socket for sock_accept (see
// [NewListenerFile] for what a listener must be). Sockets are numbered
// after every pre-opened directory, in the order of these calls. A nil
// listener, or the same one twice, is invalid.
func (b *WasiCtxBuilder) PreopenSocket(l net.Listener) *WasiCtxBuilder {
	if l == nil {
		return b.fail("PreopenSocket: nil listener")
	}
	for _, s := range b.sockets {
		if s.listener == l {
			return b.fail("PreopenSocket: listener %v given twice", l.Addr())
		}
	}
	b.sockets = append(b.sockets, socketSpec{listener: l})
	return b
}

// PreopenSocketFile gives the guest f, a listening socket of any
// implementation (its [common.WasiFile.SockAccept] accepts connections),
// numbered with the sockets of [WasiCtxBuilder.PreopenSocket] in the order
// of these calls. The built context owns f. A nil f, or the same f twice,
// is invalid.
func (b *WasiCtxBuilder) PreopenSocketFile(f common.WasiFile) *WasiCtxBuilder {
	if f == nil {
		return b.fail("PreopenSocketFile: nil file")
	}
	for _, s := range b.sockets {
		if s.file != nil && s.file == f {
			return b.fail("PreopenSocketFile: the same file given twice")
		}
	}
	b.sockets = append(b.sockets, socketSpec{file: f})
	return b
}

// MaxArgsEnvSize sets the most bytes the arguments and the environment may
// take together, each string counted with its NUL (default
// [DefaultMaxArgsEnvSize]); [WasiCtxBuilder.Build] refuses more with an
// error wrapping both [ErrInvalidBuilder] and [common.E2BIG], as execve(2)
// refuses an oversized command line. A limit below 1 is invalid.
func (b *WasiCtxBuilder) MaxArgsEnvSize(n int) *WasiCtxBuilder {
	if n < 1 {
		return b.fail("MaxArgsEnvSize(%d): need at least 1", n)
	}
	b.maxArgs = n
	return b
}

// Clocks replaces the clocks (clock_time_get, clock_res_get, and the clock
// subscriptions of poll_oneoff), for example with fixed ones for a
// deterministic run. A nil c is invalid.
func (b *WasiCtxBuilder) Clocks(c common.Clocks) *WasiCtxBuilder {
	if c == nil {
		return b.fail("Clocks: nil clocks")
	}
	b.clocks = c
	return b
}

// Random replaces the source random_get reads (crypto/rand by default),
// for example with a seeded generator for a deterministic run. A nil r is
// invalid.
func (b *WasiCtxBuilder) Random(r io.Reader) *WasiCtxBuilder {
	if r == nil {
		return b.fail("Random: nil reader")
	}
	b.random = r
	return b
}

// Deterministic makes every run of the guest the same, given the same
// inputs: the clocks are [VirtualClocks] starting at [DeterministicEpoch]
// (the monotonic clock at [VirtualMonotonicStart]), which move only by what the guest waits for
// in poll_oneoff (a guest's sleep returns at once, the clocks advanced by
// its length; see [Sched] for a poll that also waits for files), and
// random_get reads math/rand/v2's ChaCha8 seeded with seed (its 8 bytes,
// little-endian, then zeros). It replaces what [WasiCtxBuilder.Clocks] and
// [WasiCtxBuilder.Random] set before it; calling them after it replaces
// its clocks or random source in turn.
//
// The rest of the context is the caller's to keep deterministic: the
// builder adds no environment of its own, but pre-opened host directories
// show their real times and inode numbers, and inherited streams or
// sockets bring in the outside world. A guest that waits by spinning on a
// clock instead of sleeping never sees time pass.
func (b *WasiCtxBuilder) Deterministic(seed int64) *WasiCtxBuilder {
	b.clocks = NewVirtualClocks(DeterministicEpoch)
	b.random = newSeededRandom(seed)
	return b
}

// Build returns the context. Its errors: every invalid input recorded by
// the methods above (joined, each wrapping [ErrInvalidBuilder]), arguments
// and environment larger than [WasiCtxBuilder.MaxArgsEnvSize] allows (also
// wrapping [common.E2BIG]), a second Build, a host directory of
// [WasiCtxBuilder.PreopenHostDir] that cannot be opened, an fs.FS of
// [WasiCtxBuilder.PreopenFS] whose root is not a directory, and a listener
// that cannot be a socket file. (The scheduler's wake-up descriptor is
// made when the guest first waits, not here: see [Sched].) On error
// nothing given to the builder has been taken or closed, and nothing Build
// opened stays open.
func (b *WasiCtxBuilder) Build() (common.WasiCtx, error) {
	if b.built {
		return nil, fmt.Errorf("%w: Build called twice", ErrInvalidBuilder)
	}
	limit := b.maxArgs
	if limit == 0 {
		limit = DefaultMaxArgsEnvSize
	}
	errs := b.errs[:len(b.errs):len(b.errs)]
	if size := stringsSize(b.args) + stringsSize(b.env); size > uint64(limit) {
		errs = append(errs, fmt.Errorf("%w: arguments and environment of %d bytes, more than %d (MaxArgsEnvSize): %w",
			ErrInvalidBuilder, size, limit, common.E2BIG))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, p := range b.preopens {
		if p.dir != nil && p.dir.Fd() == ^uintptr(0) { // closed since PreopenDir
			return nil, fmt.Errorf("%w: PreopenDir: dir for %q is closed: %w", ErrInvalidBuilder, p.guestPath, fs.ErrClosed)
		}
	}
	c := &wasiCtx{
		args:   append([]string(nil), b.args...),
		env:    append([]string(nil), b.env...),
		clocks: b.clocks,
		random: b.random,
	}
	if c.clocks == nil {
		c.clocks = SystemClocks()
	}
	if c.random == nil {
		c.random = rand.Reader
	}
	preopens := make([]common.Preopen, 0, len(b.preopens))
	fail := func(err error) (common.WasiCtx, error) {
		for i, p := range preopens {
			if q := b.preopens[i]; q.host != "" || q.shared != nil {
				_ = p.Dir.Close() // opened, or a reference taken, by Build
			}
		}
		return nil, err
	}
	for _, p := range b.preopens {
		var d common.WasiDir
		switch {
		case p.any != nil:
			d = p.any
		case p.dir != nil:
			d = &dirFile{d: p.dir, perms: p.perms, budget: p.budget}
		case p.fsys != nil:
			fd, err := NewFSDir(p.fsys)
			if err != nil {
				return fail(fmt.Errorf("capstdsync: PreopenFS %q: %w", p.guestPath, err))
			}
			d = fd
		case p.shared != nil:
			if !p.shared.acquire() { // closed since PreopenSharedDir
				return fail(fmt.Errorf("%w: PreopenSharedDir: SharedDir for %q is closed: %w", ErrInvalidBuilder, p.guestPath, fs.ErrClosed))
			}
			d = &dirFile{d: p.shared.d, shared: p.shared, perms: p.perms}
		default:
			dir, err := OpenAmbientDir(p.host, p.hostOpts...)
			if err != nil {
				return fail(fmt.Errorf("capstdsync: PreopenHostDir %q: %w", p.guestPath, err))
			}
			if dir.HasRootSemantics() && p.guestPath != "/" {
				_ = dir.Close()
				return fail(fmt.Errorf("%w: PreopenHostDir: root semantics for %q, not \"/\"", ErrInvalidBuilder, p.guestPath))
			}
			d = &dirFile{d: dir, perms: p.perms, budget: p.budget}
		}
		preopens = append(preopens, common.Preopen{GuestPath: p.guestPath, Dir: d})
	}
	sockets := make([]common.WasiFile, 0, len(b.sockets))
	for _, s := range b.sockets {
		if s.file != nil {
			sockets = append(sockets, s.file)
			continue
		}
		f, err := NewListenerFile(s.listener)
		if err != nil {
			return fail(fmt.Errorf("capstdsync: PreopenSocket %v: %w", s.listener.Addr(), err))
		}
		sockets = append(sockets, f)
	}
	c.sched.init(c.clocks) // holds nothing yet
	c.preopens, c.sockets = preopens, sockets
	for i, f := range b.stdio {
		if f == nil {
			b.stdio[i] = NewNullFile()
		}
	}
	c.stdin, c.stdout, c.stderr = b.stdio[0], b.stdio[1], b.stdio[2]
	b.built = true
	return c, nil
}

// stringsSize returns the bytes of list's strings, each with its NUL.
func stringsSize(list []string) uint64 {
	var n uint64
	for _, s := range list {
		n += uint64(len(s)) + 1
	}
	return n
}
