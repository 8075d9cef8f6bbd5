package common

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFunctions(t *testing.T) {
	fs := Functions()
	assert.Len(t, fs, 46, "preview1 has 46 functions")
	seen := map[string]bool{}
	for _, f := range fs {
		assert.False(t, seen[f], "%s listed twice", f)
		seen[f] = true
	}
	assert.Equal(t, "args_get", fs[0])
	assert.Equal(t, "sock_shutdown", fs[45])
	fs[0] = "changed"
	assert.Equal(t, "args_get", Functions()[0], "callers get their own copy")
}
