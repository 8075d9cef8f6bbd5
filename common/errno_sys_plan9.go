package common

// Plan 9 reports errors as strings, not numbers: there is no system error
// number to map, and ErrnoOf goes on to the io/fs sentinels.

func bareSysErrno(error) (Errno, bool)  { return 0, false }
func chainSysErrno(error) (Errno, bool) { return 0, false }
