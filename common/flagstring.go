package common

import (
	"strconv"
	"strings"
)

// formatFlags prints the set bits of v as names joined by "|", bit i being
// names[i]. Bits without a name print as one hexadecimal remainder; zero
// prints as "0".
func formatFlags(v uint64, names []string) string {
	if v == 0 {
		return "0"
	}
	var b strings.Builder
	for i, name := range names {
		if v&(1<<uint(i)) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('|')
		}
		b.WriteString(name)
		v &^= 1 << uint(i)
	}
	if v != 0 {
		if b.Len() > 0 {
			b.WriteByte('|')
		}
		b.WriteString("0x")
		b.WriteString(strconv.FormatUint(v, 16))
	}
	return b.String()
}

// formatEnum prints names[v], or typ(v) for a value outside names.
func formatEnum(typ string, v uint64, names []string) string {
	if v < uint64(len(names)) {
		return names[v]
	}
	return typ + "(" + strconv.FormatUint(v, 10) + ")"
}
