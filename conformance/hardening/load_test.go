//go:build linux

package hardening

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	capstdsync "github.com/capwasi/capwasi/capstd-sync"
	"github.com/capwasi/capwasi/common"
)

// Addresses in the memory of the churn guest.
const (
	churnArgv   = 0   // args_get's pointer array
	churnToken  = 16  // args_get's strings: the instance's 8-byte token first
	churnID     = 32  // "id"
	churnTmp    = 40  // "tmp"
	churnTmp2   = 48  // "tmp2"
	churnUp     = 56  // "../id"
	churnIovTok = 64  // one iovec over the token
	churnIovBuf = 96  // one iovec over churnBuf
	churnBuf    = 128 // 8 bytes
	churnFd1    = 160 // the identity file
	churnFd2    = 164 // the scratch file
	churnN      = 168 // counts
)

// churnGuest returns a hand-made guest whose _start, iterations times,
// opens its identity file "id" and checks it holds its token (its first
// argument), writes the token to a new file, reads it back with fd_pread
// and checks it, fails to open "../id" (EPERM), then renames and removes
// the new file and closes both. Every instance uses the same descriptor
// numbers, so an adapter that confused instances would read another
// token; any unexpected errno or content traps.
func churnGuest(iterations int32) []byte {
	m := newWasmModule(1, "args_get", "path_open", "fd_read", "fd_write", "fd_pread", "fd_close", "path_rename", "path_unlink_file")
	m.put(churnID, []byte("id"))
	m.put(churnTmp, []byte("tmp"))
	m.put(churnTmp2, []byte("tmp2"))
	m.put(churnUp, []byte("../id"))
	m.putU32(churnIovTok, churnToken)
	m.putU32(churnIovTok+4, 8)
	m.putU32(churnIovBuf, churnBuf)
	m.putU32(churnIovBuf+4, 8)
	open := func(path, n uint32, oflags common.Oflags, out uint32) []byte {
		var b []byte
		for _, op := range [][]byte{i32c(3), i32c(0), i32c(int32(path)), i32c(int32(n)), i32c(int32(oflags)), i64c(-1), i64c(0), i32c(0), i32c(int32(out)), call(m.imp("path_open"))} {
			b = append(b, op...)
		}
		return b
	}
	m.function("_start", nil, 1,
		i32c(churnArgv), i32c(churnToken), call(m.imp("args_get")), trapUnlessZero(),
		i32c(iterations), localSet(0),
		loop(0,
			open(churnID, 2, 0, churnFd1), trapUnlessZero(),
			store64(churnBuf, 0),
			loadAt(churnFd1), i32c(churnIovBuf), i32c(1), i32c(churnN), call(m.imp("fd_read")), trapUnlessZero(),
			loadAt(churnN), trapUnlessEq(8),
			trapUnlessSame64(churnBuf, churnToken),

			open(churnTmp, 3, common.OflagsCreat|common.OflagsTrunc, churnFd2), trapUnlessZero(),
			loadAt(churnFd2), i32c(churnIovTok), i32c(1), i32c(churnN), call(m.imp("fd_write")), trapUnlessZero(),
			store64(churnBuf, 0),
			loadAt(churnFd2), i32c(churnIovBuf), i32c(1), i64c(0), i32c(churnN), call(m.imp("fd_pread")), trapUnlessZero(),
			loadAt(churnN), trapUnlessEq(8),
			trapUnlessSame64(churnBuf, churnToken),

			open(churnUp, 5, 0, churnN), trapUnlessEq(int32(common.EPERM)),

			loadAt(churnFd2), call(m.imp("fd_close")), trapUnlessZero(),
			i32c(3), i32c(churnTmp), i32c(3), i32c(3), i32c(churnTmp2), i32c(4), call(m.imp("path_rename")), trapUnlessZero(),
			i32c(3), i32c(churnTmp2), i32c(4), call(m.imp("path_unlink_file")), trapUnlessZero(),
			loadAt(churnFd1), call(m.imp("fd_close")), trapUnlessZero(),
		),
	)
	return m.bytes()
}

// TestLoad runs 200 guest instances at once in one runtime, on one Host,
// each with its own pre-opened directory holding an identity file, each
// opening, writing, reading, renaming and removing files 100 times with the
// same descriptor numbers as all the others (see churnGuest); beside them,
// 8 hostile guests attack trees of their own. Every instance must see only
// its own tree and its own descriptors, each tree must end as it began,
// and the process's descriptors and goroutines must come back.
func TestLoad(t *testing.T) {
	e := sharedEnv(t)
	compiled := e.module(t, churnGuest(100))
	e.guest(t, "hostile") // compiled before the clock starts
	instances, hostiles := 200, 8
	if testing.Short() {
		instances, hostiles = 50, 2
	}
	fdsBefore, goroutinesBefore := openFds(t), runtime.NumGoroutine()
	base := tempDir(t)

	type guest struct {
		dir, token string
		ctx        common.WasiCtx
	}
	gs := make([]guest, instances)
	for i := range gs {
		g := &gs[i]
		g.dir = filepath.Join(base, fmt.Sprintf("inst-%03d", i))
		g.token = fmt.Sprintf("%08x", uint32(i)*2654435761)
		require.NoError(t, os.Mkdir(g.dir, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(g.dir, "id"), []byte(g.token), 0o644))
		d, err := capstdsync.OpenAmbientDir(g.dir)
		require.NoError(t, err)
		g.ctx, err = capstdsync.NewWasiCtxBuilder().Args(g.token).PreopenDir(d, "/", capstdsync.ReadWrite).Build()
		require.NoError(t, err)
	}

	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make([]error, instances)
	for i := range gs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			code, err := e.host.Run(context.Background(), compiled, gs[i].ctx, nil)
			if err == nil && code != 0 {
				err = fmt.Errorf("exit code %d", code)
			}
			errs[i] = err
		}()
	}
	for i := range hostiles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			t.Run(fmt.Sprintf("hostile-%d", i), func(t *testing.T) {
				runHostile(t, uint64(1000+i), hostileOptions{calls: 1000, timeout: hostileTimeout, concurrent: true})
			})
		}()
	}
	began := time.Now()
	close(start)
	wg.Wait()
	elapsed := time.Since(began)

	for i, g := range gs {
		if !assert.NoError(t, errs[i], "instance %d", i) {
			continue
		}
		names, err := os.ReadDir(g.dir)
		require.NoError(t, err)
		if assert.Len(t, names, 1, "instance %d's tree", i) {
			b, err := os.ReadFile(filepath.Join(g.dir, "id"))
			require.NoError(t, err)
			assert.Equal(t, g.token, string(b), "instance %d's identity", i)
		}
	}
	requireFdsBack(t, fdsBefore, "after the load")
	goroutinesBack(t, goroutinesBefore, "after the load")
	t.Logf("%d churning instances (100 rounds of 12 calls each) and %d hostile ones (1000 calls each) in %v", instances, hostiles, elapsed.Round(time.Millisecond))
}

// TestChurnGuestChecks makes sure the churn guest's checks can fail: with
// another instance's token in its identity file, it traps.
func TestChurnGuestChecks(t *testing.T) {
	e := sharedEnv(t)
	dir := tempDir(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "id"), []byte("othertok"), 0o644))
	d, err := capstdsync.OpenAmbientDir(dir)
	require.NoError(t, err)
	wasiCtx, err := capstdsync.NewWasiCtxBuilder().Args("mytoken!").PreopenDir(d, "/", capstdsync.ReadWrite).Build()
	require.NoError(t, err)
	_, err = e.host.Run(context.Background(), e.module(t, churnGuest(1)), wasiCtx, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unreachable")
}
