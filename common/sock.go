package common

// Riflags are the flags of sock_recv (the spec's riflags, a u16).
type Riflags uint16

// The preview1 receive flags.
const (
	// RiflagsRecvPeek: return the data without removing it from the queue.
	RiflagsRecvPeek Riflags = 1 << iota
	// RiflagsRecvWaitall: block until the whole buffer is filled (stream
	// sockets), the peer shuts down, or an error occurs.
	RiflagsRecvWaitall
)

// RiflagsAll is every flag preview1 defines for [Riflags].
const RiflagsAll = RiflagsRecvPeek | RiflagsRecvWaitall

var riflagsNames = []string{"RECV_PEEK", "RECV_WAITALL"}

// String prints the set flags, e.g. "RECV_PEEK".
func (f Riflags) String() string { return formatFlags(uint64(f), riflagsNames) }

// Roflags are the flags sock_recv returns (the spec's roflags, a u16).
type Roflags uint16

// RoflagsRecvDataTruncated: the message was larger than the buffers and was
// truncated (datagram sockets).
const RoflagsRecvDataTruncated Roflags = 1

var roflagsNames = []string{"RECV_DATA_TRUNCATED"}

// String prints the set flags, e.g. "RECV_DATA_TRUNCATED".
func (f Roflags) String() string { return formatFlags(uint64(f), roflagsNames) }

// Siflags are the flags of sock_send (the spec's siflags, a u16). Preview1
// defines none; a non-zero value is EINVAL.
type Siflags uint16

// String prints the flags; as none are defined, any set bit prints as a
// hexadecimal value, and zero as "0".
func (f Siflags) String() string { return formatFlags(uint64(f), nil) }

// Sdflags say which directions sock_shutdown shuts (the spec's sdflags, a u8).
type Sdflags uint8

// The preview1 shutdown flags.
const (
	SdflagsRd Sdflags = 1 << iota // Disable further receive operations.
	SdflagsWr                     // Disable further send operations.
)

// SdflagsAll is every flag preview1 defines for [Sdflags].
const SdflagsAll = SdflagsRd | SdflagsWr

var sdflagsNames = []string{"RD", "WR"}

// String prints the set flags, e.g. "RD|WR".
func (f Sdflags) String() string { return formatFlags(uint64(f), sdflagsNames) }
