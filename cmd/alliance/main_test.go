package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// run runs one command line against db and returns exit code and output.
func run(t *testing.T, db string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	a := &App{Stdout: &out, Stderr: &errb, Now: func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) },
		Getenv: func(k string) string {
			if k == "ALLIANCE_DB" {
				return db
			}
			return ""
		}}
	code := a.Main(context.Background(), args)
	return code, out.String(), errb.String()
}

func TestMembersJSON(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	code, out, stderr := run(t, db, "members", "--at", "2023-04-04", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var ms []struct{ Code, Name, Joined string }
	if err := json.Unmarshal([]byte(out), &ms); err != nil {
		t.Fatal(err)
	}
	if got, want := len(ms), 31; got != want {
		t.Fatalf("members on 2023-04-04 = %d, want %d", got, want)
	}
	if !slices.IsSortedFunc(ms, func(a, b struct{ Code, Name, Joined string }) int { return strings.Compare(a.Code, b.Code) }) {
		t.Error("members are not sorted by code")
	}
	i := slices.IndexFunc(ms, func(m struct{ Code, Name, Joined string }) bool { return m.Code == "FI" })
	if i < 0 || ms[i].Name != "Finland" || ms[i].Joined != "2023-04-04" {
		t.Errorf("Finland = %+v", ms)
	}
	// --at defaults to today (the injected clock): 32 members in November 2026.
	_, out, _ = run(t, db, "members")
	if !strings.Contains(out, "32 members of NATO on 2026-11-27") {
		t.Errorf("members with default date:\n%s", out)
	}
}

// TestAccessionContract checks the fixed JSON contract of `alliance accession`.
func TestAccessionContract(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	code, out, stderr := run(t, db, "accession", "SE", "--at", "2023-06-01", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var st map[string]any
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"org": "NATO", "candidate": "SE", "stage": "ratifying",
		"applied": "2022-05-18", "protocol_signed": "2022-07-05", "joined": nil} {
		if got := st[k]; got != want {
			t.Errorf("%s = %v, want %v", k, got, want)
		}
	}
	if got, want := st["pending"], []any{"HU", "TR"}; !slices.Equal(got.([]any), want) {
		t.Errorf("pending = %v, want %v", got, want)
	}
	for _, r := range st["ratified"].([]any) {
		m := r.(map[string]any)
		if !slices.Contains([]any{"parliament", "head_of_state", "deposit"}, m["basis"]) || m["code"] == "" || m["date"] == nil {
			t.Errorf("ratified entry %v lacks code, date or a valid basis", m)
		}
	}
	// Flags before the code work too, and the table names the pending members.
	code, out, _ = run(t, db, "accession", "--at", "2023-06-01", "se")
	if code != 0 || !strings.Contains(out, "Pending (2):") || !strings.Contains(out, "HU  Hungary") {
		t.Errorf("table output (exit %d):\n%s", code, out)
	}
}

func TestErrorsExitCodes(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"members", "--at", "2023-02-30"}, 2, `--at: bad date "2023-02-30": no such day`},
		{[]string{"members", "--at", "yesterday"}, 2, `--at: bad date "yesterday"`},
		{[]string{"members", "--org", "WTO"}, 2, `unknown organisation "WTO"`},
		{[]string{"accession", "XX"}, 2, `unknown state code "XX"`},
		{[]string{"accession"}, 2, "accession needs one state code"},
		{[]string{"history", "--type", "coup"}, 2, `unknown event type "coup"`},
		{[]string{"export", "people"}, 2, `unknown table "people"`},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"members", "--bogus"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"record", "/nonexistent/file.yaml"}, 2, "cannot read /nonexistent/file.yaml"},
		{[]string{"verify", "--db", filepath.Join(t.TempDir(), "none.db")}, 1, "no database at"},
	} {
		code, _, stderr := run(t, db, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr, tc.code, tc.msg)
		}
		if strings.Count(stderr, "\n") != 1 || strings.Contains(stderr, "goroutine") {
			t.Errorf("%v: stderr is not one line: %q", tc.args, stderr)
		}
	}
	if code, out, _ := run(t, db, "accession", "--help"); code != 0 || !strings.Contains(out, "Usage: alliance accession CODE") {
		t.Errorf("accession --help: exit %d\n%s", code, out)
	}
	if code, out, _ := run(t, db, "help", "article5"); code != 0 || !strings.Contains(out, "Usage: alliance article5") {
		t.Errorf("help article5: exit %d\n%s", code, out)
	}
	if code, _, stderr := run(t, db, "help", "nosuch"); code != 2 || !strings.Contains(stderr, `unknown command "nosuch"`) {
		t.Errorf("help nosuch: exit %d, %s", code, stderr)
	}
	if code, out, stderr := run(t, db, "map", "--json"); code != 0 || !strings.Contains(stderr, `"map" is now "map-record"`) || !strings.HasPrefix(out, "[") {
		t.Errorf("map (the old name of map-record): exit %d, %s", code, stderr)
	}
}

func TestRecordHistoryVerify(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	file := filepath.Join(dir, "new.yaml")
	os.WriteFile(file, []byte(`- date: 2026-07-08
  type: summit
  org: NATO
  states: [UA]
  title: A test summit
  source:
    url: https://example.org/summit
    title: A test page
`), 0o644)
	if code, out, stderr := run(t, db, "record", file); code != 0 || !strings.Contains(out, "1 events recorded") {
		t.Fatalf("record: exit %d\n%s%s", code, out, stderr)
	}
	// The same file again is a duplicate, and nothing is written.
	if code, _, stderr := run(t, db, "record", file); code != 2 || !strings.Contains(stderr, "duplicate") {
		t.Errorf("recording twice: exit %d, %s", code, stderr)
	}
	code, out, _ := run(t, db, "history", "--state", "UA", "--type", "summit", "--from", "2026-07-01", "--json")
	var evs []map[string]any
	json.Unmarshal([]byte(out), &evs)
	if code != 0 || len(evs) != 1 || evs[0]["origin"] != "user" || evs[0]["title"] != "A test summit" {
		t.Errorf("history after record: exit %d, %v", code, evs)
	}
	// A file with an error names file:line and the field; nothing is stored.
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("- date: 2026-07-09\n  type: summit\n  org: NATO\n  states: [QQ]\n  title: x\n  source: {url: \"https://example.org\", title: \"x\"}\n"), 0o644)
	if code, _, stderr := run(t, db, "record", bad); code != 2 || !strings.Contains(stderr, bad+`:4: states: unknown state code "QQ"`) {
		t.Errorf("bad file: exit %d, %q", code, stderr)
	}
	if code, out, stderr := run(t, db, "verify"); code != 0 || !strings.HasPrefix(out, "ok: ") {
		t.Errorf("verify: exit %d\n%s%s", code, out, stderr)
	}
}

func TestVerifyNamesTamperedEvent(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	if code, _, stderr := run(t, db, "members"); code != 0 {
		t.Fatal(stderr)
	}
	raw, _ := os.ReadFile(db)
	// SQLite may keep a stale copy of a page in free space: flip the byte in
	// every copy of event 7, so that the live one is certainly changed.
	n := 0
	for off := 0; ; {
		i := bytes.Index(raw[off:], []byte(`"seq":7,`))
		if i < 0 {
			break
		}
		i += off
		j := i + bytes.Index(raw[i:], []byte(`"title":"`)) + len(`"title":"`)
		raw[j] ^= 0x20 // flip the case of one letter of event 7's title
		off, n = j, n+1
	}
	if n == 0 {
		t.Fatal("event 7 not found in the file")
	}
	os.WriteFile(db, raw, 0o644)
	code, _, stderr := run(t, db, "verify")
	if code != 3 || !strings.Contains(stderr, "event 7:") {
		t.Errorf("verify of a tampered file: exit %d, %q; want exit 3 naming event 7", code, stderr)
	}
}

func TestExport(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	code, out, _ := run(t, db, "export", "memberships")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || lines[0] != "org,code,name,cow,joined,left" {
		t.Fatalf("export memberships: exit %d, header %q", code, lines[0])
	}
	if !slices.Contains(lines, "EU,GB,United Kingdom,200,1973-01-01,2020-01-31") {
		t.Errorf("no spell for the UK in the EU:\n%s", out)
	}
	if !slices.Contains(lines, "NATO,SE,Sweden,380,2024-03-07,") {
		t.Errorf("no spell for Sweden in NATO")
	}
	code, out, _ = run(t, db, "export", "ratifications", "--format", "json")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); code != 0 || err != nil || len(rows) < 100 {
		t.Fatalf("export ratifications json: exit %d, %v, %d rows", code, err, len(rows))
	}
	code, out, _ = run(t, db, "export", "events")
	if code != 0 || !strings.HasPrefix(out, "seq,date,type,org,states,candidate,step,title,source_url") {
		t.Errorf("export events: exit %d", code)
	}
}

func TestArticle5CLI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	code, out, stderr := run(t, db, "article5", "--lat", "21.31", "--lon", "-157.86", "--date", "2024-06-01", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if v["verdict"] != "not_covered" || v["party"] != "US" || len(v["obligated"].([]any)) != 0 || v["clause"] == "" {
		t.Errorf("Honolulu: %v", v)
	}
	code, out, _ = run(t, db, "article5", "--place", "Svalbard", "--date", "2024-06-01")
	if code != 0 || !strings.HasPrefix(out, "COVERED") {
		t.Errorf("Svalbard: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, db, "article5", "--lat", "43", "--lon", "34", "--target", "forces", "--party", "US", "--json")
	json.Unmarshal([]byte(out), &v)
	if code != 0 || v["verdict"] != "disputed" {
		t.Errorf("US warship in the Black Sea: exit %d, %v", code, v["verdict"])
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"article5", "--lat", "NaN", "--lon", "0"}, "not numbers"},
		{[]string{"article5", "--lat", "95", "--lon", "0"}, "latitude 95 is out of range"},
		{[]string{"article5", "--lat", "north", "--lon", "0"}, "is not a number"},
		{[]string{"article5", "--place", "Ruritania"}, `No place called "Ruritania"`},
		{[]string{"article5", "--place", "Hamilton"}, `"Hamilton" names several places: Hamilton, Canada;`},
		{[]string{"article5", "--lat", "50", "--lon", "10", "--date", "1948-12-31"}, "before 1949"},
		{[]string{"article5", "--lat", "50", "--lon", "10", "--target", "embassy"}, `unknown target "embassy"`},
		{[]string{"article5", "--lat", "40", "--lon", "-40", "--target", "forces"}, "needs --party CODE"},
		{[]string{"article5", "--lat", "40", "--lon", "-40"}, "at sea beyond any territorial sea"},
		{[]string{"article5", "--lat", "50", "--lon", "10", "--party", "XX"}, `unknown state code "XX"`},
		{[]string{"protection", "ZZ"}, `unknown state code "ZZ"`},
		{[]string{"protection", "UA", "--as-member", "2030-02-30"}, "no such day"},
	} {
		code, _, stderr := run(t, db, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, %q; want exit 2 and %q", tc.args, code, stderr, tc.msg)
		}
	}
}

func TestProtectionCLI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	code, out, stderr := run(t, db, "protection", "UA", "--as-member", "2030-01-01", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	type profile struct {
		NATOMember  bool `json:"nato_member"`
		Commitments []struct {
			Kind        string `json:"kind"`
			OnAccession string `json:"on_accession"`
		}
	}
	var r struct {
		Now      profile `json:"now"`
		AsMember profile `json:"as_member"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Now.NATOMember || len(r.Now.Commitments) < 20 {
		t.Errorf("Ukraine now: member %v, %d commitments", r.Now.NATOMember, len(r.Now.Commitments))
	}
	if !r.AsMember.NATOMember || r.AsMember.Commitments[0].Kind != "nato_article5" || len(r.AsMember.Commitments) != len(r.Now.Commitments)+1 {
		t.Errorf("Ukraine as a member: %+v", r.AsMember)
	}
	code, out, _ = run(t, db, "protection", "FI", "--at", "2023-04-04")
	if code != 0 || !strings.Contains(out, "North Atlantic Treaty, Article 5") || !strings.Contains(out, "Article 42(7)") {
		t.Errorf("Finland's profile:\n%s", out)
	}
}

func TestPathToAccessionCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	svg := filepath.Join(dir, "ua.svg")
	code, out, stderr := run(t, db, "timetable", "UA", "--invited", "2027-07-07", "--runs", "20000", "--seed", "7", "--json", "--svg", svg)
	if code != 0 {
		t.Fatalf("timetable: exit %d: %s", code, stderr)
	}
	var r struct {
		Candidate  string
		Runs       int
		Seed       int
		Milestones map[string]struct{ P10, P50, P90 string }
		LastTo     []struct{ Code string } `json:"last_to_ratify"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Candidate != "UA" || r.Runs != 20000 || r.Seed != 7 || r.Milestones["joined"].P50 == "" || r.Milestones["protocol_signed"].P10 == "" || len(r.LastTo) == 0 {
		t.Errorf("timetable JSON contract: %+v", r)
	}
	if b, err := os.ReadFile(svg); err != nil || !bytes.Contains(b, []byte("<svg")) || !bytes.Contains(b, []byte("median")) {
		t.Errorf("timetable SVG: %v", err)
	}
	// The same seed gives the same forecast.
	_, again, _ := run(t, db, "timetable", "UA", "--invited", "2027-07-07", "--runs", "20000", "--seed", "7", "--json")
	if again != out {
		t.Error("the same seed gave a different forecast")
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"timetable", "UA"}, "does not forecast invitations"},
		{[]string{"timetable", "SE", "--invited", "2027-01-01"}, "has been a member of NATO since 2024-03-07"},
		{[]string{"timetable", "UA", "--invited", "2027-07-07", "--withhold", "HU"}, "want CODE:DATE"},
		{[]string{"timetable", "UA", "--invited", "2027-07-07", "--withhold", "HU:2028-01-01:2"}, "between 0 and 1"},
		{[]string{"timetable", "UA", "--invited", "2027-07-07", "--runs", "0"}, "--runs 0"},
		{[]string{"decide", "--rule", "veto"}, `unknown rule "veto"`},
		{[]string{"decide", "--rule", "qmv", "--org", "NATO"}, "qmv is the EU Council's rule"},
		{[]string{"border", "--with", "XX"}, `unknown state code "XX"`},
	} {
		code, _, stderr := run(t, db, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, %q; want exit 2 and %q", tc.args, code, stderr, tc.msg)
		}
	}
	code, out, _ = run(t, db, "backtest", "--runs", "5000")
	if code != 0 || !strings.Contains(out, "MISSED") || !strings.Contains(out, "naive baseline") {
		t.Errorf("backtest: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, db, "decide", "--rule", "consensus", "--no", "HU", "--json")
	var d map[string]any
	json.Unmarshal([]byte(out), &d)
	if code != 0 || d["adopted"] != false {
		t.Errorf("consensus with Hungary objecting: exit %d, %v", code, d["adopted"])
	}
	code, out, _ = run(t, db, "border", "--with", "RU", "--at", "2023-04-04", "--json")
	var b map[string]any
	json.Unmarshal([]byte(out), &b)
	if code != 0 || b["km"].(float64)-b["km_day_before"].(float64) < 1000 {
		t.Errorf("border on 2023-04-04: exit %d, %v", code, b)
	}
	code, out, _ = run(t, db, "polls", "UA", "--svg", filepath.Join(dir, "p.svg"))
	if code != 0 || !strings.Contains(out, "82.0%") {
		t.Errorf("polls UA does not list the IRI 82%% poll:\n%s", out)
	}
	code, out, _ = run(t, db, "lags", "--stages", "--candidate", "SE")
	if code != 0 || !strings.Contains(out, "611") {
		t.Errorf("lags --stages for Sweden lacks its 611 days:\n%s", out)
	}
}

func TestClaimsAndMAPCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	code, out, stderr := run(t, db, "claims", "--json")
	if code != 0 {
		t.Fatalf("claims: exit %d %s", code, stderr)
	}
	var rs []struct {
		ID      string
		Verdict string
		Events  []struct{ Source struct{ URL string } } `json:"events"`
	}
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		t.Fatal(err)
	}
	if len(rs) < 12 {
		t.Fatalf("%d claims", len(rs))
	}
	for _, r := range rs {
		if r.Verdict == "" || (r.Verdict != "not_in_model" && len(r.Events) == 0) {
			t.Errorf("claim %s: verdict %q with %d events", r.ID, r.Verdict, len(r.Events))
		}
	}
	code, out, _ = run(t, db, "map-record", "--svg", filepath.Join(dir, "map.svg"))
	if code != 0 || !strings.Contains(out, "FI         no") || !strings.Contains(out, "MK         yes") {
		t.Errorf("map: exit %d\n%s", code, out)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "map.svg")); err != nil || !bytes.Contains(b, []byte("Membership Action Plan")) {
		t.Errorf("map chart: %v", err)
	}
}

func TestPlacesCLI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	code, out, _ := run(t, db, "places", "suwalki")
	if code != 0 || !strings.Contains(out, "Suwałki, Poland") {
		t.Errorf("places suwalki: exit %d\n%s", code, out)
	}
	if code, _, stderr := run(t, db, "places"); code != 2 || !strings.Contains(stderr, "needs a NAME") {
		t.Errorf("places without a name: exit %d, %s", code, stderr)
	}
}
