package realprogs

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/capwasi/capwasi/conformance/engine"
)

// module fetches p. When npm cannot reach the registry the test is skipped
// on a developer's machine, saying so, and fails in CI, which must run it.
func module(t *testing.T, p Program) []byte {
	t.Helper()
	path, err := Fetch(context.Background(), p)
	if errors.Is(err, ErrUnavailable) && os.Getenv("CI") == "" {
		t.Skip(err)
	}
	require.NoError(t, err)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

// engines are the WASI hosts every program runs on.
var engines = []string{"capwasi", "wazero"}

// runCommand runs the command module wasm with args on eng, a fresh copy of
// in (a directory's files by name) pre-opened as /work, and returns its
// stdout, stderr, exit code and the directory afterwards.
func runCommand(t *testing.T, eng string, wasm []byte, in map[string]string, args ...string) (stdout, stderr string, code uint32, out map[string][]byte) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range in {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	e, err := engine.New(eng, engine.Options{CacheDir: engine.DefaultCacheDir()})
	require.NoError(t, err)
	var o, s bytes.Buffer
	code, err = e.Run(context.Background(), &engine.Invocation{Wasm: wasm, Args: args,
		Dirs: []engine.Dir{{HostPath: dir, GuestPath: "/work"}}, Stdout: &o, Stderr: &s})
	require.NoError(t, err, "%s: %s", eng, s.String())
	out = map[string][]byte{}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, ent := range entries {
		b, err := os.ReadFile(filepath.Join(dir, ent.Name()))
		require.NoError(t, err)
		out[ent.Name()] = b
	}
	return o.String(), s.String(), code, out
}

// TestFlite synthesizes speech from a literal text and from a text file,
// prints the phones of a sentence and its version: the WAV files, the
// output and the exit codes are identical on capwasi and wazero, and the
// WAV files are what a WAV file of speech must be.
func TestFlite(t *testing.T) {
	wasm := module(t, Flite)
	in := map[string]string{"text.txt": "The quick brown fox jumps over the lazy dog.\n"}
	type result struct {
		stdout, stderr string
		code           uint32
		files          map[string][]byte
	}
	runs := map[string][]result{}
	for _, eng := range engines {
		for _, args := range [][]string{
			{"flite", "-t", "Hello from a sandboxed guest", "-o", "/work/hello.wav"},
			{"flite", "-f", "/work/text.txt", "-o", "/work/fox.wav"},
			{"flite", "-ps", "-t", "hello world", "-o", "none"},
			{"flite", "--version"},
			{"flite", "-f", "/work/missing.txt", "-o", "/work/none.wav"},
		} {
			o, s, code, files := runCommand(t, eng, wasm, in, args...)
			runs[eng] = append(runs[eng], result{o, s, code, files})
		}
	}
	assert.Equal(t, runs["wazero"], runs["capwasi"], "the same on both engines")

	c := runs["capwasi"]
	for i, name := range []string{"hello.wav", "fox.wav"} {
		wav := c[i].files[name]
		require.Greater(t, len(wav), 44, name)
		assert.Equal(t, "RIFF", string(wav[0:4]), name)
		assert.Equal(t, "WAVE", string(wav[8:12]), name)
		assert.Equal(t, uint32(len(wav)-8), binary.LittleEndian.Uint32(wav[4:8]), "%s: the RIFF size is the file's", name)
		channels, rate, bits := binary.LittleEndian.Uint16(wav[22:24]), binary.LittleEndian.Uint32(wav[24:28]), binary.LittleEndian.Uint16(wav[34:36])
		assert.Equal(t, [3]uint32{1, 8000, 16}, [3]uint32{uint32(channels), rate, uint32(bits)}, "%s: mono 8 kHz 16-bit (the built-in voice kal)", name)
		seconds := float64(len(wav)-44) / float64(rate*2)
		assert.True(t, seconds > 1 && seconds < 10, "%s lasts %.1f s", name, seconds)
	}
	assert.Greater(t, len(c[1].files["fox.wav"]), len(c[0].files["hello.wav"]), "the longer text makes the longer speech")
	assert.Contains(t, c[2].stdout, "hh ax l ow w er l d", "the phones of hello world")
	assert.Contains(t, c[3].stdout, "flite-2.3")
	// A missing input file: flite says so and exits with 0, making no WAV.
	assert.Contains(t, c[4].stdout+c[4].stderr, `failed to open file "/work/missing.txt"`)
	assert.NotContains(t, c[4].files, "none.wav")
}

// rubyScript works with files and directories in /work and prints what it
// found; rubyWant is what it must print.
const rubyScript = `
$stdout.sync = true
d = "/work"
puts RUBY_VERSION
Dir.mkdir("#{d}/many")
300.times { |i| File.write("#{d}/many/f#{i}.txt", "x" * i) }
files = Dir.glob("#{d}/many/*.txt")
puts "glob: #{files.size} files, #{files.sum { |f| File.size(f) }} bytes"
dir = Dir.new("#{d}/many")
names, pos = [], []
while (n = dir.read)
  names << n
  pos << dir.tell
end
ok = 0
pos.each_with_index.to_a.reverse.each do |p, i|
  dir.seek(p)
  ok += 1 if dir.read == names[i + 1]
rescue SystemCallError
end
dir.close
puts "tell/seek: #{ok} of #{pos.size} positions resume"
big = "abcdefghij" * 1_000_000
File.binwrite("#{d}/big", big)
puts "10 MB: #{File.binread("#{d}/big") == big} #{File.size("#{d}/big")}"
File.rename("#{d}/big", "#{d}/big2")
puts "renamed: #{File.exist?("#{d}/big")} #{File.exist?("#{d}/big2")}"
File.open("#{d}/log", "a") { |f| f.write("one\n") }
File.open("#{d}/log", "a") { |f| f.write("two\n") }
puts "appended: #{File.read("#{d}/log").lines.size} lines"
File.utime(0, 86400, "#{d}/log")
puts "mtime: #{File.mtime("#{d}/log").to_i}"
begin
  File.read("#{d}/missing")
rescue SystemCallError => e
  puts "error: #{e.class}"
end
begin
  File.read("/etc/passwd")
rescue SystemCallError => e
  puts "outside: #{e.class}"
end
File.unlink(*files)
Dir.rmdir("#{d}/many")
puts "left: #{Dir.children(d).sort.join(" ")}"
puts "math: #{(1..20).reduce(:*)} #{[3, 1, 2].sort.inspect}"
`

const rubyWant = `3.4.
glob: 300 files, 44850 bytes
tell/seek: 302 of 302 positions resume
10 MB: true 10000000
renamed: false true
appended: 2 lines
mtime: 86400
error: Errno::ENOENT
outside: Errno::ENOENT
left: big2 input.txt log
math: 2432902008176640000 [1, 2, 3]
`

// TestRuby runs CRuby 3.4 on both engines: 300 files, a glob, telldir and
// seekdir over the directory (the 32-bit cookie defect this project fixed:
// 0 of 8 positions resumed on capwasi before), 10 MB written and read,
// rename, append, utime, errors, and a path outside the pre-open.
func TestRuby(t *testing.T) {
	wasm := module(t, Ruby)
	outs := map[string]string{}
	for _, eng := range engines {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "input.txt"), []byte("in"), 0o644))
		var o, s bytes.Buffer
		err := RunRuby(context.Background(), eng, wasm, &engine.Invocation{
			Dirs: []engine.Dir{{HostPath: dir, GuestPath: "/work"}}, Stdout: &o, Stderr: &s}, rubyScript, engine.DefaultCacheDir())
		require.NoError(t, err, "%s: stdout %s stderr %s", eng, o.String(), s.String())
		outs[eng] = o.String()
		b, err := os.ReadFile(filepath.Join(dir, "big2"))
		require.NoError(t, err)
		assert.Equal(t, strings.Repeat("abcdefghij", 1_000_000), string(b), eng)
	}
	got := outs["capwasi"]
	require.True(t, strings.HasPrefix(got, "3.4."), got)
	// The version's patch level is the package's.
	got = "3.4." + got[strings.Index(got, "\n"):]
	assert.Equal(t, rubyWant, got)
	// wazero agrees except where it can resume only from its last entries.
	w := outs["wazero"]
	t.Logf("Ruby %s; tell/seek on capwasi: %s of 302, on wazero: %s of 302", outs["capwasi"][:strings.Index(outs["capwasi"], "\n")],
		field(outs["capwasi"], "tell/seek: "), field(w, "tell/seek: "))
	w = "3.4." + w[strings.Index(w, "\n"):]
	wantW := strings.Replace(rubyWant, "tell/seek: 302 of 302", "tell/seek: "+field(w, "tell/seek: ")+" of 302", 1)
	assert.Equal(t, wantW, w)
}

// field returns the word after prefix in s.
func field(s, prefix string) string {
	i := strings.Index(s, prefix)
	if i < 0 {
		return ""
	}
	rest := s[i+len(prefix):]
	if j := strings.IndexAny(rest, " \n"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}
