package testsuite

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStreamReadsInOrderAndWaits(t *testing.T) {
	s := newStream()
	go func() {
		s.Write([]byte("hel"))
		time.Sleep(10 * time.Millisecond)
		s.Write([]byte("lo world"))
		s.close()
	}()
	ctx := context.Background()
	got, err := s.read(ctx, 5, false)
	require.NoError(t, err)
	assert.Equal(t, "hello", string(got), "waits for the bytes asked for")
	got, err = s.read(ctx, 0, true)
	require.NoError(t, err)
	assert.Equal(t, " world", string(got), "the rest, up to the end")
	got, err = s.read(ctx, 3, false)
	require.NoError(t, err)
	assert.Empty(t, got, "nothing after the end")
	assert.Equal(t, "hello world", string(s.all()))
}

func TestStreamShortAtEnd(t *testing.T) {
	s := newStream()
	s.Write([]byte("ab"))
	s.close()
	got, err := s.read(context.Background(), 5, false)
	require.NoError(t, err)
	assert.Equal(t, "ab", string(got), "the end comes first: what there is")
}

func TestStreamReadTimesOut(t *testing.T) {
	s := newStream()
	s.Write([]byte("ab"))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	got, err := s.read(ctx, 5, false)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, "ab", string(got))
	ctx2, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	_, err = s.read(ctx2, 0, true)
	require.ErrorIs(t, err, context.DeadlineExceeded, "no end without close")
}
