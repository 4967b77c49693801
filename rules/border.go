package rules

import (
	"slices"
	"sort"

	"alliance"
)

// Border is the length of the land border between two states, from a source.
type Border struct {
	States [2]string       `json:"states"`
	Km     float64         `json:"km"`
	Source alliance.Source `json:"source"`
	Note   string          `json:"note,omitempty"`
}

// BorderSegment is one member's stretch of the border with a neighbour.
type BorderSegment struct {
	Member string          `json:"member"`
	Km     float64         `json:"km"`
	Source alliance.Source `json:"source"`
}

// BorderReport is the land border between NATO's members and a neighbour on a date.
type BorderReport struct {
	With     string          `json:"with"`
	At       alliance.Date   `json:"at"`
	Km       float64         `json:"km"`
	Segments []BorderSegment `json:"segments"`
	Scenario string          `json:"scenario,omitempty"`
}

// CheckNeighbour returns an EINVALID error if with is a member of NATO on
// at, or among the hypothetical members joins: the alliance has no border
// with one of its own members.
func (e *Engine) CheckNeighbour(with string, at alliance.Date, joins []string) error {
	if slices.Contains(joins, with) {
		return alliance.Errorf(alliance.EINVALID, "%s is among the states joining NATO in the hypothesis: NATO has no border with its own members; ask about a state outside NATO", e.States.Name(with))
	}
	if alliance.Replay(e.History, at).IsMember(alliance.NATO, with) {
		return alliance.Errorf(alliance.EINVALID, "%s is a member of NATO on %s: NATO has no border with its own members; ask about a state outside NATO (RU, BY)", e.States.Name(with), at)
	}
	return nil
}

// NATOBorder sums the land borders between the neighbour with and the
// members of NATO on date at, under an optional hypothesis that the states in
// joins are members too (never written to the ledger).
func (e *Engine) NATOBorder(borders []Border, with string, at alliance.Date, joins []string) BorderReport {
	snap := alliance.Replay(e.History, at)
	r := BorderReport{With: with, At: at, Segments: []BorderSegment{}}
	if len(joins) > 0 {
		r.Scenario = "hypothesis: " + e.list(joins) + " in NATO"
	}
	for _, b := range borders {
		i := slices.Index(b.States[:], with)
		if i < 0 {
			continue
		}
		other := b.States[1-i]
		if snap.IsMember(alliance.NATO, other) || slices.Contains(joins, other) {
			r.Segments = append(r.Segments, BorderSegment{Member: other, Km: b.Km, Source: b.Source})
			r.Km += b.Km
		}
	}
	sort.Slice(r.Segments, func(i, j int) bool { return r.Segments[i].Km > r.Segments[j].Km })
	return r
}
