package bench

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/capwasi/capwasi/conformance/guests"
)

// Tools are the programs a benchmark runs. Empty fields are built by
// [BuildTools].
type Tools struct {
	WasiRun     string // the wasi-run command
	Wazero      string // the wazero command of the wazero version capwasi uses
	BenchWasm   string // the bench guest for wasip1
	BenchNative string // the bench guest for the host
	EmptyWasm   string // the empty guest for wasip1
	EmptyNative string // the empty guest for the host
	// Memfs is a program that calls [ServeMemfs] first thing: wasi-bench
	// or this package's test binary. Empty: no memfs column.
	Memfs string
}

// BuildTools fills the empty fields of t, building into dir: wasi-run with
// go build (from this package's module, so it is the capwasi being
// measured), the wazero command with go build from the module cache's copy
// of the wazero module this package was built with, and the guests with
// [guests.Build] and [guests.BuildNative]. It needs the go command.
func BuildTools(t Tools, dir string) (Tools, error) {
	var err error
	build := func(p *string, f func() (string, error)) {
		if err == nil && *p == "" {
			*p, err = f()
		}
	}
	exe := ""
	if runtime.GOOS == "windows" {
		exe = ".exe"
	}
	build(&t.WasiRun, func() (string, error) {
		out := filepath.Join(dir, "wasi-run"+exe)
		return out, goBuild(sourceDir(), out, "github.com/capwasi/capwasi/conformance/cmd/wasi-run", nil)
	})
	build(&t.Wazero, func() (string, error) {
		mod, err := goOutput(sourceDir(), "list", "-m", "-f", "{{.Dir}}", "github.com/tetratelabs/wazero")
		if err != nil {
			return "", fmt.Errorf("bench: finding the wazero module: %w", err)
		}
		out := filepath.Join(dir, "wazero"+exe)
		return out, goBuild(mod, out, "./cmd/wazero", []string{"GOWORK=off", "GOFLAGS=-mod=mod"})
	})
	build(&t.BenchWasm, func() (string, error) { return guests.Build("bench") })
	build(&t.BenchNative, func() (string, error) { return guests.BuildNative("bench") })
	build(&t.EmptyWasm, func() (string, error) { return guests.Build("empty") })
	build(&t.EmptyNative, func() (string, error) { return guests.BuildNative("empty") })
	return t, err
}

// sourceDir is the directory of this package's sources when they are on
// disk (a checkout or the module cache), so that go commands run in its
// module; else the current directory.
func sourceDir() string {
	_, file, _, ok := runtime.Caller(0)
	if ok {
		if d := filepath.Dir(file); isDir(d) {
			return d
		}
	}
	return "."
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// goBuild runs go build -o out pkg in dir.
func goBuild(dir, out, pkg string, env []string) error {
	cmd := exec.Command(goCommand(), "build", "-o", out, pkg)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "CGO_ENABLED=0"), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("bench: go build %s: %w\n%s", pkg, err, stderr.Bytes())
	}
	return nil
}

// goOutput runs the go command in dir and returns its trimmed output.
func goOutput(dir string, args ...string) (string, error) {
	cmd := exec.Command(goCommand(), args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return strings.TrimSpace(string(out)), nil
}

// goCommand is the go command on PATH, else GOROOT's.
func goCommand() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if root := os.Getenv("GOROOT"); root != "" {
		return filepath.Join(root, "bin", "go")
	}
	return "go"
}
