//go:build !plan9 && !js && !wasip1 && !dragonfly && !netbsd && !openbsd

package common

import "syscall"

// The names of sysErrnoTable some systems lack: js lacks ETXTBSY, openbsd
// EMULTIHOP and ENOLINK, dragonfly, js and netbsd ENOTRECOVERABLE and
// EOWNERDEAD, wasip1 the aliases (its EWOULDBLOCK is EAGAIN). Where a name
// is missing, the system never returns it. Every system capwasi runs on
// (Linux, macOS, FreeBSD, Windows) has them all.
func init() { addSysErrnos(moreSysErrnos[:]) }

var moreSysErrnos = [...]errnoPair{
	{syscall.EMULTIHOP, EMULTIHOP},
	{syscall.ENOLINK, ENOLINK},
	{syscall.ENOTRECOVERABLE, ENOTRECOVERABLE},
	{syscall.EOWNERDEAD, EOWNERDEAD},
	{syscall.ETXTBSY, ETXTBSY},
	// Aliases and near relatives preview1 has no code of its own for.
	{syscall.EWOULDBLOCK, EAGAIN},
	{syscall.EHOSTDOWN, EHOSTUNREACH},
	{syscall.ESHUTDOWN, EPIPE},
}
