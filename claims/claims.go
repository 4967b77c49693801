// Package claims checks sentences of a text against the model: each claim
// names a query over the history (a membership, a border change, a poll
// figure, a date difference, an EU decision, a count of events), the
// relation its sentence asserts, and gets a verdict the engine computes —
// supported, contradicted, imprecise (close but not what the source says),
// or not_in_model (with what data would be needed). No verdict is typed by
// hand: change the data under a claim and its verdict follows.
package claims

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"alliance"
	"alliance/accession"
	"alliance/rules"
)

// The verdicts.
const (
	Supported    = "supported"
	Contradicted = "contradicted"
	Imprecise    = "imprecise"
	NotInModel   = "not_in_model"
)

// Query is what a claim asks of the model. Kind says which fields count.
type Query struct {
	Kind     string        `json:"kind"`
	State    string        `json:"state,omitempty"`
	States   []string      `json:"states,omitempty"`
	Org      alliance.Org  `json:"org,omitempty"`
	Date     alliance.Date `json:"date,omitzero"`
	With     string        `json:"with,omitempty"`     // border_change: the neighbour
	Type     string        `json:"type,omitempty"`     // event type for event queries
	Contains string        `json:"contains,omitempty"` // event title or pollster contains
	Year     int           `json:"year,omitempty"`
	From     alliance.Date `json:"from,omitzero"`
	To       alliance.Date `json:"to,omitzero"`
	Scope    string        `json:"scope,omitempty"` // poll: EU27
	Needs    string        `json:"needs,omitempty"` // not_in_model: what data would be needed
	// FieldworkFrom and FieldworkTo are, for a poll, the period in which the
	// sentence says the poll was conducted. A poll whose recorded fieldwork
	// is not within it (or is not recorded at all) makes a claim that would
	// otherwise be supported imprecise: the figure is right, its date is not
	// what the source says.
	FieldworkFrom alliance.Date `json:"fieldwork_from,omitzero"`
	FieldworkTo   alliance.Date `json:"fieldwork_to,omitzero"`
}

// Expect is the relation the claim's sentence asserts about the value.
type Expect struct {
	Equals    *float64 `json:"equals,omitempty" yaml:"equals"`
	Tolerance float64  `json:"tolerance,omitempty" yaml:"tolerance"` // within it: imprecise; beyond: contradicted
	AtLeast   *float64 `json:"at_least,omitempty" yaml:"at_least"`
	True      *bool    `json:"true,omitempty" yaml:"true"`
}

// Claim is one sentence of the text with the query that tests it.
type Claim struct {
	ID      string `json:"id"`
	Quote   string `json:"quote"`
	Query   Query  `json:"query"`
	Expect  Expect `json:"expect"`
	Explain string `json:"explain"` // what the query measures, in a sentence
}

// Result is a claim with its computed verdict.
type Result struct {
	Claim
	Verdict string   `json:"verdict"`
	Value   *float64 `json:"value"`  // the computed value (a number, or 1/0 for true/false)
	Detail  string   `json:"detail"` // what the model found, in a sentence
	// Events are the sourced events the value was computed from.
	Events []*alliance.Record `json:"-"`
}

// Model is what claims are checked against.
type Model struct {
	History alliance.History
	States  alliance.States
	Rules   *rules.Engine
	Borders []rules.Border
}

// Check computes the verdict of every claim, in order.
func (m *Model) Check(cs []Claim) []Result {
	out := make([]Result, len(cs))
	for i, c := range cs {
		out[i] = m.check(c)
	}
	return out
}

func (m *Model) check(c Claim) Result {
	r := Result{Claim: c}
	v, detail, evs, err := m.value(c.Query)
	if err != nil {
		r.Verdict, r.Detail = Contradicted, err.Error()
		if c.Query.Kind == "not_in_model" {
			r.Verdict = NotInModel
		}
		return r
	}
	r.Value, r.Detail, r.Events = &v, detail, evs
	r.Verdict = c.Expect.judge(v, &r.Detail)
	if q := c.Query; r.Verdict == Supported && !q.FieldworkFrom.IsZero() && len(evs) == 1 && evs[0].Survey != nil {
		s := evs[0].Survey
		switch {
		case s.FieldworkFrom.IsZero() || s.FieldworkTo.IsZero():
			r.Verdict = Imprecise
			r.Detail += fmt.Sprintf(" The text says it was conducted between %s and %s; the source records no fieldwork dates in that period (it was published on %s; fieldwork dates not recorded).", q.FieldworkFrom, q.FieldworkTo, evs[0].Date)
		case s.FieldworkFrom.Before(q.FieldworkFrom) || s.FieldworkTo.After(q.FieldworkTo):
			r.Verdict = Imprecise
			r.Detail += fmt.Sprintf(" The text says it was conducted between %s and %s; its fieldwork was %s to %s.", q.FieldworkFrom, q.FieldworkTo, s.FieldworkFrom, s.FieldworkTo)
		}
	}
	return r
}

func (e Expect) judge(v float64, detail *string) string {
	switch {
	case e.True != nil:
		if (v != 0) == *e.True {
			return Supported
		}
		return Contradicted
	case e.AtLeast != nil:
		if v >= *e.AtLeast {
			return Supported
		}
		return Contradicted
	case e.Equals != nil:
		d := math.Abs(v - *e.Equals)
		switch {
		case d < 1e-9:
			return Supported
		case d <= e.Tolerance:
			*detail += fmt.Sprintf(" The text says %g; the source gives %g.", *e.Equals, v)
			return Imprecise
		}
		*detail += fmt.Sprintf(" The text says %g.", *e.Equals)
		return Contradicted
	}
	return Contradicted
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// value computes a query's value, a sentence about it, and the events used.
func (m *Model) value(q Query) (float64, string, []*alliance.Record, error) {
	name := m.States.Name(q.State)
	switch q.Kind {
	case "not_in_model":
		return 0, "", nil, fmt.Errorf("not in the model: it would need %s", q.Needs)

	case "member":
		in := alliance.Replay(m.History, q.Date).IsMember(q.Org, q.State)
		return b2f(in), fmt.Sprintf("On %s %s %s a member of %s.", q.Date, name, map[bool]string{true: "was", false: "was not"}[in], q.Org), m.pathEvents(q.Org, q.State, q.Date), nil

	case "border_change":
		before := m.Rules.NATOBorder(m.Borders, q.With, q.Date.AddDays(-1), nil)
		after := m.Rules.NATOBorder(m.Borders, q.With, q.Date, nil)
		d := after.Km - before.Km
		return d, fmt.Sprintf("NATO's land border with %s went from %.0f km on %s to %.0f km on %s (%+.0f km).", m.States.Name(q.With), before.Km, q.Date.AddDays(-1), after.Km, q.Date, d), m.joinsOn(q.Date), nil

	case "years_since":
		ev := m.find(q.Type, q.State, q.Contains, alliance.Date{}, q.To)
		if ev == nil {
			return 0, "", nil, fmt.Errorf("no %s event for %s containing %q before %s in the dataset", q.Type, name, q.Contains, q.To)
		}
		// Whole years elapsed, as one counts "15 years since".
		y := float64(q.To.Year - ev.Date.Year)
		if q.To.Month < ev.Date.Month || q.To.Month == ev.Date.Month && q.To.Day < ev.Date.Day {
			y--
		}
		return y, fmt.Sprintf("%s (%s) was %.0f whole years before %s.", ev.Title, ev.Date, y, q.To), []*alliance.Record{ev}, nil

	case "event_in_year":
		from, to := alliance.Date{Year: q.Year, Month: 1, Day: 1}, alliance.Date{Year: q.Year, Month: 12, Day: 31}
		ev := m.find(q.Type, q.State, q.Contains, from, to)
		if ev == nil {
			return 0, fmt.Sprintf("No %s event for %s containing %q in %d.", q.Type, name, q.Contains, q.Year), nil, nil
		}
		return 1, fmt.Sprintf("%s: %s.", ev.Date, ev.Title), []*alliance.Record{ev}, nil

	case "latest_before":
		// The latest event of a type for a state on or before a date, and
		// whether its title contains the text the claim relies on.
		ev := m.find(q.Type, q.State, "", alliance.Date{}, q.Date)
		if ev == nil {
			return 0, fmt.Sprintf("No %s event for %s before %s.", q.Type, name, q.Date), nil, nil
		}
		ok := strings.Contains(strings.ToLower(ev.Title), strings.ToLower(q.Contains))
		return b2f(ok), fmt.Sprintf("On %s the latest %s for %s was %q (%s).", q.Date, q.Type, name, ev.Title, ev.Date), []*alliance.Record{ev}, nil

	case "poll_share", "poll_min_region":
		ev := m.poll(q)
		if ev == nil {
			return 0, "", nil, fmt.Errorf("no poll by %q for %s between %s and %s in the dataset", q.Contains, m.scopeName(q), q.From, q.To)
		}
		s := ev.Survey
		if q.Kind == "poll_share" {
			when := "published " + ev.Date.String()
			if !s.FieldworkTo.IsZero() {
				when = "fieldwork to " + s.FieldworkTo.String()
			}
			return s.Share, fmt.Sprintf("%s: %g%% (%s; %s).", s.Pollster, s.Share, s.Population, when), []*alliance.Record{ev}, nil
		}
		if len(s.Regions) == 0 {
			return 0, "", nil, fmt.Errorf("the poll publishes no regional breakdown")
		}
		minR, minV := "", 101.0
		for k, v := range s.Regions {
			if v < minV || v == minV && k < minR {
				minR, minV = k, v
			}
		}
		return minV, fmt.Sprintf("%s, by region: lowest %g%% (%s).", s.Pollster, minV, minR), []*alliance.Record{ev}, nil

	case "eu_unanimity":
		// A decision of the European Council or the Council under unanimity:
		// every member state on that day had to agree.
		ev := m.find(q.Type, q.State, q.Contains, q.From, q.To)
		if ev == nil {
			return 0, "", nil, fmt.Errorf("no %s event for %s between %s and %s in the dataset", q.Type, name, q.From, q.To)
		}
		n := alliance.Replay(m.History, ev.Date).Count(alliance.EU)
		return float64(n), fmt.Sprintf("%s (%s), a decision needing unanimity, when the EU had %d member states.", ev.Title, ev.Date, n), []*alliance.Record{ev}, nil

	case "joined_without_map":
		var evs []*alliance.Record
		var with []string
		for _, c := range q.States {
			st := accession.StatusOf(m.History, m.States, alliance.NATO, c, m.History.Last())
			if st.Stage != accession.StageMember {
				return 0, "", nil, fmt.Errorf("%s is not a member of NATO in the dataset", m.States.Name(c))
			}
			evs = append(evs, m.joinEvents(alliance.NATO, c)...)
			if e := m.find(string(alliance.MAPEntered), c, "", alliance.Date{}, st.Joined); e != nil {
				with = append(with, c)
				evs = append(evs, e)
			}
		}
		if len(with) > 0 {
			return 0, fmt.Sprintf("%s went through the Membership Action Plan.", strings.Join(with, ", ")), evs, nil
		}
		return 1, fmt.Sprintf("%s joined NATO with no Membership Action Plan in the dataset.", m.list(q.States)), evs, nil
	}
	return 0, "", nil, fmt.Errorf("unknown query kind %q", q.Kind)
}

func (m *Model) scopeName(q Query) string {
	if q.Scope != "" {
		return q.Scope
	}
	return m.States.Name(q.State)
}

func (m *Model) list(codes []string) string {
	var ns []string
	for _, c := range codes {
		ns = append(ns, m.States.Name(c))
	}
	return strings.Join(ns, " and ")
}

// find returns the latest event of type typ concerning state whose title
// contains text, dated within [from, to] (zero bounds are open).
func (m *Model) find(typ, state, text string, from, to alliance.Date) *alliance.Record {
	var found *alliance.Record
	for _, r := range m.History.Records() {
		if string(r.Type) != typ || (state != "" && !r.Concerns(state)) ||
			(!from.IsZero() && r.Date.Before(from)) || (!to.IsZero() && r.Date.After(to)) ||
			!strings.Contains(strings.ToLower(r.Title), strings.ToLower(text)) {
			continue
		}
		found = r
	}
	return found
}

func (m *Model) poll(q Query) *alliance.Record {
	var found *alliance.Record
	for _, r := range m.History.Records() {
		if r.Type != alliance.Poll || r.Survey == nil || !strings.Contains(r.Survey.Pollster, q.Contains) {
			continue
		}
		if q.Scope != "" && r.Survey.Scope != q.Scope || q.Scope == "" && !slices.Contains(r.States, q.State) {
			continue
		}
		d := r.Survey.FieldworkTo
		if d.IsZero() {
			d = r.Date
		}
		if (!q.From.IsZero() && d.Before(q.From)) || (!q.To.IsZero() && d.After(q.To)) {
			continue
		}
		found = r
	}
	return found
}

func (m *Model) joinEvents(org alliance.Org, code string) []*alliance.Record {
	var out []*alliance.Record
	for _, r := range m.History.Records() {
		if r.Org == org && (r.Type == alliance.Joined || r.Type == alliance.TreatyInForce) && slices.Contains(r.States, code) {
			out = append(out, r)
		}
	}
	return out
}

// pathEvents are the events of a state's path to membership of org up to
// date: application, invitation, protocol, joining.
func (m *Model) pathEvents(org alliance.Org, code string, date alliance.Date) []*alliance.Record {
	var out []*alliance.Record
	for _, r := range m.History.Until(date) {
		switch r.Type {
		case alliance.Applied, alliance.Invited, alliance.ProtocolSigned, alliance.Joined, alliance.TreatyInForce, alliance.Withdrew:
			if r.Org == org && slices.Contains(r.States, code) {
				out = append(out, r)
			}
		}
	}
	return out
}

func (m *Model) joinsOn(d alliance.Date) []*alliance.Record {
	var out []*alliance.Record
	for _, r := range m.History.Records() {
		if r.Type == alliance.Joined && r.Org == alliance.NATO && r.Date == d {
			out = append(out, r)
		}
	}
	return out
}

// Summary counts the verdicts.
func Summary(rs []Result) map[string]int {
	out := map[string]int{}
	for _, r := range rs {
		out[r.Verdict]++
	}
	return out
}

// Verdicts lists the verdicts in display order.
var Verdicts = []string{Supported, Imprecise, Contradicted, NotInModel}
