package capstdsync

import (
	"github.com/capwasi/capwasi/common"
	"golang.org/x/sys/unix"
)

// osErrnos are FreeBSD's additions to errnoTable: Capsicum's ENOTCAPABLE,
// which is preview1's ENOTCAPABLE.
func init() { addErrnos(osErrnos[:]) }

var osErrnos = [...]errnoPair{
	{unix.ENOTCAPABLE, common.ENOTCAPABLE},
}
