//go:build linux || darwin || freebsd

package capstd_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/capwasi/capwasi/capstd"
)

func Example() {
	host, _ := os.MkdirTemp("", "capstd-example")
	defer os.RemoveAll(host)
	os.WriteFile(filepath.Join(host, "secret"), []byte("host data"), 0o600)
	os.Mkdir(filepath.Join(host, "sandbox"), 0o755)

	// The one use of ambient authority: open the sandbox by host path.
	dir, err := capstd.OpenAmbientDir(filepath.Join(host, "sandbox"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer dir.Close()

	// Everything else is relative to dir.
	f, _ := dir.OpenFile("hello.txt", capstd.OCreate|capstd.OReadWrite, 0o644)
	f.Write([]byte("hello, sandbox"))
	f.Seek(0, io.SeekStart)
	data, _ := io.ReadAll(f)
	f.Close()
	fmt.Println(string(data))

	// Nothing outside is reachable, whether by "..", absolute paths or
	// symbolic links planted inside.
	_, err = dir.OpenFile("../secret", capstd.ORead, 0)
	fmt.Println(errors.Is(err, capstd.ErrEscape))
	dir.Symlink("../secret", "link")
	_, err = dir.Stat("link", true)
	fmt.Println(errors.Is(err, capstd.ErrEscape))
	fmt.Println(errors.Is(dir.Symlink("/etc/passwd", "abs"), capstd.ErrEscape))

	// Output:
	// hello, sandbox
	// true
	// true
	// true
}
