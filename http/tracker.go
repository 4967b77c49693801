package http

import (
	"fmt"
	"html/template"
	nethttp "net/http"
	"sort"
	"strings"

	"alliance"
	"alliance/accession"
	"alliance/forecast"
	"alliance/tidy"
)

// trackerOption is one candidate in the tracker's list.
type trackerOption struct{ Code, Label string }

// trackerGroup is a labelled group of the list.
type trackerGroup struct {
	Label   string
	Options []trackerOption
}

// step is one stage of an accession as the tracker lists it: done on a
// date, done on a date the record lacks, or still needed.
type step struct {
	Name, Detail string
	Date         alliance.Date
	Done         bool
	Unknown      bool // done, but the record has no date
}

func (s *Server) pageTracker(w nethttp.ResponseWriter, r *nethttp.Request) error {
	q, err := s.pageQuery(r, "candidate", "at")
	if err != nil {
		return err
	}
	cand := q.state(s, "candidate")
	if q.err != nil {
		return q.err
	}
	if cand == "" {
		cand = "SE"
	}
	stages := accession.AllStages(s.svc.History, s.svc.States, alliance.NATO)
	var def alliance.Date
	for _, st := range stages {
		if st.Candidate == cand {
			def = st.Joined
		}
	}
	if def.IsZero() {
		def = s.today()
	}
	at := q.date("at", def)
	if q.err != nil {
		return q.err
	}
	st := accession.StatusOf(s.svc.History, s.svc.States, alliance.NATO, cand, at)
	snap := alliance.Replay(s.svc.History, at)
	members := snap.Members(alliance.NATO, s.svc.States)
	// A founder is a member from the treaty's entry into force, with no protocol.
	founder := st.Stage == accession.StageMember && st.ProtocolSigned.IsZero() && st.Joined == alliance.MustDate("1949-08-24")
	path := s.trackerPath(cand, at)
	data := map[string]any{
		"Status": st, "At": at, "Groups": s.trackerGroups(cand, stages), "States": s.svc.States, "Timeline": trackerSVG(st),
		"Path": path, "Steps": trackerSteps(st, len(members)), "Members": len(members), "Founder": founder,
		"Missing": s.trackerMissing(st), "Headline": trackerHeadline(st, founder),
	}
	if cand == "UA" {
		data["Forecast"] = true
	}
	if st.Stage == accession.StageRatifying {
		// A live forecast of an accession in progress, from what was on
		// record on the day shown; a page that cannot have one shows none.
		if res, err := forecast.Timetable(r.Context(), s.svc.History, s.svc.States, cand, at, forecast.Scenario{}, forecast.Options{Runs: 20_000, Seed: 1}); err == nil {
			data["Live"] = res
		}
	}
	return s.render(w, r, 200, "tracker", st.Name+" and NATO: accession tracker", data)
}

// trackerHeadline says where the candidate stands in a few words.
func trackerHeadline(st accession.Status, founder bool) string {
	switch {
	case founder:
		return fmt.Sprintf("%s: a founding member of NATO", st.Name)
	case st.Stage == accession.StageMember:
		return fmt.Sprintf("%s's accession to NATO: a member since %s", st.Name, st.Joined)
	case st.Stage == accession.StageRatifying:
		return fmt.Sprintf("%s's accession to NATO: %d ratified, %d pending", st.Name, len(st.Ratified), len(st.Pending))
	case st.Stage == accession.StageInvited:
		return fmt.Sprintf("%s's accession to NATO: invited, protocol not yet signed", st.Name)
	case st.Stage == accession.StageApplied:
		return fmt.Sprintf("%s's path to NATO: applied on %s, not yet invited", st.Name, st.Applied)
	}
	return fmt.Sprintf("%s and NATO: no application on record", st.Name)
}

// trackerGroups lists every state with an accession or an application on
// record, and the one asked for even if it has neither.
func (s *Server) trackerGroups(cand string, stages []accession.Stages) []trackerGroup {
	today := s.today()
	seen := map[string]bool{}
	var now, past []trackerOption
	opt := func(code, suffix string) trackerOption {
		seen[code] = true
		return trackerOption{code, s.svc.States.Name(code) + suffix}
	}
	applied := alliance.Applied
	nato := alliance.NATO
	for _, r := range s.svc.History.Filter(alliance.Filter{Org: &nato, Type: &applied}) {
		for _, c := range r.Event.States {
			if st := accession.StatusOf(s.svc.History, s.svc.States, nato, c, today); !seen[c] && st.Stage != accession.StageMember {
				now = append(now, opt(c, " ("+string(st.Stage)+")"))
			}
		}
	}
	for i := len(stages) - 1; i >= 0; i-- {
		if c := stages[i].Candidate; !seen[c] {
			suffix := ""
			if !stages[i].Joined.IsZero() {
				suffix = fmt.Sprintf(" (joined %d)", stages[i].Joined.Year)
			}
			past = append(past, opt(c, suffix))
		}
	}
	sort.Slice(now, func(i, j int) bool { return now[i].Label < now[j].Label })
	gs := []trackerGroup{{"Applied, not yet members", now}, {"Accessions since 1952", past}}
	if !seen[cand] {
		gs = append(gs, trackerGroup{"Other", []trackerOption{opt(cand, "")}})
	}
	return gs
}

// trackerPath is the candidate's own NATO record up to at: application,
// partnership steps, summit language, laws, the accession itself; not
// polls, positions, or ratifications (the table lists those of its own
// protocol).
func (s *Server) trackerPath(cand string, at alliance.Date) []tidy.Event {
	nato := alliance.NATO
	var out []tidy.Event
	for _, e := range s.events(alliance.Filter{State: &cand, Org: &nato, To: &at}) {
		switch alliance.EventType(e.Type) {
		case alliance.Poll, alliance.Position, alliance.Ratification:
			continue // ratifications are in the table
		}
		if e.Candidate != "" && e.Candidate != cand {
			continue
		}
		out = append(out, e)
	}
	return out
}

// trackerSteps lists the stages of accession as practised, each done (with
// its date, or without when the record lacks it) or still needed.
func trackerSteps(st accession.Status, members int) []step {
	joined := !st.Joined.IsZero()
	past := func(d alliance.Date, later bool) (bool, bool) { return !d.IsZero() || later, d.IsZero() && later }
	app := step{Name: "Application", Date: st.Applied, Done: !st.Applied.IsZero()}
	switch {
	case app.Done:
	case joined || !st.Invited.IsZero() || !st.ProtocolSigned.IsZero():
		app.Done, app.Unknown = true, true
		app.Detail = "Not recorded: some early accessions had no formal application, and for others we have not found a dated source."
	default:
		app.Detail = "No application on record."
	}
	out := []step{app}
	done, unknown := past(st.Invited, !st.ProtocolSigned.IsZero() || joined)
	out = append(out, step{Name: "Invitation by all Allies (Article 10)", Date: st.Invited, Done: done, Unknown: unknown,
		Detail: map[bool]string{true: "", false: fmt.Sprintf("Needs the agreement of all %d Allies, by consensus.", members)}[done]})
	done, unknown = past(st.ProtocolSigned, joined)
	out = append(out, step{Name: "Accession protocol signed by every Ally", Date: st.ProtocolSigned, Done: done, Unknown: unknown,
		Detail: map[bool]string{true: "", false: "After accession talks, every Ally signs a protocol admitting the candidate."}[done]})
	rat := step{Name: "Ratification by every Ally"}
	switch {
	case joined:
		rat.Done = true
		rat.Detail = fmt.Sprintf("All ratified; %d dated in the record.", len(st.Ratified))
		if len(st.Undated) > 0 {
			rat.Detail += fmt.Sprintf(" %d on dates the record lacks.", len(st.Undated))
		}
	case st.Stage == accession.StageRatifying:
		rat.Detail = fmt.Sprintf("%d ratified, %d still to ratify.", len(st.Ratified), len(st.Pending))
	default:
		rat.Detail = fmt.Sprintf("Each of the %d Allies ratifies by its own procedure and deposits its instrument with the United States.", members)
	}
	out = append(out, rat)
	out = append(out, step{Name: "Instrument of accession deposited: a member", Date: st.Joined, Done: joined,
		Detail: map[bool]string{true: "", false: "The candidate deposits its instrument in Washington and is a member from that day."}[joined]})
	return out
}

// trackerMissing says plainly what the record lacks for an accession.
func (s *Server) trackerMissing(st accession.Status) []string {
	if st.Joined.IsZero() {
		return nil
	}
	var out []string
	if st.Applied.IsZero() {
		out = append(out, "the date of application (if there was a formal one)")
	}
	if st.Invited.IsZero() {
		out = append(out, "the date of the invitation")
	}
	if n := len(st.Undated); n > 0 {
		names := make([]string, n)
		for i, c := range st.Undated {
			names[i] = s.svc.States.Name(c)
		}
		which := fmt.Sprintf("%d of the %d members of the time", n, n+len(st.Ratified))
		if len(st.Ratified) == 0 {
			which = fmt.Sprintf("all %d members of the time", n)
		}
		out = append(out, fmt.Sprintf("the ratification dates of %s: %s. They all ratified, or %s could not have joined on %s, but we have not yet found a public source that dates each step",
			which, strings.Join(names, ", "), st.Name, st.Joined))
	}
	return out
}

// trackerSVG draws each ratification as a dot on a line of days since the
// protocol's signature.
func trackerSVG(st accession.Status) template.HTML {
	if st.ProtocolSigned.IsZero() {
		return ""
	}
	end := st.At
	if !st.Joined.IsZero() {
		end = st.Joined
	}
	days := max(end.DaysSince(st.ProtocolSigned), 1)
	const w, h, l, rgt = 760.0, 120.0, 20.0, 20.0
	x := func(d int) float64 { return l + float64(d)/float64(days)*(w-l-rgt) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg viewBox="0 0 %.0f %.0f" role="img" font-size="12" font-family="system-ui, sans-serif" aria-label="Timeline of ratifications, %d days from protocol signature to %s">`, w, h, days, end)
	fmt.Fprintf(&b, `<line x1="%.0f" x2="%.0f" y1="60" y2="60" stroke="#555"/>`, l, w-rgt)
	fmt.Fprintf(&b, `<text x="%.0f" y="90" fill="#333">protocol %s</text><text x="%.0f" y="90" text-anchor="end" fill="#333">%s %s</text>`, l, st.ProtocolSigned, w-rgt, map[bool]string{true: "joined", false: "as of"}[!st.Joined.IsZero()], end)
	for i, r := range st.Ratified {
		if r.Days == nil {
			continue
		}
		y := 50.0 - float64(i%3)*12
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.0f" r="5" fill="#0072B2"><title>%s %s (%s), day %d</title></circle>`, x(max(*r.Days, 0)), y, r.Name, r.Date, r.Basis, *r.Days)
	}
	for i, p := range st.PendingDetail {
		fmt.Fprintf(&b, `<text x="%.0f" y="%d" text-anchor="end" fill="#8a1c00" font-weight="600">%s pending</text>`, w-rgt, 20+14*i, p.Code)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
