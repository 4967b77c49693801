package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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
			switch k {
			case "ALLIANCE_DB":
				return db
			case "ALLIANCE_CONFIG":
				return filepath.Join(filepath.Dir(db), "config")
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
		if !slices.Contains([]any{"parliament", "procedure_completed", "head_of_state", "deposit"}, m["basis"]) || m["code"] == "" || m["date"] == nil {
			t.Errorf("ratified entry %v lacks code, date or a valid basis", m)
		}
	}
	// Flags before the code work too, and the table names the pending members.
	code, out, _ = run(t, db, "accession", "--at", "2023-06-01", "se")
	if code != 0 || !strings.Contains(out, "Pending (2):") || !strings.Contains(out, "HU  Hungary") {
		t.Errorf("table output (exit %d):\n%s", code, out)
	}
}

// TestAccessionEU checks the EU stages in the table output: Ukraine is
// negotiating, and Croatia's treaty was signed and ratified member by member.
func TestAccessionEU(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	code, out, _ := run(t, db, "accession", "UA", "--org", "EU", "--at", "2026-11-29")
	want := "Stage: negotiating\napplied 2022-02-28 · candidate status 2022-06-23 · negotiations opened 2024-06-25\n"
	if code != 0 || !strings.Contains(out, want) {
		t.Errorf("accession UA --org EU (exit %d):\n%s\nwant it to contain:\n%s", code, out, want)
	}
	code, out, _ = run(t, db, "accession", "HR", "--org", "EU", "--at", "2013-06-20")
	for _, w := range []string{"Stage: ratifying", "treaty signed 2011-12-09", "Days since treaty signature: 559", "Pending (1):", "DE  Germany"} {
		if code != 0 || !strings.Contains(out, w) {
			t.Errorf("accession HR --org EU --at 2013-06-20 (exit %d) lacks %q:\n%s", code, w, out)
		}
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
    kind: news
`), 0o644)
	if code, out, stderr := run(t, db, "record", file); code != 0 || !strings.Contains(out, "1 events recorded") {
		t.Fatalf("record: exit %d\n%s%s", code, out, stderr)
	}
	// The same file again is a no-op that says so.
	if code, out, stderr := run(t, db, "record", file); code != 0 || !strings.Contains(out, "already recorded, skipped: 2026-07-08 summit A test summit") || !strings.Contains(out, "0 events recorded") {
		t.Errorf("recording twice: exit %d, %s%s", code, out, stderr)
	}
	code, out, _ := run(t, db, "history", "--state", "UA", "--type", "summit", "--from", "2026-07-01", "--json")
	var evs []map[string]any
	json.Unmarshal([]byte(out), &evs)
	if code != 0 || len(evs) != 1 || evs[0]["origin"] != "user" || evs[0]["title"] != "A test summit" {
		t.Errorf("history after record: exit %d, %v", code, evs)
	}
	// A file with an error names file:line and the field; nothing is stored.
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("- date: 2026-07-09\n  type: summit\n  org: NATO\n  states: [QQ]\n  title: x\n  source: {url: \"https://example.org\", title: \"x\", kind: news}\n"), 0o644)
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
	type commitment struct {
		Kind           string   `json:"kind"`
		Partners       []string `json:"partners"`
		OnAccession    string   `json:"on_accession"`
		AfterAccession string   `json:"after_accession"`
	}
	type profile struct {
		NATOMember  bool         `json:"nato_member"`
		Commitments []commitment `json:"commitments"`
		Ended       []commitment `json:"ended"`
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
	if !r.AsMember.NATOMember || r.AsMember.Commitments[0].Kind != "nato_article5" || len(r.AsMember.Commitments)+len(r.AsMember.Ended) != len(r.Now.Commitments)+1 {
		t.Errorf("Ukraine as a member: %+v", r.AsMember)
	}
	if len(r.AsMember.Ended) != 1 || r.AsMember.Ended[0].Partners[0] != "GB" || r.AsMember.Ended[0].AfterAccession != "ends" {
		t.Errorf("ended on accession: %+v, want the UK agreement", r.AsMember.Ended)
	}
	code, out, _ = run(t, db, "protection", "FI", "--at", "2023-04-04")
	if code != 0 || !strings.Contains(out, "North Atlantic Treaty, Article 5") || !strings.Contains(out, "Article 42(7)") {
		t.Errorf("Finland's profile:\n%s", out)
	}
	// Finland's own agreement with Ukraine does not protect Finland: it is listed apart.
	code, out, _ = run(t, db, "protection", "FI", "--at", "2025-01-01")
	protects, owes, _ := strings.Cut(out, "What Finland owes others")
	if code != 0 || strings.Contains(protects, "Ukraine") || !strings.Contains(owes, "to Ukraine") {
		t.Errorf("Finland's profile lists its own agreement with Ukraine as protecting it:\n%s", out)
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
		{[]string{"border", "--with", "PL", "--at", "2024-01-01"}, "Poland is a member of NATO on 2024-01-01"},
		{[]string{"border", "--with", "UA", "--join", "UA"}, "among the states joining NATO"},
		{[]string{"members", "--at", ""}, "--at is empty"},
		{[]string{"protection", "FI", "--at="}, "--at is empty"},
		{[]string{"history", "--from", "2024-01-01", "--to", "2023-01-01"}, "--from 2024-01-01 is after --to 2023-01-01"},
		{[]string{"protection", "BR"}, "BR is a real ISO code but not in this dataset"},
		{[]string{"decide", "--question", "invite_ukraine", "--assume", "HU"}, "want CODE:STANCE"},
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
	// Errors quote at most about 100 characters of what was typed.
	long := strings.Repeat("x", 5000)
	for _, args := range [][]string{{"members", "--at", long}, {"protection", long}, {"article5", "--place", long}, {"decide", "--rule", long}} {
		code, _, stderr := run(t, db, args...)
		if code != 2 || len(stderr) > 400 {
			t.Errorf("%s with 5000 characters: exit %d, %d-byte error", args[0], code, len(stderr))
		}
	}
	// With a question, the recorded positions decide: recorded opponents block and are named.
	code, out, _ = run(t, db, "decide", "--rule", "consensus", "--question", "invite_ukraine", "--at", "2026-01-01")
	if code != 0 || !strings.HasPrefix(out, "NOT ADOPTED") || !strings.Contains(out, "Blocking: ") || !strings.Contains(out, "Hungary") {
		t.Errorf("consensus on inviting Ukraine: exit %d\n%s", code, out)
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

// TestSourcesCLI checks `alliance sources`: counts by kind add up to the
// events, domains are listed with their events, and --domain narrows to one.
func TestSourcesCLI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	code, out, stderr := run(t, db, "sources", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Events int
		ByKind []struct {
			Name   string
			Events int
		} `json:"by_kind"`
		Domains []struct {
			Domain string
			Kinds  []string
			Events []struct{ Date, Type, URL, Kind string }
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	sum, inDomains := 0, 0
	for _, k := range rep.ByKind {
		sum += k.Events
	}
	for _, d := range rep.Domains {
		inDomains += len(d.Events)
	}
	if rep.Events < 250 || sum != rep.Events || inDomains != rep.Events {
		t.Fatalf("events = %d, by kind %d, in domains %d; want equal and 250 or more", rep.Events, sum, inDomains)
	}
	i := slices.IndexFunc(rep.Domains, func(d struct {
		Domain string
		Kinds  []string
		Events []struct{ Date, Type, URL, Kind string }
	}) bool {
		return d.Domain == "nato.int"
	})
	if i < 0 || !slices.Contains(rep.Domains[i].Kinds, "official") {
		t.Fatalf("nato.int missing or not kinded official (index %d)", i)
	}

	code, out, stderr = run(t, db, "sources", "--domain", "www.nato.int")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "cite nato.int") || !strings.Contains(out, "2001-09-12  article5_invoked") {
		t.Errorf("sources --domain nato.int:\n%s", out)
	}
	if code, _, _ := run(t, db, "sources", "--domain", "no-such.example"); code != 1 {
		t.Errorf("unknown domain: exit %d, want 1 (ENOTFOUND)", code)
	}
	code, out, stderr = run(t, db, "sources", "--kind", "official", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rep.ByKind = nil
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.ByKind) != 1 || rep.ByKind[0].Name != "official" {
		t.Errorf("sources --kind official: by_kind = %+v, want official only", rep.ByKind)
	}
	if code, _, _ := run(t, db, "sources", "--kind", "rumour"); code != 2 {
		t.Errorf("bad kind: exit %d, want 2 (EINVALID)", code)
	}
}

// TestTimetableAtCLI forecasts Sweden's accession as of a day inside it:
// the CLI's JSON gives dates after that day and credits being last only to
// the members still pending; backtest --json carries the lag scores.
func TestTimetableAtCLI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	code, out, stderr := run(t, db, "timetable", "SE", "--at", "2023-06-01", "--runs", "20000", "--json")
	if code != 0 {
		t.Fatalf("timetable --at: exit %d: %s", code, stderr)
	}
	var r struct {
		Milestones map[string]struct{ P10, P50, P90 string }
		LastTo     []struct{ Code string } `json:"last_to_ratify"`
		Ratified   map[string]struct{ Date string }
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"last_ratification", "joined"} {
		if p := r.Milestones[m]; p.P10 <= "2023-06-01" || p.P50 < p.P10 || p.P90 < p.P50 {
			t.Errorf("%s as of 2023-06-01 = %+v, want every percentile after it, in order", m, p)
		}
	}
	for _, l := range r.LastTo {
		if l.Code != "HU" && l.Code != "TR" {
			t.Errorf("%s credited as last to ratify; only HU and TR were pending on 2023-06-01", l.Code)
		}
	}
	if fi, ok := r.Ratified["FI"]; !ok || fi.Date != "2023-04-04" {
		t.Errorf("Finland's ratification is not fixed at 2023-04-04: %+v", r.Ratified["FI"])
	}
	code, out, stderr = run(t, db, "backtest", "--runs", "2000", "--json")
	if code != 0 {
		t.Fatalf("backtest: exit %d: %s", code, stderr)
	}
	var bt struct {
		Lags map[string]any `json:"lags"`
	}
	if err := json.Unmarshal([]byte(out), &bt); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"n", "crps", "baseline_crps", "coverage_80"} {
		if _, ok := bt.Lags[k]; !ok {
			t.Errorf("backtest --json: lags has no %q", k)
		}
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

// TestLagsBasis: lags compare like with like, by default the deposit, and
// say so; --basis best mixes steps and says that too.
func TestLagsBasis(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	code, out, stderr := run(t, db, "lags", "--candidate", "SE", "--json")
	if code != 0 {
		t.Fatalf("lags: exit %d %s", code, stderr)
	}
	var rows []struct{ Basis string }
	json.Unmarshal([]byte(out), &rows)
	if len(rows) == 0 {
		t.Fatal("no deposit lags for Sweden")
	}
	for _, r := range rows {
		if r.Basis != "deposit" {
			t.Errorf("default lags include basis %q, want deposit only", r.Basis)
		}
	}
	_, out, _ = run(t, db, "lags", "--candidate", "SE")
	if !strings.Contains(out, "each to the deposit step") {
		t.Errorf("lags does not say its basis:\n%s", out)
	}
	_, best, _ := run(t, db, "lags", "--candidate", "SE", "--basis", "best", "--json")
	var all []struct{ Basis string }
	json.Unmarshal([]byte(best), &all)
	if len(all) <= len(rows) {
		t.Errorf("--basis best gives %d lags, want more than the %d deposits", len(all), len(rows))
	}
	if code, _, _ := run(t, db, "lags", "--basis", "vote"); code != 2 {
		t.Errorf("--basis vote: exit %d, want 2", code)
	}
}

// TestLagsCoverage: --coverage counts, per accession, the members the dataset
// dates and lists those it cannot; its JSON and table agree, and it refuses
// to be mixed with --stages.
func TestLagsCoverage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	code, out, stderr := run(t, db, "lags", "--coverage", "--json")
	if code != 0 {
		t.Fatalf("lags --coverage: exit %d %s", code, stderr)
	}
	var rows []struct {
		Candidate string   `json:"candidate"`
		Members   int      `json:"members"`
		Dated     []string `json:"dated"`
		Deposited []string `json:"deposited"`
		NoStep    []string `json:"no_step"`
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	var n, dated int
	for _, r := range rows {
		if r.Candidate == "RO" && (r.Members != 19 || len(r.Deposited) != 19) {
			t.Errorf("Romania: %d members, %d deposits; want 19 and 19 (Verdragenbank 010618)", r.Members, len(r.Deposited))
		}
		if r.Candidate != "GR" && r.Candidate != "TR" && r.Candidate != "DE" && r.Candidate != "ES" {
			n, dated = n+r.Members, dated+len(r.Dated)
		}
	}
	if n != 351 {
		t.Errorf("member × accession pairs since 1999 = %d, want 351 (16×3 + 19×7 + 26×2 + 28 + 29 + 30 + 31)", n)
	}
	_, table, _ := run(t, db, "lags", "--coverage")
	if want := fmt.Sprintf("%d of %d member pairs have a dated step", dated, n); !strings.Contains(table, want) {
		t.Errorf("the table does not say %q:\n%s", want, table)
	}
	if code, _, stderr := run(t, db, "lags", "--coverage", "--stages"); code != 2 || !strings.Contains(stderr, "choose one") {
		t.Errorf("--coverage --stages: exit %d %s, want 2", code, stderr)
	}
}
