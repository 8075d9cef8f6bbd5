//go:build wasip1

// Command hello is the sample guest: it greets, shows its arguments, and
// lists the directory it was given as "/" (or the paths in its arguments),
// so a run shows what the sandbox lets it see.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println("hello from a sandboxed WASI guest")
	fmt.Printf("args: %q\n", os.Args[1:])
	dirs := os.Args[1:]
	if len(dirs) == 0 {
		dirs = []string{"/"}
	}
	status := 0
	for _, d := range dirs {
		entries, err := os.ReadDir(d)
		if err != nil {
			fmt.Fprintln(os.Stderr, "hello:", err)
			status = 1
			continue
		}
		fmt.Printf("%s holds %d entries:\n", d, len(entries))
		for _, e := range entries {
			kind := "file"
			if e.IsDir() {
				kind = "dir"
			} else if e.Type()&os.ModeSymlink != 0 {
				kind = "symlink"
			}
			fmt.Printf("  %-7s %s\n", kind, e.Name())
		}
	}
	os.Exit(status)
}
