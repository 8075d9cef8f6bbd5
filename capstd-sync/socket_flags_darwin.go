package capstdsync

// sendFlags are none on macOS: a send to a closed peer raises SIGPIPE, which
// Go's runtime ignores for descriptors other than 1 and 2, and returns EPIPE.
const sendFlags = 0
