package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRecordRefusesBadInput feeds `record` each kind of input it must refuse:
// exit 2, a message that says where and why, and nothing stored.
func TestRecordRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	_, before, _ := run(t, db, "head")
	event := func(date, title string) string {
		return fmt.Sprintf("- date: %s\n  type: summit\n  org: NATO\n  states: [UA]\n  title: %q\n  source: {url: \"https://example.org/x\", title: \"x\", kind: news}\n", date, title)
	}
	many := strings.Repeat(event("2026-07-08", "a summit"), 2001)
	for _, tc := range []struct {
		name, content, want string
	}{
		{"a 50 MB title", event("2026-07-08", strings.Repeat("t", 50<<20)), "the limit is 2097152"},
		{"a title over the limit", event("2026-07-08", strings.Repeat("t", 301)), "title: is 301 characters long; the limit is 300"},
		{"too many events", many[:min(len(many), 2<<20-10)], "entries; the limit is 2000"},
		{"a date after today", event("9999-12-31", "a future summit"), "date: 9999-12-31 is after today (2026-11-27)"},
		{"a second YAML document", event("2026-07-08", "a summit") + "---\n" + event("2026-07-09", "another"), ":7: a second YAML document"},
		{"an escape sequence", event("2026-07-08", "a summit \x1b[31mred"), "title: holds the control character U+001B"},
		{"a bad kind", strings.Replace(event("2026-07-08", "a summit"), "kind: news", "kind: forum", 1), `source.kind: unknown source kind "forum"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".yaml")
			os.WriteFile(file, []byte(tc.content), 0o644)
			code, out, stderr := run(t, db, "record", file)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, %q%q; want exit 2 and %q", code, out, clipForTest(stderr), tc.want)
			}
			if len(stderr) > 400 {
				t.Errorf("the error quotes too much input: %d bytes", len(stderr))
			}
			if _, after, _ := run(t, db, "head"); after != before {
				t.Errorf("the ledger changed: %s -> %s", before, after)
			}
		})
	}
}

func clipForTest(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// TestTermEscapes: terminal output shows control characters as escapes.
func TestTermEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"plain Ünïcödé": "plain Ünïcödé",
		"red \x1b[31m":  `red \x1b[31m`,
		"bell\a\u2028":  `bell\x07\u2028`,
	} {
		if got := term(in); got != want {
			t.Errorf("term(%q) = %q, want %q", in, got, want)
		}
	}
}
