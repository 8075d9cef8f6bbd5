package main

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tree writes a fake repository whose modules have the given go.mod
// bodies (after the module line), each with one Go file.
func tree(t *testing.T, gomods map[string]string) string {
	t.Helper()
	repo := t.TempDir()
	for _, dir := range modules {
		d := filepath.Join(repo, dir)
		if err := os.MkdirAll(filepath.Join(d, "nested"), 0o755); err != nil {
			t.Fatal(err)
		}
		mod := "module " + prefix + dir + "\n\ngo 1.26.0\n" + gomods[dir]
		files := map[string]string{
			"go.mod":         mod,
			"x.go":           "package x\n",
			"nested/go.mod":  "module example.com/nested\n",
			"nested/n.go":    "package nested\n",
			"testdata/a.txt": "kept\n",
		}
		for name, body := range files {
			p := filepath.Join(d, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return repo
}

func TestPublishWritesAProxy(t *testing.T) {
	repo := tree(t, map[string]string{"capstd-sync": "require " + prefix + "common v0.3.0\n"})
	out := t.TempDir()
	if err := publishAll(repo, "v0.3.0", out); err != nil {
		t.Fatal(err)
	}
	at := filepath.Join(out, "github.com", "capwasi", "capwasi", "capstd-sync", "@v")
	list, err := os.ReadFile(filepath.Join(at, "list"))
	if err != nil || string(list) != "v0.3.0\n" {
		t.Fatalf("list = %q, %v", list, err)
	}
	info, err := os.ReadFile(filepath.Join(at, "v0.3.0.info"))
	if err != nil || !strings.Contains(string(info), `"Version":"v0.3.0"`) {
		t.Fatalf("info = %q, %v", info, err)
	}
	z, err := zip.OpenReader(filepath.Join(at, "v0.3.0.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	var names []string
	for _, f := range z.File {
		names = append(names, f.Name)
	}
	want := prefix + "capstd-sync@v0.3.0/"
	got := strings.Join(names, " ")
	for _, n := range []string{"go.mod", "x.go", "testdata/a.txt"} {
		if !strings.Contains(got, want+n) {
			t.Errorf("zip lacks %s: %s", n, got)
		}
	}
	if strings.Contains(got, "nested") {
		t.Errorf("zip holds the nested module: %s", got)
	}
	if err := publishAll(repo, "v0.3.0", out); err != nil {
		t.Fatal(err)
	}
	if list, _ := os.ReadFile(filepath.Join(at, "list")); string(list) != "v0.3.0\n" {
		t.Errorf("a version is listed once, got %q", list)
	}
}

func TestPublishRefusesWhatUsersCannotResolve(t *testing.T) {
	for name, c := range map[string]struct{ gomod, want string }{
		"an old sibling version": {"require " + prefix + "common v0.0.0\n", "requires " + prefix + "common v0.0.0"},
		"a replace line":         {"replace " + prefix + "common => ../common\n", "replace " + prefix + "common"},
	} {
		t.Run(name, func(t *testing.T) {
			repo := tree(t, map[string]string{"wazeroadapter": c.gomod})
			out := t.TempDir()
			err := publishAll(repo, "v0.3.0", out)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to name %q", err, c.want)
			}
			if ents, _ := os.ReadDir(out); len(ents) != 0 {
				t.Errorf("published despite the error: %v", ents)
			}
		})
	}
	if err := publishAll(tree(t, nil), "1.0", t.TempDir()); err == nil {
		t.Error("a version without v is refused")
	}
}

func TestSetVersion(t *testing.T) {
	repo := tree(t, map[string]string{
		"capstd-sync": "require (\n\t" + prefix + "common v0.1.0\n\t" + prefix + "capstd v0.1.0\n\tgolang.org/x/sys v0.50.0\n)\n",
	})
	work := "go 1.26.0\n\nuse ./common\n\n// a comment that stays\nreplace (\n"
	for _, dir := range modules[:len(modules)-1] {
		work += "\t" + prefix + dir + " v0.1.0 => ./" + dir + "\n"
	}
	work += ")\n"
	if err := os.WriteFile(filepath.Join(repo, "go.work"), []byte(work), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := setVersion(repo, "v0.2.0"); err != nil {
		t.Fatal(err)
	}
	mod, _ := os.ReadFile(filepath.Join(repo, "capstd-sync", "go.mod"))
	for _, want := range []string{prefix + "common v0.2.0", prefix + "capstd v0.2.0", "golang.org/x/sys v0.50.0"} {
		if !strings.Contains(string(mod), want) {
			t.Errorf("go.mod lacks %q:\n%s", want, mod)
		}
	}
	got, _ := os.ReadFile(filepath.Join(repo, "go.work"))
	if want := strings.ReplaceAll(work, "v0.1.0", "v0.2.0"); string(got) != want {
		t.Errorf("go.work:\n%s\nwant:\n%s", got, want)
	}
	if err := publishAll(repo, "v0.2.0", t.TempDir()); err != nil {
		t.Errorf("the tree publishes at the new version: %v", err)
	}

	if err := os.WriteFile(filepath.Join(repo, "go.work"), []byte("go 1.26.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := setVersion(repo, "v0.3.0"); err == nil || !strings.Contains(err.Error(), "no line replaces") {
		t.Errorf("a go.work without the replace lines: %v", err)
	}
	if after, _ := os.ReadFile(filepath.Join(repo, "capstd-sync", "go.mod")); string(after) != string(mod) {
		t.Errorf("a failed set-version changed go.mod:\n%s\nwas:\n%s", after, mod)
	}
}
