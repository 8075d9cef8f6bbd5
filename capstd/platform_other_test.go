//go:build !linux

package capstd

const isLinux = false
