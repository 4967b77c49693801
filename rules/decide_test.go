package rules_test

import (
	"slices"
	"strings"
	"testing"

	"alliance"
	"alliance/data"
	"alliance/dataset"
	"alliance/datasettest"
	"alliance/rules"
)

func populations(t *testing.T) map[string]int64 {
	t.Helper()
	states, _ := datasettest.MustHistory(t)
	ps, err := dataset.LoadPopulations(data.FS, states)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for k, p := range ps {
		out[k] = p.Population
	}
	return out
}

// TestRecordedPositionsDecide: with a question, the recorded positions
// decide the votes (an oppose breaks consensus) and hypotheses lie on top.
func TestRecordedPositionsDecide(t *testing.T) {
	_, eng := datasettest.MustEngine(t)
	at := alliance.MustDate("2026-11-27")
	d, err := eng.Decide(rules.RuleConsensus, alliance.NATO, at, nil, nil, "invite_ukraine")
	if err != nil {
		t.Fatal(err)
	}
	var opposed []string
	for _, v := range d.VetoPlayers {
		if v.Stance == "oppose" {
			opposed = append(opposed, v.Code)
		}
	}
	if len(opposed) == 0 {
		t.Fatal("no recorded opponent of inviting Ukraine: the test has no teeth")
	}
	if d.Adopted || !slices.Equal(d.Blocking, opposed) || !slices.Equal(d.Recorded, opposed) {
		t.Errorf("consensus on inviting Ukraine: adopted %v, blocking %v, recorded %v; want not adopted, blocked by %v", d.Adopted, d.Blocking, d.Recorded, opposed)
	}
	for _, c := range opposed {
		if !strings.Contains(d.Reason, eng.States.Name(c)) {
			t.Errorf("reason does not name %s: %s", c, d.Reason)
		}
	}
	// Hypotheses on top: every recorded opponent assumed to support.
	b := rules.Ballot{}
	for _, c := range opposed {
		b[c] = "yes"
	}
	if d, _ := eng.Decide(rules.RuleConsensus, alliance.NATO, at, b, nil, "invite_ukraine"); !d.Adopted || len(d.Blocking) != 0 {
		t.Errorf("with every opponent assumed to support: adopted %v, blocking %v", d.Adopted, d.Blocking)
	}
	// Without a question nothing recorded counts.
	if d, _ := eng.Decide(rules.RuleConsensus, alliance.NATO, at, nil, nil, ""); !d.Adopted {
		t.Errorf("without a question: %s", d.Reason)
	}
}

func TestConsensusAndSilence(t *testing.T) {
	_, eng := datasettest.MustEngine(t)
	at := alliance.MustDate("2025-07-01")
	d, err := eng.Decide(rules.RuleConsensus, alliance.NATO, at, rules.Ballot{"HU": "no"}, nil, "invite_ukraine")
	if err != nil {
		t.Fatal(err)
	}
	if d.Adopted || !slices.Contains(d.No, "HU") || len(d.VetoPlayers) != 32 || !slices.Equal(d.Blocking, d.No) {
		t.Errorf("consensus with Hungary objecting: adopted %v, no %v, blocking %v, %d veto players", d.Adopted, d.No, d.Blocking, len(d.VetoPlayers))
	}
	// The veto players carry the positions recorded in data/nato/positions.yaml.
	var hu rules.StanceOf
	for _, v := range d.VetoPlayers {
		if v.Code == "HU" {
			hu = v
		}
	}
	if hu.Stance != "oppose" || hu.Source.URL == "" {
		t.Errorf("Hungary's recorded position on inviting Ukraine = %+v", hu)
	}
	s, _ := eng.Decide(rules.RuleSilence, alliance.NATO, at, nil, nil, "")
	if !s.Adopted || s.Members != 32 {
		t.Errorf("silence unbroken: adopted %v with %d members", s.Adopted, s.Members)
	}
	// In 2023 Sweden was not yet an Ally and had no say.
	if _, err := eng.Decide(rules.RuleConsensus, alliance.NATO, alliance.MustDate("2023-06-01"), rules.Ballot{"SE": "no"}, nil, ""); alliance.ErrorCode(err) != alliance.EINVALID {
		t.Errorf("Sweden objecting in 2023: %v, want EINVALID", err)
	}
}

// TestQMV uses the real population figures of data/reference.
func TestQMV(t *testing.T) {
	_, eng := datasettest.MustEngine(t)
	pop := populations(t)
	at := alliance.MustDate("2025-01-01")
	for _, tc := range []struct {
		name    string
		ballot  rules.Ballot
		adopted bool
		why     string
	}{
		{"all yes", nil, true, "voted yes"},
		{"the four largest against: a blocking minority", rules.Ballot{"DE": "no", "FR": "no", "IT": "no", "ES": "no"}, false, "blocking minority"},
		{"the three largest against: too few to block", rules.Ballot{"DE": "no", "FR": "no", "IT": "no"}, true, "at least four members"},
		{"thirteen small states against: under 55% of states", rules.Ballot{"MT": "no", "LU": "no", "CY": "no", "EE": "no", "LV": "no", "SI": "no", "LT": "no", "HR": "no", "IE": "no", "SK": "no", "FI": "no", "DK": "no", "BG": "no"}, false, "55%"},
		{"abstentions count against", rules.Ballot{"DE": "abstain", "FR": "abstain", "IT": "abstain", "ES": "abstain"}, false, "blocking minority"},
	} {
		d, err := eng.Decide(rules.RuleQMV, alliance.EU, at, tc.ballot, pop, "")
		if err != nil {
			t.Fatal(err)
		}
		if d.Adopted != tc.adopted || !strings.Contains(d.Reason, tc.why) {
			t.Errorf("%s: adopted %v (%s), want %v with %q", tc.name, d.Adopted, d.Reason, tc.adopted, tc.why)
		}
	}
	// Germany, France and Italy hold over 35% of the population between them.
	d, _ := eng.Decide(rules.RuleQMV, alliance.EU, at, rules.Ballot{"DE": "no", "FR": "no", "IT": "no"}, pop, "")
	if d.PopulationShare >= 0.65 {
		t.Errorf("yes share without DE, FR, IT = %.3f, want under 0.65", d.PopulationShare)
	}
	u, _ := eng.Decide(rules.RuleUnanimity, alliance.EU, at, rules.Ballot{"HU": "abstain"}, nil, "")
	if !u.Adopted {
		t.Errorf("unanimity with one abstention: %s", u.Reason)
	}
	u, _ = eng.Decide(rules.RuleUnanimity, alliance.EU, at, rules.Ballot{"HU": "no"}, nil, "")
	if u.Adopted {
		t.Errorf("unanimity with Hungary against: adopted")
	}
	if _, err := eng.Decide(rules.RuleQMV, alliance.NATO, at, nil, pop, ""); alliance.ErrorCode(err) != alliance.EINVALID {
		t.Errorf("qmv in NATO: %v", err)
	}
}

func TestBorderArgument(t *testing.T) {
	states, _ := datasettest.MustHistory(t)
	_, eng := datasettest.MustEngine(t)
	borders, err := dataset.LoadBorders(data.FS, states)
	if err != nil {
		t.Fatal(err)
	}
	km := func(b []rules.Border, with, at string, joins ...string) float64 {
		return eng.NATOBorder(b, with, alliance.MustDate(at), joins).Km
	}
	var fi float64
	for _, b := range borders {
		if slices.Contains(b.States[:], "FI") && slices.Contains(b.States[:], "RU") {
			fi = b.Km
		}
	}
	before, after := km(borders, "RU", "2023-04-03"), km(borders, "RU", "2023-04-04")
	if fi == 0 || after-before != fi {
		t.Errorf("NATO-Russia land border grew by %v km on 2023-04-04, want Finland's %v km", after-before, fi)
	}
	// Before 1999 only Norway bordered Russia by land (Poland, the Baltic
	// states and Finland joined later).
	if got := eng.NATOBorder(borders, "RU", alliance.MustDate("1998-01-01"), nil); len(got.Segments) != 1 || got.Segments[0].Member != "NO" {
		t.Errorf("NATO-Russia segments in 1998: %+v", got.Segments)
	}
	withUA := km(borders, "RU", "2026-11-27", "UA")
	if withUA <= km(borders, "RU", "2026-11-27") {
		t.Error("Ukraine joining does not lengthen the border")
	}
	if by := km(borders, "BY", "2026-11-27"); by <= 0 {
		t.Errorf("NATO-Belarus border = %v", by)
	}
}
