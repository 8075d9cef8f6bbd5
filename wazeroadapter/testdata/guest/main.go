// Command guest is the end-to-end test guest of wazeroadapter, built with
// GOOS=wasip1 GOARCH=wasm by the tests. Its first argument picks what it
// does; it reports on stdout.
package main

import (
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Println("hello, world")
		return
	}
	switch os.Args[1] {
	case "args":
		fmt.Println(strings.Join(os.Args, " "))
		env := os.Environ()
		sort.Strings(env)
		fmt.Println(strings.Join(env, " "))
	case "exit":
		code, _ := strconv.Atoi(os.Args[2])
		fmt.Println("exiting with", code)
		os.Exit(code)
	case "cat":
		b, err := os.ReadFile(os.Args[2])
		check(err)
		os.Stdout.Write(b)
	case "stdin":
		_, err := io.Copy(os.Stdout, os.Stdin)
		check(err)
	case "files":
		check(os.Mkdir("/dir", 0o755))
		check(os.WriteFile("/dir/new.txt", []byte("written by the guest"), 0o644))
		check(os.Rename("/dir/new.txt", "/dir/renamed.txt"))
		b, err := os.ReadFile("/dir/renamed.txt")
		check(err)
		fmt.Println(string(b))
		f, err := os.OpenFile("/dir/renamed.txt", os.O_WRONLY|os.O_APPEND, 0)
		check(err)
		_, err = f.WriteString("!")
		check(err)
		check(f.Close())
		st, err := os.Stat("/dir/renamed.txt")
		check(err)
		fmt.Println(st.Size(), st.Mode().IsRegular())
		entries, err := os.ReadDir("/")
		check(err)
		for _, e := range entries {
			fmt.Println(e.Name(), e.IsDir())
		}
		check(os.Remove("/dir/renamed.txt"))
		check(os.Remove("/dir"))
		_, err = os.Stat("/dir")
		fmt.Println(os.IsNotExist(err))
	case "sleep":
		d := 20 * time.Millisecond
		if len(os.Args) > 2 {
			d, _ = time.ParseDuration(os.Args[2])
		}
		start := time.Now()
		time.Sleep(d)
		fmt.Println(time.Since(start) >= d)
	case "random":
		b := make([]byte, 16)
		_, err := rand.Read(b)
		check(err)
		fmt.Println(len(b))
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", os.Args[1])
		os.Exit(2)
	}
}

func check(err error) {
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
}
