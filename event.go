package alliance

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// EventType names what an event records. The set is closed: the loader
// refuses any other type.
type EventType string

// The event types; data/README.md says what each means and what its states are.
const (
	TreatySigned       EventType = "treaty_signed"
	TreatyInForce      EventType = "treaty_in_force"
	Joined             EventType = "joined"
	Withdrew           EventType = "withdrew"
	Applied            EventType = "applied"
	Invited            EventType = "invited"
	ProtocolSigned     EventType = "protocol_signed"
	Ratification       EventType = "ratification"
	CandidateStatus    EventType = "candidate_status"
	NegotiationsOpened EventType = "negotiations_opened"
	Summit             EventType = "summit"
	Agreement          EventType = "agreement"
	Law                EventType = "law"
	Article4Request    EventType = "article4_request"
	Article5Invoked    EventType = "article5_invoked"
	Milestone          EventType = "milestone"
	Position           EventType = "position"
	Poll               EventType = "poll"
	MAPInvited         EventType = "map_invited"
	MAPEntered         EventType = "map_entered"
	// Retraction withdraws an earlier entry of the ledger (by its sequence
	// number): a release of the dataset corrected or removed it. The chain
	// keeps both; the history leaves out the retracted entry.
	Retraction EventType = "retraction"
)

// EventTypes lists every valid event type.
var EventTypes = []EventType{
	TreatySigned, TreatyInForce, Joined, Withdrew, Applied, Invited, ProtocolSigned,
	Ratification, CandidateStatus, NegotiationsOpened, Summit, Agreement, Law,
	Article4Request, Article5Invoked, Milestone, Position, Poll, MAPInvited, MAPEntered, Retraction,
}

// ParseEventType returns the event type named s or an EINVALID error.
func ParseEventType(s string) (EventType, error) {
	if t := EventType(s); slices.Contains(EventTypes, t) {
		return t, nil
	}
	names := make([]string, len(EventTypes))
	for i, t := range EventTypes {
		names[i] = string(t)
	}
	return "", Errorf(EINVALID, "unknown event type %q: want one of %s", s, strings.Join(names, ", "))
}

// Step names which step of a member's ratification a ratification event dates.
type Step string

// The ratification steps, in the order they normally happen.
const (
	StepParliament Step = "parliament" // the parliament's final vote that completes its approval
	// StepProcedureCompleted marks only that the member's national
	// procedure was reported complete (e.g. the NATO Parliamentary
	// Assembly's tracker) where neither the vote nor the deposit is known.
	StepProcedureCompleted Step = "procedure_completed"
	StepHeadOfState        Step = "head_of_state" // signature or promulgation by the head of state
	StepDeposit            Step = "deposit"       // deposit of the instrument with the depositary
)

// Steps lists the ratification steps in procedural order.
var Steps = []Step{StepParliament, StepProcedureCompleted, StepHeadOfState, StepDeposit}

// Rank returns the step's position in procedural order (0 for an unknown step).
func (s Step) Rank() int { return slices.Index(Steps, s) + 1 }

// ParseStep returns the step named s or an EINVALID error.
func ParseStep(s string) (Step, error) {
	if st := Step(s); slices.Contains(Steps, st) {
		return st, nil
	}
	return "", Errorf(EINVALID, "unknown ratification step %q: want parliament, procedure_completed, head_of_state or deposit", s)
}

// Source is the public page an event is taken from.
type Source struct {
	URL   string     `json:"url"`
	Title string     `json:"title"`
	Kind  SourceKind `json:"kind,omitempty"`
}

// Domain returns the host of the source's URL in lower case, without a
// leading "www.", a trailing dot or a port: "nato.int" for
// https://www.nato.int/cps/en/natohq/news_84445.htm. It returns "" for a URL
// it cannot parse. Sources are counted and judged by this name.
func (s Source) Domain() string {
	u, err := url.Parse(strings.TrimSpace(s.URL))
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.TrimSuffix(strings.ToLower(u.Hostname()), "."), "www.")
}

// SourceKind says what kind of publisher a source is.
type SourceKind string

// The kinds of source, in order of precedence.
const (
	SourceOfficial  SourceKind = "official"  // depositary notices, governments, parliaments, gazettes, treaty series, NATO, EU
	SourceNews      SourceKind = "news"      // an established news outlet
	SourceScholarly SourceKind = "scholarly" // a journal, a book or a research institute
	SourceReference SourceKind = "reference" // an encyclopaedia: only where nothing else exists
)

// SourceKinds lists the kinds of source in order of precedence.
var SourceKinds = []SourceKind{SourceOfficial, SourceNews, SourceScholarly, SourceReference}

// ParseSourceKind returns the kind named s or an EINVALID error.
func ParseSourceKind(s string) (SourceKind, error) {
	if k := SourceKind(s); slices.Contains(SourceKinds, k) {
		return k, nil
	}
	return "", Errorf(EINVALID, "unknown source kind %q: want official, news, scholarly or reference", s)
}

// Event is one dated fact: what happened, in which organisation, to which
// states, and where it is written. Events are immutable once recorded.
type Event struct {
	Date   Date
	Type   EventType
	Org    Org
	States []string // ISO 3166-1 alpha-2 codes; for a ratification, the ratifying member
	// Candidate and Step are set for ratifications only.
	Candidate string
	Step      Step
	Title     string
	Source    Source
	Note      string // where sources disagree: which one is followed and why
	// Terms are set for security agreements only.
	Terms *Terms
	// Stance is set for positions only: a government's public position.
	Stance *Stance
	// Survey is set for polls only.
	Survey *Survey
	// Retracts is set for retractions only: the sequence number of the
	// entry withdrawn.
	Retracts int64
}

// Stance is a government's stated position on a question.
type Stance struct {
	Question string `json:"question"` // e.g. invite_ukraine
	Stance   string `json:"stance"`   // support, oppose or conditional
}

// Stances are the values a Stance may take.
var Stances = []string{"support", "oppose", "conditional"}

// Survey is one published result of an opinion poll.
type Survey struct {
	Pollster      string             `json:"pollster"`
	FieldworkFrom Date               `json:"fieldwork_from"`
	FieldworkTo   Date               `json:"fieldwork_to"`
	Question      string             `json:"question"`
	Population    string             `json:"population"`
	Sample        int                `json:"sample,omitempty"`
	Share         float64            `json:"share"`             // percent, as published
	Scope         string             `json:"scope,omitempty"`   // EU27 for an EU-wide figure (then States is empty)
	Regions       map[string]float64 `json:"regions,omitempty"` // percent by region, as published
}

// Terms are what a security agreement commits its parties to.
type Terms struct {
	Partner            string   `json:"partner"`                        // a state code, EU or G7
	Term               string   `json:"term,omitempty"`                 // as the text states it: "10 years"
	Obligations        []string `json:"obligations"`                    // from the Obligations vocabulary
	ConsultWithinHours int      `json:"consult_within_hours,omitempty"` // consultations within N hours of an attack
	OnAccession        string   `json:"on_accession"`                   // what it says happens when the partner state joins NATO
}

// Obligations is the vocabulary of what a security agreement may commit to.
var Obligations = []string{
	"consult_24h", "military_support", "financial_support", "training", "intelligence",
	"defence_industry", "cyber", "sanctions", "reconstruction", "eu_nato_integration_support",
	"humanitarian", "accountability",
}

// Concerns reports whether the event names code among its states or as its candidate.
func (e *Event) Concerns(code string) bool {
	return e.Candidate == code || slices.Contains(e.States, code)
}

// Check validates the event's shape against the registry of states: every
// field present that its type needs, no field its type forbids, every code
// known. It returns an EINVALID error naming the field.
func (e *Event) Check(states States) error {
	if err := e.checkLimits(); err != nil {
		return err
	}
	switch {
	case e.Date.IsZero():
		return fieldErr("date", "is missing")
	case e.Type == "":
		return fieldErr("type", "is missing")
	case e.Org == "":
		return fieldErr("org", "is missing")
	case len(e.States) == 0 && !(e.Survey != nil && e.Survey.Scope != "") && e.Type != Retraction:
		return fieldErr("states", "is missing: name at least one state")
	case strings.TrimSpace(e.Title) == "":
		return fieldErr("title", "is missing")
	case strings.TrimSpace(e.Source.URL) == "":
		return fieldErr("source.url", "is missing: every event cites a public source")
	case !strings.HasPrefix(e.Source.URL, "https://") && !strings.HasPrefix(e.Source.URL, "http://"):
		return fieldErr("source.url", "must be an http(s) URL")
	case strings.TrimSpace(e.Source.Title) == "":
		return fieldErr("source.title", "is missing")
	}
	if e.Source.Kind != "" {
		if _, err := ParseSourceKind(string(e.Source.Kind)); err != nil {
			return fieldErr("source.kind", "%s", err.Error())
		}
	}
	if _, err := ParseEventType(string(e.Type)); err != nil {
		return fieldErr("type", "%s", err.Error())
	}
	if _, err := ParseEventOrg(string(e.Org)); err != nil {
		return fieldErr("org", "%s", err.Error())
	}
	if err := e.checkTerms(states); err != nil {
		return err
	}
	if err := e.checkStanceSurvey(); err != nil {
		return err
	}
	if (e.Type == Retraction) != (e.Retracts > 0) {
		return fieldErr("type", "a retraction, and only a retraction, names the entry it retracts")
	}
	for i, c := range e.States {
		if _, ok := states[c]; !ok {
			return fieldErr("states", "unknown state code %q", c)
		}
		if slices.Contains(e.States[:i], c) {
			return fieldErr("states", "%s is listed twice", c)
		}
	}
	if e.Type == Ratification {
		switch {
		case len(e.States) != 1:
			return fieldErr("states", "a ratification names exactly one ratifying member")
		case e.Candidate == "":
			return fieldErr("candidate", "is missing: a ratification names whose accession it ratifies")
		case e.Step == "":
			return fieldErr("step", "is missing: want parliament, procedure_completed, head_of_state or deposit")
		case e.Candidate == e.States[0]:
			return fieldErr("candidate", "a state does not ratify its own accession")
		}
		if _, ok := states[e.Candidate]; !ok {
			return fieldErr("candidate", "unknown state code %q", e.Candidate)
		}
		if _, err := ParseStep(string(e.Step)); err != nil {
			return fieldErr("step", "%s", err.Error())
		}
	} else {
		if e.Candidate != "" {
			return fieldErr("candidate", "is only for ratifications")
		}
		if e.Step != "" {
			return fieldErr("step", "is only for ratifications")
		}
	}
	return nil
}

func (e *Event) checkStanceSurvey() error {
	switch {
	case e.Type == Position && e.Stance == nil:
		return fieldErr("stance", "is missing: a position needs question and stance")
	case e.Type != Position && e.Stance != nil:
		return fieldErr("stance", "question and stance are only for positions")
	case e.Type == Poll && e.Survey == nil:
		return fieldErr("pollster", "is missing: a poll needs pollster, fieldwork dates, question, population and share")
	case e.Type != Poll && e.Survey != nil:
		return fieldErr("pollster", "poll fields are only for polls")
	}
	if st := e.Stance; st != nil {
		if st.Question == "" {
			return fieldErr("question", "is missing")
		}
		if !slices.Contains(Stances, st.Stance) {
			return fieldErr("stance", "%q: want support, oppose or conditional", st.Stance)
		}
	}
	if v := e.Survey; v != nil {
		switch {
		case v.Pollster == "":
			return fieldErr("pollster", "is missing")
		case v.Question == "":
			return fieldErr("question", "is missing")
		case v.Population == "":
			return fieldErr("population", "is missing")
		case v.Share < 0 || v.Share > 100:
			return fieldErr("share", "%g is not a percentage", v.Share)
		case !v.FieldworkFrom.IsZero() && !v.FieldworkTo.IsZero() && v.FieldworkTo.Before(v.FieldworkFrom):
			return fieldErr("fieldwork_to", "is before fieldwork_from")
		case v.Scope != "" && v.Scope != "EU27":
			return fieldErr("scope", "%q: want EU27", v.Scope)
		}
		for k, x := range v.Regions {
			if x < 0 || x > 100 {
				return fieldErr("regions", "%s: %g is not a percentage", k, x)
			}
		}
	}
	return nil
}

func (e *Event) checkTerms(states States) error {
	t := e.Terms
	if t == nil {
		return nil
	}
	if e.Type != Agreement {
		return fieldErr("partner", "terms (partner, term, obligations, on_accession) are only for agreements")
	}
	if t.Partner == "" {
		return fieldErr("partner", "is missing")
	}
	if _, ok := states[t.Partner]; !ok && t.Partner != "EU" && t.Partner != "G7" {
		return fieldErr("partner", "unknown partner %q: want a state code, EU or G7", t.Partner)
	}
	for _, o := range t.Obligations {
		if !slices.Contains(Obligations, o) {
			return fieldErr("obligations", "unknown obligation %q: want one of %s", o, strings.Join(Obligations, ", "))
		}
	}
	if t.ConsultWithinHours < 0 {
		return fieldErr("consult_within_hours", "must be a positive number of hours")
	}
	if strings.TrimSpace(t.OnAccession) == "" {
		return fieldErr("on_accession", "is missing: say what the agreement says happens on accession, or \"not stated\"")
	}
	return nil
}

// FieldError is an EINVALID error about one field of an event; the loader
// adds the file and line.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Msg: Errorf(EINVALID, format, args...).Message}
}

// Key returns the identity of the event's fact: two events with the same key
// record the same fact and one of them is a duplicate. Title, source and note
// are not part of it, so a second source for a fact is still a duplicate.
func (e *Event) Key() string {
	var b strings.Builder
	b.WriteString(e.Date.String())
	b.WriteByte('|')
	b.WriteString(string(e.Type))
	b.WriteByte('|')
	b.WriteString(string(e.Org))
	b.WriteByte('|')
	s := slices.Clone(e.States)
	slices.Sort(s)
	b.WriteString(strings.Join(s, ","))
	b.WriteByte('|')
	b.WriteString(e.Candidate)
	b.WriteByte('|')
	b.WriteString(string(e.Step))
	if e.Retracts > 0 {
		fmt.Fprintf(&b, "|retracts %d", e.Retracts)
	}
	if e.Survey != nil {
		b.WriteByte('|')
		b.WriteString(e.Survey.Pollster + "|" + e.Survey.Question + "|" + e.Survey.Population + "|" + e.Survey.Scope)
	}
	if e.Type != Ratification && e.Type != Joined && e.Type != Withdrew && e.Type != TreatyInForce {
		// Several distinct summits or laws may concern one state on one day;
		// their titles tell them apart.
		b.WriteByte('|')
		b.WriteString(e.Title)
	}
	return b.String()
}
