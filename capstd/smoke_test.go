package capstd

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSmoke(t *testing.T) {
	base := t.TempDir()
	os.WriteFile(filepath.Join(base, "secret"), []byte("x"), 0o600)
	os.Mkdir(filepath.Join(base, "root"), 0o755)
	os.Symlink("../secret", filepath.Join(base, "root", "ln"))
	d, err := OpenAmbientDir(filepath.Join(base, "root"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	f, err := d.OpenFile("x", OCreate|OWrite, 0o644)
	t.Log(f, err)
	if f != nil {
		f.Write([]byte("hello"))
		f.Close()
	}
	_, err = d.OpenFile("ln", ORead, 0)
	t.Log(err)
	_, err = d.OpenFile("../secret", ORead, 0)
	t.Log(err)
	st, err := d.Stat("x", true)
	t.Log(st, err)
	r, _ := d.OpenDirReader()
	for {
		e, err := r.Next()
		if err != nil {
			t.Log(err)
			break
		}
		t.Logf("%s %d %v %d", e.Name, e.Ino, e.Type, e.Next)
	}
}
