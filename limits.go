package alliance

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what one event may hold. They apply to every write path (data
// files, `record`, the API): the largest values in the curated dataset are
// well inside them (title 179 characters, note 1,334, source URL 569).
const (
	MaxTitleRunes       = 300
	MaxNoteRunes        = 4000
	MaxURLBytes         = 2048
	MaxSourceTitleRunes = 500
	MaxShortRunes       = 200 // pollster, population, term, question...
	MaxStates           = 64
	MaxListItems        = 64 // obligations, regions
)

// checkText reports a field that is too long or holds a control character
// (an escape sequence would reach terminals raw).
func checkText(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return fieldErr(field, "is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fieldErr(field, "is %d characters long; the limit is %d", n, max)
	}
	if i := strings.IndexFunc(s, unicode.IsControl); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return fieldErr(field, "holds the control character %s at byte %d: write plain text on one line", fmt.Sprintf("%U", r), i)
	}
	return nil
}

// checkLimits applies the limits above to every text field of e.
func (e *Event) checkLimits() error {
	if len(e.States) > MaxStates {
		return fieldErr("states", "lists %d states; the limit is %d", len(e.States), MaxStates)
	}
	if len(e.Source.URL) > MaxURLBytes {
		return fieldErr("source.url", "is %d bytes long; the limit is %d", len(e.Source.URL), MaxURLBytes)
	}
	texts := []struct {
		field, s string
		max      int
	}{
		{"title", e.Title, MaxTitleRunes},
		{"note", e.Note, MaxNoteRunes},
		{"source.url", e.Source.URL, MaxURLBytes},
		{"source.title", e.Source.Title, MaxSourceTitleRunes},
		{"candidate", e.Candidate, MaxShortRunes},
	}
	for _, c := range e.States {
		texts = append(texts, struct {
			field, s string
			max      int
		}{"states", c, 8})
	}
	if t := e.Terms; t != nil {
		if len(t.Obligations) > MaxListItems {
			return fieldErr("obligations", "lists %d obligations; the limit is %d", len(t.Obligations), MaxListItems)
		}
		texts = append(texts, []struct {
			field, s string
			max      int
		}{{"partner", t.Partner, 8}, {"term", t.Term, MaxShortRunes}, {"on_accession", t.OnAccession, MaxNoteRunes}}...)
	}
	if s := e.Stance; s != nil {
		texts = append(texts, struct {
			field, s string
			max      int
		}{"question", s.Question, MaxShortRunes})
	}
	if s := e.Survey; s != nil {
		if len(s.Regions) > MaxListItems {
			return fieldErr("regions", "lists %d regions; the limit is %d", len(s.Regions), MaxListItems)
		}
		texts = append(texts, []struct {
			field, s string
			max      int
		}{{"pollster", s.Pollster, MaxShortRunes}, {"question", s.Question, MaxNoteRunes}, {"population", s.Population, MaxShortRunes}}...)
		for k := range s.Regions {
			texts = append(texts, struct {
				field, s string
				max      int
			}{"regions", k, MaxShortRunes})
		}
	}
	for _, t := range texts {
		if err := checkText(t.field, t.s, t.max); err != nil {
			return err
		}
	}
	return nil
}

// CheckText reports a text field that is not valid UTF-8, is longer than
// max characters or holds a control character; the error names field. Other
// packages' inputs (exercise scenarios and actions) use the same rule as
// events.
func CheckText(field, s string, max int) error { return checkText(field, s, max) }
