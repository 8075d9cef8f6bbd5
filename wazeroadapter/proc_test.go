package wazeroadapter

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/capwasi/capwasi/common"
)

func TestArgsEnviron(t *testing.T) {
	for _, tc := range []struct{ get, sizes string }{{"args_get", "args_sizes_get"}, {"environ_get", "environ_sizes_get"}} {
		t.Run(tc.get, func(t *testing.T) {
			g, c := newGuest(t)
			want := c.args
			if tc.get == "environ_get" {
				want = c.env
			}
			count, size := g.out(4), g.out(4)
			require.Equal(t, common.ESUCCESS, g.call(tc.sizes, count, size))
			assert.Equal(t, uint32(len(want)), g.u32(count))
			total := strings.Join(want, "\x00") + "\x00"
			assert.Equal(t, uint32(len(total)), g.u32(size))

			ptrs, buf := g.out(4*uint32(len(want))), g.out(uint32(len(total)))
			require.Equal(t, common.ESUCCESS, g.call(tc.get, ptrs, buf))
			assert.Equal(t, total, string(g.read(buf, uint32(len(total)))))
			for i, s := range want {
				p := g.u32(ptrs + 4*uint64(i))
				assert.Equal(t, s+"\x00", string(g.read(uint64(p), uint32(len(s))+1)))
			}

			before := g.read(buf, uint32(len(total)))
			assert.Equal(t, common.EFAULT, g.call(tc.get, ptrs, g.memSize()-uint64(len(total))+1))
			assert.Equal(t, common.EFAULT, g.call(tc.get, g.memSize()-4, buf))
			assert.Equal(t, before, g.read(buf, uint32(len(total))))
			assert.Equal(t, common.EFAULT, g.call(tc.sizes, g.memSize()-3, size))
			assert.Equal(t, common.EFAULT, g.call(tc.sizes, count, 0xffffffff))
		})
	}
}

func TestEmptyArgs(t *testing.T) {
	c, _, _ := newFakeCtx()
	c.args, c.env = nil, nil
	g := defaultEnv(t).start(t, c)
	count, size := g.out(4), g.out(4)
	require.Equal(t, common.ESUCCESS, g.call("args_sizes_get", count, size))
	assert.Zero(t, g.u32(count))
	assert.Zero(t, g.u32(size))
	assert.Equal(t, common.ESUCCESS, g.call("args_get", g.memSize(), g.memSize()), "nothing to write, nothing to check")
}

func TestClocks(t *testing.T) {
	g, _ := newGuest(t)
	out := g.out(8)
	require.Equal(t, common.ESUCCESS, g.call("clock_time_get", uint64(common.ClockidRealtime), 1, out))
	assert.Equal(t, uint64(1_700_000_000_000_000_000), g.u64(out))
	for id := range uint64(4) {
		require.Equal(t, common.ESUCCESS, g.call("clock_time_get", id, 0, out))
		require.Equal(t, common.ESUCCESS, g.call("clock_res_get", id, out))
		assert.Equal(t, uint64(1000), g.u64(out))
	}
	for _, id := range []uint64{4, 0xffffffff} {
		assert.Equal(t, common.EINVAL, g.call("clock_time_get", id, 0, out))
		assert.Equal(t, common.EINVAL, g.call("clock_res_get", id, out))
	}
	assert.Equal(t, common.EFAULT, g.call("clock_time_get", 0, 0, g.memSize()-7))
	assert.Equal(t, common.EFAULT, g.call("clock_res_get", 0, 0xfffffffc))
}

func TestRandomGet(t *testing.T) {
	g, _ := newGuest(t)
	buf := g.out(300)
	require.Equal(t, common.ESUCCESS, g.call("random_get", buf, 300))
	b := g.read(buf, 300)
	for i := range b {
		assert.Equal(t, byte(i), b[i])
	}
	require.Equal(t, common.ESUCCESS, g.call("random_get", g.memSize(), 0))
	assert.Equal(t, common.EFAULT, g.call("random_get", g.memSize()-10, 11))
	assert.Equal(t, common.EFAULT, g.call("random_get", 10, 0xffffffff))

	c, _, _ := newFakeCtx()
	c.random = strings.NewReader("short")
	g = defaultEnv(t).start(t, c)
	assert.Equal(t, common.EIO, g.call("random_get", g.out(10), 10), "a source ending early")
}

func TestProcRaise(t *testing.T) {
	g, _ := newGuest(t)
	for sig := range uint64(common.SignalSys) + 1 {
		assert.Equal(t, common.ENOTSUP, g.call("proc_raise", sig), "as wasmtime")
	}
	assert.Equal(t, common.EINVAL, g.call("proc_raise", uint64(common.SignalSys)+1))
	assert.Equal(t, common.EINVAL, g.call("proc_raise", 0x100))
}

// yieldSched answers Yield with err.
type yieldSched struct {
	fakeSched
	err error
}

func (s *yieldSched) Yield(context.Context) error { return s.err }

func TestGuestErrno(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want common.Errno
	}{
		{nil, common.ESUCCESS},
		{common.EINTR, common.EINTR},
		{common.ENOSYS, common.ENOTSUP},
		{common.Errno(200), common.EIO},
		{errors.New("other"), common.EIO},
	} {
		c, _, _ := newFakeCtx()
		g := defaultEnv(t).start(t, &yieldCtx{c, &yieldSched{err: tc.err}})
		assert.Equal(t, tc.want, g.call("sched_yield"), "%v", tc.err)
	}
}

// yieldCtx is a fakeCtx with another scheduler.
type yieldCtx struct {
	*fakeCtx
	sched common.Sched
}

func (c *yieldCtx) Sched() common.Sched { return c.sched }
