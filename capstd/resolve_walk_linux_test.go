package capstd

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestWalkHoldsFewDescriptors resolves a path 600 levels deep under a
// descriptor limit that leaves room for 100 more: a walk holding one
// descriptor per level would fail with EMFILE.
func TestWalkHoldsFewDescriptors(t *testing.T) {
	root := t.TempDir()
	const depth = 600
	rootFd := chain(t, root, depth, nil)
	require.NoError(t, os.WriteFile(filepath.Join(root, levels("d/", 10)+"f"), nil, 0o644))

	entries, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	var old unix.Rlimit
	require.NoError(t, unix.Getrlimit(unix.RLIMIT_NOFILE, &old))
	limit := uint64(len(entries) + 100)
	require.Less(t, limit, old.Cur, "the test needs a descriptor limit above %d", limit)
	require.NoError(t, unix.Setrlimit(unix.RLIMIT_NOFILE, &unix.Rlimit{Cur: limit, Max: old.Max}))
	defer func() { require.NoError(t, unix.Setrlimit(unix.RLIMIT_NOFILE, &old)) }()

	fd, err := walkOpen(rootFd, levels("d/", depth)+levels("../", depth-10)+"f", unix.O_RDONLY, 0, 0)
	require.NoError(t, err)
	unix.Close(fd)
}
