//go:build wasip1

// Command suiteprobe is the test module of the wasi-testsuite runner's own
// tests: its arguments are commands, run in order, so that one module
// copied under several names with different JSON specifications makes a
// suite that passes and fails in known ways.
//
//	out:TEXT        write TEXT to stdout
//	err:TEXT        write TEXT to stderr
//	env:NAME        print "NAME=VALUE" or "NAME unset" and a newline
//	environ         print the number of environment variables and a newline
//	cat:PATH        print the contents of the file PATH
//	put:PATH=TEXT   create or truncate the file PATH and write TEXT to it
//	present:PATH    exit with status 3 if PATH does not exist
//	absent:PATH     exit with status 4 if PATH exists
//	line            copy one line of stdin to stdout
//	echo            copy the rest of stdin to stdout
//	sleep:DURATION  sleep that long (a time.ParseDuration string)
//	spin:DURATION   run that long without sleeping (the host's stop has to
//	                interrupt guest code, not a host call)
//	exit:N          exit with status N at once
//
// Relative paths resolve in the first pre-opened directory. wasi-testsuite
// pre-opens directories under relative names ("fs-tests.dir"), for which
// Go's os package joins the working directory (the first pre-open's name)
// twice, so the probe opens and stats paths with package syscall, which
// joins it once. A command that fails prints why to stderr and exits with
// status 1; after the last command the probe exits with status 0.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	stdin := bufio.NewReader(os.Stdin)
	for _, arg := range os.Args[1:] {
		cmd, val, _ := strings.Cut(arg, ":")
		if err := do(stdin, cmd, val); err != nil {
			fmt.Fprintf(os.Stderr, "suiteprobe: %s: %v\n", arg, err)
			os.Exit(1)
		}
	}
}

func do(stdin *bufio.Reader, cmd, val string) error {
	switch cmd {
	case "out":
		_, err := os.Stdout.WriteString(val)
		return err
	case "err":
		_, err := os.Stderr.WriteString(val)
		return err
	case "env":
		if v, ok := os.LookupEnv(val); ok {
			fmt.Printf("%s=%s\n", val, v)
		} else {
			fmt.Printf("%s unset\n", val)
		}
	case "environ":
		fmt.Println(len(os.Environ()))
	case "cat":
		f, err := open(val, syscall.O_RDONLY)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(os.Stdout, f)
		return err
	case "put":
		name, text, _ := strings.Cut(val, "=")
		f, err := open(name, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC)
		if err != nil {
			return err
		}
		if _, err := f.WriteString(text); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	case "present":
		var st syscall.Stat_t
		if err := syscall.Lstat(val, &st); err != nil {
			fmt.Fprintf(os.Stderr, "suiteprobe: %s: %v\n", val, err)
			os.Exit(3)
		}
	case "absent":
		var st syscall.Stat_t
		if err := syscall.Lstat(val, &st); err == nil {
			fmt.Fprintf(os.Stderr, "suiteprobe: %s exists\n", val)
			os.Exit(4)
		}
	case "line":
		s, err := stdin.ReadString('\n')
		if err != nil && err != io.EOF {
			return err
		}
		_, err = os.Stdout.WriteString(s)
		return err
	case "echo":
		_, err := io.Copy(os.Stdout, stdin)
		return err
	case "sleep":
		d, err := time.ParseDuration(val)
		if err != nil {
			return err
		}
		time.Sleep(d)
	case "spin":
		d, err := time.ParseDuration(val)
		if err != nil {
			return err
		}
		for start := time.Now(); time.Since(start) < d; {
		}
	case "exit":
		n, err := strconv.Atoi(val)
		if err != nil {
			return err
		}
		os.Exit(n)
	default:
		return fmt.Errorf("unknown command %q", cmd)
	}
	return nil
}

// open opens path with package syscall (see the package comment).
func open(path string, mode int) (*os.File, error) {
	fd, err := syscall.Open(path, mode, 0o644)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}
