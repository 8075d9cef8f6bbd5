package capstdsync

import (
	"context"

	"github.com/capwasi/capwasi/common"
)

// Rights of the stream files (standard streams, reader and writer files, the
// null file): what a pipe or a terminal can honour. Streams cannot seek,
// tell, allocate, advise or change size, so they leave those rights out.
const (
	streamCommonRights = common.RightsFdFdstatSetFlags | common.RightsFdFilestatGet |
		common.RightsPollFdReadwrite
	streamReadRights  = streamCommonRights | common.RightsFdRead
	streamWriteRights = streamCommonRights | common.RightsFdWrite |
		common.RightsFdSync | common.RightsFdDatasync
)

// streamFlags are the fd flags a stream accepts after it is open: NONBLOCK,
// which the stream emulates without touching the host's descriptor, and
// APPEND, which a stream always does anyway. The sync flags concern storage,
// which a stream has none of: ENOTSUP.
const streamFlags = common.FdflagsNonblock | common.FdflagsAppend

// checkStreamFlags returns ENOTSUP for flags a stream cannot take.
func checkStreamFlags(flags common.Fdflags) error {
	if flags&^streamFlags != 0 {
		return common.ENOTSUP
	}
	return nil
}

// streamFile is what the in-process stream files share: a type of
// FiletypeUnknown (a pipe), fd flags that are only recorded, and no size.
type streamFile struct {
	common.UnimplementedFile
	flags common.Fdflags
}

func (f *streamFile) Fdflags(context.Context) (common.Fdflags, error) { return f.flags, nil }

func (f *streamFile) SetFdflags(_ context.Context, flags common.Fdflags) error {
	if err := checkStreamFlags(flags); err != nil {
		return err
	}
	f.flags = flags
	return nil
}

func (f *streamFile) Filestat(context.Context) (common.Filestat, error) {
	return common.Filestat{Filetype: common.FiletypeUnknown}, nil
}

func (f *streamFile) SetSize(context.Context, common.Filesize) error { return common.EINVAL }

// pollTarget is implemented by this package's files to tell the scheduler
// how to wait for them, without a syscall.Conn round trip.
type pollTarget interface {
	// pollFd returns the operating-system descriptor to poll, or -1 when
	// the file is always ready.
	pollFd() int
}

// readyCounter is implemented by always-ready files that know how many
// bytes a read would return now (a regular file: the bytes after the
// offset; an in-memory reader: its length).
type readyCounter interface {
	readableBytes() (common.Filesize, error)
}

// iovsLen returns the total length of iovs.
func iovsLen(iovs [][]byte) int {
	n := 0
	for _, iov := range iovs {
		n += len(iov)
	}
	return n
}
