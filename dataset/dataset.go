// Package dataset reads the curated dataset (and files a user records) from
// YAML, strictly: every error names file:line and the field. It checks each
// event's shape and the rules that hold between events.
package dataset

import (
	"fmt"
	"io/fs"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"alliance"
)

// Located is an event with the place it was read from.
type Located struct {
	alliance.Event
	File string
	Line int
}

// Where returns "file:line", or "event N" for an event of the ledger (File
// empty, Line its sequence number).
func (l *Located) Where() string {
	if l.File == "" {
		return "event " + strconv.Itoa(l.Line)
	}
	return l.File + ":" + strconv.Itoa(l.Line)
}

func errAt(file string, line int, field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if field != "" {
		msg = field + ": " + msg
	}
	if file == "" { // an event of the ledger, named by its sequence number
		return alliance.Errorf(alliance.EINVALID, "event %d: %s", line, msg)
	}
	return alliance.Errorf(alliance.EINVALID, "%s:%d: %s", file, line, msg)
}

// ParseStates reads the registry of states: a YAML list of {code, name, cow}.
func ParseStates(file string, b []byte) (alliance.States, error) {
	items, err := parseList(file, b)
	if err != nil {
		return nil, err
	}
	out := make(alliance.States, len(items))
	for _, it := range items {
		var st alliance.State
		for _, kv := range pairs(it) {
			k, v := kv[0], kv[1]
			switch k.Value {
			case "code":
				st.Code = v.Value
				if !isCode(st.Code) {
					return nil, errAt(file, v.Line, "code", "%q is not a two-letter upper-case code", v.Value)
				}
			case "name":
				st.Name = v.Value
			case "cow":
				n, err := strconv.Atoi(v.Value)
				if err != nil || n <= 0 {
					return nil, errAt(file, v.Line, "cow", "%q is not a Correlates of War state number", v.Value)
				}
				st.COW = n
			default:
				return nil, errAt(file, k.Line, k.Value, "unknown field (want code, name, cow)")
			}
		}
		switch {
		case st.Code == "":
			return nil, errAt(file, it.Line, "code", "is missing")
		case st.Name == "":
			return nil, errAt(file, it.Line, "name", "is missing")
		}
		if _, dup := out[st.Code]; dup {
			return nil, errAt(file, it.Line, "code", "%s is listed twice", st.Code)
		}
		out[st.Code] = st
	}
	return out, nil
}

func isCode(s string) bool {
	return len(s) == 2 && 'A' <= s[0] && s[0] <= 'Z' && 'A' <= s[1] && s[1] <= 'Z'
}

// Limits on one data file: every write path reads files through here.
const (
	MaxFileBytes      = 2 << 20
	MaxEntriesPerFile = 2000
)

// parseList parses b as one YAML document holding a sequence of mappings and
// returns the mappings.
func parseList(file string, b []byte) ([]*yaml.Node, error) {
	if len(b) > MaxFileBytes {
		return nil, alliance.Errorf(alliance.EINVALID, "%s: the file is %d bytes; the limit is %d (split it)", file, len(b), MaxFileBytes)
	}
	// One document only: a second one would be silently dropped by the
	// parser. The markers are found in the text (a stream decoder asked for
	// a second document can spin on some malformed input, as fuzzing found).
	if line := secondDocument(b); line > 0 {
		return nil, errAt(file, line, "", "a second YAML document (after --- or ...): a file holds one list of entries")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, alliance.Errorf(alliance.EINVALID, "%s: %s", file, alliance.Clip(strings.TrimPrefix(err.Error(), "yaml: ")))
	}
	if doc.Kind == 0 { // empty file
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.SequenceNode {
		return nil, errAt(file, root.Line, "", "want a list of entries (each starting with \"- \")")
	}
	if n := len(root.Content); n > MaxEntriesPerFile {
		return nil, errAt(file, root.Content[MaxEntriesPerFile].Line, "", "the file has %d entries; the limit is %d (split it)", n, MaxEntriesPerFile)
	}
	for _, it := range root.Content {
		if it.Kind != yaml.MappingNode {
			return nil, errAt(file, it.Line, "", "each entry must be a mapping of fields")
		}
		seen := map[string]bool{}
		for _, kv := range pairs(it) {
			if seen[kv[0].Value] {
				return nil, errAt(file, kv[0].Line, kv[0].Value, "field given twice")
			}
			seen[kv[0].Value] = true
		}
	}
	return root.Content, nil
}

// secondDocument returns the line where a second YAML document starts (a
// "---" marker after content, or content after a "..." end marker), or 0.
// Markers stand at the start of a line; inside a document no line may.
func secondDocument(b []byte) int {
	content, ended := false, false
	for i, line := range strings.Split(string(b), "\n") {
		t := strings.TrimRight(line, " \t\r")
		marker := func(m string) bool {
			return strings.HasPrefix(t, m) && (len(t) == 3 || t[3] == ' ' || t[3] == '\t')
		}
		switch {
		case marker("---"):
			if content || ended {
				return i + 1
			}
			content = len(strings.TrimSpace(t[3:])) > 0 && !strings.HasPrefix(strings.TrimSpace(t[3:]), "#")
		case marker("..."):
			ended = true
		case t == "" || strings.HasPrefix(strings.TrimLeft(t, " \t"), "#") || strings.HasPrefix(t, "%"):
		default:
			if ended {
				return i + 1
			}
			content = true
		}
	}
	return 0
}

// CheckNotFuture refuses events dated after today: the ledger records facts,
// not plans (a scenario says what may happen).
func CheckNotFuture(evs []Located, today alliance.Date) error {
	for _, e := range evs {
		if e.Date.After(today) {
			return alliance.Errorf(alliance.EINVALID, "%s: date: %s is after today (%s): the ledger records what has happened; use a scenario for what may", e.Where(), e.Date, today)
		}
	}
	return nil
}

// pairs returns a mapping node's key/value pairs.
func pairs(m *yaml.Node) [][2]*yaml.Node {
	out := make([][2]*yaml.Node, 0, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		out = append(out, [2]*yaml.Node{m.Content[i], m.Content[i+1]})
	}
	return out
}

func scalar(file string, k, v *yaml.Node) (string, error) {
	if v.Kind != yaml.ScalarNode {
		return "", errAt(file, v.Line, k.Value, "want a single value")
	}
	return strings.TrimSpace(v.Value), nil
}

// ParseEvents reads one file of events and checks each against the registry
// of states. It does not check the rules between events (see Check).
func ParseEvents(file string, b []byte, states alliance.States) ([]Located, error) {
	items, err := parseList(file, b)
	if err != nil {
		return nil, err
	}
	out := make([]Located, 0, len(items))
	for _, it := range items {
		ev, err := parseEvent(file, it)
		if err != nil {
			return nil, err
		}
		if err := ev.Check(states); err != nil {
			fe := err.(*alliance.FieldError)
			line := it.Line
			for _, kv := range pairs(it) {
				if kv[0].Value == strings.SplitN(fe.Field, ".", 2)[0] {
					line = kv[1].Line
				}
			}
			return nil, errAt(file, line, fe.Field, "%s", fe.Msg)
		}
		if ev.Source.Kind == "" && ev.Source.URL != "" {
			line := it.Line
			for _, kv := range pairs(it) {
				if kv[0].Value == "source" {
					line = kv[1].Line
				}
			}
			return nil, errAt(file, line, "source.kind", "is missing: say what the source is (official, news, scholarly or reference)")
		}
		out = append(out, Located{Event: ev, File: file, Line: it.Line})
	}
	return out, nil
}

func parseEvent(file string, it *yaml.Node) (e alliance.Event, err error) {
	var question string
	defer func() {
		switch {
		case question == "":
		case e.Type == alliance.Position:
			if e.Stance == nil {
				e.Stance = &alliance.Stance{}
			}
			e.Stance.Question = question
		default:
			survey(&e).Question = question
		}
	}()
	for _, kv := range pairs(it) {
		k, v := kv[0], kv[1]
		switch k.Value {
		case "date", "type", "org", "candidate", "step", "title", "note":
			s, err := scalar(file, k, v)
			if err != nil {
				return e, err
			}
			switch k.Value {
			case "date":
				d, err := alliance.ParseDate(s)
				if err != nil {
					return e, errAt(file, v.Line, "date", "%s", alliance.ErrorMessage(err))
				}
				e.Date = d
			case "type":
				e.Type = alliance.EventType(s)
			case "org":
				e.Org = alliance.Org(s)
			case "candidate":
				e.Candidate = s
			case "step":
				e.Step = alliance.Step(s)
			case "title":
				e.Title = s
			case "note":
				e.Note = s
			}
		case "states":
			if v.Kind != yaml.SequenceNode {
				return e, errAt(file, v.Line, "states", "want a list of state codes, e.g. [SE]")
			}
			for _, c := range v.Content {
				if c.Kind != yaml.ScalarNode {
					return e, errAt(file, c.Line, "states", "want a list of state codes, e.g. [SE]")
				}
				e.States = append(e.States, c.Value)
			}
		case "source":
			if v.Kind != yaml.MappingNode {
				return e, errAt(file, v.Line, "source", "want a mapping with url and title")
			}
			for _, skv := range pairs(v) {
				s, err := scalar(file, skv[0], skv[1])
				if err != nil {
					return e, err
				}
				switch skv[0].Value {
				case "url":
					e.Source.URL = s
				case "title":
					e.Source.Title = s
				case "kind":
					e.Source.Kind = alliance.SourceKind(s)
				default:
					return e, errAt(file, skv[0].Line, "source."+skv[0].Value, "unknown field (want url, title, kind)")
				}
			}
		case "partner", "term", "on_accession", "consult_within_hours":
			s, err := scalar(file, k, v)
			if err != nil {
				return e, err
			}
			if e.Terms == nil {
				e.Terms = &alliance.Terms{}
			}
			switch k.Value {
			case "partner":
				e.Terms.Partner = s
			case "term":
				e.Terms.Term = s
			case "on_accession":
				e.Terms.OnAccession = s
			case "consult_within_hours":
				n, err := strconv.Atoi(s)
				if err != nil || n <= 0 {
					return e, errAt(file, v.Line, k.Value, "%q is not a positive number of hours", s)
				}
				e.Terms.ConsultWithinHours = n
			}
		case "question":
			s, err := scalar(file, k, v)
			if err != nil {
				return e, err
			}
			question = s // a position's or a poll's: decided once the type is known
		case "stance":
			s, err := scalar(file, k, v)
			if err != nil {
				return e, err
			}
			if e.Stance == nil {
				e.Stance = &alliance.Stance{}
			}
			e.Stance.Stance = s
		case "pollster", "population", "scope":
			s, err := scalar(file, k, v)
			if err != nil {
				return e, err
			}
			switch k.Value {
			case "pollster":
				survey(&e).Pollster = s
			case "population":
				survey(&e).Population = s
			case "scope":
				survey(&e).Scope = s
			}
		case "fieldwork_from", "fieldwork_to":
			d, err := alliance.ParseDate(v.Value)
			if err != nil {
				return e, errAt(file, v.Line, k.Value, "%s", alliance.ErrorMessage(err))
			}
			if k.Value == "fieldwork_from" {
				survey(&e).FieldworkFrom = d
			} else {
				survey(&e).FieldworkTo = d
			}
		case "sample":
			n, err := strconv.Atoi(v.Value)
			if err != nil || n <= 0 {
				return e, errAt(file, v.Line, "sample", "%q is not a positive number of respondents", v.Value)
			}
			survey(&e).Sample = n
		case "share":
			x, err := strconv.ParseFloat(v.Value, 64)
			if err != nil || math.IsNaN(x) {
				return e, errAt(file, v.Line, "share", "%q is not a percentage", v.Value)
			}
			survey(&e).Share = x
		case "regions":
			if v.Kind != yaml.MappingNode {
				return e, errAt(file, v.Line, "regions", "want a mapping of region: percent")
			}
			survey(&e).Regions = map[string]float64{}
			for _, kv := range pairs(v) {
				x, err := strconv.ParseFloat(kv[1].Value, 64)
				if err != nil || math.IsNaN(x) {
					return e, errAt(file, kv[1].Line, "regions", "%s: %q is not a percentage", kv[0].Value, kv[1].Value)
				}
				survey(&e).Regions[kv[0].Value] = x
			}
		case "obligations":
			if v.Kind != yaml.SequenceNode {
				return e, errAt(file, v.Line, "obligations", "want a list, e.g. [military_support, training]")
			}
			if e.Terms == nil {
				e.Terms = &alliance.Terms{}
			}
			e.Terms.Obligations = []string{}
			for _, c := range v.Content {
				if c.Kind != yaml.ScalarNode {
					return e, errAt(file, c.Line, "obligations", "want a list of words")
				}
				e.Terms.Obligations = append(e.Terms.Obligations, c.Value)
			}
		default:
			return e, errAt(file, k.Line, k.Value, "unknown field (want date, type, org, states, candidate, step, title, source, note; for agreements also partner, term, obligations, consult_within_hours, on_accession; for positions question, stance; for polls pollster, fieldwork_from, fieldwork_to, question, population, sample, share, scope, regions)")
		}
	}
	return e, nil
}

func survey(e *alliance.Event) *alliance.Survey {
	if e.Survey == nil {
		e.Survey = &alliance.Survey{}
	}
	return e.Survey
}

// Check applies the rules that hold between events: no duplicate fact, and
// no ratification dated after the accession it belongs to. have holds events
// already accepted (e.g. in the ledger); errors name the offending new event.
func Check(have []alliance.Event, events []Located) error {
	seen := make(map[string]string, len(have)+len(events))
	joined := map[string]alliance.Date{} // org|candidate -> date of joining
	for i := range have {
		seen[have[i].Key()] = "the ledger"
		noteJoined(joined, &have[i])
	}
	for i := range events {
		e := &events[i]
		if where, dup := seen[e.Key()]; dup {
			return errAt(e.File, e.Line, "", "duplicate: the same %s is already recorded at %s", e.Type, where)
		}
		seen[e.Key()] = e.Where()
		noteJoined(joined, &e.Event)
	}
	for i := range events {
		e := &events[i]
		if e.Type != alliance.Ratification {
			continue
		}
		if j, ok := joined[string(e.Org)+"|"+e.Candidate]; ok && e.Date.After(j) {
			return errAt(e.File, e.Line, "date", "%s's ratification (%s) of %s's accession is dated after %s joined %s on %s",
				e.States[0], e.Step, e.Candidate, e.Candidate, e.Org, j)
		}
	}
	return nil
}

func noteJoined(m map[string]alliance.Date, e *alliance.Event) {
	if e.Type != alliance.Joined {
		return
	}
	for _, c := range e.States {
		k := string(e.Org) + "|" + c
		if d, ok := m[k]; !ok || e.Date.Before(d) {
			m[k] = e.Date
		}
	}
}

// EventDirs are the folders of the dataset that hold events.
var EventDirs = []string{"nato", "eu", "guarantees", "polls"}

// Load reads the registry of states (states.yaml) and every event file in
// the EventDirs of fsys, in path order, and checks them all.
func Load(fsys fs.FS) (alliance.States, []Located, error) {
	b, err := fs.ReadFile(fsys, "states.yaml")
	if err != nil {
		return nil, nil, fmt.Errorf("read states: %w", err)
	}
	states, err := ParseStates("data/states.yaml", b)
	if err != nil {
		return nil, nil, err
	}
	var files []string
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		top, _, _ := strings.Cut(p, "/")
		if !d.IsDir() && slices.Contains(EventDirs, top) && path.Dir(p) != "." && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("list dataset: %w", err)
	}
	slices.Sort(files)
	var all []Located
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", f, err)
		}
		evs, err := ParseEvents("data/"+f, b, states)
		if err != nil {
			return nil, nil, err
		}
		all = append(all, evs...)
	}
	if err := Check(nil, all); err != nil {
		return nil, nil, err
	}
	return states, all, nil
}

// Events returns the bare events of ls.
func Events(ls []Located) []alliance.Event {
	out := make([]alliance.Event, len(ls))
	for i := range ls {
		out[i] = ls[i].Event
	}
	return out
}
