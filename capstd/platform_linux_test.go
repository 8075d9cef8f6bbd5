package capstd

import "syscall"

const isLinux = true

func mkfifo(path string) error { return syscall.Mkfifo(path, 0o644) }
