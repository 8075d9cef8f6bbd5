//go:build wasip1

// Command walk lists and reads the directories named by its arguments, as
// a program serving embedded or archived files does: every entry beneath
// each, in name order, with its type; a regular file's size, content and
// what reading it from offset 1 gives (a seek, which a stream cannot do); a
// symbolic link's target and what it leads to. Its transcript shows a host
// what a guest sees of a directory.
package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

func main() {
	status := 0
	for _, root := range os.Args[1:] {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			if st, ok := info.Sys().(*syscall.Stat_t); !ok || st.Ino == 0 {
				fmt.Printf("%s: no inode\n", p)
			}
			switch {
			case d.IsDir():
				fmt.Printf("%s/\n", p)
			case d.Type()&fs.ModeSymlink != 0:
				target, err := os.Readlink(p)
				if err != nil {
					return err
				}
				data, err := os.ReadFile(p)
				fmt.Printf("%s -> %s: %s\n", p, target, result(data, err))
			default:
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				fmt.Printf("%s %d %q\n", p, info.Size(), clip(data))
				fmt.Printf("%s from 1: %s\n", p, fromOne(p))
			}
			return nil
		})
		if err != nil {
			fmt.Printf("walk %s: %v\n", root, err)
			status = 1
		}
	}
	os.Exit(status)
}

// fromOne reads the file at p from offset 1, after a seek.
func fromOne(p string) string {
	f, err := os.Open(p)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	if _, err := f.Seek(1, io.SeekStart); err != nil {
		return "seek: " + err.Error()
	}
	data, err := io.ReadAll(f)
	return result(data, err)
}

func result(data []byte, err error) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("%q", clip(data))
}

// clip keeps the first 24 bytes.
func clip(b []byte) []byte {
	if len(b) > 24 {
		return b[:24]
	}
	return b
}
