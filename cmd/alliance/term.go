package main

import (
	"fmt"
	"strings"
	"unicode"
)

// term makes s safe to print on a terminal: control characters (escape
// sequences included) and other unprintable runes are shown as \x.. or
// \u.... escapes instead of being sent raw.
func term(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) && r != ' ' }) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || unicode.IsPrint(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}
