package accession_test

import (
	"slices"
	"testing"

	"alliance"
	"alliance/accession"
	"alliance/datasettest"
)

func codes(rs []accession.Ratified) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Code
	}
	return out
}

func TestSwedenOn20230601(t *testing.T) {
	states, h := datasettest.MustHistory(t)
	st := accession.StatusOf(h, states, alliance.NATO, "SE", alliance.MustDate("2023-06-01"))
	if got, want := st.Stage, accession.StageRatifying; got != want {
		t.Errorf("stage = %s, want %s", got, want)
	}
	if got, want := st.Pending, []string{"HU", "TR"}; !slices.Equal(got, want) {
		t.Errorf("pending ratifiers of Sweden on 2023-06-01 = %v, want %v", got, want)
	}
	// Finland, a member since 2023-04-04, is among the ratifiers.
	if !slices.Contains(codes(st.Ratified), "FI") {
		t.Errorf("Finland is not among Sweden's ratifiers: %v", codes(st.Ratified))
	}
	if got, want := len(st.Ratified)+len(st.Pending)+len(st.Undated), 31; got != want {
		t.Errorf("ratifiers on 2023-06-01 = %d, want %d (the members that day)", got, want)
	}
	if got, want := st.Applied.String(), "2022-05-18"; got != want {
		t.Errorf("applied = %s, want %s", got, want)
	}
	if got, want := st.ProtocolSigned.String(), "2022-07-05"; got != want {
		t.Errorf("protocol signed = %s, want %s", got, want)
	}
	if got, want := *st.DaysSinceProtocol, 331; got != want {
		t.Errorf("days since protocol = %d, want %d", got, want)
	}
}

func TestSwedenJoined(t *testing.T) {
	states, h := datasettest.MustHistory(t)
	before := accession.StatusOf(h, states, alliance.NATO, "SE", alliance.MustDate("2024-03-06"))
	if got, want := before.Pending, []string{"HU"}; !slices.Equal(got, want) {
		t.Errorf("pending on 2024-03-06 = %v, want %v", got, want)
	}
	st := accession.StatusOf(h, states, alliance.NATO, "SE", alliance.MustDate("2024-03-07"))
	if st.Stage != accession.StageMember || st.Joined.String() != "2024-03-07" || len(st.Pending) != 0 {
		t.Errorf("on 2024-03-07: stage %s, joined %s, pending %v; want member, 2024-03-07, none", st.Stage, st.Joined, st.Pending)
	}
	// Hungary deposited on the very day Sweden joined.
	i := slices.IndexFunc(st.Ratified, func(r accession.Ratified) bool { return r.Code == "HU" })
	if i < 0 || st.Ratified[i].Date.String() != "2024-03-07" || st.Ratified[i].Basis != alliance.StepDeposit {
		t.Errorf("Hungary's ratification of Sweden = %+v, want 2024-03-07 on deposit", st.Ratified)
	}
}

func TestFinlandLastTwo(t *testing.T) {
	states, h := datasettest.MustHistory(t)
	st := accession.StatusOf(h, states, alliance.NATO, "FI", alliance.MustDate("2023-04-04"))
	if st.Stage != accession.StageMember {
		t.Fatalf("Finland on 2023-04-04: stage %s, want member", st.Stage)
	}
	n := len(st.Ratified)
	if n < 2 {
		t.Fatalf("Finland's ratifiers = %v", codes(st.Ratified))
	}
	last := codes(st.Ratified[n-2:])
	slices.Sort(last)
	if want := []string{"HU", "TR"}; !slices.Equal(last, want) {
		t.Errorf("Finland's last two ratifiers = %v, want %v", last, want)
	}
	if got, want := n+len(st.Undated), 30; got != want {
		t.Errorf("Finland's ratifiers = %d, want %d (the members on 2023-04-03)", got, want)
	}
	mid := accession.StatusOf(h, states, alliance.NATO, "FI", alliance.MustDate("2023-03-01"))
	if got, want := mid.Pending, []string{"HU", "TR"}; !slices.Equal(got, want) {
		t.Errorf("Finland's pending ratifiers on 2023-03-01 = %v, want %v", got, want)
	}
}

// TestNoRatificationAfterAccession checks the whole dataset: every
// ratification step is dated on or before the day its candidate joined.
func TestNoRatificationAfterAccession(t *testing.T) {
	states, h := datasettest.MustHistory(t)
	joined := map[string]alliance.Date{}
	for _, r := range h.Records() {
		if r.Type == alliance.Joined {
			for _, c := range r.States {
				joined[string(r.Org)+c] = r.Date
			}
		}
	}
	n := 0
	for _, r := range h.Records() {
		if r.Type != alliance.Ratification {
			continue
		}
		n++
		if j, ok := joined[string(r.Org)+r.Candidate]; ok && r.Date.After(j) {
			t.Errorf("%s ratified %s's accession on %s (%s), after it joined on %s", r.States[0], r.Candidate, r.Date, r.Step, j)
		}
	}
	if n < 100 {
		t.Errorf("only %d ratification steps in the dataset", n)
	}
	_ = states
}

func TestStages(t *testing.T) {
	states, h := datasettest.MustHistory(t)
	for _, tc := range []struct {
		cand, at string
		want     accession.Stage
	}{
		{"SE", "2022-05-17", accession.StageNone},
		{"SE", "2022-05-18", accession.StageApplied},
		{"SE", "2022-06-29", accession.StageInvited},
		{"SE", "2022-07-05", accession.StageRatifying},
		{"FI", "2023-04-04", accession.StageMember},
		{"ME", "2017-06-05", accession.StageMember},
		{"MK", "2020-03-26", accession.StageRatifying},
		{"UA", "2022-09-30", accession.StageApplied},
		{"UA", "2022-09-29", accession.StageNone},
	} {
		if got := accession.StatusOf(h, states, alliance.NATO, tc.cand, alliance.MustDate(tc.at)).Stage; got != tc.want {
			t.Errorf("%s on %s: stage %s, want %s", tc.cand, tc.at, got, tc.want)
		}
	}
}

// TestScenarioWithholding lays a hypothesis over the facts: had Hungary
// deposited for Sweden a year later, Sweden would still be ratifying in 2024.
func TestScenarioWithholding(t *testing.T) {
	states, h := datasettest.MustHistory(t)
	var kept []*alliance.Record
	for _, r := range h.Records() {
		if !(r.Type == alliance.Joined && r.Concerns("SE")) && !(r.Type == alliance.Ratification && r.Candidate == "SE" && r.States[0] == "HU") {
			kept = append(kept, r)
		}
	}
	src := alliance.Source{URL: "https://example.org/scenario", Title: "hypothesis"}
	alt := alliance.NewHistory(kept).With([]alliance.Event{
		{Date: alliance.MustDate("2025-03-07"), Type: alliance.Ratification, Org: alliance.NATO, States: []string{"HU"}, Candidate: "SE", Step: alliance.StepDeposit, Title: "h", Source: src},
		{Date: alliance.MustDate("2025-03-07"), Type: alliance.Joined, Org: alliance.NATO, States: []string{"SE"}, Title: "h", Source: src},
	})
	st := accession.StatusOf(alt, states, alliance.NATO, "SE", alliance.MustDate("2024-06-01"))
	if st.Stage != accession.StageRatifying || !slices.Equal(st.Pending, []string{"HU"}) {
		t.Errorf("scenario on 2024-06-01: stage %s pending %v, want ratifying [HU]", st.Stage, st.Pending)
	}
	if real := accession.StatusOf(h, states, alliance.NATO, "SE", alliance.MustDate("2024-06-01")); real.Stage != accession.StageMember {
		t.Errorf("the facts changed under the scenario: stage %s", real.Stage)
	}
}

func TestLags(t *testing.T) {
	states, h := datasettest.MustHistory(t)
	lags := accession.Lags(h, states, alliance.NATO)
	var hu *accession.Lag
	for i, l := range lags {
		if l.Days < 0 && l.Basis == alliance.StepDeposit {
			t.Errorf("%s deposited for %s %d days before the protocol was signed", l.Member, l.Candidate, -l.Days)
		}
		if l.Candidate == "SE" && l.Member == "HU" {
			hu = &lags[i]
		}
	}
	if hu == nil || hu.Days != 611 || hu.Basis != alliance.StepDeposit {
		t.Errorf("Hungary's lag for Sweden = %+v, want 611 days on deposit", hu)
	}
}

func TestMAPPaths(t *testing.T) {
	states, h := datasettest.MustHistory(t)
	by := map[string]accession.MAPPath{}
	for _, p := range accession.MAPPaths(h, states) {
		by[p.Candidate] = p
	}
	for _, c := range []string{"FI", "SE"} {
		if by[c].WithMAP || by[c].Days == nil {
			t.Errorf("%s: with MAP %v, days %v; want no MAP and a duration from its application", c, by[c].WithMAP, by[c].Days)
		}
	}
	for _, c := range []string{"AL", "HR", "ME", "MK", "RO"} {
		if !by[c].WithMAP {
			t.Errorf("%s joined without a MAP in the dataset", c)
		}
	}
	if by["FI"].Days != nil && *by["FI"].Days != 321 {
		t.Errorf("Finland: %d days from application to joining, want 321", *by["FI"].Days)
	}
	if by["MK"].Days == nil || *by["MK"].Days < 7000 {
		t.Errorf("North Macedonia's days from MAP entry to joining = %v", by["MK"].Days)
	}
}

// TestEUStages follows Ukraine, Moldova and Georgia along the EU's path
// (Art. 49 TEU) as the dataset records it.
func TestEUStages(t *testing.T) {
	states, h := datasettest.MustHistory(t)
	for _, tc := range []struct {
		cand, at string
		want     accession.Stage
	}{
		{"UA", "2022-02-27", accession.StageNone},
		{"UA", "2022-02-28", accession.StageApplied},
		{"UA", "2022-06-22", accession.StageApplied},
		{"UA", "2022-06-23", accession.StageCandidate},
		{"UA", "2024-06-24", accession.StageCandidate},
		{"UA", "2024-06-25", accession.StageNegotiating},
		{"UA", "2026-11-29", accession.StageNegotiating},
		{"MD", "2022-06-23", accession.StageCandidate},
		{"MD", "2024-06-25", accession.StageNegotiating},
		{"GE", "2023-12-13", accession.StageApplied},
		{"GE", "2023-12-14", accession.StageCandidate},
		{"FI", "1995-01-01", accession.StageMember},
		{"HR", "2003-02-21", accession.StageApplied},
		{"HR", "2008-01-01", accession.StageNegotiating},
	} {
		if got := accession.StatusOf(h, states, alliance.EU, tc.cand, alliance.MustDate(tc.at)).Stage; got != tc.want {
			t.Errorf("EU: %s on %s: stage %s, want %s", tc.cand, tc.at, got, tc.want)
		}
	}
	st := accession.StatusOf(h, states, alliance.EU, "UA", alliance.MustDate("2026-11-29"))
	if got, want := st.CandidateStatus.String(), "2022-06-23"; got != want {
		t.Errorf("Ukraine's candidate status = %s, want %s", got, want)
	}
	if got, want := st.NegotiationsOpened.String(), "2024-06-25"; got != want {
		t.Errorf("Ukraine's negotiations opened = %s, want %s", got, want)
	}
	// NATO's path is untouched by the EU's events.
	if got, want := accession.StatusOf(h, states, alliance.NATO, "UA", alliance.MustDate("2026-11-29")).Stage, accession.StageApplied; got != want {
		t.Errorf("NATO: Ukraine on 2026-11-29: stage %s, want %s", got, want)
	}
}

// TestEUTreatyStages lays a hypothetical accession treaty for Ukraine over
// the facts: it is "treaty_signed" until a member's first ratification step,
// then "ratifying", with every member pending until it deposits.
func TestEUTreatyStages(t *testing.T) {
	states, h := datasettest.MustHistory(t)
	src := alliance.Source{URL: "https://example.org/scenario", Title: "hypothesis"}
	alt := h.With([]alliance.Event{
		{Date: alliance.MustDate("2030-03-01"), Type: alliance.ProtocolSigned, Org: alliance.EU, States: []string{"UA"}, Title: "h", Source: src},
		{Date: alliance.MustDate("2030-05-01"), Type: alliance.Ratification, Org: alliance.EU, States: []string{"PL"}, Candidate: "UA", Step: alliance.StepDeposit, Title: "h", Source: src},
	})
	for _, tc := range []struct {
		at   string
		want accession.Stage
	}{
		{"2030-02-28", accession.StageNegotiating},
		{"2030-03-01", accession.StageTreatySigned},
		{"2030-05-01", accession.StageRatifying},
	} {
		if got := accession.StatusOf(alt, states, alliance.EU, "UA", alliance.MustDate(tc.at)).Stage; got != tc.want {
			t.Errorf("scenario: Ukraine on %s: stage %s, want %s", tc.at, got, tc.want)
		}
	}
	st := accession.StatusOf(alt, states, alliance.EU, "UA", alliance.MustDate("2030-05-01"))
	if got, want := codes(st.Ratified), []string{"PL"}; !slices.Equal(got, want) {
		t.Errorf("ratified on 2030-05-01 = %v, want %v", got, want)
	}
	if got, want := len(st.Ratified)+len(st.Pending), 27; got != want {
		t.Errorf("ratifiers = %d, want %d (the EU's members)", got, want)
	}
}

// TestEURatifications checks the members' deposits of the 2003, 2005 and
// 2011 accession treaties on the real dataset.
func TestEURatifications(t *testing.T) {
	states, h := datasettest.MustHistory(t)
	for _, tc := range []struct {
		cand, joined string
		ratifiers    int
	}{
		{"CZ", "2004-05-01", 15}, {"MT", "2004-05-01", 15}, {"BG", "2007-01-01", 25}, {"RO", "2007-01-01", 25}, {"HR", "2013-07-01", 27},
	} {
		st := accession.StatusOf(h, states, alliance.EU, tc.cand, alliance.MustDate(tc.joined))
		if st.Stage != accession.StageMember || st.Joined.String() != tc.joined {
			t.Errorf("%s on %s: stage %s, joined %s; want member since %s", tc.cand, tc.joined, st.Stage, st.Joined, tc.joined)
		}
		if got := len(st.Ratified); got != tc.ratifiers || len(st.Undated) != 0 {
			t.Errorf("%s: %d members ratified on a known date, %d undated; want %d and none", tc.cand, got, len(st.Undated), tc.ratifiers)
		}
	}
	for _, tc := range []struct {
		cand, at string
		want     accession.Stage
	}{
		{"BG", "2005-04-24", accession.StageNone},
		{"BG", "2005-04-25", accession.StageTreatySigned},
		{"BG", "2005-09-27", accession.StageTreatySigned},
		{"BG", "2005-09-28", accession.StageRatifying}, // Slovakia deposits first
		{"HR", "2011-12-09", accession.StageTreatySigned},
		{"HR", "2012-03-19", accession.StageRatifying},
	} {
		if got := accession.StatusOf(h, states, alliance.EU, tc.cand, alliance.MustDate(tc.at)).Stage; got != tc.want {
			t.Errorf("EU: %s on %s: stage %s, want %s", tc.cand, tc.at, got, tc.want)
		}
	}
	// Germany was the last member to deposit for Croatia, on 21 June 2013.
	st := accession.StatusOf(h, states, alliance.EU, "HR", alliance.MustDate("2013-06-20"))
	if got, want := st.Pending, []string{"DE"}; !slices.Equal(got, want) {
		t.Errorf("Croatia's pending ratifiers on 2013-06-20 = %v, want %v", got, want)
	}
	// Greece, Luxembourg, Belgium and the Netherlands had not yet deposited
	// for the 2004 enlargement on 2004-03-01.
	st = accession.StatusOf(h, states, alliance.EU, "PL", alliance.MustDate("2004-03-01"))
	if got, want := st.Pending, []string{"BE", "GR", "LU", "NL"}; !slices.Equal(got, want) {
		t.Errorf("Poland's pending ratifiers on 2004-03-01 = %v, want %v", got, want)
	}
}
