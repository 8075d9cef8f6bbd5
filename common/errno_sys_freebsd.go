package common

import "syscall"

// FreeBSD's addition to sysErrnoTable: Capsicum's ENOTCAPABLE, which is
// preview1's ENOTCAPABLE.
func init() { addSysErrnos([]errnoPair{{syscall.ENOTCAPABLE, ENOTCAPABLE}}) }
