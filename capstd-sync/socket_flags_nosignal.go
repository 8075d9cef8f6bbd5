//go:build linux || freebsd

package capstdsync

import "golang.org/x/sys/unix"

// sendFlags keep a send to a closed peer from raising SIGPIPE.
const sendFlags = unix.MSG_NOSIGNAL
