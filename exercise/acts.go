package exercise

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"alliance"
	"alliance/auth"
)

// MaxAdvanceMinutes bounds one advance of the clock (a week).
const MaxAdvanceMinutes = 7 * 24 * 60

// Request is a delegation's request for consultations under Article 4. A
// request while another is still waiting for the chair joins it, as
// several allies asked together on 24 February 2022. It returns the
// procedure's id.
func (m *Manager) Request(ctx context.Context, id, seat, text, inject string) (string, error) {
	if Role(seat) != "delegation" {
		return "", forbid(seat, "only a delegation requests consultations under Article 4.")
	}
	if err := text4(text); err != nil {
		return "", err
	}
	a, err := m.do(ctx, id, func(st *State, now time.Time) (Action, bool, error) {
		if inject != "" {
			if _, ok := st.Arrived[inject]; !ok {
				return Action{}, false, alliance.Errorf(alliance.EINVALID, "inject %q has not reached the Council", alliance.Clip(inject))
			}
		}
		if st.requestedOpen(seat) {
			return Action{}, false, alliance.Errorf(alliance.ECONFLICT, "%s has already requested these consultations; the chair has not convened them yet.", st.Scenario.name(m, seat))
		}
		a := Action{Kind: KindArticle4, Seat: seat, Clock: st.Clock(now), Text: text, Inject: inject, Title: "Consultations under Article 4"}
		for _, p := range st.Procedures {
			if p.Kind == ProcArticle4 && p.Status == StatusRequested {
				a.Procedure = p.ID
				return a, true, nil
			}
		}
		a.Procedure = "p" + strconv.FormatInt(st.Seq()+1, 10)
		return a, true, nil
	})
	return a.Procedure, err
}

func text4(s string) error {
	if err := text("text", s, MaxTextRunes, false); err != nil {
		return alliance.Errorf(alliance.EINVALID, "%v", err)
	}
	return nil
}

// requestedOpen reports whether state's request waits for the chair.
func (s *State) requestedOpen(state string) bool {
	for _, p := range s.Procedures {
		if p.Kind == ProcArticle4 && p.Status == StatusRequested && slices.Contains(p.RequestedBy, state) {
			return true
		}
	}
	return false
}

func (s *Scenario) name(m *Manager, code string) string { return m.eng.States.Name(code) }

// TableRequest is a draft the chair tables: one of the scenario's (Draft
// set) or the chair's own.
type TableRequest struct {
	Draft           string `json:"draft,omitempty"`
	Kind            string `json:"kind"` // silence or consensus
	Decision        string `json:"decision,omitempty"`
	Title           string `json:"title,omitempty"`
	Text            string `json:"text,omitempty"`
	DeadlineMinutes int    `json:"deadline_minutes,omitempty"`
	Inject          string `json:"inject,omitempty"`
	// Acknowledge puts on the record that the chair has seen a verdict
	// that Article 5 does not cover the inject's place, and tables the
	// invocation anyway.
	Acknowledge bool `json:"acknowledge,omitempty"`
}

// Table puts a draft decision to the Council under the silence procedure or
// to a consensus round, and returns its id. An Article 5 invocation shows
// every seat the Article 5/6 verdict for its inject's place on the
// scenario's date; where that verdict is not "covered", the chair must
// acknowledge it (ECONFLICT otherwise).
func (m *Manager) Table(ctx context.Context, id, seat string, r TableRequest) (string, error) {
	if seat != SeatChair {
		return "", forbid(seat, "only the chair tables drafts.")
	}
	a, err := m.do(ctx, id, func(st *State, now time.Time) (Action, bool, error) {
		d := Draft{ID: r.Draft, Procedure: r.Kind, Decision: r.Decision, Title: r.Title, Text: r.Text, DeadlineMinutes: r.DeadlineMinutes, Inject: r.Inject}
		if r.Draft != "" {
			sd := st.Scenario.Draft(r.Draft)
			if sd == nil {
				return Action{}, false, alliance.Errorf(alliance.EINVALID, "draft %q is not one of the scenario's drafts", alliance.Clip(r.Draft))
			}
			d = *sd
			if r.Kind != "" && r.Kind != sd.Procedure {
				return Action{}, false, alliance.Errorf(alliance.EINVALID, "draft %s goes %s, not %s: leave kind out or give %s", sd.ID, sd.Procedure, alliance.Clip(r.Kind), sd.Procedure)
			}
			if r.DeadlineMinutes > 0 {
				d.DeadlineMinutes = r.DeadlineMinutes
			}
		}
		if d.Decision == "" {
			d.Decision = DecisionStatement
		}
		if d.Title == "" {
			// The API's shortest draft is text and a deadline: its title is
			// the start of its text.
			d.Title = firstWords(d.Text, 80)
		}
		if err := checkDraft(&d, st.Scenario); err != nil {
			return Action{}, false, err
		}
		if d.Inject != "" {
			if _, ok := st.Arrived[d.Inject]; !ok {
				return Action{}, false, alliance.Errorf(alliance.EINVALID, "inject %q has not reached the Council yet", d.Inject)
			}
		}
		for _, p := range st.Procedures {
			if r.Draft != "" && p.Draft == r.Draft && p.Concluded == nil {
				return Action{}, false, alliance.Errorf(alliance.ECONFLICT, "draft %s is already before the Council (%s)", r.Draft, p.ID)
			}
		}
		clock := st.Clock(now)
		a := Action{Kind: KindTable, Seat: seat, Clock: clock, Procedure: "p" + strconv.FormatInt(st.Seq()+1, 10), Draft: r.Draft, Decision: d.Decision,
			Rule: d.Procedure, Title: d.Title, Text: d.Text, Inject: d.Inject}
		if d.DeadlineMinutes > 0 {
			dl := clock.Add(time.Duration(d.DeadlineMinutes) * time.Minute)
			a.Deadline = &dl
		}
		if d.Decision == DecisionArticle5 {
			v, err := m.verdict(st.Scenario, d.Inject)
			if err != nil {
				return Action{}, false, err
			}
			a.Verdict = v
			if !v.Covered && !r.Acknowledge {
				return Action{}, false, alliance.Errorf(alliance.ECONFLICT, "The engine's verdict for %s on %s is %q: %s To table the invocation anyway, acknowledge the verdict on the record (\"acknowledge\": true).", v.Place, v.Date, v.Verdict, v.Reason)
			}
			a.Acknowledged = !v.Covered && r.Acknowledge
		}
		return a, true, nil
	})
	return a.Procedure, err
}

// Break breaks silence on a draft, or breaks consensus in a round, with a
// reason. After a silence deadline (on the server's exercise clock) it is
// ECONFLICT.
func (m *Manager) Break(ctx context.Context, id, seat, pid, reason string) error {
	return m.speak(ctx, id, seat, pid, KindBreak, reason)
}

// Agree agrees to a draft in a consensus round; a non-empty footnote is a
// statement on the record that goes with the agreement.
func (m *Manager) Agree(ctx context.Context, id, seat, pid, footnote string) error {
	return m.speak(ctx, id, seat, pid, KindAgree, footnote)
}

func (m *Manager) speak(ctx context.Context, id, seat, pid, kind, words string) error {
	if Role(seat) != "delegation" {
		return forbid(seat, "only a delegation breaks silence, agrees or adds a footnote.")
	}
	if kind == KindBreak && words == "" {
		return alliance.Errorf(alliance.EINVALID, "A break needs a reason: send {\"reason\": \"...\"}.")
	}
	if err := text4(words); err != nil {
		return err
	}
	_, err := m.do(ctx, id, func(st *State, now time.Time) (Action, bool, error) {
		p := st.Procedure(pid)
		if p == nil || p.Kind == ProcArticle4 {
			return Action{}, false, alliance.Errorf(alliance.ENOTFOUND, "There is no draft %q before the Council.", alliance.Clip(pid))
		}
		if !st.IsDelegation(seat) {
			return Action{}, false, forbid(seat, "it has no seat at this Council.")
		}
		if p.Concluded != nil {
			when := "was concluded"
			if p.Deadline != nil && !st.Clock(now).Before(*p.Deadline) {
				when = "passed its deadline at " + p.Deadline.Format("15:04 on 2 Jan 2006")
			}
			return Action{}, false, alliance.Errorf(alliance.ECONFLICT, "Draft %s %s: it is %s, and no statement can change that now.", pid, when, p.Status)
		}
		if p.Kind == ProcSilence && kind == KindAgree {
			return Action{}, false, alliance.Errorf(alliance.EINVALID, "Under the silence procedure a delegation agrees by staying silent: break silence, or do nothing.")
		}
		if prev := p.spoke(seat); prev != nil {
			return Action{}, false, alliance.Errorf(alliance.ECONFLICT, "%s has already spoken on %s (%s at %s).", st.Scenario.name(m, seat), pid, prev.Act, prev.Clock.Format("15:04"))
		}
		a := Action{Kind: kind, Seat: seat, Clock: st.Clock(now), Procedure: pid}
		if kind == KindBreak {
			a.Reason = words
		} else {
			a.Text = words
		}
		return a, true, nil
	})
	return err
}

// Convene convenes the consultations an Article 4 request asked for.
func (m *Manager) Convene(ctx context.Context, id, seat, pid string) error {
	if seat != SeatChair {
		return forbid(seat, "only the chair convenes the Council.")
	}
	_, err := m.do(ctx, id, func(st *State, now time.Time) (Action, bool, error) {
		p := st.Procedure(pid)
		if p == nil || p.Kind != ProcArticle4 {
			return Action{}, false, alliance.Errorf(alliance.ENOTFOUND, "There is no Article 4 request %q.", alliance.Clip(pid))
		}
		if p.Status == StatusConvened {
			return Action{}, false, alliance.Errorf(alliance.ECONFLICT, "The consultations %s asked for are already convened.", pid)
		}
		return Action{Kind: KindConvene, Seat: seat, Clock: st.Clock(now), Procedure: pid}, true, nil
	})
	return err
}

// Close ends a consensus round now: the draft is agreed unless a delegation
// broke consensus.
func (m *Manager) Close(ctx context.Context, id, seat, pid string) error {
	if seat != SeatChair {
		return forbid(seat, "only the chair closes a consensus round.")
	}
	_, err := m.do(ctx, id, func(st *State, now time.Time) (Action, bool, error) {
		p := st.Procedure(pid)
		if p == nil || p.Kind != ProcConsensus {
			return Action{}, false, alliance.Errorf(alliance.ENOTFOUND, "There is no consensus round %q.", alliance.Clip(pid))
		}
		if p.Concluded != nil {
			return Action{}, false, alliance.Errorf(alliance.ECONFLICT, "Round %s is already concluded: %s.", pid, p.Status)
		}
		c := st.conclude(p, st.Clock(now), m.eng)
		c.Seat = seat
		return c, true, nil
	})
	return err
}

// Clock starts, pauses or advances the exercise clock: op "start", "pause"
// or "advance" with minutes from 1 to MaxAdvanceMinutes.
func (m *Manager) Clock(ctx context.Context, id, seat, op string, minutes int) error {
	if seat != SeatControl {
		return forbid(seat, "only control runs the clock.")
	}
	switch op {
	case "start", "pause":
		if minutes != 0 {
			return alliance.Errorf(alliance.EINVALID, "%s takes no minutes", op)
		}
	case "advance":
		if minutes < 1 || minutes > MaxAdvanceMinutes {
			return alliance.Errorf(alliance.EINVALID, "advance_minutes %d is not from 1 to %d", minutes, MaxAdvanceMinutes)
		}
	default:
		return alliance.Errorf(alliance.EINVALID, "clock action %q: want start, pause or advance_minutes", alliance.Clip(op))
	}
	_, err := m.do(ctx, id, func(st *State, now time.Time) (Action, bool, error) {
		if op == "start" && st.running {
			return Action{}, false, alliance.Errorf(alliance.ECONFLICT, "The clock is already running.")
		}
		if op == "pause" && !st.running {
			return Action{}, false, alliance.Errorf(alliance.ECONFLICT, "The clock is not running.")
		}
		c := st.Clock(now)
		if op == "advance" {
			c = c.Add(time.Duration(minutes) * time.Minute)
		}
		return Action{Kind: KindClock, Seat: seat, Clock: c, Op: op, Minutes: minutes}, true, nil
	})
	return err
}

// Fire sends one of the scenario's injects to the Council now, ahead of
// its time.
func (m *Manager) Fire(ctx context.Context, id, seat, inject string) error {
	if seat != SeatControl {
		return forbid(seat, "only control fires injects.")
	}
	_, err := m.do(ctx, id, func(st *State, now time.Time) (Action, bool, error) {
		in := st.Scenario.Inject(inject)
		if in == nil {
			return Action{}, false, alliance.Errorf(alliance.ENOTFOUND, "There is no inject %q in the scenario.", alliance.Clip(inject))
		}
		if _, ok := st.Arrived[inject]; ok {
			return Action{}, false, alliance.Errorf(alliance.ECONFLICT, "Inject %s has already reached the Council.", inject)
		}
		return Action{Kind: KindInject, Seat: seat, Inject: inject, Title: in.Title, Clock: st.Clock(now)}, true, nil
	})
	return err
}

// Reissue gives a seat a new secret (the old one stops working) and
// returns it; Revoke only stops the old one. Both are control's.
func (m *Manager) Reissue(ctx context.Context, id, seat, target string) (string, error) {
	return m.seat(ctx, id, seat, target, "reissue")
}

// Revoke stops a seat's secret; control can reissue one later.
func (m *Manager) Revoke(ctx context.Context, id, seat, target string) error {
	_, err := m.seat(ctx, id, seat, target, "revoke")
	return err
}

func (m *Manager) seat(ctx context.Context, id, seat, target, op string) (string, error) {
	if seat != SeatControl {
		return "", forbid(seat, "only control reissues or revokes secrets.")
	}
	var secret string
	_, err := m.do(ctx, id, func(st *State, now time.Time) (Action, bool, error) {
		if target != SeatChair && target != SeatControl && target != SeatObserver && !st.IsDelegation(target) {
			return Action{}, false, alliance.Errorf(alliance.ENOTFOUND, "There is no seat %q: want chair, control, observer or a delegation's code.", alliance.Clip(target))
		}
		var hash []byte
		if op == "reissue" {
			secret, hash = auth.NewToken()
		}
		if err := m.store.SetSeatSecret(ctx, id, target, hash, now); err != nil {
			return Action{}, false, fmt.Errorf("%s seat %s: %w", op, target, err)
		}
		return Action{Kind: KindSeat, Seat: seat, Clock: st.Clock(now), Op: op, Seats: []string{target}}, true, nil
	})
	return secret, err
}

// End ends the exercise: the clock stops and every secret expires. The
// record stays.
func (m *Manager) End(ctx context.Context, id, seat string) error {
	if seat != SeatControl {
		return forbid(seat, "only control ends the exercise.")
	}
	_, err := m.do(ctx, id, func(st *State, now time.Time) (Action, bool, error) {
		return Action{Kind: KindEnd, Seat: seat, Clock: st.Clock(now)}, true, nil
	})
	return err
}

// firstWords returns s cut at a word boundary to at most n characters.
func firstWords(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}
