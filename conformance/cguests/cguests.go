// Package cguests holds the conformance suite's C guests: programs that
// reach WASI through wasi-libc, the C library under the C, C++, Ruby, Python
// and PHP builds for WASI, whose conventions (32-bit telldir cookies, the
// rights fopen asks for, the emulated working directory) Go guests never
// exercise. The sources are embedded; [Build] compiles one with clang for
// wasm32-wasi at test time and caches the module by the hash of its source
// and the compiler's version.
//
// The toolchain is Debian's: apt-get install clang lld wasi-libc
// libclang-rt-dev-wasm32. [Compiler] finds it (or the one CAPWASI_CLANG
// names); without it [Build] returns an error wrapping [ErrNoToolchain]
// that says what to install.
package cguests

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/capwasi/capwasi/conformance/guests"
)

//go:embed src/*.c
var sources embed.FS

// ErrNoToolchain is wrapped by the errors of [Compiler] and [Build] when no
// clang that can build for wasm32-wasi with wasi-libc is installed.
var ErrNoToolchain = errors.New("no clang with wasi-libc for wasm32-wasi (Debian: apt-get install clang lld wasi-libc libclang-rt-dev-wasm32; or set CAPWASI_CLANG)")

// Names returns the names of the C guests, sorted.
func Names() []string {
	files, _ := fs.Glob(sources, "src/*.c")
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".c"))
	}
	sort.Strings(names)
	return names
}

// flags are the compiler's flags besides the output: the target and an
// optimisation level that keeps the build quick.
var flags = []string{"--target=wasm32-wasi", "-O1", "-Wall", "-Werror"}

var (
	compilerOnce    sync.Once
	compilerPath    string
	compilerVersion []byte
	compilerErr     error
)

// Compiler returns the clang that builds the guests and its version text:
// the one CAPWASI_CLANG names, else the first of clang, clang-19 ...
// clang-14 on PATH that compiles a program for wasm32-wasi. Errors wrap
// ErrNoToolchain.
func Compiler() (path string, version []byte, err error) {
	compilerOnce.Do(func() { compilerPath, compilerVersion, compilerErr = findCompiler() })
	return compilerPath, compilerVersion, compilerErr
}

func findCompiler() (string, []byte, error) {
	candidates := []string{"clang", "clang-19", "clang-18", "clang-17", "clang-16", "clang-15", "clang-14"}
	if c := os.Getenv("CAPWASI_CLANG"); c != "" {
		candidates = []string{c}
	}
	var why []string
	for _, c := range candidates {
		p, err := exec.LookPath(c)
		if err != nil {
			continue
		}
		if err := probe(p); err != nil {
			why = append(why, fmt.Sprintf("%s: %v", p, err))
			continue
		}
		version, err := exec.Command(p, "--version").Output()
		if err != nil {
			why = append(why, fmt.Sprintf("%s --version: %v", p, err))
			continue
		}
		return p, version, nil
	}
	if len(why) == 0 {
		return "", nil, fmt.Errorf("cguests: %w", ErrNoToolchain)
	}
	return "", nil, fmt.Errorf("cguests: %w; tried %s", ErrNoToolchain, strings.Join(why, "; "))
}

// probe compiles and links an empty program for wasm32-wasi with clang.
func probe(clang string) error {
	dir, err := os.MkdirTemp("", "capwasi-cprobe-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "p.c")
	if err := os.WriteFile(src, []byte("#include <stdio.h>\nint main(void) { return puts(\"\") < 0; }\n"), 0o644); err != nil {
		return err
	}
	return run(clang, slices.Concat(flags, []string{"-o", filepath.Join(dir, "p.wasm"), src}))
}

// run runs clang with args, returning its error output on failure.
func run(clang string, args []string) error {
	cmd := exec.Command(clang, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	return nil
}

// CacheDir returns the directory that holds built C guests: cguests beside
// the Go guests' cache (see guests.CacheDir).
func CacheDir() string {
	return filepath.Join(filepath.Dir(guests.CacheDir()), "cguests")
}

var (
	buildMu   sync.Mutex
	buildDone = map[string]string{}
)

// Build compiles the named C guest to a wasm32-wasi command module, unless
// a build of the same source with the same compiler is cached, and returns
// the module's path. Errors: an unknown name, no toolchain (wrapping
// ErrNoToolchain), or the compiler's output.
func Build(name string) (string, error) {
	buildMu.Lock()
	defer buildMu.Unlock()
	if p, ok := buildDone[name]; ok {
		return p, nil
	}
	src, err := sources.ReadFile("src/" + name + ".c")
	if err != nil {
		return "", fmt.Errorf("cguests: no guest named %q (have %s)", name, strings.Join(Names(), ", "))
	}
	clang, version, err := Compiler()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write(version)
	fmt.Fprintf(h, "%q\n", flags)
	h.Write(src)
	out := filepath.Join(CacheDir(), name+"-"+hex.EncodeToString(h.Sum(nil))[:16]+".wasm")
	if _, err := os.Stat(out); err != nil {
		if err := compile(clang, name, src, out); err != nil {
			return "", err
		}
	}
	buildDone[name] = out
	return out, nil
}

// compile builds src to out, atomically.
func compile(clang, name string, src []byte, out string) error {
	dir, err := os.MkdirTemp("", "capwasi-cguest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, name+".c")
	if err := os.WriteFile(file, src, 0o644); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	tmp := out + ".tmp" + fmt.Sprint(os.Getpid())
	if err := run(clang, slices.Concat(flags, []string{"-o", tmp, file})); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cguests: building %s: %w", name, err)
	}
	return os.Rename(tmp, out)
}
