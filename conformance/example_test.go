package conformance_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	capstdsync "github.com/capwasi/capwasi/capstd-sync"
	"github.com/capwasi/capwasi/conformance/guests"
	"github.com/capwasi/capwasi/wazeroadapter"
	"github.com/tetratelabs/wazero"
)

// Example_embedding runs a WASI guest on wazero with capwasi, sandboxed to
// one read-only directory, as the README's embedding program does (CI's
// release check builds and runs that program itself).
func Example_embedding() {
	data := exampleDir() // a directory holding notes.txt
	wasm := exampleGuest()

	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)

	wasiCtx, err := capstdsync.NewWasiCtxBuilder().
		Args("hello", "/data").
		Stdout(capstdsync.NewWriterFile(os.Stdout)). // or InheritStdio()
		PreopenHostDir(data, "/data", capstdsync.ReadOnly).
		Build()
	if err != nil {
		log.Fatal(err)
	}
	exitCode, err := wazeroadapter.Run(ctx, r, wasm, wasiCtx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("exit code:", exitCode)
	// Output:
	// hello from a sandboxed WASI guest
	// args: ["/data"]
	// /data holds 1 entries:
	//   file    notes.txt
	// exit code: 0
}

func exampleDir() string {
	d, err := os.MkdirTemp("", "capwasi-example-")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d, "notes.txt"), []byte("hi"), 0o644); err != nil {
		log.Fatal(err)
	}
	return d
}

func exampleGuest() []byte {
	p, err := guests.Build("hello")
	if err != nil {
		log.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		log.Fatal(err)
	}
	return b
}
