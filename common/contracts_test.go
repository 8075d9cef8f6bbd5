package common

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tinyFile is a read-only in-memory file that supplies only Read, Filetype
// and Filestat; everything else comes from UnimplementedFile.
type tinyFile struct {
	UnimplementedFile
	data *strings.Reader
}

func (f *tinyFile) Filetype() Filetype { return FiletypeRegularFile }

func (f *tinyFile) Read(_ context.Context, iovs [][]byte) (int, error) {
	n := 0
	for _, iov := range iovs {
		m, err := f.data.Read(iov)
		n += m
		if err == io.EOF {
			break
		}
	}
	return n, nil
}

func (f *tinyFile) Filestat(context.Context) (Filestat, error) {
	return Filestat{Filetype: FiletypeRegularFile, Nlink: 1, Size: Filesize(f.data.Size())}, nil
}

// tinyDir is a directory holding one file, supplying only OpenFile.
type tinyDir struct {
	UnimplementedDir
	name, content string
}

func (d *tinyDir) OpenFile(_ context.Context, path string, opts OpenOptions) (WasiFile, error) {
	if path != d.name {
		return nil, &ErrnoError{Op: "open", Path: strings.Clone(path), Errno: ENOENT}
	}
	if opts.Write || opts.Oflags&(OflagsCreat|OflagsTrunc) != 0 {
		return nil, EPERM
	}
	return &tinyFile{data: strings.NewReader(d.content)}, nil
}

type tinyClocks struct{ now Timestamp }

func (c tinyClocks) Resolution(id Clockid) (Timestamp, error) {
	if id > ClockidMonotonic {
		return 0, EINVAL
	}
	return 1, nil
}

func (c tinyClocks) Now(id Clockid) (Timestamp, error) {
	if id > ClockidMonotonic {
		return 0, EINVAL
	}
	return c.now, nil
}

// tinySched fires every subscription at once: enough to satisfy the contract
// shape, not a real scheduler.
type tinySched struct{}

func (tinySched) Poll(_ context.Context, subs []Subscription, events []Event) (int, error) {
	for i, s := range subs {
		events[i] = Event{Userdata: s.Userdata, Type: s.Type, Error: s.Err}
	}
	return len(subs), nil
}

func (tinySched) Yield(context.Context) error { return nil }

type tinyCtx struct{ dir *tinyDir }

func (c *tinyCtx) Args() []string      { return []string{"prog"} }
func (c *tinyCtx) Environ() []string   { return nil }
func (c *tinyCtx) Stdin() WasiFile     { return &tinyFile{data: strings.NewReader("")} }
func (c *tinyCtx) Stdout() WasiFile    { return UnimplementedFile{} }
func (c *tinyCtx) Stderr() WasiFile    { return UnimplementedFile{} }
func (c *tinyCtx) Preopens() []Preopen { return []Preopen{{GuestPath: "/", Dir: c.dir}} }
func (c *tinyCtx) Sockets() []WasiFile { return nil }
func (c *tinyCtx) Clocks() Clocks      { return tinyClocks{now: Timestamp(time.Second)} }
func (c *tinyCtx) Random() io.Reader   { return bytes.NewReader(make([]byte, 64)) }
func (c *tinyCtx) Sched() Sched        { return tinySched{} }
func (c *tinyCtx) Close() error        { return nil }

var (
	_ WasiFile = UnimplementedFile{}
	_ WasiDir  = UnimplementedDir{}
	_ WasiFile = (*tinyFile)(nil)
	_ WasiDir  = (*tinyDir)(nil)
	_ Clocks   = tinyClocks{}
	_ Sched    = tinySched{}
	_ WasiCtx  = (*tinyCtx)(nil)
)

func TestTinyImplementationWorksThroughTheContracts(t *testing.T) {
	ctx := context.Background()
	var wc WasiCtx = &tinyCtx{dir: &tinyDir{name: "hello.txt", content: "hello, world"}}
	pre := wc.Preopens()
	require.Len(t, pre, 1)
	assert.Equal(t, FiletypeDirectory, pre[0].Dir.Filetype())

	_, err := pre[0].Dir.OpenFile(ctx, "missing", OpenOptions{Read: true})
	assert.Equal(t, ENOENT, ErrnoOf(err))
	_, err = pre[0].Dir.OpenFile(ctx, "hello.txt", OpenOptions{Oflags: OflagsTrunc})
	assert.Equal(t, EPERM, ErrnoOf(err))

	f, err := pre[0].Dir.OpenFile(ctx, "hello.txt", OpenOptions{Read: true})
	require.NoError(t, err)
	a, b := make([]byte, 5), make([]byte, 64)
	n, err := f.Read(ctx, [][]byte{a, b})
	require.NoError(t, err)
	assert.Equal(t, 12, n)
	assert.Equal(t, "hello", string(a))
	assert.Equal(t, ", world", string(b[:n-5]))
	st, err := f.Filestat(ctx)
	require.NoError(t, err)
	assert.Equal(t, Filesize(12), st.Size)

	// What the tiny file does not implement answers per the defaults.
	_, err = f.Write(ctx, [][]byte{a})
	assert.Equal(t, EBADF, ErrnoOf(err))
	_, err = f.Seek(ctx, 0, WhenceCur)
	assert.Equal(t, ESPIPE, ErrnoOf(err))
	assert.Equal(t, ENOTSOCK, ErrnoOf(f.SockShutdown(ctx, SdflagsRd)))
	require.NoError(t, f.Close())

	now, err := wc.Clocks().Now(ClockidMonotonic)
	require.NoError(t, err)
	assert.Equal(t, Timestamp(time.Second), now)
	_, err = wc.Clocks().Now(ClockidThreadCputimeID)
	assert.Equal(t, EINVAL, ErrnoOf(err))

	events := make([]Event, 2)
	n, err = wc.Sched().Poll(ctx, []Subscription{
		{Userdata: 7, Type: EventtypeClock},
		{Userdata: 9, Type: EventtypeFdRead, Fd: 99, Err: EBADF},
	}, events)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	assert.Equal(t, Event{Userdata: 9, Type: EventtypeFdRead, Error: EBADF}, events[1])
}

func TestUnimplementedDefaults(t *testing.T) {
	ctx := context.Background()
	var f WasiFile = UnimplementedFile{}
	base, inh := f.Rights()
	assert.Equal(t, RightsAll, base)
	assert.Equal(t, RightsAll, inh)
	assert.Equal(t, FiletypeUnknown, f.Filetype())
	flags, err := f.Fdflags(ctx)
	assert.NoError(t, err)
	assert.Zero(t, flags)

	fileCases := map[string]struct {
		err  error
		want Errno
	}{
		"SetFdflags": {f.SetFdflags(ctx, FdflagsAppend), ENOTSUP},
		"SetSize":    {f.SetSize(ctx, 1), ENOTSUP},
		"SetTimes":   {f.SetTimes(ctx, 0, 0, FstflagsAtimNow), ENOTSUP},
		"Advise":     {f.Advise(ctx, 0, 0, AdviceNormal), ESPIPE},
		"Allocate":   {f.Allocate(ctx, 0, 1), ENOTSUP},
		"Sync":       {f.Sync(ctx), EINVAL},
		"Datasync":   {f.Datasync(ctx), EINVAL},
		"Filestat":   {second(f.Filestat(ctx)), ENOTSUP},
		"Read":       {second(f.Read(ctx, nil)), EBADF},
		"Pread":      {second(f.Pread(ctx, nil, 0)), ESPIPE},
		"Write":      {second(f.Write(ctx, nil)), EBADF},
		"Pwrite":     {second(f.Pwrite(ctx, nil, 0)), ESPIPE},
		"Seek":       {second(f.Seek(ctx, 0, WhenceSet)), ESPIPE},
		"SockAccept": {second(f.SockAccept(ctx, 0)), ENOTSOCK},
		"SockSend":   {second(f.SockSend(ctx, nil, 0)), ENOTSOCK},
		"SockShut":   {f.SockShutdown(ctx, SdflagsWr), ENOTSOCK},
		"Close":      {f.Close(), ESUCCESS},
	}
	_, _, recvErr := f.SockRecv(ctx, nil, 0)
	fileCases["SockRecv"] = struct {
		err  error
		want Errno
	}{recvErr, ENOTSOCK}
	for name, c := range fileCases {
		assert.Equal(t, c.want, ErrnoOf(c.err), name)
	}

	var d WasiDir = UnimplementedDir{}
	assert.Equal(t, FiletypeDirectory, d.Filetype())
	dirCases := map[string]struct {
		err  error
		want Errno
	}{
		"Read":             {second(d.Read(ctx, nil)), EISDIR},
		"Pread":            {second(d.Pread(ctx, nil, 0)), EISDIR},
		"Write":            {second(d.Write(ctx, nil)), EISDIR},
		"Pwrite":           {second(d.Pwrite(ctx, nil, 0)), EISDIR},
		"Seek":             {second(d.Seek(ctx, 0, WhenceSet)), EBADF},
		"OpenFile":         {second(d.OpenFile(ctx, "x", OpenOptions{})), ENOTSUP},
		"CreateDirectory":  {d.CreateDirectory(ctx, "x"), ENOTSUP},
		"Readdir":          {second(d.Readdir(ctx, 0, nil)), ENOTSUP},
		"Symlink":          {d.Symlink(ctx, "t", "x"), ENOTSUP},
		"Readlink":         {second(d.Readlink(ctx, "x", nil)), ENOTSUP},
		"RemoveDirectory":  {d.RemoveDirectory(ctx, "x"), ENOTSUP},
		"UnlinkFile":       {d.UnlinkFile(ctx, "x"), ENOTSUP},
		"PathFilestat":     {second(d.PathFilestat(ctx, 0, "x")), ENOTSUP},
		"PathSetTimes":     {d.PathSetTimes(ctx, 0, "x", 0, 0, 0), ENOTSUP},
		"Rename":           {d.Rename(ctx, "x", d, "y"), ENOTSUP},
		"Link":             {d.Link(ctx, 0, "x", d, "y"), ENOTSUP},
		"Sync (inherited)": {d.Sync(ctx), EINVAL},
	}
	for name, c := range dirCases {
		assert.Equal(t, c.want, ErrnoOf(c.err), name)
	}
}

// second returns the error of a two-result call.
func second[T any](_ T, err error) error { return err }
