// Package exercise runs North Atlantic Council exercises: a scenario seats
// the Council as it was on a date; seats act through secrets; the Council's
// procedures (Article 4 consultations, the silence procedure, consensus
// rounds, Article 5 invocation) are rules the server enforces on its own
// clock; every action is an entry of a hash-chained, signed exercise log,
// apart from the facts ledger. The package does no HTTP and no SQL: it runs
// against alliance.ExerciseStore.
package exercise

import (
	"bytes"
	"fmt"
	"io/fs"
	"math"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"alliance"
)

// Limits on a scenario.
const (
	MaxScenarioBytes = 256 << 10
	MaxInjects       = 200
	MaxDrafts        = 100
	MaxPositions     = 1000
	MaxTextRunes     = 4000
	MaxTitleRunes    = 200
	MaxSpeed         = 1440 // exercise minutes per real minute: a day a minute
	MaxOffsetMinutes = 60 * 24 * 366
)

// The kinds of decision a draft may take.
const (
	DecisionStatement  = "statement"
	DecisionAssistance = "assistance"
	DecisionArticle5   = "article5"
	DecisionOther      = "other"
)

// The procedures a draft goes through, and the Article 4 request.
const (
	ProcSilence   = "silence"
	ProcConsensus = "consensus"
	ProcArticle4  = "article4"
)

// The actions of a scripted position.
const (
	ActBreak    = "break"
	ActAgree    = "agree"
	ActFootnote = "footnote"
	ActArticle4 = "article4"
)

// Scenario is a Council exercise's script: the date that seats the Council,
// the clock, the injects, the drafts the chair may table, the scripted
// positions of delegations nobody plays, and what really happened.
type Scenario struct {
	File      string        `json:"file"`
	Name      string        `json:"name"`
	Date      alliance.Date `json:"date"`
	Summary   string        `json:"summary"`
	Start     time.Time     `json:"clock_start"`
	Speed     float64       `json:"clock_speed"`
	Injects   []Inject      `json:"injects"`
	Drafts    []Draft       `json:"drafts"`
	Positions []Position    `json:"positions,omitempty"`
	Record    []Outcome     `json:"record,omitempty"`
}

// Inject is news control feeds the Council at an offset on the clock.
type Inject struct {
	ID        string          `json:"id"`
	AtMinutes int             `json:"at_minutes"`
	Title     string          `json:"title"`
	Text      string          `json:"text"`
	Place     string          `json:"place,omitempty"`
	Lat       *float64        `json:"lat,omitempty"`
	Lon       *float64        `json:"lon,omitempty"`
	Requester string          `json:"requesting_state,omitempty"`
	Source    alliance.Source `json:"source"`
}

// HasPlace reports whether the inject names a place or a point.
func (in Inject) HasPlace() bool { return in.Place != "" || in.Lat != nil }

// Draft is a decision the chair may table.
type Draft struct {
	ID              string          `json:"id"`
	Decision        string          `json:"decision"`
	Procedure       string          `json:"procedure"`
	DeadlineMinutes int             `json:"deadline_minutes,omitempty"`
	Title           string          `json:"title"`
	Text            string          `json:"text"`
	Inject          string          `json:"inject,omitempty"`
	Source          alliance.Source `json:"source"`
}

// Position is what a delegation nobody plays does, and when: on a draft,
// minutes after it is tabled; an Article 4 request, minutes after the clock
// starts.
type Position struct {
	State        string          `json:"state"`
	Action       string          `json:"action"`
	Draft        string          `json:"draft,omitempty"`
	AfterMinutes int             `json:"after_minutes"`
	Reason       string          `json:"reason,omitempty"`
	Source       alliance.Source `json:"source"`
}

// Outcome is what really happened, for the replay test: a draft's status
// and who broke it, or the states whose Article 4 requests are on record.
type Outcome struct {
	Draft               string          `json:"draft,omitempty"`
	Status              string          `json:"status,omitempty"`
	BrokenBy            []string        `json:"broken_by,omitempty"`
	Article4RequestedBy []string        `json:"article4_requested_by,omitempty"`
	Source              alliance.Source `json:"source"`
}

type sourceYAML struct {
	URL   string `yaml:"url"`
	Title string `yaml:"title"`
	Kind  string `yaml:"kind"`
}

type scenarioYAML struct {
	Name    string `yaml:"name"`
	Date    string `yaml:"date"`
	Summary string `yaml:"summary"`
	Clock   struct {
		Start string  `yaml:"start"`
		Speed float64 `yaml:"speed"`
	} `yaml:"clock"`
	Injects []struct {
		ID        string     `yaml:"id"`
		AtMinutes *int       `yaml:"at_minutes"`
		Title     string     `yaml:"title"`
		Text      string     `yaml:"text"`
		Place     string     `yaml:"place"`
		Lat       *float64   `yaml:"lat"`
		Lon       *float64   `yaml:"lon"`
		Requester string     `yaml:"requesting_state"`
		Source    sourceYAML `yaml:"source"`
		Line      int        `yaml:"-"`
	} `yaml:"injects"`
	Drafts []struct {
		ID              string     `yaml:"id"`
		Decision        string     `yaml:"decision"`
		Procedure       string     `yaml:"procedure"`
		DeadlineMinutes int        `yaml:"deadline_minutes"`
		Title           string     `yaml:"title"`
		Text            string     `yaml:"text"`
		Inject          string     `yaml:"inject"`
		Source          sourceYAML `yaml:"source"`
	} `yaml:"drafts"`
	Positions []struct {
		State        string     `yaml:"state"`
		Action       string     `yaml:"action"`
		Draft        string     `yaml:"draft"`
		AfterMinutes int        `yaml:"after_minutes"`
		Reason       string     `yaml:"reason"`
		Source       sourceYAML `yaml:"source"`
	} `yaml:"positions"`
	Record []struct {
		Draft               string     `yaml:"draft"`
		Status              string     `yaml:"status"`
		BrokenBy            []string   `yaml:"broken_by"`
		Article4RequestedBy []string   `yaml:"article4_requested_by"`
		Source              sourceYAML `yaml:"source"`
	} `yaml:"record"`
}

var idRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

// ParseScenario reads a scenario strictly: unknown fields, bad dates,
// unknown state codes, missing sources and out-of-range numbers are
// EINVALID errors naming the file and the field. states is the dataset's
// list of states (for the codes).
func ParseScenario(file string, b []byte, states alliance.States) (*Scenario, error) {
	bad := func(where, format string, args ...any) error {
		return alliance.Errorf(alliance.EINVALID, "%s: %s: %s", file, where, fmt.Sprintf(format, args...))
	}
	if len(b) > MaxScenarioBytes {
		return nil, alliance.Errorf(alliance.EINVALID, "%s: %d bytes; a scenario is at most %d", file, len(b), MaxScenarioBytes)
	}
	var y scenarioYAML
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&y); err != nil {
		return nil, alliance.Errorf(alliance.EINVALID, "%s: %s (a scenario is a YAML mapping: name, date, summary, clock, injects, drafts, positions, record; see data/exercises/README.md)", file, yamlMessage(err))
	}
	s := &Scenario{File: file, Name: y.Name, Summary: y.Summary, Speed: y.Clock.Speed}
	if err := text("name", y.Name, MaxTitleRunes, true); err != nil {
		return nil, bad("name", "%v", err)
	}
	if err := text("summary", y.Summary, MaxTextRunes, false); err != nil {
		return nil, bad("summary", "%v", err)
	}
	d, err := alliance.ParseDate(y.Date)
	if err != nil {
		return nil, bad("date", "%s", alliance.ErrorMessage(err))
	}
	s.Date = d
	if s.Start, err = time.Parse(time.RFC3339, y.Clock.Start); err != nil {
		return nil, bad("clock.start", "%q is not an RFC 3339 time such as 2003-02-10T09:00:00Z", alliance.Clip(y.Clock.Start))
	}
	s.Start = s.Start.UTC()
	if math.IsNaN(s.Speed) || s.Speed < 1 || s.Speed > MaxSpeed {
		return nil, bad("clock.speed", "%v is not from 1 to %d exercise minutes per real minute", s.Speed, MaxSpeed)
	}
	state := func(where, code string) error {
		if _, ok := states[code]; !ok {
			return bad(where, "%q is not a state code of the dataset (ISO 3166-1 alpha-2, e.g. PL)", alliance.Clip(code))
		}
		return nil
	}
	if len(y.Injects) > MaxInjects || len(y.Drafts) > MaxDrafts || len(y.Positions) > MaxPositions || len(y.Record) > MaxDrafts {
		return nil, bad("lists", "at most %d injects, %d drafts, %d positions and %d outcomes", MaxInjects, MaxDrafts, MaxPositions, MaxDrafts)
	}
	ids := map[string]string{}
	useID := func(where, id string) error {
		if !idRe.MatchString(id) {
			return bad(where+".id", "%q: want lowercase letters, digits and hyphens, at most 64", alliance.Clip(id))
		}
		if prev, ok := ids[id]; ok {
			return bad(where+".id", "%q is already the id of %s", id, prev)
		}
		ids[id] = where
		return nil
	}
	for i, in := range y.Injects {
		where := fmt.Sprintf("injects[%d]", i)
		if err := useID(where, in.ID); err != nil {
			return nil, err
		}
		where = "inject " + in.ID
		if in.AtMinutes == nil || *in.AtMinutes < 0 || *in.AtMinutes > MaxOffsetMinutes {
			return nil, bad(where, "at_minutes is required, from 0 to %d", MaxOffsetMinutes)
		}
		if err := text("title", in.Title, MaxTitleRunes, true); err != nil {
			return nil, bad(where, "%v", err)
		}
		if err := text("text", in.Text, MaxTextRunes, true); err != nil {
			return nil, bad(where, "%v", err)
		}
		if err := text("place", in.Place, MaxTitleRunes, false); err != nil {
			return nil, bad(where, "%v", err)
		}
		if (in.Lat == nil) != (in.Lon == nil) || in.Lat != nil && in.Place != "" {
			return nil, bad(where, "give a place name, or lat and lon together, not both")
		}
		if in.Lat != nil && (math.IsNaN(*in.Lat) || math.IsNaN(*in.Lon) || *in.Lat < -90 || *in.Lat > 90 || *in.Lon < -180 || *in.Lon > 180) {
			return nil, bad(where, "lat %v, lon %v: want -90 to 90 and -180 to 180", *in.Lat, *in.Lon)
		}
		if in.Requester != "" {
			if err := state(where+": requesting_state", in.Requester); err != nil {
				return nil, err
			}
		}
		src, err := source(in.Source)
		if err != nil {
			return nil, bad(where, "%v", err)
		}
		s.Injects = append(s.Injects, Inject{ID: in.ID, AtMinutes: *in.AtMinutes, Title: in.Title, Text: in.Text, Place: in.Place, Lat: in.Lat, Lon: in.Lon, Requester: in.Requester, Source: src})
	}
	slices.SortStableFunc(s.Injects, func(a, b Inject) int { return a.AtMinutes - b.AtMinutes })
	for i, dr := range y.Drafts {
		where := fmt.Sprintf("drafts[%d]", i)
		if err := useID(where, dr.ID); err != nil {
			return nil, err
		}
		where = "draft " + dr.ID
		out := Draft{ID: dr.ID, Decision: dr.Decision, Procedure: dr.Procedure, DeadlineMinutes: dr.DeadlineMinutes, Title: dr.Title, Text: dr.Text, Inject: dr.Inject}
		if err := checkDraft(&out, s); err != nil {
			return nil, bad(where, "%s", alliance.ErrorMessage(err))
		}
		if out.Source, err = source(dr.Source); err != nil {
			return nil, bad(where, "%v", err)
		}
		s.Drafts = append(s.Drafts, out)
	}
	for i, p := range y.Positions {
		where := fmt.Sprintf("positions[%d] (%s %s)", i, alliance.Clip(p.State), alliance.Clip(p.Action))
		if err := state(where+": state", p.State); err != nil {
			return nil, err
		}
		out := Position{State: p.State, Action: p.Action, Draft: p.Draft, AfterMinutes: p.AfterMinutes, Reason: p.Reason}
		switch p.Action {
		case ActArticle4:
			if p.Draft != "" {
				return nil, bad(where, "an article4 request answers no draft: leave draft out")
			}
		case ActBreak, ActAgree, ActFootnote:
			dr := s.Draft(p.Draft)
			if dr == nil {
				return nil, bad(where, "draft %q is not one of the scenario's drafts", alliance.Clip(p.Draft))
			}
			if dr.Procedure == ProcSilence && p.Action != ActBreak {
				return nil, bad(where, "under the silence procedure a delegation agrees by staying silent: only break is scripted")
			}
			if dr.Procedure == ProcSilence && p.AfterMinutes >= dr.DeadlineMinutes {
				return nil, bad(where, "after_minutes %d is not before the draft's silence deadline (%d minutes)", p.AfterMinutes, dr.DeadlineMinutes)
			}
		default:
			return nil, bad(where, "action %q: want break, agree, footnote or article4", alliance.Clip(p.Action))
		}
		if p.AfterMinutes < 0 || p.AfterMinutes > MaxOffsetMinutes {
			return nil, bad(where, "after_minutes %d is not from 0 to %d", p.AfterMinutes, MaxOffsetMinutes)
		}
		if err := text("reason", p.Reason, MaxTextRunes, p.Action != ActAgree); err != nil {
			return nil, bad(where, "%v", err)
		}
		if out.Source, err = source(p.Source); err != nil {
			return nil, bad(where, "%v", err)
		}
		s.Positions = append(s.Positions, out)
	}
	for i, r := range y.Record {
		where := fmt.Sprintf("record[%d]", i)
		out := Outcome{Draft: r.Draft, Status: r.Status, BrokenBy: r.BrokenBy, Article4RequestedBy: r.Article4RequestedBy}
		switch {
		case r.Draft != "" && len(r.Article4RequestedBy) == 0:
			if s.Draft(r.Draft) == nil {
				return nil, bad(where, "draft %q is not one of the scenario's drafts", alliance.Clip(r.Draft))
			}
			if r.Status != StatusAgreed && r.Status != StatusBroken {
				return nil, bad(where, "status %q: want agreed or broken", alliance.Clip(r.Status))
			}
			if (r.Status == StatusBroken) != (len(r.BrokenBy) > 0) {
				return nil, bad(where, "broken_by lists who broke a broken draft, and is empty for an agreed one")
			}
		case r.Draft == "" && len(r.Article4RequestedBy) > 0:
			if r.Status != "" || len(r.BrokenBy) > 0 {
				return nil, bad(where, "an article4_requested_by outcome has no status or broken_by")
			}
		default:
			return nil, bad(where, "give either draft (with status and broken_by) or article4_requested_by")
		}
		for _, c := range append(slices.Clone(r.BrokenBy), r.Article4RequestedBy...) {
			if err := state(where, c); err != nil {
				return nil, err
			}
		}
		if out.Source, err = source(r.Source); err != nil {
			return nil, bad(where, "%v", err)
		}
		s.Record = append(s.Record, out)
	}
	return s, nil
}

// checkDraft checks a draft against the rules, whether it comes from a
// scenario or from the chair.
func checkDraft(d *Draft, s *Scenario) error {
	switch d.Decision {
	case DecisionStatement, DecisionAssistance, DecisionArticle5, DecisionOther:
	default:
		return alliance.Errorf(alliance.EINVALID, "decision %q: want statement, assistance, article5 or other", alliance.Clip(d.Decision))
	}
	switch d.Procedure {
	case ProcSilence:
		if d.DeadlineMinutes < 1 || d.DeadlineMinutes > MaxOffsetMinutes {
			return alliance.Errorf(alliance.EINVALID, "a draft under silence needs deadline_minutes from 1 to %d", MaxOffsetMinutes)
		}
		if d.Decision == DecisionArticle5 {
			return alliance.Errorf(alliance.EINVALID, "an Article 5 invocation passes only by consensus, not under the silence procedure: table it to a consensus round")
		}
	case ProcConsensus:
		if d.DeadlineMinutes < 0 || d.DeadlineMinutes > MaxOffsetMinutes {
			return alliance.Errorf(alliance.EINVALID, "deadline_minutes %d is not from 0 (none) to %d", d.DeadlineMinutes, MaxOffsetMinutes)
		}
	default:
		return alliance.Errorf(alliance.EINVALID, "procedure %q: want silence or consensus", alliance.Clip(d.Procedure))
	}
	if err := text("text", d.Text, MaxTextRunes, true); err != nil {
		return alliance.Errorf(alliance.EINVALID, "the draft's %v", err)
	}
	if err := text("title", d.Title, MaxTitleRunes, true); err != nil {
		return alliance.Errorf(alliance.EINVALID, "the draft's %v", err)
	}
	if d.Inject != "" {
		in := s.Inject(d.Inject)
		if in == nil {
			return alliance.Errorf(alliance.EINVALID, "inject %q is not one of the scenario's injects", alliance.Clip(d.Inject))
		}
		if d.Decision == DecisionArticle5 && !in.HasPlace() {
			return alliance.Errorf(alliance.EINVALID, "inject %q names no place, so Article 5 cannot be judged for it", d.Inject)
		}
	} else if d.Decision == DecisionArticle5 {
		return alliance.Errorf(alliance.EINVALID, "an Article 5 invocation answers an inject with a place: give inject")
	}
	return nil
}

// Draft returns the scenario's draft id, or nil.
func (s *Scenario) Draft(id string) *Draft {
	for i := range s.Drafts {
		if s.Drafts[i].ID == id {
			return &s.Drafts[i]
		}
	}
	return nil
}

// Inject returns the scenario's inject id, or nil.
func (s *Scenario) Inject(id string) *Inject {
	for i := range s.Injects {
		if s.Injects[i].ID == id {
			return &s.Injects[i]
		}
	}
	return nil
}

// text checks a text field: plain text within max characters, present
// when required.
func text(field, s string, max int, required bool) error {
	if required && strings.TrimSpace(s) == "" {
		return fmt.Errorf("%s is required", field)
	}
	if err := alliance.CheckText(field, s, max); err != nil {
		return err
	}
	return nil
}

func source(y sourceYAML) (alliance.Source, error) {
	src := alliance.Source{URL: y.URL, Title: y.Title}
	if !strings.HasPrefix(y.URL, "https://") && !strings.HasPrefix(y.URL, "http://") {
		return src, fmt.Errorf("source.url %q: every inject, draft, position and outcome cites a public page (http or https)", alliance.Clip(y.URL))
	}
	if err := text("source.url", y.URL, 2048, true); err != nil {
		return src, err
	}
	if err := text("source.title", y.Title, 500, true); err != nil {
		return src, err
	}
	k, err := alliance.ParseSourceKind(y.Kind)
	if err != nil {
		return src, fmt.Errorf("source.kind: %s", alliance.ErrorMessage(err))
	}
	src.Kind = k
	return src, nil
}

// LoadScenarios reads every scenario (*.yaml) in the folder dir of fsys.
func LoadScenarios(fsys fs.FS, dir string, states alliance.States) ([]*Scenario, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	var out []*Scenario
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", n, err)
		}
		s, err := ParseScenario("data/"+n, b, states)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Slug returns the scenario's short name: its file name without folder and
// extension ("2003-turkey").
func (s *Scenario) Slug() string {
	return strings.TrimSuffix(path.Base(s.File), path.Ext(s.File))
}

// goTypes are the decoder's names for Go types, which mean nothing to a
// scenario's author.
var goTypes = regexp.MustCompile(` (into|in type) (\[\])?[\w.]+`)

// yamlMessage says what the YAML decoder found wrong, on one line, without
// Go type names.
func yamlMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:")
	var parts []string
	for _, l := range strings.Split(msg, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			l = strings.Replace(goTypes.ReplaceAllString(l, ""), "field ", "unknown field ", 1)
			parts = append(parts, strings.TrimSuffix(l, " not found"))
		}
	}
	if len(parts) > 3 {
		parts = append(parts[:3], fmt.Sprintf("and %d more", len(parts)-3))
	}
	return alliance.Clip(strings.Join(parts, "; "))
}
