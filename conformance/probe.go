package conformance

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/capwasi/capwasi/common"
)

// A probe script drives the wasicall guest (conformance/guests/wasicall):
// one raw preview1 call per line, then "=>" and what the call must produce:
//
//	path_open 3 0 s:"f" OFLAGS_CREAT RIGHTS_ALL 0 0 out:4>fd => ESUCCESS u32!3
//	fd_write $fd iov:"hello" out:4                          => ESUCCESS u32:5
//	fd_write 99 iov:"x" out:4                               => EBADF
//	path_open 3 0 s:"../x" 0 0 0 0 out:4                    => EPERM|ENOTCAPABLE
//
// The call part is the guest's syntax (see the wasicall package doc), with
// constant names from [symbols] (RIGHTS_FD_READ|RIGHTS_FD_WRITE, ...)
// replaced by their values. The expectation is the accepted errnos, joined
// by "|", then optionally one matcher per output area of the call, in order:
// "_" accepts anything; otherwise conditions joined by ",":
//
//	str:"text"         the area starts with these bytes
//	hex:0a0b           the area starts with these bytes
//	u32:5              the little-endian u32 at offset 0 equals 5
//	u8@16:FILETYPE_DIRECTORY   the byte at offset 16 equals the constant
//	u64@8&RIGHTS_FD_WRITE:0    (u64 at 8) AND mask equals 0
//	u64@0!0            not equal; also ">" and "<" compare
//
// Types are u8, u16, u32 and u64. Matchers are only checked when the call
// returned ESUCCESS or the expectation lists no alternative errno.

// step is one line of a probe script.
type step struct {
	line   int            // 1-based line number in the script
	text   string         // the line as written
	fn     string         // the function called
	call   string         // the line sent to the guest, constants resolved
	errnos []common.Errno // accepted errnos
	areas  []matcher      // one per output area; nil entries accept anything
}

// matcher checks one output area.
type matcher []cond

type cond struct {
	width int // 1, 2, 4 or 8 for integer conditions; 0 for bytes
	off   int
	mask  uint64 // 0: no mask
	op    byte   // ':' '!' '>' '<'
	want  uint64
	bytes []byte // for str and hex
}

// parseScript parses a probe script into steps.
func parseScript(script string) ([]step, error) {
	var steps []step
	for i, raw := range strings.Split(script, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		s, err := parseStep(line)
		if err != nil {
			return nil, fmt.Errorf("line %d %q: %w", i+1, line, err)
		}
		s.line = i + 1
		steps = append(steps, s)
	}
	return steps, nil
}

func parseStep(line string) (step, error) {
	callPart, wantPart, ok := strings.Cut(line, " => ")
	if !ok {
		return step{}, fmt.Errorf(`no " => " expectation`)
	}
	s := step{text: line}
	toks := splitTokens(strings.TrimSpace(callPart))
	if len(toks) == 0 {
		return step{}, fmt.Errorf("no function")
	}
	s.fn = toks[0]
	for i, tok := range toks[1:] {
		if v, ok := symbolValue(tok); ok && !strings.ContainsAny(tok, `:"$`) {
			toks[i+1] = strconv.FormatUint(v, 10)
		}
	}
	s.call = strings.Join(toks, " ")
	want := splitTokens(strings.TrimSpace(wantPart))
	if len(want) == 0 {
		return step{}, fmt.Errorf("no expected errno")
	}
	for _, name := range strings.Split(want[0], "|") {
		v, ok := symbols[name]
		if !ok || v > uint64(common.ENOTCAPABLE) || !strings.HasPrefix(name, "E") {
			return step{}, fmt.Errorf("unknown errno %q", name)
		}
		s.errnos = append(s.errnos, common.Errno(v))
	}
	for _, m := range want[1:] {
		mt, err := parseMatcher(m)
		if err != nil {
			return step{}, err
		}
		s.areas = append(s.areas, mt)
	}
	return s, nil
}

func parseMatcher(s string) (matcher, error) {
	if s == "_" {
		return nil, nil
	}
	var m matcher
	for s != "" {
		var c cond
		var err error
		c, s, err = parseCond(s)
		if err != nil {
			return nil, err
		}
		m = append(m, c)
		s = strings.TrimPrefix(s, ",")
	}
	return m, nil
}

// parseCond parses one condition from the front of s and returns the rest.
func parseCond(s string) (cond, string, error) {
	switch {
	case strings.HasPrefix(s, "str:"):
		q, err := strconv.QuotedPrefix(s[4:])
		if err != nil {
			return cond{}, "", fmt.Errorf("str: %w", err)
		}
		v, _ := strconv.Unquote(q)
		return cond{bytes: []byte(v)}, s[4+len(q):], nil
	case strings.HasPrefix(s, "hex:"):
		end := strings.IndexByte(s, ',')
		if end < 0 {
			end = len(s)
		}
		b, err := hex.DecodeString(s[4:end])
		return cond{bytes: b}, s[end:], err
	}
	end := strings.IndexByte(s, ',')
	if end < 0 {
		end = len(s)
	}
	expr, rest := s[:end], s[end:]
	opAt := strings.IndexAny(expr, ":!<>")
	if opAt < 0 {
		return cond{}, "", fmt.Errorf("condition %q has no operator", expr)
	}
	c := cond{op: expr[opAt]}
	lhs := expr[:opAt]
	if l, mask, ok := strings.Cut(lhs, "&"); ok {
		v, ok := symbolValue(mask)
		if !ok {
			return cond{}, "", fmt.Errorf("mask %q", mask)
		}
		c.mask, lhs = v, l
	}
	typ, off, hasOff := strings.Cut(lhs, "@")
	if hasOff {
		n, err := strconv.Atoi(off)
		if err != nil {
			return cond{}, "", fmt.Errorf("offset %q", off)
		}
		c.off = n
	}
	switch typ {
	case "u8":
		c.width = 1
	case "u16":
		c.width = 2
	case "u32":
		c.width = 4
	case "u64":
		c.width = 8
	default:
		return cond{}, "", fmt.Errorf("type %q", typ)
	}
	v, ok := symbolValue(expr[opAt+1:])
	if !ok {
		return cond{}, "", fmt.Errorf("value %q", expr[opAt+1:])
	}
	c.want = v
	return c, rest, nil
}

// check reports why area b does not satisfy m, or "" if it does.
func (m matcher) check(b []byte) string {
	for _, c := range m {
		if c.width == 0 {
			if !bytes.HasPrefix(b, c.bytes) {
				return fmt.Sprintf("area %x does not start with %q", b, c.bytes)
			}
			continue
		}
		if c.off+c.width > len(b) {
			return fmt.Sprintf("area of %d bytes has no u%d at %d", len(b), 8*c.width, c.off)
		}
		var v uint64
		switch c.width {
		case 1:
			v = uint64(b[c.off])
		case 2:
			v = uint64(binary.LittleEndian.Uint16(b[c.off:]))
		case 4:
			v = uint64(binary.LittleEndian.Uint32(b[c.off:]))
		case 8:
			v = binary.LittleEndian.Uint64(b[c.off:])
		}
		if c.mask != 0 {
			v &= c.mask
		}
		ok := false
		switch c.op {
		case ':':
			ok = v == c.want
		case '!':
			ok = v != c.want
		case '>':
			ok = v > c.want
		case '<':
			ok = v < c.want
		}
		if !ok {
			return fmt.Sprintf("u%d at %d is %d (%#x), want %c %d (%#x)", 8*c.width, c.off, v, v, c.op, c.want, c.want)
		}
	}
	return ""
}

// result is one output line of the guest, parsed.
type result struct {
	fn    string
	errno common.Errno
	areas [][]byte
	text  string
	// dependsOn, when not 0, says the call was not made: it used a
	// variable that step dependsOn (1-based, in script order) failed to
	// set.
	dependsOn int
}

func parseResult(line string) (result, error) {
	f := strings.Fields(line)
	if len(f) < 2 {
		return result{}, fmt.Errorf("short probe output %q", line)
	}
	r := result{fn: f[0], text: line}
	if f[1] == "bad-script:" {
		return r, fmt.Errorf("probe rejected the script: %s", line)
	}
	if f[1] == "skipped:" {
		k, err := strconv.Atoi(f[len(f)-1])
		if err != nil || k < 1 || len(f) != 6 || strings.Join(f[2:5], " ") != "depends on call" {
			return r, fmt.Errorf("probe output %q: not a skipped call", line)
		}
		r.dependsOn = k
		return r, nil
	}
	n, err := strconv.ParseUint(f[1], 10, 16)
	if err != nil {
		return r, fmt.Errorf("probe output %q: %v", line, err)
	}
	r.errno = common.Errno(n)
	for _, a := range f[2:] {
		if a == "-" {
			r.areas = append(r.areas, nil)
			continue
		}
		b, err := hex.DecodeString(a)
		if err != nil {
			return r, fmt.Errorf("probe output %q: %v", line, err)
		}
		r.areas = append(r.areas, b)
	}
	return r, nil
}

// verify reports why r does not satisfy s, or "" if it does.
func (s step) verify(r result) string {
	if r.fn != s.fn {
		return fmt.Sprintf("the probe answered %q for a %s call", r.text, s.fn)
	}
	if r.dependsOn > 0 {
		return fmt.Sprintf("skipped: depends on step %d", r.dependsOn)
	}
	if !slices.Contains(s.errnos, r.errno) {
		return fmt.Sprintf("got %s, want %s", r.errno.String(), errnoList(s.errnos))
	}
	if r.errno != common.ESUCCESS && len(s.errnos) > 1 {
		return ""
	}
	for i, m := range s.areas {
		if m == nil {
			continue
		}
		if i >= len(r.areas) {
			return fmt.Sprintf("no output area %d", i+1)
		}
		if why := m.check(r.areas[i]); why != "" {
			return fmt.Sprintf("output area %d: %s", i+1, why)
		}
	}
	return ""
}

func errnoList(es []common.Errno) string {
	names := make([]string, len(es))
	for i, e := range es {
		names[i] = e.String()
	}
	return strings.Join(names, " or ")
}

func parseInt(s string) (uint64, error) {
	if strings.HasPrefix(s, "-") {
		v, err := strconv.ParseInt(s, 0, 64)
		return uint64(v), err
	}
	return strconv.ParseUint(s, 0, 64)
}

// splitTokens splits on spaces outside double-quoted strings.
func splitTokens(s string) []string {
	var out []string
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return out
		}
		i := 0
		for i < len(s) && s[i] != ' ' && s[i] != '\t' {
			if s[i] == '"' {
				if q, err := strconv.QuotedPrefix(s[i:]); err == nil {
					i += len(q)
					continue
				}
			}
			i++
		}
		out = append(out, s[:i])
		s = s[i:]
	}
}
