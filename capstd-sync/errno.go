package capstdsync

import (
	"errors"
	"syscall"

	"github.com/capwasi/capwasi/capstd"
	"github.com/capwasi/capwasi/common"
)

// errnoOf returns the preview1 errno err stands for: capstd's escape error
// is EPERM (the contract's one errno for leaving the tree, see package
// common's "Leaving the tree"), unless an [common.ErrnoCarrier] in the chain
// says otherwise; everything else, operating-system errors included, is
// what [common.ErrnoOf] makes of it (one table for every system, in
// package common).
func errnoOf(err error) common.Errno {
	switch err.(type) {
	case nil, common.Errno, syscall.Errno:
		return common.ErrnoOf(err) // bare values: no chain to search
	}
	var carrier common.ErrnoCarrier
	if !errors.As(err, &carrier) && errors.Is(err, capstd.ErrEscape) {
		return common.EPERM
	}
	return common.ErrnoOf(err)
}

// wasiErr returns err as a bare [common.Errno] (nil for nil). Every error
// this package returns to a binding goes through it, so the guest sees one
// consistent code, and returning it costs no allocation.
func wasiErr(err error) error {
	if err == nil {
		return nil
	}
	return errnoOf(err)
}
