//go:build !linux && !darwin && !freebsd

package capstdsync

import (
	"net"

	"github.com/capwasi/capwasi/common"
)

// newListenerFile is not implemented on this system: ENOTSUP.
func newListenerFile(net.Listener) (common.WasiFile, error) { return nil, common.ENOTSUP }
