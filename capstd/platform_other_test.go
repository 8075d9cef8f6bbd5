//go:build darwin || freebsd

package capstd

import "syscall"

const isLinux = false

func mkfifo(path string) error { return syscall.Mkfifo(path, 0o644) }
