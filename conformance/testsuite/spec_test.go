package testsuite

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSpecLegacyDefaults(t *testing.T) {
	s, err := ParseSpec([]byte(`{}`))
	require.NoError(t, err)
	assert.Equal(t, DefaultSpec(), s, "an empty object is the default specification")

	s, err = ParseSpec([]byte(`{"args": ["a", "b"], "env": {"K": "V"}, "dirs": ["d"], "exit_code": 3, "stdout": "out", "stderr": ""}`))
	require.NoError(t, err)
	assert.True(t, s.Legacy)
	assert.Equal(t, []Operation{
		{Type: OpRun, Args: []string{"a", "b"}, Env: map[string]string{"K": "V"}, Dirs: []string{"d"}},
		{Type: OpRead, ID: "stdout", Payload: "out", ToEnd: true},
		{Type: OpRead, ID: "stderr", Payload: "", ToEnd: true},
		{Type: OpWait, ExitCode: 3},
	}, s.Operations, "stdout and stderr are exact when given, even empty")
	assert.Empty(t, s.Unsupported())

	s, err = ParseSpec([]byte(`{"root": "fs-tests.dir", "args": []}`))
	require.NoError(t, err)
	assert.Equal(t, "fs-tests.dir", s.Operations[0].Root)
	assert.Equal(t, []string{"fs-tests.dir"}, s.dirs())
}

func TestParseSpecOperations(t *testing.T) {
	s, err := ParseSpec([]byte(`{"operations": [
		{"type": "run", "args": ["x"], "env": {"foo": "bar"}, "dirs": ["fs-tests.dir"]},
		{"type": "write", "payload": "in"},
		{"type": "read", "payload": "a"},
		{"type": "read", "id": "stderr", "payload": "b"},
		{"type": "wait", "exit_code": 1},
		{"type": "run"},
		{"type": "wait"}
	]}`))
	require.NoError(t, err)
	assert.False(t, s.Legacy)
	assert.Equal(t, WorldCLICommand, s.World)
	assert.Equal(t, []Operation{
		{Type: OpRun, Args: []string{"x"}, Env: map[string]string{"foo": "bar"}, Dirs: []string{"fs-tests.dir"}},
		{Type: OpWrite, ID: "stdin", Payload: "in"},
		{Type: OpRead, ID: "stdout", Payload: "a"},
		{Type: OpRead, ID: "stderr", Payload: "b"},
		{Type: OpWait, ExitCode: 1},
		{Type: OpRun},
		{Type: OpWait},
	}, s.Operations, "read defaults to stdout, write to stdin, wait to exit code 0")
	assert.Empty(t, s.Unsupported())
}

func TestParseSpecUnsupported(t *testing.T) {
	for spec, want := range map[string]string{
		`{"operations": [{"type": "run"}, {"type": "connect"}, {"type": "wait"}]}`:   "operation connect",
		`{"operations": [{"type": "run"}, {"type": "request"}, {"type": "wait"}]}`:   "operation request",
		`{"proposals": ["http"], "operations": [{"type": "run"}, {"type": "wait"}]}`: "proposals http",
		`{"world": "wasi:http/service"}`:                                             "world wasi:http/service",
	} {
		s, err := ParseSpec([]byte(spec))
		require.NoError(t, err, spec)
		assert.Contains(t, s.Unsupported(), want, spec)
	}
}

func TestParseSpecErrors(t *testing.T) {
	for spec, want := range map[string]string{
		`{"args": "x"}`:                      "cannot unmarshal",
		`{"dirs": ["d"],}`:                   "invalid character",
		`[]`:                                 "cannot unmarshal",
		`{"args": [], "operations": []}`:     "mixed",
		`{"operations": [{"type": "x"}]}`:    `unknown type "x"`,
		`{"operations": [{}]}`:               "no type",
		`{"operations": [{"type": "wait"}]}`: "no guest running",
		`{"operations": [{"type": "read"}]}`: "no guest running",
		`{"operations": [{"type": "run"}, {"type": "run"}]}`:                   "already running",
		`{"operations": [{"type": "run"}, {"type": "read", "id": "stdin"}]}`:   `cannot read stream "stdin"`,
		`{"operations": [{"type": "run"}, {"type": "write", "id": "stdout"}]}`: `cannot write stream "stdout"`,
		`{"dirs": ["../up"]}`:   "not a relative path",
		`{"dirs": ["/abs"]}`:    "not a relative path",
		`{"root": "a/../../b"}`: "not a relative path",
		`{"exit_code": "zero"}`: "cannot unmarshal",
		`{"env": {"K": 1}}`:     "cannot unmarshal",
	} {
		_, err := ParseSpec([]byte(spec))
		require.Error(t, err, spec)
		assert.Contains(t, err.Error(), want, spec)
	}
}

func TestLoadSpec(t *testing.T) {
	dir := t.TempDir()
	s, err := LoadSpec(filepath.Join(dir, "none.wasm"))
	require.NoError(t, err)
	assert.Equal(t, DefaultSpec(), s, "no JSON file: the default")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "t.json"), []byte(`{"exit_code": 2}`), 0o644))
	s, err = LoadSpec(filepath.Join(dir, "t.wasm"))
	require.NoError(t, err)
	assert.Equal(t, 2, s.Operations[len(s.Operations)-1].ExitCode)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`{`), 0o644))
	_, err = LoadSpec(filepath.Join(dir, "bad.wasm"))
	require.Error(t, err)
}
