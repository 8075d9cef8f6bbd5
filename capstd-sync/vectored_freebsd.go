package capstdsync

import "golang.org/x/sys/unix"

// readv and writev go one read(2) or write(2) per buffer (golang.org/x/sys
// has no readv(2) for FreeBSD), stopping after a short transfer as the
// vectored calls would.
func readv(fd int, iovs [][]byte) (int, error)  { return eachIovec(fd, iovs, unix.Read) }
func writev(fd int, iovs [][]byte) (int, error) { return eachIovec(fd, iovs, unix.Write) }

func eachIovec(fd int, iovs [][]byte, op func(int, []byte) (int, error)) (int, error) {
	total := 0
	for _, iov := range iovs {
		if len(iov) == 0 {
			continue
		}
		n, err := op(fd, iov)
		if n > 0 {
			total += n
		}
		if err != nil {
			if total > 0 {
				return total, nil
			}
			return 0, err
		}
		if n < len(iov) {
			break
		}
	}
	return total, nil
}
