package wazeroadapter

import (
	"context"
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/capwasi/capwasi/common"
)

// garbageGuest starts a guest whose table holds every kind of descriptor:
// standard streams, two pre-opens (one read-only), a listening socket.
func garbageGuest(t testing.TB) *guest {
	c, _, root := newFakeCtx()
	root.add("sub/f", common.FiletypeRegularFile, "content")
	root.add("link", common.FiletypeSymbolicLink, "a.txt")
	c.preopens = append(c.preopens, common.Preopen{GuestPath: "/ro", Dir: newMemDir(true)})
	c.withSocket(&sockFile{listener: true})
	return newEnv(t).start(t, c)
}

// garbageParams returns parameters for f: mostly values at the edges
// (0, small numbers, the memory's end, 2^31, 2^32-1, 2^63...), sometimes
// random bits.
func garbageParams(rnd *rand.Rand, f *specSig, memSize uint64) []uint64 {
	edges := []uint64{0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 24, 48, 0x20, 0xff, 0x100, 0x1000, 0xffff, 0x10000,
		memSize - 1, memSize, memSize + 1, memSize - 8, memSize - 48, 0x7fffffff, 0x80000000,
		0xfffffff0, 0xfffffffe, 0xffffffff, 1 << 32, 1 << 40, 1 << 63, 1<<64 - 1}
	params := make([]uint64, len(f.params))
	for i := range params {
		switch rnd.IntN(4) {
		case 0:
			params[i] = rnd.Uint64()
		case 1:
			params[i] = uint64(rnd.IntN(16))
		default:
			params[i] = edges[rnd.IntN(len(edges))]
		}
		if f.params[i] == i32 && rnd.IntN(2) == 0 {
			params[i] = uint64(uint32(params[i]))
		}
	}
	return params
}

// TestGarbageArguments calls every function with garbage: random
// descriptors, pointers at and past the end of memory, lengths near 2^32,
// random flags, and random bytes in memory for the structures pointers
// lead to. Every call must return a defined errno (never ENOSYS), and
// none may trap.
func TestGarbageArguments(t *testing.T) {
	g := garbageGuest(t)
	seed := [32]byte{1, 2}
	fill := rand.NewChaCha8(seed)
	rnd := rand.New(rand.NewPCG(1, 2))
	mem := make([]byte, g.memSize())
	iterations := 400
	if testing.Short() {
		iterations = 50
	}
	for _, f := range specSigs {
		if f.noErrno {
			continue // proc_exit ends the guest
		}
		fn := g.mod.ExportedFunction("call_" + f.name)
		stack := make([]uint64, maxParams)
		for i := range iterations {
			if i%20 == 0 { // fresh garbage in memory, with some plausible iovecs
				_, _ = fill.Read(mem)
				for j := 0; j < 256; j += 8 {
					binary.LittleEndian.PutUint32(mem[j:], uint32(rnd.IntN(len(mem))))
					binary.LittleEndian.PutUint32(mem[j+4:], uint32(rnd.IntN(64)))
				}
				require.True(t, g.mod.Memory().Write(0, mem))
			}
			params := garbageParams(rnd, &f, g.memSize())
			copy(stack, params)
			err := fn.CallWithStack(context.Background(), stack)
			require.NoError(t, err, "%s%v", f.name, params)
			errno := common.Errno(stack[0])
			require.True(t, errno.Valid(), "%s%v = %d", f.name, params, stack[0])
			require.NotEqual(t, common.ENOSYS, errno, "%s%v", f.name, params)
		}
	}
}

// FuzzCall calls one function with parameters and a memory prefix taken
// from the input. Run with go test -fuzz FuzzCall.
func FuzzCall(f *testing.F) {
	f.Add(byte(26), make([]byte, 72), []byte{})                                    // fd_write
	f.Add(byte(31), []byte{3, 0, 0, 0, 0, 0, 0, 0, 1}, []byte("a.txt"))            // path_open
	f.Add(byte(21), []byte{3, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0}, []byte{})          // fd_readdir
	f.Add(byte(37), []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, make([]byte, 48))        // poll_oneoff
	f.Add(byte(29), []byte{3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5}, []byte("link")) // path_filestat_set_times
	g := garbageGuest(f)
	f.Fuzz(func(t *testing.T, which byte, rawParams, memPrefix []byte) {
		sig := specSigs[int(which)%len(specSigs)]
		if sig.noErrno {
			return
		}
		stack := make([]uint64, maxParams)
		for i := range sig.params {
			var b [8]byte
			if len(rawParams) > 0 {
				n := copy(b[:], rawParams)
				rawParams = rawParams[n:]
			}
			stack[i] = binary.LittleEndian.Uint64(b[:])
			if sig.params[i] == i32 {
				stack[i] = uint64(uint32(stack[i]))
			}
		}
		if len(memPrefix) > 4096 {
			memPrefix = memPrefix[:4096]
		}
		g.mod.Memory().Write(0, memPrefix)
		if err := g.mod.ExportedFunction("call_"+sig.name).CallWithStack(context.Background(), stack); err != nil {
			t.Fatalf("%s: %v", sig.name, err)
		}
		if errno := common.Errno(stack[0]); !errno.Valid() || errno == common.ENOSYS {
			t.Fatalf("%s: errno %d", sig.name, stack[0])
		}
	})
}
