package exercise

import (
	"context"
	"encoding/csv"
	"encoding/hex"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"alliance"
)

// Report is the after-action review of an exercise: the timeline, each
// decision with who broke it when and why, the time from inject to
// decision, each delegation's activity and the Article 5 verdicts shown.
type Report struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Date        alliance.Date   `json:"date"`
	Entries     int             `json:"entries"`
	Head        string          `json:"head"`
	Decisions   []DecisionLine  `json:"decisions"`
	Requests    []*Procedure    `json:"article4_requests"`
	Delegations []ActivityLine  `json:"delegations"`
	Verdicts    []VerdictLine   `json:"article5_verdicts"`
	Timeline    []TimelineEntry `json:"timeline"`
	// Record sets what the players did beside what really happened, for
	// each outcome the scenario records.
	Record []RecordLine `json:"record"`
}

// RecordLine is one recorded outcome of the scenario beside the exercise's.
type RecordLine struct {
	Outcome
	// Played is what the exercise gave: a draft's status ("not tabled"
	// when it never was), or the states that requested Article 4.
	PlayedStatus   string   `json:"played_status,omitempty"`
	PlayedBrokenBy []string `json:"played_broken_by,omitempty"`
	PlayedArticle4 []string `json:"played_article4_requested_by,omitempty"`
	Same           bool     `json:"same"`
}

// DecisionLine is one draft's story.
type DecisionLine struct {
	Procedure *Procedure `json:"procedure"`
	// InjectToDecisionMinutes is the exercise time from the inject the
	// draft answers to its conclusion; nil when either is missing.
	InjectToDecisionMinutes *int `json:"inject_to_decision_minutes,omitempty"`
	// Breaks are the breaks, in order, with when and why.
	Breaks []Statement `json:"breaks"`
	// Footnotes are the statements on the record made with an agreement.
	Footnotes []Statement `json:"footnotes"`
	// Silent are the delegations that said nothing.
	Silent []string `json:"silent"`
}

// ActivityLine counts one delegation's acts.
type ActivityLine struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Article4  int    `json:"article4"`
	Breaks    int    `json:"breaks"`
	Agrees    int    `json:"agrees"`
	Footnotes int    `json:"footnotes"`
	Scripted  int    `json:"scripted"`
}

// VerdictLine is an Article 5 verdict shown with an invocation draft.
type VerdictLine struct {
	Procedure    string      `json:"procedure"`
	Verdict      VerdictNote `json:"verdict"`
	Acknowledged bool        `json:"acknowledged"`
	Status       string      `json:"status"`
}

// TimelineEntry is one line of the timeline, in words.
type TimelineEntry struct {
	Seq   int64     `json:"seq"`
	At    time.Time `json:"at"`
	Clock time.Time `json:"clock"`
	Seat  string    `json:"seat"`
	Kind  string    `json:"kind"`
	Text  string    `json:"text"`
}

// Report builds exercise id's after-action review from its checked log.
func (m *Manager) Report(ctx context.Context, id string) (Report, error) {
	st, err := m.Replay(ctx, id)
	if err != nil {
		return Report{}, err
	}
	r := Report{ID: id, Name: st.Scenario.Name, Date: st.Scenario.Date, Entries: len(st.Actions), Decisions: []DecisionLine{}, Requests: []*Procedure{},
		Verdicts: []VerdictLine{}, Timeline: []TimelineEntry{}}
	r.Head = hex.EncodeToString(st.Hash)
	act := map[string]*ActivityLine{}
	for _, c := range st.Delegations {
		r.Delegations = append(r.Delegations, ActivityLine{Code: c, Name: m.eng.States.Name(c)})
	}
	for i := range r.Delegations {
		act[r.Delegations[i].Code] = &r.Delegations[i]
	}
	for _, p := range st.Procedures {
		if p.Kind == ProcArticle4 {
			r.Requests = append(r.Requests, p)
			continue
		}
		d := DecisionLine{Procedure: p, Breaks: []Statement{}, Footnotes: []Statement{}, Silent: []string{}}
		for _, s := range p.Statements {
			switch s.Act {
			case ActBreak:
				d.Breaks = append(d.Breaks, s)
			case ActFootnote:
				d.Footnotes = append(d.Footnotes, s)
			}
		}
		for _, c := range st.Delegations {
			if p.spoke(c) == nil {
				d.Silent = append(d.Silent, c)
			}
		}
		if at, ok := st.Arrived[p.Inject]; ok && p.Concluded != nil {
			n := int(p.Concluded.Sub(at) / time.Minute)
			d.InjectToDecisionMinutes = &n
		}
		r.Decisions = append(r.Decisions, d)
		if p.Verdict != nil {
			r.Verdicts = append(r.Verdicts, VerdictLine{Procedure: p.ID, Verdict: *p.Verdict, Acknowledged: p.Acknowledged, Status: p.Status})
		}
	}
	r.Record = []RecordLine{}
	for _, o := range st.Scenario.Record {
		line := RecordLine{Outcome: o}
		if o.Draft != "" {
			line.PlayedStatus = "not tabled"
			for _, p := range st.Procedures {
				if p.Draft == o.Draft {
					line.PlayedStatus, line.PlayedBrokenBy = p.Status, p.BrokenBy
				}
			}
			line.Same = line.PlayedStatus == o.Status && slices.Equal(line.PlayedBrokenBy, o.BrokenBy) ||
				line.PlayedStatus == o.Status && o.Status == StatusAgreed
		} else {
			line.PlayedArticle4 = []string{}
			for _, p := range st.Procedures {
				if p.Kind == ProcArticle4 {
					line.PlayedArticle4 = append(line.PlayedArticle4, p.RequestedBy...)
				}
			}
			slices.Sort(line.PlayedArticle4)
			line.Same = slices.Equal(line.PlayedArticle4, o.Article4RequestedBy)
		}
		r.Record = append(r.Record, line)
	}
	for _, a := range st.Actions {
		if l := act[a.Seat]; l != nil {
			switch {
			case a.Kind == KindArticle4:
				l.Article4++
			case a.Kind == KindBreak:
				l.Breaks++
			case a.Kind == KindAgree && a.Text != "":
				l.Footnotes++
			case a.Kind == KindAgree:
				l.Agrees++
			}
			if a.Scripted {
				l.Scripted++
			}
		}
		r.Timeline = append(r.Timeline, TimelineEntry{Seq: a.Seq, At: a.At, Clock: a.Clock, Seat: a.Seat, Kind: a.Kind, Text: Describe(a, st)})
	}
	// The timeline reads in exercise time: an action the rules took when
	// the clock was advanced past it comes where it took effect.
	slices.SortStableFunc(r.Timeline, func(a, b TimelineEntry) int { return a.Clock.Compare(b.Clock) })
	return r, nil
}

// Describe says what an action did, in a sentence.
func Describe(a Action, st *State) string {
	who := a.Seat
	if st != nil && st.IsDelegation(a.Seat) {
		who = a.Seat + " delegation"
	}
	if a.Scripted {
		who += " (scripted)"
	}
	switch a.Kind {
	case KindCreated:
		return "Exercise created: " + a.Title + "; the Council seated as on " + a.Date + " (" + strconv.Itoa(len(a.Delegations)) + " delegations)."
	case KindClock:
		if a.Op == "advance" {
			return "Control advanced the clock by " + strconv.Itoa(a.Minutes) + " minutes."
		}
		return "Control " + map[string]string{"start": "started", "pause": "paused"}[a.Op] + " the clock."
	case KindInject:
		return "Inject " + a.Inject + ": " + a.Title
	case KindArticle4:
		return who + " requests consultations under Article 4 (" + a.Procedure + ")" + suffix(a.Text)
	case KindConvene:
		return "The chair convenes the consultations requested under Article 4 (" + a.Procedure + ")."
	case KindTable:
		s := "The chair tables " + a.Procedure + " (" + a.Decision + ") " + map[string]string{ProcSilence: "under the silence procedure", ProcConsensus: "to a consensus round"}[a.Rule] + ": " + a.Title
		if a.Deadline != nil {
			s += "; deadline " + a.Deadline.UTC().Format("2 Jan 2006 15:04") + " UTC"
		}
		if a.Verdict != nil {
			s += ". Article 5 verdict for " + a.Verdict.Place + ": " + strings.ReplaceAll(a.Verdict.Verdict, "_", " ")
			if a.Acknowledged {
				s += " (acknowledged by the chair)"
			}
		}
		return s + "."
	case KindBreak:
		return who + " breaks " + a.Procedure + suffix(a.Reason)
	case KindAgree:
		if a.Text != "" {
			return who + " agrees to " + a.Procedure + " with a statement" + suffix(a.Text)
		}
		return who + " agrees to " + a.Procedure + "."
	case KindClose:
		return "The chair closes " + a.Procedure + "."
	case KindConcluded:
		return a.Procedure + " is " + a.Status + ". " + a.Reason
	case KindSeat:
		return "Control " + map[string]string{"reissue": "reissued the secret of", "revoke": "revoked the secret of"}[a.Op] + " seat " + strings.Join(a.Seats, ", ") + "."
	case KindEnd:
		return "Control ended the exercise; every secret has expired."
	}
	return a.Kind
}

func suffix(s string) string {
	if s == "" {
		return "."
	}
	return ": " + s
}

// WriteCSV writes actions as CSV: one row an action, with its sentence.
func WriteCSV(w io.Writer, as []Action) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"seq", "at", "clock", "seat", "scripted", "kind", "procedure", "inject", "status", "broken_by", "text"})
	for _, a := range as {
		text := a.Text
		if a.Reason != "" {
			text = strings.TrimSpace(a.Reason + " " + text)
		}
		if a.Kind == KindInject || a.Kind == KindTable || a.Kind == KindCreated {
			text = a.Title
		}
		if err := cw.Write([]string{strconv.FormatInt(a.Seq, 10), a.At.UTC().Format(time.RFC3339), a.Clock.UTC().Format(time.RFC3339), a.Seat,
			strconv.FormatBool(a.Scripted), a.Kind, a.Procedure, a.Inject, a.Status, strings.Join(a.BrokenBy, " "), csvSafe(text)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(s string) string {
	if s != "" && slices.Contains([]byte("=+-@\t\r"), s[0]) {
		return "'" + s
	}
	return s
}
