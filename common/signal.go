package common

// Signal is a signal condition (the spec's signal, a u8), the argument of
// proc_raise.
type Signal uint8

// The preview1 signals, with their default actions.
const (
	SignalNone   Signal = iota // No signal. Reserved so that 0 is not a signal.
	SignalHup                  // Hangup. Action: terminates the process.
	SignalInt                  // Terminate interrupt signal. Action: terminates the process.
	SignalQuit                 // Terminal quit signal. Action: terminates the process.
	SignalIll                  // Illegal instruction. Action: terminates the process.
	SignalTrap                 // Trace/breakpoint trap. Action: terminates the process.
	SignalAbrt                 // Process abort signal. Action: terminates the process.
	SignalBus                  // Access to an undefined portion of a memory object. Action: terminates the process.
	SignalFpe                  // Erroneous arithmetic operation. Action: terminates the process.
	SignalKill                 // Kill. Action: terminates the process.
	SignalUsr1                 // User-defined signal 1. Action: terminates the process.
	SignalSegv                 // Invalid memory reference. Action: terminates the process.
	SignalUsr2                 // User-defined signal 2. Action: terminates the process.
	SignalPipe                 // Write on a pipe with no one to read it. Action: ignored.
	SignalAlrm                 // Alarm clock. Action: terminates the process.
	SignalTerm                 // Termination signal. Action: terminates the process.
	SignalChld                 // Child process terminated, paused, or continued. Action: ignored.
	SignalCont                 // Continue executing, if paused. Action: continues execution.
	SignalStop                 // Stop executing. Action: stops executing.
	SignalTstp                 // Terminal stop signal. Action: stops executing.
	SignalTtin                 // Background process attempting read. Action: stops executing.
	SignalTtou                 // Background process attempting write. Action: stops executing.
	SignalUrg                  // High bandwidth data is available at a socket. Action: ignored.
	SignalXcpu                 // CPU time limit exceeded. Action: terminates the process.
	SignalXfsz                 // File size limit exceeded. Action: terminates the process.
	SignalVtalrm               // Virtual timer expired. Action: terminates the process.
	SignalProf                 // Profiling timer expired. Action: terminates the process.
	SignalWinch                // Window changed. Action: ignored.
	SignalPoll                 // I/O possible. Action: terminates the process.
	SignalPwr                  // Power failure. Action: terminates the process.
	SignalSys                  // Bad system call. Action: terminates the process.
)

var signalNames = []string{
	"NONE", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
	"USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "CHLD", "CONT", "STOP",
	"TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH",
	"POLL", "PWR", "SYS",
}

// String returns the spec name, e.g. "TERM", or "Signal(N)".
func (s Signal) String() string { return formatEnum("Signal", uint64(s), signalNames) }

// Valid reports whether s is a signal preview1 defines.
func (s Signal) Valid() bool { return int(s) < len(signalNames) }
