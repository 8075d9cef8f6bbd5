// Package guests holds the WebAssembly guest programs of the conformance
// suite, the benchmarks and the samples, as Go sources for GOOS=wasip1, and
// builds them on demand.
//
// Each guest is a directory of this package (hello, ...) holding a main
// package, most with the "wasip1" build constraint, so that host builds skip
// them. The benchmark's guests (bench, empty) have none: they also build for
// the host ([BuildNative]), so that the same source runs natively as the
// reference. The directory abi is not a guest but the package of raw
// preview1 import declarations that wasicall, hostile and grow share. The
// sources are embedded, so [Build] works wherever this package is
// compiled, including from the module cache of a project that
// depends on capwasi. Built programs are cached by the hash of their
// sources, the target and the Go toolchain, so a guest is compiled once per
// change.
package guests

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
)

//go:embed */*.go
var sources embed.FS

// sharedDir is the package the guests that call the ABI directly import
// (github.com/capwasi/capwasi/conformance/guests/abi); it is not a guest
// itself. Every build gets it, in a scratch module with this package's
// import path, so that guests import it as they do in this tree.
const (
	sharedDir  = "abi"
	modulePath = "github.com/capwasi/capwasi/conformance/guests"
)

// Names returns the names of the guests, sorted.
func Names() []string {
	entries, _ := fs.ReadDir(sources, ".")
	var names []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != sharedDir {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// CacheDir returns the directory that holds built guests:
// $CAPWASI_CACHE/guests if CAPWASI_CACHE is set, else capwasi/guests in the
// user's cache directory, else in the temporary directory.
func CacheDir() string {
	if d := os.Getenv("CAPWASI_CACHE"); d != "" {
		return filepath.Join(d, "guests")
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "capwasi", "guests")
	}
	return filepath.Join(os.TempDir(), "capwasi", "guests")
}

var (
	buildMu   sync.Mutex
	buildDone = map[string]string{}
)

// Build compiles the named guest with GOOS=wasip1 GOARCH=wasm, unless a
// build of the same sources with the same toolchain is cached, and returns
// the path of the .wasm file. It needs the go command on PATH (or in
// GOROOT/bin). Errors: an unknown name, or the compiler's output.
func Build(name string) (string, error) {
	return build(name, "wasip1", "wasm")
}

// BuildNative compiles the named guest for the host (runtime.GOOS and
// GOARCH), as Build does for wasip1, and returns the path of the
// executable. Only guests without the wasip1 build constraint (bench,
// empty) build for the host. Errors: those of Build.
func BuildNative(name string) (string, error) {
	return build(name, runtime.GOOS, runtime.GOARCH)
}

// build compiles the named guest for goos/goarch, or finds it cached.
func build(name, goos, goarch string) (string, error) {
	buildMu.Lock()
	defer buildMu.Unlock()
	key := name + " " + goos + "/" + goarch
	if p, ok := buildDone[key]; ok {
		return p, nil
	}
	files, err := fs.Glob(sources, path.Join(name, "*.go"))
	if err != nil || len(files) == 0 || name == sharedDir {
		return "", fmt.Errorf("guests: no guest named %q (have %s)", name, strings.Join(Names(), ", "))
	}
	shared, _ := fs.Glob(sources, path.Join(sharedDir, "*.go"))
	files = append(files, shared...)
	gocmd := goCommand()
	version, err := exec.Command(gocmd, "env", "GOVERSION").Output()
	if err != nil {
		return "", fmt.Errorf("guests: running %s: %w", gocmd, err)
	}
	h := sha256.New()
	h.Write(version)
	for _, f := range files {
		b, _ := sources.ReadFile(f)
		fmt.Fprintf(h, "%s %d\n", f, len(b))
		h.Write(b)
	}
	ext := ".wasm"
	if goos != "wasip1" {
		fmt.Fprintf(h, "target %s/%s\n", goos, goarch)
		ext = "-" + goos + "-" + goarch
		if goos == "windows" {
			ext += ".exe"
		}
	}
	out := filepath.Join(CacheDir(), name+"-"+hex.EncodeToString(h.Sum(nil))[:16]+ext)
	if _, err := os.Stat(out); err == nil {
		buildDone[key] = out
		return out, nil
	}
	if err := compile(gocmd, name, files, out, goos, goarch); err != nil {
		return "", err
	}
	buildDone[key] = out
	return out, nil
}

// compile writes the guest's sources into a scratch module and builds it to
// out, atomically.
func compile(gocmd, name string, files []string, out, goos, goarch string) error {
	dir, err := os.MkdirTemp("", "capwasi-guest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	mod := "module " + modulePath + "\n\ngo 1.26\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		return err
	}
	for _, f := range files {
		b, _ := sources.ReadFile(f)
		if err := os.MkdirAll(filepath.Join(dir, path.Dir(f)), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(f)), b, 0o644); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	tmp := out + ".tmp" + fmt.Sprint(os.Getpid())
	cmd := exec.Command(gocmd, "build", "-o", tmp, "./"+name)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0",
		"GOTOOLCHAIN=local", "GOFLAGS=-buildvcs=false", "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("guests: building %s: %w\n%s", name, err, stderr.Bytes())
	}
	return os.Rename(tmp, out)
}

// goCommand returns the go command to build with: the one on PATH, else
// the one GOROOT names.
func goCommand() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if root := os.Getenv("GOROOT"); root != "" {
		return filepath.Join(root, "bin", "go")
	}
	return "go"
}
