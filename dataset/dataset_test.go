package dataset_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"alliance"
	"alliance/data"
	"alliance/dataset"
)

const statesYAML = `
- code: SE
  name: Sweden
  cow: 380
- code: HU
  name: Hungary
  cow: 310
- code: TR
  name: Türkiye
  cow: 640
- code: "NO"
  name: Norway
  cow: 385
`

func mustStates(t *testing.T) alliance.States {
	t.Helper()
	s, err := dataset.ParseStates("states.yaml", []byte(statesYAML))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const good = `- date: 2024-03-07
  type: ratification
  org: NATO
  states: [HU]
  candidate: SE
  step: deposit
  title: Hungary deposits
  source:
    url: https://example.org/hu
    title: A page
    kind: official
- date: 2024-03-07
  type: joined
  org: NATO
  states: [SE]
  title: Sweden joins
  source: {url: "https://example.org/se", title: "Another page", kind: news}
`

func TestParseEventsGood(t *testing.T) {
	evs, err := dataset.ParseEvents("f.yaml", []byte(good), mustStates(t))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(evs), 2; got != want {
		t.Fatalf("events = %d, want %d", got, want)
	}
	if got, want := evs[1].Where(), "f.yaml:12"; got != want {
		t.Errorf("second event at %s, want %s", got, want)
	}
	if err := dataset.Check(nil, evs); err != nil {
		t.Errorf("Check: %v", err)
	}
}

// TestLoaderErrors covers each way a data file can be wrong: each error is
// EINVALID and names file:line and the field.
func TestLoaderErrors(t *testing.T) {
	ev := func(lines ...string) string {
		base := map[string]string{
			"date": "2022-07-05", "type": "ratification", "org": "NATO", "states": "[HU]",
			"candidate": "SE", "step": "parliament", "title": "t",
			"source": "{url: \"https://example.org\", title: \"p\", kind: official}",
		}
		order := []string{"date", "type", "org", "states", "candidate", "step", "title", "source"}
		var extra []string
		for _, l := range lines {
			k, v, _ := strings.Cut(l, ": ")
			if _, ok := base[k]; ok {
				base[k] = v
			} else {
				extra = append(extra, l)
			}
		}
		var b strings.Builder
		b.WriteString("- title: first\n  date: 2022-07-01\n  type: milestone\n  org: NATO\n  states: [SE]\n  source: {url: \"https://example.org\", title: \"p\", kind: official}\n")
		b.WriteString("- ")
		first := true
		for _, k := range order {
			if base[k] == "-" {
				continue
			}
			if !first {
				b.WriteString("  ")
			}
			first = false
			b.WriteString(k + ": " + base[k] + "\n")
		}
		for _, l := range extra {
			b.WriteString("  " + l + "\n")
		}
		return b.String()
	}
	for _, tc := range []struct {
		name, file, want string
	}{
		{"unknown field", ev("colour: red"), "f.yaml:15: colour: unknown field"},
		{"bad date", ev("date: 2023-02-30"), `f.yaml:7: date: bad date "2023-02-30": no such day`},
		{"date not a date", ev("date: soon"), `f.yaml:7: date: bad date "soon"`},
		{"unknown state", ev("states: [XX]"), `f.yaml:10: states: unknown state code "XX"`},
		{"unknown candidate", ev("candidate: ZZ"), `f.yaml:11: candidate: unknown state code "ZZ"`},
		{"missing source", ev("source: -"), "f.yaml:7: source.url: is missing"},
		{"source without title", ev(`source: {url: "https://example.org"}`), "f.yaml:14: source.title: is missing"},
		{"source not a URL", ev(`source: {url: "example.org", title: "p"}`), "f.yaml:14: source.url: must be an http(s) URL"},
		{"unknown type", ev("type: coup"), `f.yaml:8: type: unknown event type "coup"`},
		{"unknown org", ev("org: WTO"), `f.yaml:9: org: unknown organisation "WTO"`},
		{"unknown step", ev("step: cabinet"), `f.yaml:12: step: unknown ratification step "cabinet"`},
		{"ratification without step", ev("step: -"), "f.yaml:7: step: is missing"},
		{"ratification without candidate", ev("candidate: -"), "f.yaml:7: candidate: is missing"},
		{"two ratifiers", ev("states: [HU, TR]"), "f.yaml:10: states: a ratification names exactly one ratifying member"},
		{"step on a non-ratification", ev("type: joined"), "f.yaml:11: candidate: is only for ratifications"},
		{"field twice", ev("note: one", "note: two"), "f.yaml:16: note: field given twice"},
		{"not a list", "date: 2022-07-05\n", "f.yaml:1: want a list of entries"},
		{"broken yaml", "- date: [2022\n", "f.yaml: "},
		{"states not a list", ev("states: HU"), "f.yaml:10: states: want a list of state codes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dataset.ParseEvents("f.yaml", []byte(tc.file), mustStates(t))
			if err == nil {
				t.Fatalf("no error for:\n%s", tc.file)
			}
			if got := alliance.ErrorCode(err); got != alliance.EINVALID {
				t.Errorf("code = %s, want EINVALID", got)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error = %q\nwant prefix %q", err, tc.want)
			}
		})
	}
}

func TestCheckRules(t *testing.T) {
	states := mustStates(t)
	parse := func(s string) []dataset.Located {
		t.Helper()
		evs, err := dataset.ParseEvents("f.yaml", []byte(s), states)
		if err != nil {
			t.Fatal(err)
		}
		return evs
	}
	late := good + `- date: 2024-03-08
  type: ratification
  org: NATO
  states: [TR]
  candidate: SE
  step: deposit
  title: Turkey deposits too late
  source: {url: "https://example.org/tr", title: "p", kind: official}
`
	err := dataset.Check(nil, parse(late))
	if err == nil || !strings.Contains(err.Error(), "f.yaml:18: date: TR's ratification (deposit) of SE's accession is dated after SE joined NATO on 2024-03-07") {
		t.Errorf("ratification after accession: err = %v", err)
	}
	dup := good + strings.Replace(strings.SplitAfter(good, "kind: official\n")[0], "Hungary deposits", "Hungary deposits (second source)", 1)
	err = dataset.Check(nil, parse(dup))
	if err == nil || !strings.Contains(err.Error(), "f.yaml:18: duplicate: the same ratification is already recorded at f.yaml:1") {
		t.Errorf("duplicate: err = %v", err)
	}
	// Against events already in the ledger.
	have := dataset.Events(parse(good))
	err = dataset.Check(have, parse(good)[:1])
	if err == nil || !strings.Contains(err.Error(), "already recorded at the ledger") {
		t.Errorf("duplicate of a ledger event: err = %v", err)
	}
}

func TestStatesErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"- code: se\n  name: Sweden\n", `s.yaml:1: code: "se" is not a two-letter upper-case code`},
		{"- code: SE\n", "s.yaml:1: name: is missing"},
		{"- code: SE\n  name: Sweden\n  cow: many\n", `s.yaml:3: cow: "many" is not a Correlates of War state number`},
		{"- code: SE\n  name: Sweden\n- code: SE\n  name: Sverige\n", "s.yaml:3: code: SE is listed twice"},
		{"- code: SE\n  name: Sweden\n  flag: blue\n", "s.yaml:3: flag: unknown field"},
	} {
		_, err := dataset.ParseStates("s.yaml", []byte(tc.in))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("ParseStates(%q) = %v, want %q", tc.in, err, tc.want)
		}
	}
}

// TestEmbeddedDataset loads the real dataset and checks what every event must
// satisfy: a source, known codes, and the rules between events.
func TestEmbeddedDataset(t *testing.T) {
	states, evs, err := dataset.Load(data.FS)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) < 250 {
		t.Errorf("dataset has %d events; expected the curated history (250 or more)", len(evs))
	}
	for _, c := range []string{"US", "GB", "TR", "FI", "SE", "UA", "RU", "DD"} {
		if _, ok := states[c]; !ok {
			t.Errorf("states.yaml lacks %s", c)
		}
	}
	for _, e := range evs {
		if !strings.HasPrefix(e.Source.URL, "http") || e.Source.Title == "" {
			t.Errorf("%s: event without a full source", e.Where())
		}
	}
}

func TestLoadNamesTheFile(t *testing.T) {
	fsys := fstest.MapFS{
		"states.yaml":   {Data: []byte(statesYAML)},
		"nato/a.yaml":   {Data: []byte(good)},
		"nato/b.yaml":   {Data: []byte(strings.Replace(good, "2024-03-07", "2024-13-07", 1))},
		"README.md":     {Data: []byte("not data")},
		"nato/notes.md": {Data: []byte("not data either")},
	}
	_, _, err := dataset.Load(fsys)
	if err == nil || !strings.HasPrefix(err.Error(), "data/nato/b.yaml:1: date: bad date") {
		t.Errorf("Load = %v, want an error naming data/nato/b.yaml:1", err)
	}
}

func FuzzParseEvents(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("- date: 2022-07-05\n  type: joined\n"))
	f.Add([]byte("[1, 2, {a: b}]"))
	f.Add([]byte("- {states: [SE, SE]}"))
	f.Add([]byte("&a [*a]"))
	states, err := dataset.ParseStates("states.yaml", []byte(statesYAML))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		evs, err := dataset.ParseEvents("f.yaml", b, states)
		if err != nil {
			if alliance.ErrorCode(err) != alliance.EINVALID {
				t.Fatalf("error code %s for input %q: %v", alliance.ErrorCode(err), b, err)
			}
			if !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		// Whatever parses is a valid event.
		for _, e := range evs {
			if err := e.Check(states); err != nil {
				t.Fatalf("accepted an invalid event at %s: %v", e.Where(), err)
			}
		}
		_ = dataset.Check(nil, evs)
	})
}

// TestOneDocument: a file is one YAML document; a second one is refused at
// the line it starts, and markers inside the one document are not.
func TestOneDocument(t *testing.T) {
	states := mustStates(t)
	one := "- date: 2022-07-05\n  type: milestone\n  org: NATO\n  states: [SE]\n  title: t\n  source: {url: \"https://example.org\", title: \"p\", kind: news}\n  note: |\n    --- not a marker: indented\n"
	for _, tc := range []struct {
		name, in, want string
	}{
		{"one", one, ""},
		{"explicit start", "---\n" + one, ""},
		{"explicit end", one + "...\n", ""},
		{"comment after the end", one + "...\n# done\n", ""},
		{"second after ---", one + "---\n" + one, "f.yaml:9: a second YAML document"},
		{"second after ...", one + "...\n" + one, "f.yaml:10: a second YAML document"},
		{"two explicit", "---\n" + one + "--- \n" + one, "f.yaml:10: a second YAML document"},
	} {
		_, err := dataset.ParseEvents("f.yaml", []byte(tc.in), states)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}
