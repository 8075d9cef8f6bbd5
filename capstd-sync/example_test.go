package capstdsync_test

import (
	"context"
	"fmt"
	"log"
	"os"

	capstdsync "github.com/capwasi/capwasi/capstd-sync"
	"github.com/capwasi/capwasi/common"
)

// A context for a guest that may read, but not change, one host directory,
// and that shares the host's standard streams.
func ExampleWasiCtxBuilder() {
	dir, err := capstdsync.OpenAmbientDir(os.TempDir())
	if err != nil {
		log.Fatal(err)
	}
	ctx, err := capstdsync.NewWasiCtxBuilder().
		Args("app", "--verbose").
		Env("LANG", "C").
		InheritStdio().
		PreopenDir(dir, "/data", capstdsync.ReadOnly).
		Build()
	if err != nil {
		_ = dir.Close()
		log.Fatal(err)
	}
	// A binding (wazeroadapter) now runs a guest with ctx, closes the files
	// it handed out, then ctx. Here we look, and clean up ourselves.
	for _, p := range ctx.Preopens() {
		base, _ := p.Dir.Rights()
		fmt.Println(p.GuestPath, "may create files:", base.Has(common.RightsPathCreateFile))
		_, err := p.Dir.OpenFile(context.Background(), "new.txt",
			common.OpenOptions{Write: true, Oflags: common.OflagsCreat})
		fmt.Println("creating a file:", common.ErrnoOf(err).String())
		_ = p.Dir.Close()
	}
	_ = ctx.Close()
	// Output:
	// /data may create files: false
	// creating a file: EPERM
}
