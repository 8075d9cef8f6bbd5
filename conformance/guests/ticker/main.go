//go:build wasip1

// Command ticker shows whether a guest keeps running while it waits on a
// standard stream: a goroutine prints "tick N" to stderr every 100 ms while
// main waits, and main then reports how many ticks came during the wait.
//
//	ticker read      reads stdin to its end, then prints to stdout
//	                 `read "DATA" ticks N`
//	ticker write N   writes N bytes to stdout, then prints to stderr
//	                 `wrote N ticks N`
//
// A host that blocks the whole guest in the read or the write (all its
// goroutines and timers) shows 0 or 1 ticks however long the wait.
package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"sync/atomic"
	"time"
)

func main() {
	var ticks atomic.Int64
	go func() {
		for range time.Tick(100 * time.Millisecond) {
			fmt.Fprintf(os.Stderr, "tick %d\n", ticks.Add(1))
		}
	}()
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: ticker read | ticker write N")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "read":
		data, err := io.ReadAll(os.Stdin)
		if err != nil {
			fmt.Fprintln(os.Stderr, "ticker:", err)
			os.Exit(1)
		}
		fmt.Printf("read %q ticks %d\n", data, ticks.Load())
	case "write":
		n, err := strconv.Atoi(os.Args[2])
		if err == nil {
			_, err = os.Stdout.Write(make([]byte, n))
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "ticker:", err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "wrote %d ticks %d\n", n, ticks.Load())
	default:
		os.Exit(2)
	}
}
