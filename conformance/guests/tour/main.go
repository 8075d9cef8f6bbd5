//go:build wasip1

// Command tour exercises what a typical Go program does through WASI —
// arguments, environment, files, directories, symbolic links, clocks,
// randomness, sleeping (poll_oneoff), stdin and exit codes — and prints a
// transcript that is the same on every conforming host. Its first argument
// is a directory it may write in, or "-" to leave files alone (for a
// read-only host); "exit=N" among the arguments sets the exit status.
package main

import (
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

func check(what string, err error) {
	if err != nil {
		fmt.Printf("%s: FAIL: %v\n", what, err)
		os.Exit(1)
	}
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: tour DIR [exit=N] [args...]")
		os.Exit(2)
	}
	fmt.Printf("args: %q\n", os.Args[2:])
	fmt.Printf("env TOUR=%q\n", os.Getenv("TOUR"))
	if os.Args[1] != "-" {
		files(filepath.Join(os.Args[1], "tour"))
	}
	rest()
}

// files writes, reads, renames, links, lists and removes files beneath base.
func files(base string) {
	check("mkdir", os.MkdirAll(filepath.Join(base, "a", "b"), 0o755))
	file := filepath.Join(base, "a", "b", "file.txt")
	check("write", os.WriteFile(file, []byte("hello, tour\n"), 0o644))
	f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	check("open append", err)
	_, err = f.WriteString("second line\n")
	check("append", err)
	check("close", f.Close())
	data, err := os.ReadFile(file)
	check("read", err)
	fmt.Printf("file: %q\n", data)
	st, err := os.Stat(file)
	check("stat", err)
	fmt.Printf("size: %d regular: %v\n", st.Size(), st.Mode().IsRegular())

	// Times keep nanoseconds.
	when := time.Unix(1700000000, 123456789)
	check("chtimes", os.Chtimes(file, when, when))
	st, err = os.Stat(file)
	check("stat after chtimes", err)
	fmt.Printf("mtime: %d\n", st.ModTime().UnixNano())

	// Rename, symlink, readlink, hard link.
	moved := filepath.Join(base, "a", "moved.txt")
	check("rename", os.Rename(file, moved))
	check("symlink", os.Symlink("a/moved.txt", filepath.Join(base, "link")))
	target, err := os.Readlink(filepath.Join(base, "link"))
	check("readlink", err)
	fmt.Printf("link -> %s\n", target)
	via, err := os.ReadFile(filepath.Join(base, "link"))
	check("read through link", err)
	fmt.Printf("through link: %d bytes\n", len(via))
	lst, err := os.Lstat(filepath.Join(base, "link"))
	check("lstat", err)
	fmt.Printf("lstat symlink: %v\n", lst.Mode()&os.ModeSymlink != 0)
	check("link", os.Link(moved, filepath.Join(base, "hard.txt")))

	// Listing, sorted by os.ReadDir.
	entries, err := os.ReadDir(base)
	check("readdir", err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name()+typeMark(e))
	}
	fmt.Printf("listing: %s\n", strings.Join(names, " "))

	// Errors a program relies on.
	_, err = os.Stat(filepath.Join(base, "missing"))
	fmt.Printf("missing is not-exist: %v\n", os.IsNotExist(err))
	err = os.Remove(filepath.Join(base, "a"))
	fmt.Printf("remove non-empty dir fails: %v\n", err != nil)
	_, err = os.ReadFile(filepath.Join(base, "a", "moved.txt", "x"))
	fmt.Printf("file as dir fails: %v\n", err != nil)

	// Clean up.
	check("remove all", os.RemoveAll(base))
	_, err = os.Stat(base)
	fmt.Printf("cleaned: %v\n", os.IsNotExist(err))
}

// rest is the tour beyond files: clocks and sleeping, randomness, stdin,
// the exit code.
func rest() {
	t0 := time.Now()
	time.Sleep(20 * time.Millisecond)
	el := time.Since(t0)
	fmt.Printf("slept at least 20ms: %v\n", el >= 20*time.Millisecond)
	fmt.Printf("wall clock after 2020: %v\n", time.Now().Year() >= 2020)

	// Randomness.
	rnd := make([]byte, 64)
	_, err := rand.Read(rnd)
	check("random", err)
	fmt.Printf("random not all zero: %v\n", slices.ContainsFunc(rnd, func(b byte) bool { return b != 0 }))

	// Stdin.
	in, err := io.ReadAll(os.Stdin)
	check("stdin", err)
	fmt.Printf("stdin: %q\n", in)

	for _, a := range os.Args[2:] {
		if v, ok := strings.CutPrefix(a, "exit="); ok {
			code, _ := strconv.Atoi(v)
			fmt.Printf("exiting with %d\n", code)
			os.Exit(code)
		}
	}
	fmt.Println("done")
}

func typeMark(e os.DirEntry) string {
	switch {
	case e.IsDir():
		return "/"
	case e.Type()&os.ModeSymlink != 0:
		return "@"
	}
	return ""
}
