package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The command line is checked before anything is built.
func TestBadArguments(t *testing.T) {
	ctx := context.Background()
	for _, args := range [][]string{
		{"--runs", "0"},
		{"--scale", "-1"},
		{"extra"},
		{"--no-such-flag"},
		{"--run", "("},
		{"--run", "no-workload-matches"},
		{"--baseline", filepath.Join(t.TempDir(), "missing.json")},
	} {
		var out, errb bytes.Buffer
		err := run(ctx, args, &out, &errb)
		require.Error(t, err, "%q", args)
		assert.NotContains(t, errb.String(), "building", "%q: nothing built", args)
	}
	assert.Equal(t, "2 rows regressed", errRegressed(2).Error())
}
