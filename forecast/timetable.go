package forecast

import (
	"context"
	"slices"

	"alliance"
	"alliance/accession"
)

// Timetable forecasts cand's accession to NATO as of asOf, under the
// scenario, from what was known on asOf only: the history is cut at asOf
// (scenario events stay) before anything is read or learnt. The candidate's
// own record fixes what has happened: its invitation and protocol dates, and
// the ratifications already made, which are fixed at their dates; members
// still pending are drawn conditional on having waited so far.
func Timetable(ctx context.Context, h alliance.History, states alliance.States, cand string, asOf alliance.Date, sc Scenario, opt Options) (*Result, error) {
	h = Known(h, asOf)
	st := accession.StatusOf(h, states, alliance.NATO, cand, asOf)
	if st.Stage == accession.StageMember {
		return nil, alliance.Errorf(alliance.EINVALID, "%s has been a member of NATO since %s: there is nothing to forecast", st.Name, st.Joined)
	}
	if sc.Invited.IsZero() && !st.Invited.IsZero() {
		sc.Invited = st.Invited
	}
	if sc.Protocol.IsZero() && !st.ProtocolSigned.IsZero() {
		sc.Protocol = st.ProtocolSigned
	}
	if !sc.Invited.IsZero() && sc.Invited.Before(asOf) && st.Invited.IsZero() {
		return nil, alliance.Errorf(alliance.EINVALID, "invitation date %s is before the forecast date %s: a hypothesis about the past is not a forecast", sc.Invited, asOf)
	}
	if !sc.Protocol.IsZero() && !sc.Invited.IsZero() && sc.Protocol.Before(sc.Invited) {
		return nil, alliance.Errorf(alliance.EINVALID, "protocol date %s is before the invitation %s", sc.Protocol, sc.Invited)
	}
	sit := Situation{Candidate: cand, Start: asOf, Done: map[string]Done{}}
	for _, r := range st.Ratified {
		sit.Done[r.Code] = Done{Date: r.Date, Basis: r.Basis}
	}
	var atProtocol *alliance.Snapshot
	if !sc.Protocol.IsZero() && !sc.Protocol.After(asOf) {
		atProtocol = alliance.Replay(h, sc.Protocol)
		sit.Late = map[string]bool{}
	}
	for _, m := range alliance.Replay(h, asOf).Members(alliance.NATO, states) {
		if m.Code != cand {
			sit.Ratifiers = append(sit.Ratifiers, m.Code)
			if atProtocol != nil && !atProtocol.IsMember(alliance.NATO, m.Code) {
				sit.Late[m.Code] = true
			}
		}
	}
	for _, w := range sc.Withholds {
		if !slices.Contains(sit.Ratifiers, w.Member) {
			return nil, alliance.Errorf(alliance.EINVALID, "%s is not a member on %s and does not ratify", w.Member, asOf)
		}
	}
	m := Learn(h, states, asOf)
	sit.Holdouts = holdouts(h, states, m, cand, asOf, sit)
	return Simulate(ctx, m, sit, sc, opt)
}

// holdouts lists the pending members with a standing objection to the
// candidate on asOf, with the model's probability that each holds out.
func holdouts(h alliance.History, states alliance.States, m *Model, cand string, asOf alliance.Date, sit Situation) []Holdout {
	q := question(states, cand)
	obj := objections(h, q, asOf)
	var out []Holdout
	for _, code := range sit.Ratifiers {
		stance, ok := obj[code]
		if _, done := sit.Done[code]; !ok || done {
			continue
		}
		ho := Holdout{Code: code, Stance: stance, Probability: m.Cure[stance]}
		for _, r := range h.Until(asOf) {
			if r.Type == alliance.Position && r.Stance != nil && r.Stance.Question == q && slices.Contains(r.States, code) {
				ho.Since = r.Date
			}
		}
		out = append(out, ho)
	}
	return out
}
