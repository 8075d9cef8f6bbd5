//go:build !linux && !darwin && !freebsd

package capstdsync

import (
	"context"
	"time"
)

// pollOne reports every descriptor ready: this system has no poll(2)
// support in this package yet.
func pollOne(int, bool, time.Duration) (bool, error) { return true, nil }

// waitReady returns at once, as every descriptor is ready here.
func waitReady(ctx context.Context, _ int, _ bool) error { return ctx.Err() }
