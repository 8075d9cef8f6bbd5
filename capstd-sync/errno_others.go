//go:build !freebsd && !windows

package capstdsync

// osErrnos are the system's additions to errnoTable: none here.
var osErrnos = [...]errnoPair{}
