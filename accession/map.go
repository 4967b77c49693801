package accession

import (
	"sort"

	"alliance"
)

// MAPPath is one accession seen from the Membership Action Plan: when the
// candidate entered the MAP, if it did, when it applied, and how long it
// took from the earlier of the two to joining.
type MAPPath struct {
	Candidate  string        `json:"candidate"`
	Name       string        `json:"name"`
	Applied    alliance.Date `json:"applied"`
	MAPEntered alliance.Date `json:"map_entered"`
	Joined     alliance.Date `json:"joined"`
	WithMAP    bool          `json:"with_map"`
	// Start is the MAP entry where there was one, else the application.
	Start *alliance.Date `json:"start"`
	Days  *int           `json:"days_start_to_joined"`
}

// MAPPaths returns every NATO accession with its MAP record, by joining date.
func MAPPaths(h alliance.History, states alliance.States) []MAPPath {
	var out []MAPPath
	for _, s := range AllStages(h, states, alliance.NATO) {
		if s.Joined.IsZero() {
			continue
		}
		p := MAPPath{Candidate: s.Candidate, Name: states.Name(s.Candidate), Applied: s.Applied, Joined: s.Joined}
		for _, r := range h.Until(s.Joined) {
			if r.Type == alliance.MAPEntered && r.Org == alliance.NATO && r.Concerns(s.Candidate) && p.MAPEntered.IsZero() {
				p.MAPEntered, p.WithMAP = r.Date, true
			}
		}
		start := p.Applied
		if p.WithMAP && (start.IsZero() || p.MAPEntered.Before(start)) {
			start = p.MAPEntered
		}
		if !start.IsZero() {
			d := s.Joined.DaysSince(start)
			p.Start, p.Days = &start, &d
		}
		out = append(out, p)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Joined.Before(out[j].Joined) })
	return out
}
