package capstdsync

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/capwasi/capwasi/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBuilderDefaults(t *testing.T) {
	ctx, err := NewWasiCtxBuilder().Build()
	require.NoError(t, err)
	defer ctx.Close()
	assert.Empty(t, ctx.Args())
	assert.Empty(t, ctx.Environ())
	for _, f := range []common.WasiFile{ctx.Stdin(), ctx.Stdout(), ctx.Stderr()} {
		require.NotNil(t, f)
		assert.Equal(t, common.FiletypeCharacterDevice, f.Filetype(), "a null file")
	}
	assert.Empty(t, ctx.Preopens())
	assert.Empty(t, ctx.Sockets())
	assert.NotNil(t, ctx.Clocks())
	assert.Equal(t, rand.Reader, ctx.Random())
	require.NotNil(t, ctx.Sched())
	require.NoError(t, ctx.Sched().Yield(bg))
}

func TestBuilderEverything(t *testing.T) {
	var out, errOut bytes.Buffer
	clocks := fixedClocks{now: 42}
	random := strings.NewReader("not random")
	b := NewWasiCtxBuilder().
		Args("prog", "-x").
		Args("more").
		Env("A", "1").
		Env("B", "x=y").
		Env("A", "2").
		Env("EMPTY", "").
		Stdin(NewReaderFile(strings.NewReader("in"))).
		Stdout(NewWriterFile(&out)).
		Stderr(NewWriterFile(&errOut)).
		Clocks(clocks).
		Random(random)
	if runtime.GOOS != "windows" {
		ro, err := OpenAmbientDir(t.TempDir())
		require.NoError(t, err)
		rw, err := OpenAmbientDir(t.TempDir())
		require.NoError(t, err)
		b.PreopenDir(ro, "/ro", ReadOnly).PreopenDir(rw, ".", ReadWrite)
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		b.PreopenSocket(l)
	}
	ctx, err := b.Build()
	require.NoError(t, err)
	defer ctx.Close()
	assert.Equal(t, []string{"prog", "-x", "more"}, ctx.Args())
	assert.Equal(t, []string{"A=2", "B=x=y", "EMPTY="}, ctx.Environ())
	_, err = ctx.Stdout().Write(bg, [][]byte{[]byte("out")})
	require.NoError(t, err)
	assert.Equal(t, "out", out.String())
	assert.Equal(t, clocks, ctx.Clocks())
	assert.Equal(t, random, ctx.Random())
	if runtime.GOOS != "windows" {
		require.Len(t, ctx.Preopens(), 2)
		assert.Equal(t, "/ro", ctx.Preopens()[0].GuestPath)
		assert.Equal(t, ".", ctx.Preopens()[1].GuestPath)
		base, _ := ctx.Preopens()[0].Dir.Rights()
		assert.False(t, base.Has(common.RightsPathCreateFile))
		base, _ = ctx.Preopens()[1].Dir.Rights()
		assert.True(t, base.Has(common.RightsPathCreateFile))
		require.Len(t, ctx.Sockets(), 1)
		assert.Equal(t, common.FiletypeSocketStream, ctx.Sockets()[0].Filetype())
		for _, p := range ctx.Preopens() {
			require.NoError(t, p.Dir.Close())
		}
		require.NoError(t, ctx.Sockets()[0].Close())
	}

	_, err = b.Build()
	assert.ErrorIs(t, err, ErrInvalidBuilder, "a builder builds once")
}

func TestBuilderInheritsFromTheProcess(t *testing.T) {
	t.Setenv("CAPSTDSYNC_TEST", "yes")
	ctx, err := NewWasiCtxBuilder().InheritArgs().InheritEnv().InheritStdio().Build()
	require.NoError(t, err)
	defer ctx.Close()
	assert.Equal(t, os.Args, ctx.Args())
	assert.Contains(t, ctx.Environ(), "CAPSTDSYNC_TEST=yes")
	for i, f := range []common.WasiFile{ctx.Stdin(), ctx.Stdout(), ctx.Stderr()} {
		require.NotNil(t, f, "stream %d", i)
		require.NoError(t, f.Close(), "closing never closes the host's stream %d", i)
	}
	_, err = os.Stdout.Stat()
	require.NoError(t, err)

	ctx2, err := NewWasiCtxBuilder().InheritStdout().Build()
	require.NoError(t, err)
	defer ctx2.Close()
	base, _ := ctx2.Stdout().Rights()
	assert.True(t, base.Has(common.RightsFdWrite))
	assert.Equal(t, common.FiletypeCharacterDevice, ctx2.Stdin().Filetype(), "the others stay null")
}

func TestBuilderInvalidInput(t *testing.T) {
	var dir, closed *Dir
	if runtime.GOOS != "windows" {
		var err error
		dir, err = OpenAmbientDir(t.TempDir())
		require.NoError(t, err)
		t.Cleanup(func() { _ = dir.Close() })
		closed, err = OpenAmbientDir(t.TempDir())
		require.NoError(t, err)
		require.NoError(t, closed.Close())
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()

	cases := []struct {
		name  string
		build func(*WasiCtxBuilder)
		needs bool // needs directories
	}{
		{"NUL in an argument", func(b *WasiCtxBuilder) { b.Args("ok", "a\x00b") }, false},
		{"empty env key", func(b *WasiCtxBuilder) { b.Env("", "v") }, false},
		{"'=' in env key", func(b *WasiCtxBuilder) { b.Env("A=B", "v") }, false},
		{"NUL in env key", func(b *WasiCtxBuilder) { b.Env("A\x00", "v") }, false},
		{"NUL in env value", func(b *WasiCtxBuilder) { b.Env("A", "v\x00") }, false},
		{"nil stdin", func(b *WasiCtxBuilder) { b.Stdin(nil) }, false},
		{"nil stdout", func(b *WasiCtxBuilder) { b.Stdout(nil) }, false},
		{"nil stderr", func(b *WasiCtxBuilder) { b.Stderr(nil) }, false},
		{"nil clocks", func(b *WasiCtxBuilder) { b.Clocks(nil) }, false},
		{"nil random", func(b *WasiCtxBuilder) { b.Random(nil) }, false},
		{"nil listener", func(b *WasiCtxBuilder) { b.PreopenSocket(nil) }, false},
		{"listener twice", func(b *WasiCtxBuilder) { b.PreopenSocket(l).PreopenSocket(l) }, false},
		{"nil dir", func(b *WasiCtxBuilder) { b.PreopenDir(nil, "/", ReadOnly) }, false},
		{"closed dir", func(b *WasiCtxBuilder) { b.PreopenDir(closed, "/", ReadOnly) }, true},
		{"empty guest path", func(b *WasiCtxBuilder) { b.PreopenDir(dir, "", ReadOnly) }, true},
		{"NUL in guest path", func(b *WasiCtxBuilder) { b.PreopenDir(dir, "/a\x00", ReadOnly) }, true},
		{"unknown permissions", func(b *WasiCtxBuilder) { b.PreopenDir(dir, "/", Perms(8)) }, true},
		{"duplicate guest path", func(b *WasiCtxBuilder) {
			other, err := OpenAmbientDir(t.TempDir())
			require.NoError(t, err)
			t.Cleanup(func() { _ = other.Close() })
			b.PreopenDir(dir, "/data", ReadOnly).PreopenDir(other, "/data", ReadWrite)
		}, true},
		{"same dir twice", func(b *WasiCtxBuilder) { b.PreopenDir(dir, "/a", ReadOnly).PreopenDir(dir, "/b", ReadOnly) }, true},
		{"empty host path", func(b *WasiCtxBuilder) { b.PreopenHostDir("", "/", ReadOnly) }, false},
		{"host dir, empty guest path", func(b *WasiCtxBuilder) { b.PreopenHostDir(".", "", ReadOnly) }, false},
		{"host dir, unknown permissions", func(b *WasiCtxBuilder) { b.PreopenHostDir(".", "/", Perms(8)) }, false},
		{"guest path of a host dir again", func(b *WasiCtxBuilder) {
			b.PreopenHostDir(".", "/x", ReadOnly).Preopen(&memDir{}, "/x")
		}, false},
		{"nil WasiDir", func(b *WasiCtxBuilder) { b.Preopen(nil, "/") }, false},
		{"same WasiDir twice", func(b *WasiCtxBuilder) {
			d := &memDir{}
			b.Preopen(d, "/a").Preopen(d, "/b")
		}, false},
		{"nil socket file", func(b *WasiCtxBuilder) { b.PreopenSocketFile(nil) }, false},
		{"same socket file twice", func(b *WasiCtxBuilder) {
			f := &memSocket{}
			b.PreopenSocketFile(f).PreopenSocketFile(f)
		}, false},
		{"root semantics not as /", func(b *WasiCtxBuilder) {
			rooted, err := OpenAmbientDir(t.TempDir(), WithRootSemantics())
			require.NoError(t, err)
			t.Cleanup(func() { _ = rooted.Close() })
			b.PreopenDir(rooted, "/data", ReadOnly)
		}, true},
		{"shared root semantics not as /", func(b *WasiCtxBuilder) {
			rooted, err := OpenSharedDir(t.TempDir(), WithRootSemantics())
			require.NoError(t, err)
			t.Cleanup(func() { _ = rooted.Close() })
			b.PreopenSharedDir(rooted, "/data", ReadOnly)
		}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.needs && dir == nil {
				t.Skip("no directories on this system")
			}
			b := NewWasiCtxBuilder().Args("prog")
			require.NotPanics(t, func() { c.build(b) })
			ctx, err := b.Build()
			require.Error(t, err)
			assert.Nil(t, ctx)
			assert.ErrorIs(t, err, ErrInvalidBuilder)
		})
	}

	// Every error is reported, not only the first.
	_, err = NewWasiCtxBuilder().Env("=", "").Args("\x00").Build()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Env")
	assert.Contains(t, err.Error(), "Args")

	if closed != nil {
		_, err = NewWasiCtxBuilder().PreopenDir(closed, "/", ReadOnly).Build()
		assert.ErrorIs(t, err, fs.ErrClosed)

		// A dir closed between PreopenDir and Build.
		later, err := OpenAmbientDir(t.TempDir())
		require.NoError(t, err)
		b := NewWasiCtxBuilder().PreopenDir(later, "/", ReadOnly)
		require.NoError(t, later.Close())
		_, err = b.Build()
		assert.ErrorIs(t, err, fs.ErrClosed)
	}
}

// A listener without a descriptor cannot be a socket file; Build says so
// and takes nothing.
type fakeListener struct{ net.Listener }

func TestBuilderRefusesForeignListener(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	_, err = NewWasiCtxBuilder().PreopenSocket(fakeListener{l}).Build()
	require.Error(t, err)
	assert.True(t, errors.Is(err, common.EINVAL) || errors.Is(err, common.ENOTSUP), "%v", err)
	_, err = NewListenerFile(fakeListener{l})
	require.Error(t, err)
}

func TestBuilderArgsEnvSize(t *testing.T) {
	// "prog" "-v" "A=1": 5 + 3 + 4 = 12 bytes with their NULs.
	ctx, err := NewWasiCtxBuilder().MaxArgsEnvSize(12).Args("prog", "-v").Env("A", "1").Build()
	require.NoError(t, err, "exactly the limit")
	require.NoError(t, ctx.Close())

	_, err = NewWasiCtxBuilder().MaxArgsEnvSize(11).Args("prog", "-v").Env("A", "1").Build()
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrInvalidBuilder)
	assert.ErrorIs(t, err, common.E2BIG)
	assert.Contains(t, err.Error(), "12 bytes, more than 11")

	_, err = NewWasiCtxBuilder().Args(strings.Repeat("x", DefaultMaxArgsEnvSize)).Build()
	assert.ErrorIs(t, err, common.E2BIG, "the default limit")
	ctx, err = NewWasiCtxBuilder().Args(strings.Repeat("x", DefaultMaxArgsEnvSize-1)).Build()
	require.NoError(t, err, "the default limit exactly")
	require.NoError(t, ctx.Close())

	_, err = NewWasiCtxBuilder().MaxArgsEnvSize(0).Build()
	assert.ErrorIs(t, err, ErrInvalidBuilder)
}

// memDir is a directory of another implementation, for the builder's
// Preopen: it answers Readdir with nothing and records its Close.
type memDir struct {
	common.UnimplementedDir
	closed bool
}

func (d *memDir) Close() error { d.closed = true; return nil }

// memSocket is a listening socket of another implementation.
type memSocket struct{ common.UnimplementedFile }

func (*memSocket) Filetype() common.Filetype { return common.FiletypeSocketStream }

func TestBuilderPreopensAnyImplementation(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no directories on this system")
	}
	host := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(host, "f"), []byte("host file"), 0o644))
	own, err := OpenAmbientDir(t.TempDir())
	require.NoError(t, err)
	virtual, sock := &memDir{}, &memSocket{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)

	ctx, err := NewWasiCtxBuilder().
		PreopenHostDir(host, "/host", ReadOnly).
		Preopen(virtual, "/virtual").
		PreopenDir(own, "/own", ReadWrite).
		PreopenSocketFile(sock).
		PreopenSocket(l).
		Build()
	require.NoError(t, err)
	defer ctx.Close()

	pre := ctx.Preopens()
	require.Len(t, pre, 3)
	assert.Equal(t, []string{"/host", "/virtual", "/own"}, []string{pre[0].GuestPath, pre[1].GuestPath, pre[2].GuestPath}, "in the order of the calls")
	assert.Same(t, virtual, pre[1].Dir, "any implementation is handed to the guest as it is")

	f, err := pre[0].Dir.OpenFile(bg, "f", common.OpenOptions{Read: true})
	require.NoError(t, err, "Build opened the host directory")
	buf := make([]byte, 16)
	n, err := f.Read(bg, [][]byte{buf})
	require.NoError(t, err)
	assert.Equal(t, "host file", string(buf[:n]))
	require.NoError(t, f.Close())
	_, err = pre[0].Dir.OpenFile(bg, "new", common.OpenOptions{Oflags: common.OflagsCreat, Write: true})
	assert.ErrorIs(t, err, common.EPERM, "the host directory is read-only")

	socks := ctx.Sockets()
	require.Len(t, socks, 2)
	assert.Same(t, sock, socks[0], "sockets in the order of the calls")
	assert.Equal(t, common.FiletypeSocketStream, socks[1].Filetype())

	for _, p := range pre {
		require.NoError(t, p.Dir.Close())
	}
	for _, s := range socks {
		require.NoError(t, s.Close())
	}
	assert.True(t, virtual.closed)
}

func TestBuilderPreopenHostDirFailure(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no directories on this system")
	}
	before := openFds(t)
	virtual := &memDir{}
	_, err := NewWasiCtxBuilder().
		PreopenHostDir(t.TempDir(), "/first", ReadWrite).
		Preopen(virtual, "/virtual").
		PreopenHostDir(filepath.Join(t.TempDir(), "missing"), "/missing", ReadOnly).
		Build()
	require.Error(t, err)
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.NotErrorIs(t, err, ErrInvalidBuilder, "a system failure, not invalid input")
	assert.Contains(t, err.Error(), "/missing")
	assert.False(t, virtual.closed, "what the caller gave stays the caller's")
	if before >= 0 {
		assert.Equal(t, before, openFds(t), "the directory Build opened is closed again")
	}
}
