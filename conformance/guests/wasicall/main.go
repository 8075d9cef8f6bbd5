//go:build wasip1

// Command wasicall is the conformance suite's ABI probe: it reads a script
// from stdin (or from the file named by "-f PATH"), makes each raw preview1
// call it describes, and prints one line per call with the errno and the
// output areas, for the host to check.
//
// A script line is a function name and its wasm parameters, in order:
//
//	42, -1, 0x10    an integer parameter (i32 parameters take the low 32 bits)
//	$name           the value of a variable set by an earlier "out:N>name"
//	s:"text"        two parameters: pointer and length of the Go-quoted bytes
//	sp:"text"       one parameter: the pointer of the bytes only
//	hex:0a0b        one parameter: pointer to the bytes given in hexadecimal
//	out:N           one parameter: pointer to N zeroed bytes, printed after the call
//	out:N>name      the same, and the first 4 bytes (little-endian) become $name
//	buf:N           two parameters: pointer and length of N zeroed bytes, printed after
//	iov:"a","b"     two parameters: an iovec array over the given bytes, and its length
//	iovout:N,M      two parameters: an iovec array over zeroed buffers of N, M bytes,
//	                and its length; the buffers are printed after the call
//
// Lines that are empty or start with "#" are skipped. The output line is
// "NAME ERRNO" followed by one hexadecimal field per printed area, in the
// order of the parameters ("-" for an empty area). A malformed line prints
// "NAME bad-script: why" and the probe exits with status 2.
//
// A call that fails (a non-zero errno) sets none of its variables. A later
// call using one of them is not made: it prints "NAME skipped: depends on
// call K", K being the number (from 1, among the calls) of the call that
// failed to set it, and its own variables are unset in the same way. So a
// failed path_open never lets the lines after it run against fd 0.
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unsafe"
)

// arena holds the memory every command's areas are carved from; it is reset
// before each command. It lives on the heap, so addresses are stable.
var arena = make([]byte, 8<<20)

type area struct {
	b    []byte
	name string // variable to set from its first 4 bytes, if any
	iovs [][]byte
}

type probe struct {
	used  int
	vars  map[string]uint64
	areas []area
	calls int            // calls read so far, the current one included
	unset map[string]int // variable → the call whose failure left it unset
}

// alloc returns n zeroed bytes of the arena, 8-byte aligned.
func (p *probe) alloc(n int) ([]byte, error) {
	p.used = (p.used + 7) &^ 7
	if n < 0 || p.used+n > len(arena) {
		return nil, fmt.Errorf("arena exhausted")
	}
	b := arena[p.used : p.used+n : p.used+n]
	clear(b)
	p.used += n
	return b, nil
}

func addr(b []byte) uint64 {
	if cap(b) == 0 {
		return 0
	}
	return uint64(uintptr(unsafe.Pointer(unsafe.SliceData(b))))
}

// iovecs lays out an iovec array over bufs and returns it.
func (p *probe) iovecs(bufs [][]byte) ([]byte, error) {
	arr, err := p.alloc(8 * len(bufs))
	if err != nil {
		return nil, err
	}
	for i, b := range bufs {
		binary.LittleEndian.PutUint32(arr[8*i:], uint32(addr(b)))
		binary.LittleEndian.PutUint32(arr[8*i+4:], uint32(len(b)))
	}
	return arr, nil
}

// param turns one token into wasm parameters.
func (p *probe) param(tok string) ([]uint64, error) {
	kind, rest, hasKind := strings.Cut(tok, ":")
	if !hasKind {
		if strings.HasPrefix(tok, "$") {
			if k := p.unset[tok[1:]]; k > 0 {
				return nil, errDepends(k)
			}
			v, ok := p.vars[tok[1:]]
			if !ok {
				return nil, fmt.Errorf("unset variable %s", tok)
			}
			return []uint64{v}, nil
		}
		if strings.HasPrefix(tok, "-") {
			v, err := strconv.ParseInt(tok, 0, 64)
			return []uint64{uint64(v)}, err
		}
		v, err := strconv.ParseUint(tok, 0, 64)
		return []uint64{v}, err
	}
	switch kind {
	case "s", "sp":
		s, err := strconv.Unquote(rest)
		if err != nil {
			return nil, fmt.Errorf("string %s: %v", rest, err)
		}
		b, err := p.alloc(len(s))
		if err != nil {
			return nil, err
		}
		copy(b, s)
		if kind == "sp" {
			return []uint64{addr(b)}, nil
		}
		return []uint64{addr(b), uint64(len(b))}, nil
	case "hex":
		raw, err := hex.DecodeString(rest)
		if err != nil {
			return nil, err
		}
		b, err := p.alloc(len(raw))
		if err != nil {
			return nil, err
		}
		copy(b, raw)
		return []uint64{addr(b)}, nil
	case "out", "buf":
		sizeStr, name, _ := strings.Cut(rest, ">")
		n, err := strconv.Atoi(sizeStr)
		if err != nil {
			return nil, err
		}
		b, err := p.alloc(n)
		if err != nil {
			return nil, err
		}
		p.areas = append(p.areas, area{b: b, name: name})
		if kind == "buf" {
			return []uint64{addr(b), uint64(n)}, nil
		}
		return []uint64{addr(b)}, nil
	case "iov":
		var bufs [][]byte
		for _, q := range splitQuoted(rest) {
			s, err := strconv.Unquote(q)
			if err != nil {
				return nil, fmt.Errorf("iov %s: %v", q, err)
			}
			b, err := p.alloc(len(s))
			if err != nil {
				return nil, err
			}
			copy(b, s)
			bufs = append(bufs, b)
		}
		arr, err := p.iovecs(bufs)
		if err != nil {
			return nil, err
		}
		return []uint64{addr(arr), uint64(len(bufs))}, nil
	case "iovout":
		var bufs [][]byte
		for _, f := range strings.Split(rest, ",") {
			n, err := strconv.Atoi(f)
			if err != nil {
				return nil, err
			}
			b, err := p.alloc(n)
			if err != nil {
				return nil, err
			}
			bufs = append(bufs, b)
		}
		arr, err := p.iovecs(bufs)
		if err != nil {
			return nil, err
		}
		p.areas = append(p.areas, area{iovs: bufs})
		return []uint64{addr(arr), uint64(len(bufs))}, nil
	}
	return nil, fmt.Errorf("unknown token %q", tok)
}

// splitQuoted splits "a","b,c" into its Go-quoted strings.
func splitQuoted(s string) []string {
	var out []string
	for len(s) > 0 {
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			return append(out, s)
		}
		out = append(out, q)
		s = strings.TrimPrefix(s[len(q):], ",")
	}
	return out
}

// tokens splits a line on spaces outside quotes.
func tokens(line string) []string {
	var out []string
	for {
		line = strings.TrimLeft(line, " \t")
		if line == "" {
			return out
		}
		i := 0
		for i < len(line) && line[i] != ' ' && line[i] != '\t' {
			if line[i] == '"' {
				if q, err := strconv.QuotedPrefix(line[i:]); err == nil {
					i += len(q)
					continue
				}
			}
			i++
		}
		out = append(out, line[:i])
		line = line[i:]
	}
}

// errDepends is the error of a parameter naming a variable that call K
// failed to set.
type errDepends int

func (k errDepends) Error() string { return fmt.Sprintf("depends on call %d", int(k)) }

func (p *probe) run(line string, out *bufio.Writer) bool {
	toks := tokens(line)
	name := toks[0]
	c, ok := calls[name]
	if !ok {
		fmt.Fprintf(out, "%s bad-script: unknown function\n", name)
		return false
	}
	p.calls++
	p.used, p.areas = 0, p.areas[:0]
	var params []uint64
	var depends errDepends
	for _, tok := range toks[1:] {
		vs, err := p.param(tok)
		if k, ok := err.(errDepends); ok {
			depends = k
			continue
		}
		if err != nil {
			fmt.Fprintf(out, "%s bad-script: %v\n", name, err)
			return false
		}
		params = append(params, vs...)
	}
	if depends > 0 {
		// Not made: its variables stay unset because of the same call.
		for _, a := range p.areas {
			if a.name != "" {
				p.unset[a.name] = int(depends)
			}
		}
		fmt.Fprintf(out, "%s skipped: %v\n", name, depends)
		out.Flush()
		return true
	}
	if len(params) != c.params {
		fmt.Fprintf(out, "%s bad-script: %d parameters, want %d\n", name, len(params), c.params)
		return false
	}
	if name == "proc_exit" {
		out.Flush()
	}
	errno := c.fn(params)
	fmt.Fprintf(out, "%s %d", name, errno)
	for _, a := range p.areas {
		b := a.b
		if a.iovs != nil {
			b = nil
			for _, iov := range a.iovs {
				b = append(b, iov...)
			}
		}
		if len(b) == 0 {
			out.WriteString(" -")
		} else {
			out.WriteString(" " + hex.EncodeToString(b))
		}
		switch {
		case a.name == "":
		case errno != 0:
			p.unset[a.name] = p.calls
		case len(a.b) >= 4:
			p.vars[a.name] = uint64(binary.LittleEndian.Uint32(a.b))
			delete(p.unset, a.name)
		}
	}
	out.WriteByte('\n')
	// Flush per line: a later call may close or redirect stdout.
	out.Flush()
	return true
}

func main() {
	var in io.Reader = os.Stdin
	if len(os.Args) == 3 && os.Args[1] == "-f" {
		f, err := os.Open(os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, "wasicall:", err)
			os.Exit(2)
		}
		in = f
	}
	script, err := io.ReadAll(in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasicall:", err)
		os.Exit(2)
	}
	p := &probe{vars: map[string]uint64{}, unset: map[string]int{}}
	out := bufio.NewWriter(os.Stdout)
	for _, line := range strings.Split(string(script), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !p.run(line, out) {
			out.Flush()
			os.Exit(2)
		}
	}
	out.Flush()
}
