//go:build !linux && !darwin && !freebsd

package capstdsync

import "time"

// pollOne reports every descriptor ready: this system has no poll(2)
// support in this package yet.
func pollOne(int, bool, time.Duration) (bool, error) { return true, nil }
