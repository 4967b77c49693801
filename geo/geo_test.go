package geo_test

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"alliance"
	"alliance/datasettest"
	"alliance/rules"
)

type ccPoint struct {
	Lat, Lon float64
	ID       string
	ISO      *string
}

// TestAgreesWithCountryCoder compares the index with country-coder itself on
// 10,000 random points inside its features (testdata/countrycoder-points.json,
// made by testdata/make-fixture.sh with Node). Raw answers must agree on every
// point; after overrides, a point may differ only where a documented,
// sourced override applies.
func TestAgreesWithCountryCoder(t *testing.T) {
	b, err := os.ReadFile("testdata/countrycoder-points.json")
	if err != nil {
		t.Fatal(err)
	}
	var pts []ccPoint
	if err := json.Unmarshal(b, &pts); err != nil {
		t.Fatal(err)
	}
	if len(pts) < 10000 {
		t.Fatalf("fixture has %d points, want 10000", len(pts))
	}
	ix, _ := datasettest.MustEngine(t)
	today := alliance.MustDate("2026-11-27")
	raw, overridden := 0, map[string]int{}
	for _, p := range pts {
		iso := ""
		if p.ISO != nil {
			iso = *p.ISO
		}
		id, state := ix.FeatureRaw(p.Lat, p.Lon)
		if id != p.ID || state != iso {
			raw++
			if raw <= 10 {
				t.Errorf("(%v, %v): index %s/%s, country-coder %s/%s", p.Lat, p.Lon, id, state, p.ID, iso)
			}
			continue
		}
		pl, err := ix.Locate(p.Lat, p.Lon, today)
		if err != nil {
			t.Fatal(err)
		}
		if pl.State != iso {
			if pl.Override == nil {
				t.Errorf("(%v, %v): state %s differs from country-coder's %s without an override", p.Lat, p.Lon, pl.State, iso)
			}
			overridden[p.ID+"→"+pl.State]++
		}
	}
	if raw > 0 {
		t.Errorf("%d of %d points disagree with country-coder", raw, len(pts))
	}
	t.Logf("%d points; differ from country-coder by documented overrides: %v", len(pts), overridden)
	if overridden["Q7835→UA"] == 0 {
		t.Error("no fixture point fell in Crimea: the override test has no teeth")
	}
}

func TestLocateBadInput(t *testing.T) {
	ix, _ := datasettest.MustEngine(t)
	d := alliance.MustDate("2024-01-01")
	for _, c := range [][2]float64{{math.NaN(), 0}, {0, math.NaN()}, {91, 0}, {-90.5, 0}, {0, 180.01}, {math.Inf(1), 0}} {
		if _, err := ix.Locate(c[0], c[1], d); alliance.ErrorCode(err) != alliance.EINVALID {
			t.Errorf("Locate(%v, %v) = %v, want EINVALID", c[0], c[1], err)
		}
	}
	for _, c := range [][2]float64{{90, 180}, {-90, -180}, {0, 0}, {0, -180}} {
		if _, err := ix.Locate(c[0], c[1], d); err != nil {
			t.Errorf("Locate(%v, %v) at the edge of the range: %v", c[0], c[1], err)
		}
	}
}

func TestPlaces(t *testing.T) {
	ix, _ := datasettest.MustEngine(t)
	for _, tc := range []struct {
		name                 string
		lat, lon             float64
		date                 string
		kind, state, sea     string
		territory, continent string
	}{
		{"Honolulu", 21.307, -157.858, "2024-01-01", "land", "US", "", "Hawaii", "Oceania"},
		{"Sevastopol (de jure Ukraine)", 44.6, 33.52, "2024-01-01", "land", "UA", "", "Crimea", "Europe"},
		{"Algiers before independence", 36.75, 3.06, "1960-01-01", "land", "FR", "", "Algerian departments of France", "Africa"},
		{"Algiers after independence", 36.75, 3.06, "1963-01-01", "land", "DZ", "", "", "Africa"},
		{"Nicosia north (de jure Cyprus)", 35.25, 33.4, "2024-01-01", "land", "CY", "", "northern Cyprus", "Asia"},
		{"Ionian Sea", 37.5, 18.5, "2024-01-01", "sea", "", "mediterranean", "", ""},
		{"Atlantic west of Gibraltar", 36.0, -7.5, "2024-01-01", "sea", "", "north_atlantic", "", ""},
		{"Alboran Sea east of Gibraltar", 36.0, -3.5, "2024-01-01", "sea", "", "mediterranean", "", ""},
		{"central Black Sea", 43.0, 34.0, "2024-01-01", "sea", "", "black_sea", "", ""},
		{"central Baltic", 56.5, 19.0, "2024-01-01", "sea", "", "baltic", "", ""},
		{"North Sea", 56.0, 3.0, "2024-01-01", "sea", "", "north_sea", "", ""},
		{"mid-Atlantic", 40.0, -40.0, "2024-01-01", "sea", "", "north_atlantic", "", ""},
		{"Norwegian Sea", 68.0, 5.0, "2024-01-01", "sea", "", "north_atlantic", "", ""},
		{"Barents Sea", 74.0, 40.0, "2024-01-01", "sea", "", "arctic", "", ""},
		{"central Pacific", 0.0, -150.0, "2024-01-01", "sea", "", "", "", ""},
		{"Gulf of Mexico", 25.5, -90.0, "2024-01-01", "sea", "", "gulf_of_mexico", "", ""},
		{"Goa in 1961", 15.4, 74.0, "1961-12-01", "land", "PT", "", "Goa (Portuguese India)", "Asia"},
		{"Goa in 1962", 15.4, 74.0, "1962-01-01", "land", "IN", "", "", "Asia"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ix.Locate(tc.lat, tc.lon, alliance.MustDate(tc.date))
			if err != nil {
				t.Fatal(err)
			}
			sea := ""
			if p.Sea != nil {
				sea = p.Sea.ID
			}
			if p.Kind != tc.kind || (tc.state != "" && p.State != tc.state) || sea != tc.sea ||
				(tc.territory != "" && p.Territory != tc.territory) || (tc.continent != "" && p.Continent != tc.continent) {
				t.Errorf("got kind=%s state=%s sea=%s territory=%q continent=%s; want %s %s %s %q %s",
					p.Kind, p.State, sea, p.Territory, p.Continent, tc.kind, tc.state, tc.sea, tc.territory, tc.continent)
			}
		})
	}
}

func TestTerritorialSea(t *testing.T) {
	ix, _ := datasettest.MustEngine(t)
	d := alliance.MustDate("2024-01-01")
	near, _ := ix.Locate(43.63, 7.35, d) // off Nice, ~5 km out
	if near.Kind != "sea" || !near.TerritorialSea || near.State != "FR" {
		t.Errorf("off Nice: kind=%s territorial=%v state=%s coast=%v", near.Kind, near.TerritorialSea, near.State, near.CoastKm)
	}
	far, _ := ix.Locate(42.5, 7.35, d) // ~120 km out in the Ligurian Sea
	if far.TerritorialSea {
		t.Errorf("120 km out: territorial sea = true (coast %v km)", *far.CoastKm)
	}
	if !strings.Contains(far.Sea.Name, "Mediterranean") {
		t.Errorf("Ligurian Sea is in %v", far.Sea)
	}
}

func TestDividedGermany(t *testing.T) {
	ix, eng := datasettest.MustEngine(t)
	for _, tc := range []struct {
		name, date  string
		lat, lon    float64
		state, terr string
	}{
		{"Leipzig in 1970", "1970-01-01", 51.34, 12.37, "DD", "German Democratic Republic"},
		{"Leipzig in 1991", "1991-01-01", 51.34, 12.37, "DE", ""},
		{"Hamburg in 1970", "1970-01-01", 53.55, 10.0, "DE", ""},
		{"West Berlin in 1961", "1961-08-13", 52.50, 13.30, "", "West Berlin (the Western sectors of Berlin)"},
		{"East Berlin in 1961", "1961-08-13", 52.52, 13.45, "DD", "German Democratic Republic"},
		{"Frankfurt in 1950", "1950-06-01", 50.11, 8.68, "DE", "Federal Republic of Germany, under Allied occupation"},
		{"Prague in 1970 (outside the loosely drawn GDR polygon's country)", "1970-01-01", 50.08, 14.42, "CZ", ""},
	} {
		p, err := ix.Locate(tc.lat, tc.lon, alliance.MustDate(tc.date))
		if err != nil {
			t.Fatal(err)
		}
		if p.State != tc.state || p.Territory != tc.terr {
			t.Errorf("%s: state %q territory %q; want %q %q", tc.name, p.State, p.Territory, tc.state, tc.terr)
		}
	}
	// Forces of the United States in occupied West Germany in 1950 were covered; West
	// German territory was not (the Federal Republic joined in 1955).
	p, _ := ix.Locate(50.11, 8.68, alliance.MustDate("1950-06-01"))
	v, err := eng.Article5(rules.Query{Place: p, Date: alliance.MustDate("1950-06-01"), Target: rules.Forces, Party: "US"})
	if err != nil || v.Verdict != rules.Covered {
		t.Errorf("US forces in Frankfurt, 1950: %s %s (%v)", v.Verdict, v.Reason, err)
	}
	v, err = eng.Article5(rules.Query{Place: p, Date: alliance.MustDate("1950-06-01"), Target: rules.Territory})
	if err != nil || v.Verdict != rules.NotCovered {
		t.Errorf("Frankfurt territory, 1950: %s %s (%v)", v.Verdict, v.Reason, err)
	}
	gdr, _ := ix.Locate(51.34, 12.37, alliance.MustDate("1970-01-01"))
	v, _ = eng.Article5(rules.Query{Place: gdr, Date: alliance.MustDate("1970-01-01"), Target: rules.Territory})
	if v.Verdict != rules.NotCovered {
		t.Errorf("Leipzig, 1970: %s", v.Verdict)
	}
	wb, _ := ix.Locate(52.50, 13.30, alliance.MustDate("1961-08-13"))
	v, _ = eng.Article5(rules.Query{Place: wb, Date: alliance.MustDate("1961-08-13"), Target: rules.Forces, Party: "US"})
	if v.Verdict != rules.Covered {
		t.Errorf("US forces in West Berlin, 1961: %s", v.Verdict)
	}
}

// TestDeFactoIsDated: control is a dated, sourced fact, never read from
// today's borders: Russia held Crimea from its annexation of 2014-03-18, not
// before; the GDR, West Berlin and French Algeria were not "held" by the
// state that holds them today.
func TestDeFactoIsDated(t *testing.T) {
	ix, _ := datasettest.MustEngine(t)
	for _, tc := range []struct {
		name, date string
		lat, lon   float64
		state, de  string
	}{
		{"Simferopol in 2013", "2013-06-01", 44.95, 34.10, "UA", ""},
		{"Simferopol on 2014-03-17", "2014-03-17", 44.95, 34.10, "UA", ""},
		{"Simferopol on 2014-03-18", "2014-03-18", 44.95, 34.10, "UA", "RU"},
		{"Simferopol in 2024", "2024-06-01", 44.95, 34.10, "UA", "RU"},
		{"Leipzig in 1970", "1970-01-01", 51.34, 12.37, "DD", ""},
		{"West Berlin in 1961", "1961-08-13", 52.50, 13.30, "", ""},
		{"Algiers in 1960", "1960-01-01", 36.75, 3.06, "FR", ""},
	} {
		p, err := ix.Locate(tc.lat, tc.lon, alliance.MustDate(tc.date))
		if err != nil {
			t.Fatal(err)
		}
		if p.State != tc.state || p.DeFacto != tc.de {
			t.Errorf("%s: state %q, held de facto by %q; want %q, %q", tc.name, p.State, p.DeFacto, tc.state, tc.de)
		}
	}
}

// TestSmallIslands: atolls and cays that Natural Earth's 1:50m land leaves
// out are land, from the minor islands of its 1:10m land.
func TestSmallIslands(t *testing.T) {
	ix, _ := datasettest.MustEngine(t)
	d := alliance.MustDate("2024-06-01")
	for _, tc := range []struct {
		name     string
		lat, lon float64
		state    string
	}{
		{"Wake Island", 19.278, 166.636, "US"},
		{"Johnston Atoll", 16.722, -169.548, "US"},
		{"Sombrero, Anguilla", 18.596, -63.426, "GB"},
		{"Navassa Island", 18.40, -75.013, "US"},
		{"Clipperton Island", 10.30, -109.22, "FR"},
	} {
		p, err := ix.Locate(tc.lat, tc.lon, d)
		if err != nil {
			t.Fatal(err)
		}
		if p.Kind != "land" || p.State != tc.state {
			t.Errorf("%s: kind %s, state %q; want land of %s", tc.name, p.Kind, p.State, tc.state)
		}
	}
}
