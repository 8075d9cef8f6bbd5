//go:build !linux && !darwin && !freebsd

package capstd

import "io/fs"

// statOfFileInfo has nothing to offer where capstd is unsupported.
func statOfFileInfo(fs.FileInfo) Stat { return Stat{} }
