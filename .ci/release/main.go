// Command release writes capwasi's modules, as they are in a working tree,
// into a file-system module proxy (the layout GOPROXY=file://DIR reads), at
// one version, so that the release check can use them from outside the
// repository exactly as a user would use a published release.
//
// Usage:
//
//	go run . -version vX.Y.Z -out PROXYDIR REPO
//	go run . -set-version vX.Y.Z REPO
//
// For each module directory of REPO (common, capstd, capstd-sync,
// wazeroadapter, conformance) it writes PATH/@v/VERSION.{info,mod,zip} and
// adds VERSION to PATH/@v/list. The zip is made by golang.org/x/mod/zip, as
// the go command makes it from a tag: the module's directory without nested
// modules, VCS files or anything else a module zip may not hold. Before
// writing, it checks that every go.mod requires its siblings at VERSION and
// has no replace directive: a module that would not resolve for a user is
// not published.
//
// With -set-version it writes nothing to a proxy: it makes every go.mod of
// REPO require its siblings at the new version, and go.work's replace lines
// point that version at the local tree, the first step of a release (see
// docs/releasing.md).
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// prefix is the module path of the repository's modules, without the
// directory.
const prefix = "github.com/capwasi/capwasi/"

// modules are the directories of the repository's modules.
var modules = []string{"common", "capstd", "capstd-sync", "wazeroadapter", "conformance"}

func main() {
	version := flag.String("version", "", "the `VERSION` to publish every module at, e.g. v0.1.0")
	out := flag.String("out", "", "the proxy `DIR` to write")
	set := flag.String("set-version", "", "require the siblings at `VERSION` in every go.mod and go.work instead")
	flag.Parse()
	var err error
	switch {
	case flag.NArg() == 1 && *set != "" && *version == "" && *out == "":
		err = setVersion(flag.Arg(0), *set)
	case flag.NArg() == 1 && *set == "" && *version != "" && *out != "":
		err = publishAll(flag.Arg(0), *version, *out)
	default:
		fmt.Fprintln(os.Stderr, "usage: release -version VERSION -out PROXYDIR REPO\n       release -set-version VERSION REPO")
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

// checkVersion refuses what cannot be a version of a v0 or v1 module.
func checkVersion(version string) error {
	if !strings.HasPrefix(version, "v") || module.CheckPathMajor(version, "") != nil {
		return fmt.Errorf("version %q: want vX.Y.Z with X < 2", version)
	}
	return nil
}

// publishAll checks every module of repo, then publishes each at version.
func publishAll(repo, version, out string) error {
	if err := checkVersion(version); err != nil {
		return err
	}
	var errs []error
	for _, dir := range modules {
		errs = append(errs, checkGoMod(filepath.Join(repo, dir), version))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for _, dir := range modules {
		if err := publish(filepath.Join(repo, dir), prefix+dir, version, out); err != nil {
			return fmt.Errorf("%s: %w", dir, err)
		}
	}
	return nil
}

// checkGoMod reports what in dir's go.mod would keep a user from resolving
// it at version: a sibling required at another version, a replace
// directive, a module path that is not the directory's.
func checkGoMod(dir, version string) error {
	name, f, err := readGoMod(dir)
	if err != nil {
		return err
	}
	var errs []error
	if want := prefix + filepath.Base(dir); f.Module == nil || f.Module.Mod.Path != want {
		errs = append(errs, fmt.Errorf("%s: module path is not %s", name, want))
	}
	for _, r := range f.Require {
		if strings.HasPrefix(r.Mod.Path, prefix) && r.Mod.Version != version {
			errs = append(errs, fmt.Errorf("%s: requires %s %s, not the release version %s", name, r.Mod.Path, r.Mod.Version, version))
		}
	}
	for _, r := range f.Replace {
		errs = append(errs, fmt.Errorf("%s: replace %s: a module with replace directives cannot be installed with go install", name, r.Old.Path))
	}
	return errors.Join(errs...)
}

// readGoMod reads and parses the go.mod of the module in dir, and returns
// its file name too.
func readGoMod(dir string) (string, *modfile.File, error) {
	name := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(name)
	if err != nil {
		return name, nil, err
	}
	f, err := modfile.Parse(name, data, nil)
	return name, f, err
}

// publish writes the module path at version, from dir, into the proxy out.
func publish(dir, path, version, out string) error {
	mv := module.Version{Path: path, Version: version}
	escaped, err := module.EscapePath(path)
	if err != nil {
		return err
	}
	at := filepath.Join(out, filepath.FromSlash(escaped), "@v")
	if err := os.MkdirAll(at, 0o755); err != nil {
		return err
	}
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(at, version+".mod"), gomod, 0o644); err != nil {
		return err
	}
	info := fmt.Sprintf("{\"Version\":%q,\"Time\":%q}\n", version, time.Now().UTC().Format(time.RFC3339))
	if err := os.WriteFile(filepath.Join(at, version+".info"), []byte(info), 0o644); err != nil {
		return err
	}
	zf, err := os.Create(filepath.Join(at, version+".zip"))
	if err != nil {
		return err
	}
	if err := modzip.CreateFromDir(zf, mv, dir); err != nil {
		zf.Close()
		return err
	}
	if err := zf.Close(); err != nil {
		return err
	}
	return addToList(filepath.Join(at, "list"), version)
}

// addToList adds version to a proxy's list file, once.
func addToList(name, version string) error {
	data, err := os.ReadFile(name)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	versions := strings.Fields(string(data))
	if !slices.Contains(versions, version) {
		versions = append(versions, version)
	}
	return os.WriteFile(name, []byte(strings.Join(versions, "\n")+"\n"), 0o644)
}

// setVersion makes every go.mod of repo require its siblings at version,
// and go.work replace exactly that version of each sibling with its
// directory. Everything is read and checked before anything is written, so
// that a failure leaves the tree as it was.
func setVersion(repo, version string) error {
	if err := checkVersion(version); err != nil {
		return err
	}
	// go.work is edited as text, so that its comments and layout stay:
	// the version of every replace line of a sibling becomes version.
	workName := filepath.Join(repo, "go.work")
	data, err := os.ReadFile(workName)
	if err != nil {
		return err
	}
	edited := workReplace.ReplaceAll(data, []byte("${1}"+version+"${2}"))
	w, err := modfile.ParseWork(workName, edited, nil)
	if err != nil {
		return err
	}
	for _, dir := range modules[:len(modules)-1] { // nothing requires conformance
		if !slices.ContainsFunc(w.Replace, func(r *modfile.Replace) bool {
			return r.Old.Path == prefix+dir && r.Old.Version == version && r.New.Path == "./"+dir
		}) {
			return fmt.Errorf("%s: no line replaces %s %s with ./%s", workName, prefix+dir, version, dir)
		}
	}
	names := make([]string, len(modules))
	mods := make([][]byte, len(modules))
	for i, dir := range modules {
		name, f, err := readGoMod(filepath.Join(repo, dir))
		if err != nil {
			return err
		}
		for _, r := range f.Require {
			if strings.HasPrefix(r.Mod.Path, prefix) {
				if err := f.AddRequire(r.Mod.Path, version); err != nil {
					return err
				}
			}
		}
		names[i] = name
		if mods[i], err = f.Format(); err != nil {
			return err
		}
	}
	for i, name := range names {
		if err := os.WriteFile(name, mods[i], 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(workName, edited, 0o644)
}

// workReplace matches the old version of a replace line of a sibling in
// go.work, inside a replace block or on its own.
var workReplace = regexp.MustCompile(`(?m)^((?:replace)?[ \t]*` + regexp.QuoteMeta(prefix) + `[a-z-]+ )v[^ ]+( => \./)`)
