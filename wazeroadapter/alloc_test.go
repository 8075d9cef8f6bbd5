package wazeroadapter

import (
	"context"
	"encoding/binary"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/capwasi/capwasi/common"
)

// staticDir is a directory whose OpenFile hands out the same file every
// time, so that opening allocates nothing in the implementation.
type staticDir struct {
	memDir
	file *memFile
}

func (d *staticDir) OpenFile(context.Context, string, common.OpenOptions) (common.WasiFile, error) {
	return d.file, nil
}

// functionByName returns the adapter's description of a function.
func functionByName(t testing.TB, name string) *function {
	for i := range functions {
		if functions[i].name == name {
			return &functions[i]
		}
	}
	t.Fatalf("no function %s", name)
	return nil
}

// TestZeroAllocs proves that the frequent calls allocate nothing in the
// adapter, in steady state, with implementations that allocate nothing
// themselves. The host functions are called directly, as wazero calls
// them, both with a context that carries the instance (calls made during
// InstantiateModule) and with one that does not (later calls).
func TestZeroAllocs(t *testing.T) {
	c, _, root := newFakeCtx()
	c.stdin = &streamFile{r: zeroReader{}}
	c.stdout = &streamFile{w: io.Discard}
	file := root.add("f", common.FiletypeRegularFile, "0123456789")
	static := &staticDir{memDir: *newMemDir(false)}
	static.file = &memFile{fs: static.fs, n: file, read: true, write: true}
	c.preopens = append(c.preopens, common.Preopen{GuestPath: "/static", Dir: static})
	g := defaultEnv(t).start(t, c)
	fd, errno := g.open(3, "f", 0, common.RightsAll&^common.RightsFdReaddir, 0, 0)
	require.Equal(t, common.ESUCCESS, errno)

	buf := g.out(64)
	iovs, n := g.iovecs([2]uint64{buf, 4}, [2]uint64{buf + 4, 4})
	out := g.out(64)
	name, nameLen := g.str("f")
	clock := subBytes(common.Subscription{Type: common.EventtypeClock, Clock: common.SubscriptionClock{ID: common.ClockidMonotonic}})
	sub, _ := g.bytes(clock)
	events := g.out(common.EventSize)
	_, errno = g.readdir(3, 256, 0) // builds the fake's listing once
	require.Equal(t, common.ESUCCESS, errno)

	closeFn, closeStack := g.host.hostFunc(functionByName(t, "fd_close")), make([]uint64, 1)
	cases := []struct {
		name   string
		params []uint64
		after  func(ctx context.Context) // undoes the call
	}{
		{"fd_write", []uint64{1, iovs, n, out}, nil},
		{"fd_read", []uint64{0, iovs, n, out}, nil},
		{"fd_pwrite", []uint64{uint64(fd), iovs, n, 0, out}, nil},
		{"fd_pread", []uint64{uint64(fd), iovs, n, 0, out}, nil},
		{"fd_seek", []uint64{uint64(fd), 1, uint64(common.WhenceSet), out}, nil},
		{"fd_tell", []uint64{uint64(fd), out}, nil},
		{"clock_time_get", []uint64{uint64(common.ClockidMonotonic), 0, out}, nil},
		{"clock_res_get", []uint64{uint64(common.ClockidMonotonic), out}, nil},
		{"fd_fdstat_get", []uint64{uint64(fd), out}, nil},
		{"fd_filestat_get", []uint64{uint64(fd), out}, nil},
		{"args_sizes_get", []uint64{out, out + 4}, nil},
		{"args_get", []uint64{out, out + 16}, nil},
		{"random_get", []uint64{buf, 32}, nil},
		{"poll_oneoff", []uint64{sub, events, 1, out}, nil},
		{"fd_readdir", []uint64{3, buf, 64, 1, out}, nil},
		{"path_open", []uint64{4, 0, name, nameLen, 0, uint64(common.RightsFdRead), 0, 0, out}, func(ctx context.Context) {
			view, _ := g.mod.Memory().Read(uint32(out), 4)
			closeStack[0] = uint64(binary.LittleEndian.Uint32(view))
			closeFn(ctx, g.mod, closeStack)
			if common.Errno(closeStack[0]) != common.ESUCCESS {
				t.Fatalf("fd_close: %v", common.Errno(closeStack[0]))
			}
		}},
		{"sched_yield", nil, nil},
	}
	ctxs := map[string]context.Context{
		"later call":           context.Background(),
		"during instantiation": context.WithValue(context.Background(), instanceKey{g.host}, g.instance()),
	}
	for ctxName, ctx := range ctxs {
		for _, tc := range cases {
			fn := g.host.hostFunc(functionByName(t, tc.name))
			stack := make([]uint64, maxParams)
			call := func() {
				copy(stack, tc.params)
				fn(ctx, g.mod, stack)
				if common.Errno(stack[0]) != common.ESUCCESS {
					t.Fatalf("%s: %v", tc.name, common.Errno(stack[0]))
				}
			}
			if tc.after != nil {
				// The undo step (fd_close, itself free of allocations) is
				// measured with the call.
				call = func() {
					copy(stack, tc.params)
					fn(ctx, g.mod, stack)
					if common.Errno(stack[0]) != common.ESUCCESS {
						t.Fatalf("%s: %v", tc.name, common.Errno(stack[0]))
					}
					tc.after(ctx)
				}
			}
			call() // warm up the scratch space
			allocs := testing.AllocsPerRun(200, call)
			assert.Zero(t, allocs, "%s (%s)", tc.name, ctxName)
		}
	}
}
