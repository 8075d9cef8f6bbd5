package gostd

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// The markers between which UpdateDoc writes the table.
const (
	BeginMarker = "<!-- gostd:begin -->"
	EndMarker   = "<!-- gostd:end -->"
)

// maxNames is how many failing tests a cell lists.
const maxNames = 12

// cell renders one outcome for the table.
func cell(o Outcome) string {
	switch {
	case o.Status == "ok":
		s := fmt.Sprintf("ok (%d passed", o.Passed)
		if o.Skipped > 0 {
			s += fmt.Sprintf(", %d skipped", o.Skipped)
		}
		return s + ")"
	case o.Status != "FAIL":
		return o.Status
	case len(o.Failed) == 0:
		return "**FAIL**: " + escape(o.Note)
	}
	return fmt.Sprintf("**FAIL** (%d): %s", len(o.Failed), names(o.Failed))
}

// names lists tests, the first maxNames of them.
func names(tests []string) string {
	more := ""
	if len(tests) > maxNames {
		more = fmt.Sprintf(" and %d more", len(tests)-maxNames)
		tests = tests[:maxNames]
	}
	return escape(strings.Join(tests, ", ")) + more
}

// failingOnly returns what fails in a and not in b: the tests, or, when a
// failed without naming a test and b passed, a's note.
func failingOnly(a, b Outcome) string {
	if a.OK() {
		return ""
	}
	if len(a.Failed) == 0 {
		if b.OK() {
			return "the test binary failed: " + escape(a.Note)
		}
		return ""
	}
	var only []string
	for _, t := range a.Failed {
		if !slices.Contains(b.Failed, t) {
			only = append(only, t)
		}
	}
	if len(only) == 0 {
		return ""
	}
	return fmt.Sprintf("%d: %s", len(only), names(only))
}

// escape keeps s on one table cell.
func escape(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// seconds renders d for the table.
func seconds(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }

// Markdown renders rows as a table, a column pair (outcome, time) per host,
// with a last row counting the packages that pass per host; for two hosts
// it then lists, per host, the tests that fail on it and not on the other.
func Markdown(rows []Row, hosts []Host) string {
	var b strings.Builder
	b.WriteString("| package |")
	sep := "|---|"
	for _, h := range hosts {
		fmt.Fprintf(&b, " %s | time |", h.Name)
		sep += "---|--:|"
	}
	b.WriteString("\n" + sep + "\n")
	total := make([]time.Duration, len(hosts))
	passing := make([]int, len(hosts))
	for _, r := range rows {
		fmt.Fprintf(&b, "| `%s` |", r.Package)
		for i, o := range r.Outcomes {
			fmt.Fprintf(&b, " %s | %s |", cell(o), seconds(o.Elapsed))
			total[i] += o.Elapsed
			if o.OK() {
				passing[i]++
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("| **total** |")
	for i := range hosts {
		fmt.Fprintf(&b, " %d of %d packages pass | %s |", passing[i], len(rows), seconds(total[i]))
	}
	b.WriteString("\n")
	if len(hosts) == 2 {
		for i, j := range []int{1, 0} {
			var only []string
			for _, r := range rows {
				if f := failingOnly(r.Outcomes[i], r.Outcomes[j]); f != "" {
					only = append(only, "`"+r.Package+"` ("+f+")")
				}
			}
			if len(only) == 0 {
				only = []string{"none"}
			}
			fmt.Fprintf(&b, "\nFailing on %s only: %s.\n", hosts[i].Name, strings.Join(only, "; "))
		}
	}
	return b.String()
}

// UpdateDoc replaces what lies between BeginMarker and EndMarker in the
// file at path with content, leaving the rest of the file as it was; when
// the file has no markers, it appends them with content. Errors: the file
// cannot be read or written, or has one marker without the other (or in
// the wrong order).
func UpdateDoc(path, content string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	doc := string(data)
	begin, end := strings.Index(doc, BeginMarker), strings.Index(doc, EndMarker)
	block := BeginMarker + "\n" + strings.TrimRight(content, "\n") + "\n" + EndMarker
	switch {
	case begin < 0 && end < 0:
		doc = strings.TrimRight(doc, "\n") + "\n\n" + block + "\n"
	case begin < 0 || end < begin:
		return errors.New(path + ": " + BeginMarker + " and " + EndMarker + " are not a pair")
	default:
		doc = doc[:begin] + block + doc[end+len(EndMarker):]
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(doc), st.Mode().Perm())
}
