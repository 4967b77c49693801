package http_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"log/slog"
	nethttp "net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"alliance/claims"
	"alliance/data"
	"alliance/dataset"
	"alliance/datasettest"
	alliancehttp "alliance/http"
)

var (
	srvOnce sync.Once
	srv     *httptest.Server
)

var (
	svcOnce sync.Once
	svc     *alliancehttp.Service
)

// MustService returns the service over the real dataset, with the clock fixed
// at 2026-11-27 (built once).
func MustService(tb testing.TB) *alliancehttp.Service {
	tb.Helper()
	svcOnce.Do(func() {
		states, h := datasettest.MustHistory(tb)
		ix, eng := datasettest.MustEngine(tb)
		borders, err := dataset.LoadBorders(data.FS, states)
		if err != nil {
			tb.Fatal(err)
		}
		ps, err := dataset.LoadPopulations(data.FS, states)
		if err != nil {
			tb.Fatal(err)
		}
		pop := map[string]int64{}
		for k, p := range ps {
			pop[k] = p.Population
		}
		cs, err := dataset.LoadClaims(data.FS, states)
		if err != nil {
			tb.Fatal(err)
		}
		cm := &claims.Model{History: h, States: states, Rules: eng, Borders: borders}
		svc = &alliancehttp.Service{History: h, States: states, Index: ix, Rules: eng, Borders: borders, Populations: pop, Claims: cm, ClaimList: cs,
			Version: strings.Repeat("ab", 32), Now: func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) }}
	})
	return svc
}

// MustServer starts one test server over the real dataset.
func MustServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	s := MustService(tb)
	srvOnce.Do(func() {
		// The tests are one client asking many forecasts: the per-client
		// rate is TestForecastRatePerClient's to check.
		srv = httptest.NewServer(alliancehttp.NewServerWith(s, slog.New(slog.NewTextHandler(io.Discard, nil)),
			alliancehttp.Options{ForecastPerMinute: 1e6, ForecastBurst: 1e6}).Handler())
	})
	return srv
}

func get(t *testing.T, path string, header ...string) (*nethttp.Response, []byte) {
	t.Helper()
	req, _ := nethttp.NewRequest("GET", MustServer(t).URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := nethttp.DefaultTransport.RoundTrip(req) // no transparent gunzip
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

// TestEndpointsConformToOpenAPI calls every endpoint with real queries and
// validates each answer against the schema the OpenAPI document gives.
func TestEndpointsConformToOpenAPI(t *testing.T) {
	_, specBody := get(t, "/api/v1/openapi.json")
	var spec map[string]any
	if err := json.Unmarshal(specBody, &spec); err != nil {
		t.Fatal(err)
	}
	if spec["openapi"] != "3.1.0" {
		t.Fatalf("openapi = %v", spec["openapi"])
	}
	paths := spec["paths"].(map[string]any)
	calls := map[string][]string{
		"/api/v1/states":            {""},
		"/api/v1/members":           {"?at=2023-04-04", "?org=EU&at=2020-02-01", ""},
		"/api/v1/accession/{code}":  {"SE?at=2023-06-01", "FI?at=2023-04-04", "UA", "UA?org=EU", "HR?org=EU&at=2013-06-20"},
		"/api/v1/lags":              {"?candidate=FI", ""},
		"/api/v1/stages":            {""},
		"/api/v1/history":           {"?state=UA&type=applied", "?org=EU&from=2004-01-01&to=2004-12-31"},
		"/api/v1/article5":          {"?lat=21.31&lon=-157.86&date=2024-06-01", "?place=Ceuta", "?lat=35.5&lon=18&target=forces&party=US"},
		"/api/v1/protection/{code}": {"UA", "FI?at=2023-04-04", "UA?as_member=2030-01-01"},
		"/api/v1/timetable/{code}":  {"UA?invited=2027-07-07&runs=5000&seed=3", "UA?invited=2027-07-07&runs=5000&withhold=HU:2029-01-01:0.5&gate=2027-01-01:2027-12-31"},
		"/api/v1/backtest":          {"?runs=2000"},
		"/api/v1/polls/{code}":      {"UA"},
		"/api/v1/border":            {"?with=RU&at=2023-04-04", "?with=BY", "?join=UA"},
		"/api/v1/decide":            {"?rule=consensus&no=HU", "?rule=qmv&org=EU&no=DE,FR,IT,ES", "?rule=unanimity&org=EU&abstain=HU", "?rule=silence"},
		"/api/v1/export/{table}":    {"events", "memberships?format=json", "ratifications"},
		"/api/v1/map":               {"?at=2023-04-04"},
		"/api/v1/claims":            {""},
		"/api/v1/head":              {""},
		"/api/v1/places":            {"?q=Narv", "?q=Hamilton&limit=20", "?q=suwalki"},
	}
	for p := range paths {
		if p == "/api/v1/events/stream" || p == "/api/v1/events" || strings.HasPrefix(p, "/api/v1/exercises/") {
			continue // not JSON answers to an anonymous GET: TestLiveServerSeesRecord, TestRoleRouteMatrix, TestExerciseRoleRouteMatrix
		}
		if _, ok := calls[p]; !ok {
			t.Errorf("OpenAPI path %s is not exercised by this test", p)
		}
	}
	for p, qs := range calls {
		op, ok := paths[p].(map[string]any)
		if !ok {
			t.Errorf("%s is not in the OpenAPI document", p)
			continue
		}
		if _, ok := op["get"]; !ok {
			t.Errorf("%s has no GET", p)
			continue
		}
		schema := schemaAt(t, specBody, "paths", p, "get", "responses", "200", "content", "application/json", "schema")
		for _, q := range qs {
			url := strings.Replace(p, "{code}", "", 1)
			url = strings.Replace(url, "{table}", "", 1)
			if strings.HasSuffix(url, "/") {
				url += q
			} else {
				url += q
			}
			res, body := get(t, url)
			if res.StatusCode != 200 {
				t.Errorf("GET %s: %d %s", url, res.StatusCode, body)
				continue
			}
			if err := validate(schema, body); err != nil {
				t.Errorf("GET %s does not conform: %v", url, err)
			}
		}
	}
}

// schemaAt compiles the JSON Schema at pointer in the OpenAPI document
// (3.1 schemas are JSON Schema 2020-12), with a maintained validator that
// resolves $ref within the document and asserts formats such as date.
func schemaAt(t *testing.T, specBody []byte, pointer ...string) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(specBody))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource("mem:///openapi.json", doc); err != nil {
		t.Fatal(err)
	}
	var frag strings.Builder
	for _, p := range pointer {
		p = strings.ReplaceAll(strings.ReplaceAll(p, "~", "~0"), "/", "~1")
		frag.WriteString("/" + url.PathEscape(p))
	}
	sch, err := c.Compile("mem:///openapi.json#" + frag.String())
	if err != nil {
		t.Fatalf("compile schema %v: %v", pointer, err)
	}
	return sch
}

// validate checks a JSON answer against a compiled schema.
func validate(sch *jsonschema.Schema, body []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return err
	}
	return sch.Validate(v)
}

func TestAnswers(t *testing.T) {
	var st struct {
		Pending []string `json:"pending"`
		Stage   string   `json:"stage"`
	}
	_, b := get(t, "/api/v1/accession/SE?at=2023-06-01")
	json.Unmarshal(b, &st)
	if st.Stage != "ratifying" || strings.Join(st.Pending, ",") != "HU,TR" {
		t.Errorf("Sweden on 2023-06-01: %+v", st)
	}
	var ms []map[string]any
	_, b = get(t, "/api/v1/members?at=2023-04-04")
	json.Unmarshal(b, &ms)
	if len(ms) != 31 {
		t.Errorf("members on 2023-04-04 = %d, want 31", len(ms))
	}
	var v map[string]any
	_, b = get(t, "/api/v1/article5?lat=21.31&lon=-157.86&date=2024-06-01")
	json.Unmarshal(b, &v)
	if v["verdict"] != "not_covered" {
		t.Errorf("Honolulu: %v", v["verdict"])
	}
}

// TestEUAccession reads Ukraine's EU stage and dates from the API.
func TestEUAccession(t *testing.T) {
	var st struct {
		Stage              string   `json:"stage"`
		CandidateStatus    string   `json:"candidate_status"`
		NegotiationsOpened string   `json:"negotiations_opened"`
		Pending            []string `json:"pending"`
	}
	_, b := get(t, "/api/v1/accession/UA?org=EU&at=2026-11-29")
	json.Unmarshal(b, &st)
	if st.Stage != "negotiating" || st.CandidateStatus != "2022-06-23" || st.NegotiationsOpened != "2024-06-25" {
		t.Errorf("Ukraine (EU) on 2026-11-29: %+v, want negotiating, candidate 2022-06-23, negotiations 2024-06-25", st)
	}
	_, b = get(t, "/api/v1/accession/HR?org=EU&at=2013-06-20")
	json.Unmarshal(b, &st)
	if st.Stage != "ratifying" || strings.Join(st.Pending, ",") != "DE" {
		t.Errorf("Croatia (EU) on 2013-06-20: stage %s pending %v, want ratifying [DE]", st.Stage, st.Pending)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		path   string
		status int
		code   string
		msg    string
	}{
		{"/api/v1/members?at=2023-02-30", 400, "EINVALID", "no such day"},
		{"/api/v1/members?org=WTO", 400, "EINVALID", "unknown organisation"},
		{"/api/v1/members?at=2023-01-01&at=2024-01-01", 400, "EINVALID", "given 2 times"},
		{"/api/v1/members?colour=red", 400, "EINVALID", `unknown query parameter "colour"`},
		{"/api/v1/members?at=", 400, "EINVALID", "at is empty"},
		{"/api/v1/history?from=2024-01-01&to=2023-01-01", 400, "EINVALID", "from 2024-01-01 is after to 2023-01-01"},
		{"/api/v1/protection/BR", 400, "EINVALID", "BR is a real ISO code but not in this dataset"},
		{"/api/v1/border?with=PL&at=2024-01-01", 400, "EINVALID", "Poland is a member of NATO"},
		{"/api/v1/accession/XX", 400, "EINVALID", `unknown state code "XX"`},
		{"/api/v1/article5?lat=NaN&lon=0", 400, "EINVALID", "lat"},
		{"/api/v1/article5?lat=91&lon=0", 400, "EINVALID", "from -90 to 90"},
		{"/api/v1/article5?place=Ruritania", 400, "EINVALID", "No place called"},
		{"/api/v1/article5?place=Hamilton", 400, "EINVALID", "Hamilton, Bermuda"},
		{"/api/v1/places", 400, "EINVALID", "Give the start of a place name"},
		{"/api/v1/places?q=Nar&limit=99", 400, "EINVALID", "limit"},
		{"/api/v1/article5?lat=50&lon=10&date=1930-01-01", 400, "EINVALID", "before 1949"},
		{"/api/v1/article5?lat=40&lon=-40&target=forces", 400, "EINVALID", "needs the Party"},
		{"/api/v1/timetable/UA", 400, "EINVALID", "does not forecast invitations"},
		{"/api/v1/timetable/UA?invited=2027-07-07&runs=999999999", 400, "EINVALID", "runs"},
		{"/api/v1/timetable/UA?invited=2027-07-07&withhold=HU", 400, "EINVALID", "want CODE:DATE"},
		{"/api/v1/decide?rule=veto", 400, "EINVALID", "unknown rule"},
		{"/api/v1/export/people", 400, "EINVALID", "unknown table"},
		{"/api/v1/export/events?format=xml", 400, "EINVALID", "want csv or json"},
		{"/api/v1/nothing", 404, "ENOTFOUND", "no such endpoint"},
	} {
		res, body := get(t, tc.path)
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if err := json.Unmarshal(body, &e); err != nil || res.StatusCode != tc.status || e.Error.Code != tc.code || !strings.Contains(e.Error.Message, tc.msg) {
			t.Errorf("GET %s: %d %s; want %d %s %q", tc.path, res.StatusCode, body, tc.status, tc.code, tc.msg)
		}
	}
}

func TestETagAndGzip(t *testing.T) {
	res, body := get(t, "/api/v1/history?state=UA")
	etag := res.Header.Get("ETag")
	if etag == "" || res.StatusCode != 200 {
		t.Fatalf("no ETag: %d %v", res.StatusCode, res.Header)
	}
	res2, _ := get(t, "/api/v1/history?state=UA", "If-None-Match", etag)
	if res2.StatusCode != 304 {
		t.Errorf("If-None-Match with the ETag: %d, want 304", res2.StatusCode)
	}
	res3, gz := get(t, "/api/v1/history?state=UA", "Accept-Encoding", "gzip")
	if res3.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("no gzip: %v", res3.Header)
	}
	zr, err := gzip.NewReader(strings.NewReader(string(gz)))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if string(plain) != string(body) || len(gz) >= len(body) {
		t.Errorf("gzip body differs or is not smaller (%d vs %d)", len(gz), len(body))
	}
	// A different query has a different ETag.
	res4, _ := get(t, "/api/v1/history?state=SE")
	if res4.Header.Get("ETag") == etag {
		t.Error("two queries share an ETag")
	}
}

func TestTimetableStreamsProgress(t *testing.T) {
	req, _ := nethttp.NewRequest("GET", MustServer(t).URL+"/api/v1/timetable/UA?invited=2027-07-07&runs=50000&seed=9", nil)
	req.Header.Set("Accept", "text/event-stream")
	res, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %s", ct)
	}
	progress, result := 0, ""
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	event := ""
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: ") && event == "progress":
			progress++
		case strings.HasPrefix(line, "data: ") && event == "result":
			result = strings.TrimPrefix(line, "data: ")
		}
	}
	if progress < 2 || !strings.Contains(result, `"joined"`) {
		t.Errorf("%d progress events, result %.80s", progress, result)
	}
	// The streamed result equals the plain JSON answer for the same seed.
	_, plain := get(t, "/api/v1/timetable/UA?invited=2027-07-07&runs=50000&seed=9")
	if strings.TrimSpace(string(plain)) != result {
		t.Error("streamed and plain forecasts differ for the same seed")
	}
}

func TestOperations(t *testing.T) {
	res, body := get(t, "/healthz")
	if res.StatusCode != 200 || !strings.Contains(string(body), `"status":"ok"`) {
		t.Errorf("healthz: %d %s", res.StatusCode, body)
	}
	get(t, "/api/v1/members")
	_, m := get(t, "/metrics")
	if !strings.Contains(string(m), `alliance_http_requests_total{code="200",route="members"}`) || !strings.Contains(string(m), "alliance_http_request_duration_seconds_bucket") {
		t.Errorf("metrics:\n%s", m)
	}
}

func TestPages(t *testing.T) {
	for _, tc := range []struct {
		path, want string
		status     int
	}{
		{"/?at=2023-04-04", "31</span> members", 200},
		{"/tracker?candidate=SE&at=2023-06-01", `data-code="HU"`, 200},
		{"/tracker?candidate=UA", "Bucharest Summit", 200},
		{"/tracker?candidate=UA", `<option value="UA" selected>`, 200},
		{"/tracker?candidate=DE", "What the record lacks", 200},
		{"/tracker?candidate=US", "a founding member", 200},
		{"/tracker?candidate=US", `<option value="US" selected>`, 200},
		{"/article5?lat=21.31&lon=-157.86&date=2024-06-01", "NOT COVERED", 200},
		{"/article5?lat=999&lon=0", "from -90 to 90", 400},
		{"/article5?place=suwalki&date=2023-04-04", "Suwałki, Poland", 200},
		{"/article5?place=Hamilton", "Hamilton, Bermuda", 400},
		{"/ukraine", "Ukraine applies for EU membership", 200},
		{"/ukraine?invited=2027-07-07&runs=5000", "Forecast of the joining date", 200},
		{"/ukraine?invited=2027-07-07&runs=5000&hold_member=HU&hold_until=2029-01-01&hold_chance=50", "In 8 of 10 simulated futures Ukraine joins between", 200},
		{"/ukraine?invited=2027-07-07&hold_until=2029-01-01", "choose both the member and the date", 400},
		{"/ukraine?invited=2027-07-07&runs=3000000", "not a number from 1 to 2000000", 400},
		{"/events?state=FI&type=joined", "Finland", 200},
		{"/state/FI?at=2023-04-04", "North Atlantic Treaty, Article 5", 200},
		{"/state/FI?at=2025-01-01", "What Finland owes others on 2025-01-01", 200},
		{"/article5?lat=50.11&lon=8.68&date=1950-06-01&target=forces&party=US", "Article 6 as signed on 4 April 1949", 200},
		{"/state/XX", "unknown state code", 404},
		{"/?at=1900-01-01", "The map starts in 1949", 400},
		{"/no-such-page", "There is no page", 404},
		{"/?at=2023-04-04&utm_source=newsletter", "31</span> members", 200},
		{"/?at=2023-04-04&at=2024-01-01", "given 2 times", 400},
		{"/assets/style.css", "font", 200},
		{"/claims", "82 percent", 200},
	} {
		res, body := get(t, tc.path)
		if res.StatusCode != tc.status || !strings.Contains(string(body), tc.want) {
			t.Errorf("GET %s: %d; want %d containing %q", tc.path, res.StatusCode, tc.status, tc.want)
		}
		if strings.HasPrefix(tc.path, "/assets") {
			continue
		}
		res, gz := get(t, tc.path, "Accept-Encoding", "gzip")
		if res.Header.Get("Content-Encoding") != "gzip" || len(gz) > 500_000 {
			t.Errorf("GET %s: %d bytes transferred (gzip %q); pages must stay under 500 KB", tc.path, len(gz), res.Header.Get("Content-Encoding"))
		}
		if strings.Contains(string(body), "http://") && strings.Contains(string(body), "<script src=\"http") {
			t.Errorf("GET %s loads a script from elsewhere", tc.path)
		}
	}
}

func TestValidatorHasTeeth(t *testing.T) {
	_, specBody := get(t, "/api/v1/openapi.json")
	for _, tc := range []struct {
		schema string
		v      string
	}{
		{"State", `{"code": 1, "name": "x"}`},
		{"State", `{"name": "x"}`},
		{"Membership", `{"code": "FI", "name": "Finland", "joined": "2023-02-30"}`},
		{"Verdict", `{"verdict": "maybe", "clause": "", "reason": "", "party": "US", "place": {"lat": 0, "lon": 0, "kind": "land"}, "obligated": []}`},
	} {
		if err := validate(schemaAt(t, specBody, "components", "schemas", tc.schema), []byte(tc.v)); err == nil {
			t.Errorf("%s accepted %s", tc.schema, tc.v)
		}
	}
}

// TestAPIPage checks that the human-readable reference lists every path of
// the OpenAPI document with an example that works.
func TestAPIPage(t *testing.T) {
	res, body := get(t, "/api")
	if res.StatusCode != 200 {
		t.Fatalf("GET /api: %d", res.StatusCode)
	}
	var spec map[string]any
	_, doc := get(t, "/api/v1/openapi.json")
	if err := json.Unmarshal(doc, &spec); err != nil {
		t.Fatal(err)
	}
	page := string(body)
	for p := range spec["paths"].(map[string]any) {
		if !strings.Contains(page, "<code>"+p+"</code></h3>") {
			t.Errorf("/api does not describe %s", p)
		}
	}
	// Every path has a worked example but the stream (it never ends), the
	// write (it needs a token) and the exercises (they need a seat's secret).
	exercises := 0
	for p := range spec["paths"].(map[string]any) {
		if strings.HasPrefix(p, "/api/v1/exercises/") {
			exercises++
		}
	}
	if n, want := strings.Count(page, "→ 200"), len(spec["paths"].(map[string]any))-2-exercises; n != want {
		t.Errorf("/api has %d examples answering 200, want %d (one per path but the stream and the write)", n, want)
	}
}

// TestWordsForPeople checks that pages and API messages speak to people:
// no command-line flags, commands or repository paths.
func TestWordsForPeople(t *testing.T) {
	for _, path := range []string{"/", "/tracker?candidate=UA", "/tracker?candidate=DE", "/tracker?candidate=SE&at=2023-06-01",
		"/article5?place=Narva", "/article5?place=Hamilton", "/article5?lat=50&lon=-30", "/article5?lat=35&lon=18&target=forces",
		"/ukraine", "/ukraine?invited=2027-07-07&runs=2000", "/claims", "/api", "/api/v1/timetable/FI", "/api/v1/timetable/UA",
		"/api/v1/article5?lat=50&lon=-30", "/api/v1/protection/UA", "/api/v1/places"} {
		_, body := get(t, path)
		for _, bad := range []string{"--invited", "--target", "--party", "--place", "alliance article5", "alliance accession", "`alliance", "data/GAPS.md", ".yaml"} {
			if strings.Contains(string(body), bad) {
				t.Errorf("GET %s says %q", path, bad)
			}
		}
	}
}
