// Package datasettest gives tests the real embedded dataset as a History.
package datasettest

import (
	"testing"

	"alliance"
	"alliance/data"
	"alliance/dataset"
	"alliance/geo"
	"alliance/rules"
)

// MustHistory loads the embedded dataset and returns its states and its
// events as a History (sequence numbers in file order), failing tb on error.
func MustHistory(tb testing.TB) (alliance.States, alliance.History) {
	tb.Helper()
	states, evs, err := dataset.Load(data.FS)
	if err != nil {
		tb.Fatalf("load embedded dataset: %v", err)
	}
	recs := make([]*alliance.Record, len(evs))
	for i := range evs {
		recs[i] = &alliance.Record{Seq: int64(i + 1), Origin: alliance.FromDataset, Event: evs[i].Event}
	}
	return states, alliance.NewHistory(recs)
}

// Synthetic returns n made-up events over the real states, for benchmarks
// only: memberships, withdrawals, milestones and ratification steps spread
// over 1949-2049, in date order. It is deterministic for a given n.
func Synthetic(states alliance.States, n int) []alliance.Event {
	codes := make([]string, 0, len(states))
	for _, s := range states.Sorted() {
		codes = append(codes, s.Code)
	}
	src := alliance.Source{URL: "https://example.org/synthetic", Title: "synthetic benchmark event"}
	start := alliance.MustDate("1949-01-01")
	span := 100 * 365
	out := make([]alliance.Event, n)
	x := uint64(88172645463325252) // xorshift: fast, deterministic, no global state
	next := func() uint64 { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x }
	for i := range out {
		r := next()
		e := alliance.Event{
			Date:   start.AddDays(i * span / n),
			Org:    alliance.Orgs[r%2],
			States: []string{codes[(r>>8)%uint64(len(codes))]},
			Title:  "synthetic",
			Source: src,
		}
		switch (r >> 16) % 8 {
		case 0, 1:
			e.Type = alliance.Joined
		case 2:
			e.Type = alliance.Withdrew
		case 3, 4, 5:
			e.Type = alliance.Ratification
			e.Candidate = codes[(r>>24)%uint64(len(codes))]
			if e.Candidate == e.States[0] {
				e.Type = alliance.Milestone
				e.Candidate = ""
				break
			}
			e.Step = alliance.Steps[(r>>32)%3]
		default:
			e.Type = alliance.Milestone
		}
		out[i] = e
	}
	return out
}

// SyntheticHistory wraps Synthetic's events as a History.
func SyntheticHistory(states alliance.States, n int) alliance.History {
	evs := Synthetic(states, n)
	recs := make([]*alliance.Record, n)
	for i := range evs {
		recs[i] = &alliance.Record{Seq: int64(i + 1), Origin: alliance.FromDataset, Event: evs[i]}
	}
	return alliance.NewHistory(recs)
}

// MustEngine returns the geographic index and the Article 5 engine over the
// real dataset, failing tb on error.
func MustEngine(tb testing.TB) (*geo.Index, *rules.Engine) {
	tb.Helper()
	states, h := MustHistory(tb)
	ix, g, err := dataset.LoadIndex(data.FS)
	if err != nil {
		tb.Fatalf("load geography: %v", err)
	}
	return ix, &rules.Engine{History: h, States: states, Disputes: g.Disputes, Names: ix.Name, OnAccession: g.OnAccession}
}
