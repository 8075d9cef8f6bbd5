//go:build wasip1

// Command determinism prints what differs between two runs of a program on
// an ordinary host: the time, random bytes, and how long a sleep took. On a
// deterministic host (wasi-run --deterministic) two runs print the same
// bytes, at once.
//
//	now: 2022-01-01T00:00:00Z
//	random: <64 hex digits from crypto/rand>
//	slept: 10s
package main

import (
	"crypto/rand"
	"fmt"
	"os"
	"time"
)

func main() {
	fmt.Printf("now: %s\n", time.Now().UTC().Format(time.RFC3339Nano))
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		fmt.Fprintln(os.Stderr, "determinism:", err)
		os.Exit(1)
	}
	fmt.Printf("random: %x\n", b)
	start := time.Now()
	time.Sleep(10 * time.Second)
	fmt.Printf("slept: %v\n", time.Since(start))
	fmt.Printf("environment: %q\n", os.Environ())
}
