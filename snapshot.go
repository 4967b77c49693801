package alliance

import "sort"

// Membership is one state's membership of an organisation.
type Membership struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Joined Date   `json:"joined"`
	Left   Date   `json:"left,omitzero"`
}

// Snapshot is the state of the world on one date: the fold of every event
// up to and including that date. It is derived, never stored.
type Snapshot struct {
	At      Date
	members map[Org]map[string]Date // org -> code -> joined
}

// Replay folds the events of h dated on or before at into a Snapshot. Only
// membership changes affect a Snapshot, and the History indexes them, so a
// replay costs the number of those up to at, however long the history.
//
// Long histories also keep checkpoints (see History): a replay starts from
// the last checkpoint made only of changes dated strictly before at (a
// withdrawal dated at itself must not apply yet) and folds the rest.
func Replay(h History, at Date) *Snapshot {
	s := &Snapshot{At: at, members: make(map[Org]map[string]Date, len(Orgs))}
	recs := h.membersUntil(at)
	from := 0
	if len(h.checkpoints) > 0 {
		before := h.membersUntil(at.AddDays(-1)) // dated strictly before at
		if c := min(len(before)/checkpointEvery, len(h.checkpoints)); c > 0 {
			s.members = h.checkpoints[c-1]
			s.members = s.copyMembers()
			from = c * checkpointEvery
		}
	}
	for _, r := range recs[from:] {
		s.apply(&r.Event)
	}
	return s
}

// copyMembers returns a deep copy of the snapshot's memberships.
func (s *Snapshot) copyMembers() map[Org]map[string]Date {
	out := make(map[Org]map[string]Date, len(s.members))
	for o, m := range s.members {
		c := make(map[string]Date, len(m))
		for k, v := range m {
			c[k] = v
		}
		out[o] = c
	}
	return out
}

func (s *Snapshot) apply(e *Event) {
	switch e.Type {
	case TreatyInForce, Joined:
		m := s.members[e.Org]
		if m == nil {
			m = make(map[string]Date)
			s.members[e.Org] = m
		}
		for _, c := range e.States {
			if _, ok := m[c]; !ok {
				m[c] = e.Date
			}
		}
	case Withdrew:
		// A withdrawal is dated by the last day of membership (the United
		// Kingdom "withdrew on 31 January 2020" and was a member that day).
		if e.Date == s.At {
			return
		}
		for _, c := range e.States {
			delete(s.members[e.Org], c)
		}
	}
}

// IsMember reports whether code is a member of org on the snapshot's date.
func (s *Snapshot) IsMember(org Org, code string) bool {
	_, ok := s.members[org][code]
	return ok
}

// Count returns the number of members of org on the snapshot's date.
func (s *Snapshot) Count(org Org) int { return len(s.members[org]) }

// Members returns the members of org on the snapshot's date, sorted by code,
// named from states.
func (s *Snapshot) Members(org Org, states States) []Membership {
	out := make([]Membership, 0, len(s.members[org]))
	for c, d := range s.members[org] {
		out = append(out, Membership{Code: c, Name: states.Name(c), Joined: d})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}
