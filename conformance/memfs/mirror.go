package memfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/capwasi/capwasi/common"
)

// Load copies the tree of src into the root of fsys: directories, regular
// files (content and modification time) and symbolic links (their targets
// as they are, read through fs.ReadLinkFS; a src without it has none).
// Other file types are skipped. It is how the conformance suite hands memfs
// a case's tree (conformance.Dir.FS), and how a host directory is loaded
// (os.DirFS).
func (fsys *FS) Load(src fs.FS) error {
	fsys.mu.Lock()
	defer fsys.mu.Unlock()
	return fsys.load(fsys.root, src, ".")
}

func (fsys *FS) load(dir *node, src fs.FS, at string) error {
	entries, err := fs.ReadDir(src, at)
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := path.Join(at, e.Name())
		info, err := fs.Lstat(src, p)
		if err != nil {
			return err
		}
		var n *node
		switch {
		case info.IsDir():
			n = fsys.newNode(common.FiletypeDirectory)
			n.parent = dir
			dir.nlink++
			if err := fsys.load(n, src, p); err != nil {
				return err
			}
		case info.Mode().IsRegular():
			data, err := fs.ReadFile(src, p)
			if err != nil {
				return err
			}
			n = fsys.newNode(common.FiletypeRegularFile)
			n.data = data
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := fs.ReadLink(src, p)
			if err != nil {
				return err
			}
			n = fsys.newNode(common.FiletypeSymbolicLink)
			n.target = target
		default:
			continue
		}
		n.mtim = common.Timestamp(info.ModTime().UnixNano())
		dir.entries[e.Name()] = n
	}
	return nil
}

// Save makes the host directory hostDir hold what the root of fsys holds:
// it removes hostDir's contents and writes the tree back (hard links become
// separate copies). The conformance suite uses it to check a guest's effect
// on the tree with the same assertions as for a host implementation.
func (fsys *FS) Save(hostDir string) error {
	fsys.mu.Lock()
	defer fsys.mu.Unlock()
	entries, err := os.ReadDir(hostDir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(hostDir, e.Name())); err != nil {
			return err
		}
	}
	return save(fsys.root, hostDir)
}

func save(dir *node, hostDir string) error {
	var errs []error
	for _, name := range dir.sortedNames() {
		n := dir.entries[name]
		p := filepath.Join(hostDir, name)
		switch n.typ {
		case common.FiletypeDirectory:
			if err := os.Mkdir(p, 0o755); err != nil {
				return err
			}
			errs = append(errs, save(n, p))
		case common.FiletypeRegularFile:
			if err := os.WriteFile(p, n.data, 0o644); err != nil {
				return err
			}
		case common.FiletypeSymbolicLink:
			errs = append(errs, os.Symlink(n.target, p))
			continue
		default:
			errs = append(errs, fmt.Errorf("memfs: cannot save %s of type %v", p, n.typ))
			continue
		}
		mt := time.Unix(0, int64(n.mtim))
		errs = append(errs, os.Chtimes(p, time.Unix(0, int64(n.atim)), mt))
	}
	return errors.Join(errs...)
}
