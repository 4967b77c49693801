package claims_test

import (
	"testing"

	"alliance"
	"alliance/claims"
	"alliance/data"
	"alliance/dataset"
	"alliance/datasettest"
	"alliance/rules"
)

func model(t *testing.T, h alliance.History) (*claims.Model, []claims.Claim) {
	t.Helper()
	states, _ := datasettest.MustHistory(t)
	_, eng := datasettest.MustEngine(t)
	eng.History = h
	borders, err := dataset.LoadBorders(data.FS, states)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := dataset.LoadClaims(data.FS, states)
	if err != nil {
		t.Fatal(err)
	}
	return &claims.Model{History: h, States: states, Rules: eng, Borders: borders}, cs
}

func verdicts(rs []claims.Result) map[string]string {
	out := map[string]string{}
	for _, r := range rs {
		out[r.ID] = r.Verdict
	}
	return out
}

func TestClaimsOnTheRealData(t *testing.T) {
	_, h := datasettest.MustHistory(t)
	m, cs := model(t, h)
	if len(cs) < 12 {
		t.Fatalf("%d claims; want at least 12", len(cs))
	}
	rs := m.Check(cs)
	got := verdicts(rs)
	for id, want := range map[string]string{
		"finland-admitted": claims.Supported, "finland-border": claims.Supported, "iri-82": claims.Supported,
		"poles-80": claims.Imprecise, "spaniards-80": claims.Imprecise, "eu-68": claims.Imprecise,
		"eu-candidate-unanimous": claims.Supported, "drafted-70": claims.NotInModel, "three-wars": claims.NotInModel,
		"constitution-2019": claims.Supported, "majority-every-region": claims.Supported, "bucharest-15-years": claims.Supported,
	} {
		if got[id] != want {
			t.Errorf("%s: verdict %s, want %s", id, got[id], want)
		}
	}
	for _, r := range rs {
		if r.Verdict == claims.NotInModel {
			if r.Detail == "" {
				t.Errorf("%s: not_in_model without saying what data is needed", r.ID)
			}
			continue
		}
		if r.Value == nil || len(r.Events) == 0 {
			t.Errorf("%s: verdict %s without a value traced to sourced events", r.ID, r.Verdict)
		}
		for _, e := range r.Events {
			if e.Source.URL == "" {
				t.Errorf("%s: used an event without a source", r.ID)
			}
		}
	}
}

// TestVerdictsFollowTheData changes the data under claims and sees their
// verdicts change: no verdict is typed by hand.
func TestVerdictsFollowTheData(t *testing.T) {
	_, h := datasettest.MustHistory(t)
	// A counterfactual history without Finland's accession.
	var kept []*alliance.Record
	for _, r := range h.Records() {
		if !(r.Type == alliance.Joined && r.Org == alliance.NATO && r.Concerns("FI")) {
			kept = append(kept, r)
		}
	}
	m, cs := model(t, alliance.NewHistory(kept))
	got := verdicts(m.Check(cs))
	if got["finland-border"] != claims.Contradicted || got["finland-admitted"] != claims.Contradicted {
		t.Errorf("without Finland's accession: border %s, admitted %s; want both contradicted", got["finland-border"], got["finland-admitted"])
	}
	// The IRI poll with another figure, laid over the facts in its place.
	var others []*alliance.Record
	for _, r := range h.Records() {
		if !(r.Type == alliance.Poll && r.Survey.Share == 82 && r.Concerns("UA")) {
			others = append(others, r)
		}
	}
	src := alliance.Source{URL: "https://example.org/scenario", Title: "hypothesis"}
	alt := alliance.NewHistory(others).With([]alliance.Event{{Date: alliance.MustDate("2023-02-27"), Type: alliance.Poll, Org: alliance.NATO, States: []string{"UA"},
		Title: "hypothetical IRI poll", Source: src, Survey: &alliance.Survey{Pollster: "International Republican Institute (IRI)",
			FieldworkTo: alliance.MustDate("2023-02-27"), Question: "q", Population: "Ukraine", Share: 61, Regions: map[string]float64{"east": 40}}}})
	m2, cs2 := model(t, alt)
	got2 := verdicts(m2.Check(cs2))
	if got2["iri-82"] != claims.Contradicted || got2["majority-every-region"] != claims.Contradicted {
		t.Errorf("with a 61%% poll: iri-82 %s, majority %s; want contradicted", got2["iri-82"], got2["majority-every-region"])
	}
	_ = rules.Covered
}
