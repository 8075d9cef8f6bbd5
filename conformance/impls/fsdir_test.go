package impls_test

import (
	"archive/zip"
	"bytes"
	"context"
	"embed"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	capstdsync "github.com/capwasi/capwasi/capstd-sync"
	"github.com/capwasi/capwasi/common"
	"github.com/capwasi/capwasi/conformance/engine"
	"github.com/capwasi/capwasi/conformance/guests"
	"github.com/capwasi/capwasi/conformance/memfs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

//go:embed testdata/embedded
var embedded embed.FS

// walk runs the walk guest over the guest paths in args, with the context
// newCtx builds (nil: engine.CapwasiCtx from dirs), and returns its output.
func walk(t *testing.T, dirs []engine.Dir, newCtx func(*engine.Invocation) (common.WasiCtx, error), args ...string) string {
	t.Helper()
	p, err := guests.Build("walk")
	require.NoError(t, err)
	wasm, err := os.ReadFile(p)
	require.NoError(t, err)
	eng, err := engine.New("capwasi", engine.Options{CacheDir: filepath.Join(guests.CacheDir(), "..", "wazero"), NewCtx: newCtx})
	require.NoError(t, err)
	var stdout, stderr bytes.Buffer
	code, err := eng.Run(context.Background(), &engine.Invocation{
		Wasm: wasm, Args: append([]string{"walk"}, args...), Dirs: dirs, Stdout: &stdout, Stderr: &stderr,
	})
	require.NoError(t, err)
	require.Zero(t, code, "stdout: %s\nstderr: %s", stdout.String(), stderr.String())
	return stdout.String()
}

// TestGoGuestWalksEachFS: a Go guest lists and reads an embed.FS, an
// fstest.MapFS, an os.DirFS and a zip archive pre-opened with PreopenFS:
// every entry, with a non-zero inode (Go drops entries without), its
// content, a seek where the file can seek, and ESPIPE ("Illegal seek")
// where it cannot (a compressed zip entry); a link leading out of the
// os.DirFS is EPERM ("Operation not permitted"), its target unread.
func TestGoGuestWalksEachFS(t *testing.T) {
	sub, err := fs.Sub(embedded, "testdata/embedded")
	require.NoError(t, err)

	host := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(host, "d"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(host, "d", "f.txt"), []byte("on disk"), 0o644))
	require.NoError(t, os.Symlink("d/f.txt", filepath.Join(host, "link")))
	require.NoError(t, os.Symlink("../secret", filepath.Join(host, "out")))
	require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(host), "secret"), []byte("must not be read"), 0o644))

	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "docs/readme.txt", Method: zip.Deflate})
	require.NoError(t, err)
	_, err = w.Write([]byte("zipped text"))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	zr, err := zip.NewReader(bytes.NewReader(zb.Bytes()), int64(zb.Len()))
	require.NoError(t, err)

	for _, c := range []struct {
		name string
		fsys fs.FS
		want []string
	}{
		{"embed.FS", sub, []string{
			"/data/\n", `/data/hello.txt 15 "embedded hello\n"`, `/data/hello.txt from 1: "mbedded hello\n"`,
			"/data/sub/\n", `/data/sub/deep.txt 12 "deep inside\n"`,
		}},
		{"fstest.MapFS", fstest.MapFS{
			"a.txt":     {Data: []byte("map file")},
			"dir/b.txt": {Data: []byte("in a dir")},
			"l":         {Mode: fs.ModeSymlink, Data: []byte("dir/b.txt")},
		}, []string{
			`/data/a.txt 8 "map file"`, `/data/a.txt from 1: "ap file"`, "/data/dir/\n",
			`/data/dir/b.txt 8 "in a dir"`, `/data/l -> dir/b.txt: "in a dir"`,
		}},
		{"os.DirFS", os.DirFS(host), []string{
			"/data/d/\n", `/data/d/f.txt 7 "on disk"`, `/data/d/f.txt from 1: "n disk"`,
			`/data/link -> d/f.txt: "on disk"`, "/data/out -> ../secret: ",
		}},
		{"zip.Reader", zr, []string{
			"/data/docs/\n", `/data/docs/readme.txt 11 "zipped text"`, "/data/docs/readme.txt from 1: seek: seek /data/docs/readme.txt: Illegal seek",
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := walk(t, []engine.Dir{{GuestPath: "/data", FS: c.fsys}}, nil, "/data")
			for _, w := range c.want {
				assert.Contains(t, out, w)
			}
			assert.NotContains(t, out, "no inode")
			assert.NotContains(t, out, "must not be read")
			if c.name == "os.DirFS" {
				assert.Contains(t, out, "/data/out -> ../secret: open /data/out: Operation not permitted")
			}
		})
	}
}

// TestBuilderMixesHostFSAndMemfs is issue 14's end-to-end test: one context
// built through capstd-sync's builder holds a host directory, an embed.FS
// and an in-memory directory of another implementation (memfs), and a Go
// guest lists and reads all three.
func TestBuilderMixesHostFSAndMemfs(t *testing.T) {
	host := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(host, "host.txt"), []byte("from the host"), 0o644))
	sub, err := fs.Sub(embedded, "testdata/embedded")
	require.NoError(t, err)
	mem := memfs.New()
	require.NoError(t, mem.Load(fstest.MapFS{"mem/inside.txt": {Data: []byte("in memory")}}))

	newCtx := func(inv *engine.Invocation) (common.WasiCtx, error) {
		return capstdsync.NewWasiCtxBuilder().
			Args(inv.Args...).
			Stdout(capstdsync.NewWriterFile(inv.Stdout)).
			Stderr(capstdsync.NewWriterFile(inv.Stderr)).
			PreopenHostDir(host, "/host", capstdsync.ReadOnly).
			PreopenFS(sub, "/embed").
			Preopen(mem.Root(false), "/mem").
			Build()
	}
	out := walk(t, nil, newCtx, "/host", "/embed", "/mem")
	for _, w := range []string{
		`/host/host.txt 13 "from the host"`, `/host/host.txt from 1: "rom the host"`,
		`/embed/hello.txt 15 "embedded hello\n"`, `/embed/sub/deep.txt 12 "deep inside\n"`,
		"/mem/mem/\n", `/mem/mem/inside.txt 9 "in memory"`, `/mem/mem/inside.txt from 1: "n memory"`,
	} {
		assert.Contains(t, out, w)
	}
	assert.NotContains(t, out, "no inode")
	assert.Equal(t, 0, strings.Count(out, "walk "), out)
}
