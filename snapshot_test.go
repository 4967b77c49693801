package alliance_test

import (
	"testing"

	"alliance"
	"alliance/datasettest"
)

// TestReplayMembership replays the real history and counts NATO's members
// after each enlargement, and the EU's around Brexit.
func TestReplayMembership(t *testing.T) {
	states, h := datasettest.MustHistory(t)
	for _, tc := range []struct {
		org  alliance.Org
		at   string
		want int
	}{
		{alliance.NATO, "1949-08-23", 0},
		{alliance.NATO, "1949-08-24", 12},
		{alliance.NATO, "1952-02-17", 12},
		{alliance.NATO, "1952-02-18", 14},
		{alliance.NATO, "1955-05-06", 15},
		{alliance.NATO, "1982-05-30", 16},
		{alliance.NATO, "1990-10-03", 16}, // reunification adds no member
		{alliance.NATO, "1999-03-12", 19},
		{alliance.NATO, "2004-03-29", 26},
		{alliance.NATO, "2009-04-01", 28},
		{alliance.NATO, "2017-06-05", 29},
		{alliance.NATO, "2020-03-27", 30},
		{alliance.NATO, "2023-04-03", 30},
		{alliance.NATO, "2023-04-04", 31},
		{alliance.NATO, "2024-03-06", 31},
		{alliance.NATO, "2024-03-07", 32},
		{alliance.EU, "1958-01-01", 6},
		{alliance.EU, "1973-01-01", 9},
		{alliance.EU, "1995-01-01", 15},
		{alliance.EU, "2004-05-01", 25},
		{alliance.EU, "2013-07-01", 28},
		{alliance.EU, "2020-01-31", 28}, // the UK's last day as a member
		{alliance.EU, "2020-02-01", 27},
	} {
		s := alliance.Replay(h, alliance.MustDate(tc.at))
		if got := len(s.Members(tc.org, states)); got != tc.want {
			t.Errorf("%s members on %s = %d, want %d", tc.org, tc.at, got, tc.want)
		}
	}
	s := alliance.Replay(h, alliance.MustDate("2023-04-04"))
	if !s.IsMember(alliance.NATO, "FI") || s.IsMember(alliance.NATO, "SE") {
		t.Errorf("on 2023-04-04 Finland member=%v, Sweden member=%v; want true, false",
			s.IsMember(alliance.NATO, "FI"), s.IsMember(alliance.NATO, "SE"))
	}
	for _, m := range s.Members(alliance.NATO, states) {
		if m.Code == "FI" && m.Joined.String() != "2023-04-04" {
			t.Errorf("Finland joined %s, want 2023-04-04", m.Joined)
		}
	}
}

// TestScenarioOverlay lays a hypothetical accession over the facts and checks
// that it changes the answer for that query only.
func TestScenarioOverlay(t *testing.T) {
	states, h := datasettest.MustHistory(t)
	at := alliance.MustDate("2030-01-01")
	ua := alliance.Event{Date: alliance.MustDate("2029-07-07"), Type: alliance.Joined, Org: alliance.NATO,
		States: []string{"UA"}, Title: "hypothesis", Source: alliance.Source{URL: "https://example.org", Title: "scenario"}}
	with := h.With([]alliance.Event{ua})
	if got, want := alliance.Replay(with, at).Count(alliance.NATO), alliance.Replay(h, at).Count(alliance.NATO)+1; got != want {
		t.Errorf("members with the scenario = %d, want %d", got, want)
	}
	if alliance.Replay(h, at).IsMember(alliance.NATO, "UA") {
		t.Error("the overlay leaked into the factual history")
	}
	if got, want := with.Len(), h.Len()+1; got != want {
		t.Errorf("overlaid history has %d events, want %d", got, want)
	}
	_ = states
}

// TestReplayCheckpoints: on a long synthetic history (with checkpoints), a
// replay equals the plain fold of every event up to the date, on ordinary
// dates and on the very dates of withdrawals (which apply only the day
// after).
func TestReplayCheckpoints(t *testing.T) {
	states, _ := datasettest.MustHistory(t)
	h := datasettest.SyntheticHistory(states, 200_000)
	naive := func(at alliance.Date) map[alliance.Org]map[string]bool {
		m := map[alliance.Org]map[string]bool{}
		for _, r := range h.Until(at) {
			switch r.Type {
			case alliance.TreatyInForce, alliance.Joined:
				if m[r.Org] == nil {
					m[r.Org] = map[string]bool{}
				}
				for _, c := range r.States {
					m[r.Org][c] = true
				}
			case alliance.Withdrew:
				if r.Date != at {
					for _, c := range r.States {
						delete(m[r.Org], c)
					}
				}
			}
		}
		return m
	}
	var dates []alliance.Date
	recs := h.Records()
	for i := 0; i < len(recs); i += 997 {
		dates = append(dates, recs[i].Date)
		if recs[i].Type == alliance.Withdrew {
			dates = append(dates, recs[i].Date.AddDays(1))
		}
	}
	withdrawals := 0
	for _, r := range recs {
		if r.Type == alliance.Withdrew && withdrawals < 50 && r.Date.After(alliance.MustDate("2000-01-01")) {
			dates = append(dates, r.Date)
			withdrawals++
		}
	}
	for _, d := range dates {
		want := naive(d)
		s := alliance.Replay(h, d)
		for _, org := range alliance.Orgs {
			if got, w := s.Count(org), len(want[org]); got != w {
				t.Fatalf("%s on %s: %d members, plain fold %d", org, d, got, w)
			}
			for c := range want[org] {
				if !s.IsMember(org, c) {
					t.Fatalf("%s on %s: %s missing", org, d, c)
				}
			}
		}
	}
}
