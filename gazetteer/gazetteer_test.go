package gazetteer_test

import (
	"strings"
	"testing"
	"time"

	"alliance"
	"alliance/datasettest"
	"alliance/gazetteer"
	"alliance/geo"
	"alliance/rules"
	"alliance/third_party/geonames"
)

func mustGazetteer(tb testing.TB) (*gazetteer.Gazetteer, *geo.Index, *rules.Engine) {
	tb.Helper()
	ix, eng := datasettest.MustEngine(tb)
	states, _ := datasettest.MustHistory(tb)
	start := time.Now()
	g, err := gazetteer.New(ix, states, geonames.Places)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Logf("gazetteer: %d names in %v", g.Len(), time.Since(start))
	return g, ix, eng
}

// TestResolve resolves names of every kind to the state that holds them and
// runs the Article 5 check on the place, on one date.
func TestResolve(t *testing.T) {
	g, ix, eng := mustGazetteer(t)
	on := alliance.MustDate("2025-01-01")
	for _, tc := range []struct {
		name, state, verdict string
	}{
		// capitals
		{"Tallinn", "EE", "covered"}, {"Vilnius", "LT", "covered"}, {"Riga", "LV", "covered"},
		{"Warsaw", "PL", "covered"}, {"Ottawa", "CA", "covered"}, {"Washington", "US", "covered"},
		{"Ankara", "TR", "covered"}, {"Reykjavik", "IS", "covered"}, {"Kyiv", "UA", "not_covered"},
		{"Chisinau", "MD", "not_covered"}, {"Minsk", "BY", "not_covered"}, {"Helsinki", "FI", "covered"},
		// frontier towns
		{"Narva", "EE", "covered"}, {"Suwałki", "PL", "covered"}, {"Suwalki", "PL", "covered"},
		{"Kirkenes", "NO", "covered"}, {"Ivangorod", "RU", "not_covered"}, {"Przemyśl", "PL", "covered"},
		{"Daugavpils", "LV", "covered"}, {"Kars", "TR", "covered"}, {"Hakkari", "TR", "covered"},
		{"Tornio", "FI", "covered"}, {"Nusaybin", "TR", "covered"}, {"Ceylanpınar", "TR", "covered"},
		{"Kharkiv", "UA", "not_covered"}, {"Kaliningrad", "RU", "not_covered"}, {"Hrodna", "BY", "not_covered"},
		// diacritics, other spellings, case
		{"TROMSØ", "NO", "covered"}, {"tromso", "NO", "covered"}, {"Gdansk", "PL", "covered"},
		{"Danzig", "PL", "covered"}, {"Kiev", "UA", "not_covered"}, {"Torshavn", "DK", "covered"},
		{"Köln", "DE", "covered"}, {"Cologne", "DE", "covered"}, {"Constanța", "RO", "covered"},
		// islands
		{"Gotland", "SE", "covered"}, {"Bornholm", "DK", "covered"}, {"Saaremaa", "EE", "covered"},
		{"Crete", "GR", "covered"}, {"Svalbard", "NO", "covered"}, {"Longyearbyen", "NO", "covered"},
		{"Åland", "FI", "covered"}, {"Azores", "PT", "covered"}, {"Ponta Delgada", "PT", "covered"},
		{"Madeira", "PT", "covered"}, {"Bermuda", "GB", "covered"}, {"Hamilton, Bermuda", "GB", "covered"},
		// overseas territories and disputed places
		{"Hawaii", "US", "not_covered"}, {"Honolulu", "US", "not_covered"}, {"Guam", "US", "not_covered"},
		{"French Guiana", "FR", "not_covered"}, {"Cayenne", "FR", "not_covered"}, {"Réunion", "FR", "not_covered"},
		{"Falklands", "GB", "not_covered"}, {"Stanley, Falkland Islands", "GB", "not_covered"},
		{"Ceuta", "ES", "disputed"}, {"Melilla", "ES", "disputed"}, {"Canary Islands", "ES", "covered"},
		{"Nuuk", "DK", "covered"}, {"Greenland", "DK", "covered"}, {"Puerto Rico", "US", "not_covered"},
		{"Crimea", "UA", "not_covered"}, {"Sevastopol", "UA", "not_covered"},
	} {
		p, err := g.Resolve(tc.name)
		if err != nil {
			t.Errorf("Resolve(%q): %v", tc.name, err)
			continue
		}
		loc, err := ix.Locate(p.Lat, p.Lon, on)
		if err != nil {
			t.Errorf("%s: Locate(%v, %v): %v", tc.name, p.Lat, p.Lon, err)
			continue
		}
		loc.Name = p.Name
		v, err := eng.Article5(rules.Query{Place: loc, Date: on, Target: rules.Territory})
		if err != nil {
			t.Errorf("%s: Article5: %v", tc.name, err)
			continue
		}
		if loc.State != tc.state || v.Verdict != tc.verdict {
			t.Errorf("%s -> %s (%s) at %.3f, %.3f: state %s, verdict %s; want %s, %s", tc.name, p.Label, p.Kind, p.Lat, p.Lon, loc.State, v.Verdict, tc.state, tc.verdict)
		}
	}
}

func TestAmbiguous(t *testing.T) {
	g, _, _ := mustGazetteer(t)
	_, err := g.Resolve("Hamilton")
	if err == nil || !strings.Contains(err.Error(), "Canada") || !strings.Contains(err.Error(), "New Zealand") {
		t.Fatalf("Resolve(Hamilton) = %v, want the candidates with their countries", err)
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Suwałki": "suwalki", "TROMSØ": "tromso", "Hawai'i": "hawaii", "Saint-Pierre": "saint pierre",
		"Constanța": "constanta", "  Den  Haag ": "den haag", "Łódź": "lodz", "İstanbul": "istanbul", "Ærø": "aero",
	} {
		if got := gazetteer.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSuggest(t *testing.T) {
	g, _, _ := mustGazetteer(t)
	ps := g.Suggest("suwal", 5)
	if len(ps) == 0 || ps[0].Label != "Suwałki, Poland" {
		t.Fatalf("Suggest(suwal) = %v, want Suwałki, Poland first", ps)
	}
	for _, p := range g.Suggest("Hamilton", 20) {
		if p2, err := g.Resolve(p.Label); err != nil || p2.Label != p.Label {
			t.Errorf("the label %q does not resolve to itself: %v, %v", p.Label, p2.Label, err)
		}
	}
	if _, err := g.Resolve("Ruritania"); err == nil || !strings.Contains(err.Error(), "No place called") {
		t.Errorf("Resolve(Ruritania) = %v", err)
	}
}
