package exercise

import (
	"slices"
	"strconv"
	"time"

	"alliance"
	"alliance/rules"
)

// The statuses of a procedure. A draft is open until it is agreed or
// broken; an Article 4 request is requested until the chair convenes the
// consultations.
const (
	StatusOpen      = "open"
	StatusAgreed    = "agreed"
	StatusBroken    = "broken"
	StatusRequested = "requested"
	StatusConvened  = "convened"
)

// Statement is a delegation's act on a procedure: a break with its reason,
// an agreement, or an agreement with a statement on the record (a
// footnote).
type Statement struct {
	Seat     string    `json:"seat"`
	Act      string    `json:"act"` // break, agree, footnote, article4
	Text     string    `json:"text,omitempty"`
	Clock    time.Time `json:"clock"`
	At       time.Time `json:"at"`
	Scripted bool      `json:"scripted,omitempty"`
	Seq      int64     `json:"seq"`
}

// Procedure is an Article 4 request or a draft under silence or in a
// consensus round, as the log has made it.
type Procedure struct {
	ID           string       `json:"id"`
	Kind         string       `json:"kind"` // article4, silence, consensus
	Status       string       `json:"status"`
	Draft        string       `json:"draft,omitempty"`
	Decision     string       `json:"decision,omitempty"`
	Title        string       `json:"title,omitempty"`
	Text         string       `json:"text,omitempty"`
	Inject       string       `json:"inject,omitempty"`
	Opened       time.Time    `json:"opened"` // on the exercise clock
	OpenedAt     time.Time    `json:"opened_at"`
	Deadline     *time.Time   `json:"deadline,omitempty"`
	Verdict      *VerdictNote `json:"verdict,omitempty"`
	Acknowledged bool         `json:"acknowledged,omitempty"`
	RequestedBy  []string     `json:"requested_by,omitempty"` // article4
	Convened     *time.Time   `json:"convened,omitempty"`
	Statements   []Statement  `json:"statements"`
	BrokenBy     []string     `json:"broken_by"`
	Concluded    *time.Time   `json:"concluded,omitempty"` // on the exercise clock
	Reason       string       `json:"reason,omitempty"`
	Seq          int64        `json:"seq"`
}

// spoke returns the statement of seat on p, or nil.
func (p *Procedure) spoke(seat string) *Statement {
	for i := range p.Statements {
		if p.Statements[i].Seat == seat {
			return &p.Statements[i]
		}
	}
	return nil
}

// State is an exercise as its log has made it.
type State struct {
	ID          string
	Scenario    *Scenario
	Delegations []string // the members on the scenario date: one seat each
	Procedures  []*Procedure
	Arrived     map[string]time.Time // inject id -> clock time it reached the Council
	Order       []string             // injects in the order they arrived
	Ended       *time.Time           // wall time control ended the exercise
	Actions     []Action
	Hash        []byte // the last entry's hash

	// The clock: when running, the exercise time is base + speed × (wall
	// time since anchor); when paused, base.
	base    time.Time
	anchor  time.Time
	running bool
	started bool
	done    map[int]bool // scripted positions played, by Action.Position
}

// Seq returns the number of entries in the log.
func (s *State) Seq() int64 { return int64(len(s.Actions)) }

// Clock returns the exercise time at wall time now.
func (s *State) Clock(now time.Time) time.Time {
	if !s.running {
		return s.base
	}
	d := now.Sub(s.anchor)
	if d < 0 {
		d = 0
	}
	return s.base.Add(time.Duration(float64(d) * s.Scenario.Speed)).Truncate(time.Second)
}

// Running reports whether the clock runs, and whether it has ever started.
func (s *State) Running() (running, started bool) { return s.running, s.started }

// Procedure returns the procedure id, or nil.
func (s *State) Procedure(id string) *Procedure {
	for _, p := range s.Procedures {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// IsDelegation reports whether seat is a delegation of the exercise.
func (s *State) IsDelegation(seat string) bool { return slices.Contains(s.Delegations, seat) }

// newState starts the state of an exercise from its created action.
func newState(id string, sc *Scenario) *State {
	return &State{ID: id, Scenario: sc, Arrived: map[string]time.Time{}, base: sc.Start, done: map[int]bool{}}
}

// apply adds one action of the log to the state. Actions were checked when
// they were made; apply trusts the log (Open verified it).
func (s *State) apply(a Action) {
	s.Actions = append(s.Actions, a)
	if a.Scripted && a.Position > 0 {
		s.done[a.Position] = true
	}
	switch a.Kind {
	case KindCreated:
		s.Delegations = a.Delegations
	case KindClock:
		switch a.Op {
		case "start":
			s.base, s.anchor, s.running, s.started = a.Clock, a.At, true, true
		case "pause":
			s.base, s.running = a.Clock, false
		case "advance":
			s.base, s.anchor = a.Clock, a.At
		}
	case KindInject:
		if _, ok := s.Arrived[a.Inject]; !ok {
			s.Arrived[a.Inject] = a.Clock
			s.Order = append(s.Order, a.Inject)
		}
	case KindArticle4:
		st := Statement{Seat: a.Seat, Act: ActArticle4, Text: a.Text, Clock: a.Clock, At: a.At, Scripted: a.Scripted, Seq: a.Seq}
		if p := s.Procedure(a.Procedure); p != nil {
			p.RequestedBy = append(p.RequestedBy, a.Seat)
			p.Statements = append(p.Statements, st)
			return
		}
		s.Procedures = append(s.Procedures, &Procedure{ID: a.Procedure, Kind: ProcArticle4, Status: StatusRequested, Title: a.Title, Text: a.Text, Inject: a.Inject,
			Opened: a.Clock, OpenedAt: a.At, RequestedBy: []string{a.Seat}, Statements: []Statement{st}, BrokenBy: []string{}, Seq: a.Seq})
	case KindConvene:
		if p := s.Procedure(a.Procedure); p != nil {
			c := a.Clock
			p.Convened, p.Status = &c, StatusConvened
		}
	case KindTable:
		s.Procedures = append(s.Procedures, &Procedure{ID: a.Procedure, Kind: a.Rule, Status: StatusOpen, Draft: a.Draft, Decision: a.Decision, Title: a.Title, Text: a.Text,
			Inject: a.Inject, Opened: a.Clock, OpenedAt: a.At, Deadline: a.Deadline, Verdict: a.Verdict, Acknowledged: a.Acknowledged, Statements: []Statement{}, BrokenBy: []string{}, Seq: a.Seq})
	case KindBreak, KindAgree:
		p := s.Procedure(a.Procedure)
		if p == nil {
			return
		}
		act := a.Kind
		if a.Kind == KindAgree && a.Text != "" {
			act = ActFootnote
		}
		text := a.Text
		if a.Kind == KindBreak {
			text = a.Reason
			p.BrokenBy = append(p.BrokenBy, a.Seat)
			slices.Sort(p.BrokenBy)
			p.Status = StatusBroken
		}
		p.Statements = append(p.Statements, Statement{Seat: a.Seat, Act: act, Text: text, Clock: a.Clock, At: a.At, Scripted: a.Scripted, Seq: a.Seq})
	case KindConcluded:
		if p := s.Procedure(a.Procedure); p != nil {
			c := a.Clock
			p.Concluded, p.Status, p.Reason = &c, a.Status, a.Reason
		}
	case KindEnd:
		at := a.At
		s.Ended = &at
		s.base, s.running = a.Clock, false
	}
}

// due returns the next action the rules take by themselves at wall time
// now, if any: an inject whose time has come, a scripted position, a
// deadline that has passed. The one earliest on the exercise clock comes
// first.
func (s *State) due(now time.Time, eng *rules.Engine) (Action, bool) {
	if s.Ended != nil || !s.started {
		return Action{}, false
	}
	clock := s.Clock(now)
	var best Action
	found := false
	consider := func(a Action) {
		if a.Clock.After(clock) {
			return
		}
		if !found || a.Clock.Before(best.Clock) {
			best, found = a, true
		}
	}
	for _, in := range s.Scenario.Injects {
		if _, ok := s.Arrived[in.ID]; !ok {
			consider(Action{Kind: KindInject, Seat: SeatServer, Inject: in.ID, Title: in.Title, Clock: s.Scenario.Start.Add(time.Duration(in.AtMinutes) * time.Minute)})
		}
	}
	for i, pos := range s.Scenario.Positions {
		if s.done[i+1] {
			continue
		}
		switch pos.Action {
		case ActArticle4:
			a := Action{Kind: KindArticle4, Seat: pos.State, Scripted: true, Position: i + 1, Text: pos.Reason,
				Clock: s.Scenario.Start.Add(time.Duration(pos.AfterMinutes) * time.Minute), Title: "Consultations under Article 4"}
			if s.requested(pos.State) {
				continue
			}
			// It joins a request still waiting for the chair, or opens one
			// (what due returns is the next entry of the log).
			a.Procedure = "p" + strconv.FormatInt(s.Seq()+1, 10)
			for _, p := range s.Procedures {
				if p.Kind == ProcArticle4 && p.Status == StatusRequested {
					a.Procedure = p.ID
					break
				}
			}
			consider(a)
		default:
			for _, p := range s.Procedures {
				if p.Draft != pos.Draft || p.Concluded != nil || p.spoke(pos.State) != nil {
					continue
				}
				at := p.Opened.Add(time.Duration(pos.AfterMinutes) * time.Minute)
				if p.Deadline != nil && !at.Before(*p.Deadline) {
					continue
				}
				a := Action{Kind: KindAgree, Seat: pos.State, Scripted: true, Position: i + 1, Procedure: p.ID, Clock: at}
				switch pos.Action {
				case ActBreak:
					a.Kind, a.Reason = KindBreak, pos.Reason
				case ActFootnote:
					a.Text = pos.Reason
				}
				consider(a)
			}
		}
	}
	for _, p := range s.Procedures {
		if p.Kind == ProcArticle4 || p.Concluded != nil {
			continue
		}
		switch {
		case p.Deadline != nil:
			consider(s.conclude(p, *p.Deadline, eng))
		case p.Kind == ProcConsensus && len(p.Statements) == len(s.Delegations):
			consider(s.conclude(p, p.Statements[len(p.Statements)-1].Clock, eng))
		}
	}
	return best, found
}

// requested reports whether state has requested Article 4 consultations in
// the exercise.
func (s *State) requested(state string) bool {
	for _, p := range s.Procedures {
		if p.Kind == ProcArticle4 && slices.Contains(p.RequestedBy, state) {
			return true
		}
	}
	return false
}

// conclude returns the conclusion of draft p at clock time at, by the
// project's decision rules: a break is a "no" under the silence procedure
// or consensus, and one is enough to block.
func (s *State) conclude(p *Procedure, at time.Time, eng *rules.Engine) Action {
	ballot := rules.Ballot{}
	for _, st := range p.Statements {
		if st.Act == ActBreak {
			ballot[st.Seat] = "no"
		}
	}
	rule := rules.RuleConsensus
	if p.Kind == ProcSilence {
		rule = rules.RuleSilence
	}
	a := Action{Kind: KindConcluded, Seat: SeatServer, Procedure: p.ID, Clock: at, Rule: p.Kind, BrokenBy: []string{}}
	d, err := eng.Decide(rule, alliance.NATO, s.Scenario.Date, ballot, nil, "")
	if err != nil {
		// The ballot holds only seated delegations: an error is a bug, and
		// the draft fails safe (not agreed).
		a.Status, a.Reason = StatusBroken, "The decision rule could not be applied: "+alliance.ErrorMessage(err)
		return a
	}
	a.Reason = d.Reason
	if d.Adopted {
		a.Status = StatusAgreed
	} else {
		a.Status, a.BrokenBy = StatusBroken, d.Blocking
	}
	return a
}
