//go:build !linux && !darwin && !freebsd

package capstdsync

import (
	"os"

	"github.com/capwasi/capwasi/common"
)

// On systems without the poll(2)-based streams, the inherited standard
// streams are reader and writer files over os.Stdin, os.Stdout and
// os.Stderr: reads block without emulating FDFLAGS_NONBLOCK, and Close
// leaves the host's streams open.
func inheritStdin() common.WasiFile  { return NewReaderFile(os.Stdin) }
func inheritStdout() common.WasiFile { return NewWriterFile(os.Stdout) }
func inheritStderr() common.WasiFile { return NewWriterFile(os.Stderr) }
