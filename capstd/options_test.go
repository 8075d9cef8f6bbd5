//go:build linux || darwin || freebsd

package capstd

import (
	"flag"
	"io"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestWithResolver checks that the resolver chosen when a Dir is opened
// is the one of every Dir and File obtained from it, however obtained.
func TestWithResolver(t *testing.T) {
	s := newSandbox(t)
	s.file("a/b/f", "x")
	for _, r := range []Resolver{ResolverAuto, ResolverWalk} {
		d := openTestDir(t, s.root, WithResolver(r))
		require.Equal(t, r, d.Resolver())
		sub, err := d.OpenDir("a", true)
		require.NoError(t, err)
		defer sub.Close()
		require.Equal(t, r, sub.Resolver(), "OpenDir")
		f, err := sub.OpenFile("b", ORead, 0)
		require.NoError(t, err)
		fromFile, err := NewDirFromFile(f)
		require.NoError(t, err)
		defer fromFile.Close()
		require.Equal(t, r, fromFile.Resolver(), "NewDirFromFile")
		clone, err := fromFile.Clone()
		require.NoError(t, err)
		defer clone.Close()
		require.Equal(t, r, clone.Resolver(), "Clone")
		require.Equal(t, "x", readAll(t, clone, "f"))
	}
	// The last option wins; the zero Option changes nothing.
	d := openTestDir(t, s.root, WithResolver(ResolverWalk), Option{}, WithResolver(ResolverAuto))
	require.Equal(t, ResolverAuto, d.Resolver())
	require.Equal(t, ResolverAuto, (*Dir)(nil).Resolver())

	_, err := OpenAmbientDir(s.root, WithResolver(Resolver(7)))
	require.ErrorIs(t, err, syscall.EINVAL)
	var pe *PathError
	require.ErrorAs(t, err, &pe)
}

// TestResolverText checks the names of the resolvers, as a flag would use
// them.
func TestResolverText(t *testing.T) {
	for r, name := range map[Resolver]string{ResolverAuto: "auto", ResolverWalk: "walk"} {
		require.Equal(t, name, r.String())
		text, err := r.MarshalText()
		require.NoError(t, err)
		require.Equal(t, name, string(text))
	}
	require.Equal(t, "Resolver(9)", Resolver(9).String())
	_, err := Resolver(9).MarshalText()
	require.ErrorIs(t, err, syscall.EINVAL)

	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var r Resolver
	fs.TextVar(&r, "resolver", ResolverAuto, "")
	require.NoError(t, fs.Parse([]string{"--resolver=walk"}))
	require.Equal(t, ResolverWalk, r)
	require.ErrorIs(t, r.UnmarshalText([]byte("openat2")), syscall.EINVAL)
	require.Equal(t, ResolverWalk, r, "unchanged after an error")
	require.Error(t, fs.Parse([]string{"--resolver=fast"}))
}

// TestWithRootSemantics checks which Dirs have root semantics: the one
// opened with them and its clones, not the Dirs beneath it.
func TestWithRootSemantics(t *testing.T) {
	s := newSandbox(t)
	s.file("a/f", "x")
	s.link("/a/f", "abs")
	plain := s.d
	require.False(t, plain.HasRootSemantics())
	require.False(t, (*Dir)(nil).HasRootSemantics())
	_, err := plain.Stat("abs", true)
	require.ErrorIs(t, err, ErrEscape)
	require.ErrorIs(t, plain.Symlink("/a/f", "abs2"), ErrEscape)

	d := openTestDir(t, s.root, WithRootSemantics())
	require.True(t, d.HasRootSemantics())
	require.Equal(t, testResolver, d.Resolver(), "root semantics keep the resolver")
	require.Equal(t, "x", readAll(t, d, "abs"))
	require.NoError(t, d.Symlink("/a/f", "abs2"))
	require.Equal(t, "x", readAll(t, d, "abs2"))
	target, err := d.ReadlinkString("abs2")
	require.NoError(t, err)
	require.Equal(t, "/a/f", target)
	// Through a Dir without them, the link made is still an escape.
	_, err = plain.OpenFile("abs2", ORead, 0)
	require.ErrorIs(t, err, ErrEscape)
}
