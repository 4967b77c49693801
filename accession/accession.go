// Package accession answers questions about accession processes from a
// History: the stage of a candidate on a date, who has ratified and who is
// still pending, and each member's ratification lag.
//
// A member's ratification date is a property of the whole record: the date
// it deposited its instrument where the dataset knows it, otherwise the date
// of its last known step; Basis says which step that is. The status on a date
// counts a member as having ratified when that date is on or before it, so a
// member whose parliament has voted but who has not yet deposited is still
// pending, with its steps so far listed.
package accession

import (
	"slices"
	"sort"

	"alliance"
)

// Stage is how far a candidate has come on a date.
type Stage string

// The stages, in order. NATO's path is none, applied, invited, ratifying,
// member. The EU's (Art. 49 TEU) is none, applied, candidate, negotiating,
// treaty_signed, ratifying, member: an accession treaty is "treaty_signed"
// until the first member's ratification step, then "ratifying".
const (
	StageNone         Stage = "none"
	StageApplied      Stage = "applied"
	StageInvited      Stage = "invited"
	StageCandidate    Stage = "candidate"
	StageNegotiating  Stage = "negotiating"
	StageTreatySigned Stage = "treaty_signed"
	StageRatifying    Stage = "ratifying"
	StageMember       Stage = "member"
)

// Signed reports whether the protocol (NATO) or accession treaty (EU) had
// been signed at this stage, so that members' ratifications and pending
// members apply.
func (s Stage) Signed() bool {
	return s == StageTreatySigned || s == StageRatifying || s == StageMember
}

// StepDate is one dated step of a member's ratification.
type StepDate struct {
	Step alliance.Step `json:"step"`
	Date alliance.Date `json:"date"`
}

// Ratified is a member that has ratified an accession.
type Ratified struct {
	Code  string        `json:"code"`
	Name  string        `json:"name"`
	Date  alliance.Date `json:"date"`
	Basis alliance.Step `json:"basis"`
	Days  *int          `json:"days_after_protocol,omitempty"`
	Steps []StepDate    `json:"steps"`
}

// Pending is a member that has not ratified on the status date, with the
// steps it has taken so far.
type Pending struct {
	Code  string     `json:"code"`
	Name  string     `json:"name"`
	Steps []StepDate `json:"steps"`
}

// Status is a candidate's accession status on a date.
type Status struct {
	Org       alliance.Org  `json:"org"`
	Candidate string        `json:"candidate"`
	Name      string        `json:"name"`
	At        alliance.Date `json:"at"`
	Stage     Stage         `json:"stage"`
	Applied   alliance.Date `json:"applied"`
	Invited   alliance.Date `json:"invited"`
	// CandidateStatus and NegotiationsOpened are EU steps: the grant of
	// candidate status and the first intergovernmental conference.
	CandidateStatus    alliance.Date `json:"candidate_status"`
	NegotiationsOpened alliance.Date `json:"negotiations_opened"`
	// ProtocolSigned is the signature of the accession protocol (NATO) or
	// accession treaty (EU).
	ProtocolSigned alliance.Date `json:"protocol_signed"`
	// DaysSinceProtocol counts from protocol signature to the status date, or
	// to the day of joining once the candidate is a member.
	DaysSinceProtocol *int       `json:"days_since_protocol"`
	Ratified          []Ratified `json:"ratified"`
	// Pending lists the codes of the members that still had to ratify.
	Pending       []string  `json:"pending"`
	PendingDetail []Pending `json:"pending_detail"`
	// Undated lists members that ratified (the candidate joined) on a date
	// the dataset does not hold; see data/GAPS.md.
	Undated []string      `json:"undated"`
	Joined  alliance.Date `json:"joined"`
}

// process is everything the history says about one candidate's accession.
type process struct {
	applied, invited, protocol, joined alliance.Date
	candidate, negotiating             alliance.Date         // EU only
	steps                              map[string][]StepDate // member -> steps, date order
}

func collect(h alliance.History, org alliance.Org, cand string, at alliance.Date) process {
	p := process{steps: map[string][]StepDate{}}
	latest := func(d *alliance.Date, e *alliance.Record) {
		if !e.Date.After(at) {
			*d = e.Date
		}
	}
	for _, r := range h.Records() {
		if r.Org != org {
			continue
		}
		if r.Type == alliance.Ratification {
			if r.Candidate == cand {
				p.steps[r.States[0]] = append(p.steps[r.States[0]], StepDate{Step: r.Step, Date: r.Date})
			}
			continue
		}
		if !slices.Contains(r.States, cand) {
			continue
		}
		switch r.Type {
		case alliance.Applied:
			latest(&p.applied, r)
		case alliance.Invited:
			latest(&p.invited, r)
		case alliance.CandidateStatus:
			latest(&p.candidate, r)
		case alliance.NegotiationsOpened:
			latest(&p.negotiating, r)
		case alliance.ProtocolSigned:
			latest(&p.protocol, r)
		case alliance.Joined, alliance.TreatyInForce:
			if p.joined.IsZero() {
				p.joined = r.Date // the first joining, known from the whole record
			}
		}
	}
	return p
}

// ratifiedOn returns a member's ratification date and its basis: its deposit
// where known, otherwise its last known step.
func ratifiedOn(steps []StepDate) (alliance.Date, alliance.Step) {
	var d alliance.Date
	var basis alliance.Step
	for _, s := range steps {
		if s.Step == alliance.StepDeposit {
			return s.Date, s.Step
		}
		if !s.Date.Before(d) && (s.Date.After(d) || s.Step.Rank() > basis.Rank()) {
			d, basis = s.Date, s.Step
		}
	}
	return d, basis
}

// anyStep reports whether any member took a ratification step on or before at.
func anyStep(steps map[string][]StepDate, at alliance.Date) bool {
	for _, ss := range steps {
		for _, s := range ss {
			if !s.Date.After(at) {
				return true
			}
		}
	}
	return false
}

// StatusOf returns cand's accession status in org on date at. The history is
// the whole record (facts, or facts with a scenario laid over them).
func StatusOf(h alliance.History, states alliance.States, org alliance.Org, cand string, at alliance.Date) Status {
	p := collect(h, org, cand, at)
	st := Status{Org: org, Candidate: cand, Name: states.Name(cand), At: at,
		Applied: p.applied, Invited: p.invited, ProtocolSigned: p.protocol,
		CandidateStatus: p.candidate, NegotiationsOpened: p.negotiating,
		Ratified: []Ratified{}, Pending: []string{}, PendingDetail: []Pending{}, Undated: []string{}}
	isMember := !p.joined.IsZero() && !p.joined.After(at)
	switch {
	case isMember:
		st.Stage, st.Joined = StageMember, p.joined
	case !p.protocol.IsZero() && org == alliance.EU && !anyStep(p.steps, at):
		st.Stage = StageTreatySigned
	case !p.protocol.IsZero():
		st.Stage = StageRatifying
	case !p.invited.IsZero():
		st.Stage = StageInvited
	case !p.negotiating.IsZero():
		st.Stage = StageNegotiating
	case !p.candidate.IsZero():
		st.Stage = StageCandidate
	case !p.applied.IsZero():
		st.Stage = StageApplied
	default:
		st.Stage = StageNone
	}
	if !st.Stage.Signed() || p.protocol.IsZero() {
		return st
	}
	end := at
	if isMember {
		end = p.joined
	}
	days := end.DaysSince(p.protocol)
	st.DaysSinceProtocol = &days

	// The ratifiers are the members on the status date (or, once the
	// candidate has joined, on the eve of its joining).
	day := at
	if isMember {
		day = p.joined.AddDays(-1)
	}
	snap := alliance.Replay(h, day)
	for _, m := range snap.Members(org, states) {
		if m.Code == cand {
			continue
		}
		steps := p.steps[m.Code]
		d, basis := ratifiedOn(steps)
		switch {
		case !d.IsZero() && !d.After(at):
			n := d.DaysSince(p.protocol)
			st.Ratified = append(st.Ratified, Ratified{Code: m.Code, Name: m.Name, Date: d, Basis: basis, Days: &n, Steps: steps})
		case isMember || d.IsZero() && !p.joined.IsZero():
			// It ratified, since the candidate joined, but the dataset has no date.
			st.Undated = append(st.Undated, m.Code)
		default:
			var so []StepDate
			for _, s := range steps {
				if !s.Date.After(at) {
					so = append(so, s)
				}
			}
			if so == nil {
				so = []StepDate{}
			}
			st.Pending = append(st.Pending, m.Code)
			st.PendingDetail = append(st.PendingDetail, Pending{Code: m.Code, Name: m.Name, Steps: so})
		}
	}
	sort.SliceStable(st.Ratified, func(i, j int) bool {
		if c := st.Ratified[i].Date.Compare(st.Ratified[j].Date); c != 0 {
			return c < 0
		}
		return st.Ratified[i].Code < st.Ratified[j].Code
	})
	return st
}

// signedCandidates returns the candidates of org's signed accession protocols
// (NATO) or treaties (EU), once each, in the order the record signs them.
func signedCandidates(h alliance.History, org alliance.Org) []string {
	var cands []string
	seen := map[string]bool{}
	for _, r := range h.Records() {
		if r.Org == org && r.Type == alliance.ProtocolSigned {
			for _, c := range r.States {
				if !seen[c] {
					seen[c] = true
					cands = append(cands, c)
				}
			}
		}
	}
	return cands
}

// Lag is one member's ratification of one accession.
type Lag struct {
	Org            alliance.Org  `json:"org"`
	Candidate      string        `json:"candidate"`
	Member         string        `json:"member"`
	MemberName     string        `json:"member_name"`
	ProtocolSigned alliance.Date `json:"protocol_signed"`
	Ratified       alliance.Date `json:"ratified"`
	Basis          alliance.Step `json:"basis"`
	Days           int           `json:"days"`
}

// Lags returns, for every accession of org with a dated protocol signature,
// each member's days from signature to ratification (on its basis), sorted by
// protocol date, candidate, then days.
func Lags(h alliance.History, states alliance.States, org alliance.Org) []Lag {
	return LagsOn(h, states, org, "")
}

// LagsOn is Lags measured to one step of every member's procedure, so that
// the lags compare like with like: a member without a dated step of that
// kind is left out. The empty step means each member's best date (its
// deposit where known, otherwise its last known step: mixed bases).
func LagsOn(h alliance.History, states alliance.States, org alliance.Org, basis alliance.Step) []Lag {
	var out []Lag
	last := h.Last()
	for _, cand := range signedCandidates(h, org) {
		st := StatusOf(h, states, org, cand, last)
		for _, r := range st.Ratified {
			if basis == "" {
				out = append(out, Lag{Org: org, Candidate: cand, Member: r.Code, MemberName: r.Name,
					ProtocolSigned: st.ProtocolSigned, Ratified: r.Date, Basis: r.Basis, Days: *r.Days})
				continue
			}
			for _, sd := range r.Steps {
				if sd.Step == basis {
					out = append(out, Lag{Org: org, Candidate: cand, Member: r.Code, MemberName: r.Name,
						ProtocolSigned: st.ProtocolSigned, Ratified: sd.Date, Basis: basis, Days: sd.Date.DaysSince(st.ProtocolSigned)})
					break
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if c := a.ProtocolSigned.Compare(b.ProtocolSigned); c != 0 {
			return c < 0
		}
		if a.Candidate != b.Candidate {
			return a.Candidate < b.Candidate
		}
		if a.Days != b.Days {
			return a.Days < b.Days
		}
		return a.Member < b.Member
	})
	return out
}
