//go:build linux || freebsd

package capstd

import "golang.org/x/sys/unix"

// fadvice maps Advice to posix_fadvise(2) advice.
var fadvice = [...]int{
	AdviceNormal:     unix.FADV_NORMAL,
	AdviceSequential: unix.FADV_SEQUENTIAL,
	AdviceRandom:     unix.FADV_RANDOM,
	AdviceWillNeed:   unix.FADV_WILLNEED,
	AdviceDontNeed:   unix.FADV_DONTNEED,
	AdviceNoReuse:    unix.FADV_NOREUSE,
}
