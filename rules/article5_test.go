package rules_test

import (
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"alliance"
	"alliance/datasettest"
	"alliance/rules"
)

// legalCase is one case from published commentary (testdata/cases.yaml).
type legalCase struct {
	Name    string  `yaml:"name"`
	Lat     float64 `yaml:"lat"`
	Lon     float64 `yaml:"lon"`
	Date    string  `yaml:"date"`
	Target  string  `yaml:"target"`
	Party   string  `yaml:"party"`
	Verdict string  `yaml:"verdict"`
	Clause  string  `yaml:"clause"`
	Reason  string  `yaml:"reason"`
	Source  struct {
		URL   string `yaml:"url"`
		Title string `yaml:"title"`
	} `yaml:"source"`
	Quote string `yaml:"quote"`
	Note  string `yaml:"note"`
}

// TestCasesFromCommentary runs every case collected from legal commentary
// through the geography and the rules, on the real dataset.
func TestCasesFromCommentary(t *testing.T) {
	b, err := os.ReadFile("testdata/cases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []legalCase
	if err := yaml.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 40 {
		t.Fatalf("%d cases; the table needs at least 40 from commentary", len(cases))
	}
	ix, eng := datasettest.MustEngine(t)
	for _, c := range cases {
		t.Run(c.Name+" "+c.Date, func(t *testing.T) {
			if c.Source.URL == "" {
				t.Fatal("case without a source")
			}
			d := alliance.MustDate(c.Date)
			p, err := ix.Locate(c.Lat, c.Lon, d)
			if err != nil {
				t.Fatal(err)
			}
			p.Name = c.Name
			v, err := eng.Article5(rules.Query{Place: p, Date: d, Target: rules.Target(c.Target), Party: c.Party})
			if err != nil {
				t.Fatalf("Article5: %v (place %+v)", err, p)
			}
			if v.Verdict != c.Verdict {
				t.Errorf("verdict = %s (%s: %s), want %s (%s) per %s\nplace: %+v", v.Verdict, v.Clause, v.Reason, c.Verdict, c.Clause, c.Source.URL, p)
			}
			if want := strings.Fields(c.Clause)[0] + " " + strings.Fields(c.Clause)[1]; !strings.HasPrefix(v.Clause, strings.TrimRight(want, ",;")) && c.Verdict == v.Verdict {
				t.Logf("clause = %s, commentary says %s", v.Clause, c.Clause)
			}
			t.Logf("%s %s: %s", v.Verdict, v.Clause, v.Reason)
			if v.Reason == "" || strings.Contains(v.Reason, "%!") {
				t.Errorf("bad reason %q", v.Reason)
			}
			if (v.Verdict == rules.Covered) != (len(v.Obligated) > 0) {
				t.Errorf("verdict %s with %d allies obligated", v.Verdict, len(v.Obligated))
			}
		})
	}
}

// TestTextInForce: each verdict quotes the wording of Article 6 in force on
// the attack's date, and that wording decides it.
func TestTextInForce(t *testing.T) {
	ix, eng := datasettest.MustEngine(t)
	for _, tc := range []struct {
		date, want, not string
		lat, lon        float64
		target, party   string
	}{
		{"1950-06-01", "on the occupation forces of any Party in Europe", "Mediterranean", 50.11, 8.68, "forces", "US"},
		{"1952-02-17", "vessels or aircraft in this area", "Turkey", 40.0, -40.0, "forces", "US"},
		{"1952-02-18", "or the Mediterranean Sea", "in this area of any", 40.0, -40.0, "forces", "US"},
		{"1960-01-01", "on the Algerian Departments of France, on the territory of Turkey", "no longer applicable", 48.85, 2.35, "territory", ""},
		{"1970-01-01", "no longer applicable from Algeria's independence", "Departments of France, on", 48.85, 2.35, "territory", ""},
	} {
		d := alliance.MustDate(tc.date)
		p, err := ix.Locate(tc.lat, tc.lon, d)
		if err != nil {
			t.Fatal(err)
		}
		v, err := eng.Article5(rules.Query{Place: p, Date: d, Target: rules.Target(tc.target), Party: tc.party})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(v.ClauseText, tc.want) || strings.Contains(v.ClauseText, tc.not) || v.TextVersion == "" {
			t.Errorf("%s: clause %s, version %q, text %q; want it to contain %q and not %q", tc.date, v.Clause, v.TextVersion, v.ClauseText, tc.want, tc.not)
		}
	}
}
