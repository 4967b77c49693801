package main

import (
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// readRoutes are one request for every GET route of the API (each OpenAPI
// path must be here) and every page.
var readRoutes = map[string]string{
	"/api/v1/states":            "/api/v1/states",
	"/api/v1/members":           "/api/v1/members?at=2023-04-04",
	"/api/v1/accession/{code}":  "/api/v1/accession/SE?at=2023-06-01",
	"/api/v1/lags":              "/api/v1/lags?candidate=FI",
	"/api/v1/stages":            "/api/v1/stages",
	"/api/v1/history":           "/api/v1/history?state=UA&type=applied",
	"/api/v1/article5":          "/api/v1/article5?place=Ceuta",
	"/api/v1/places":            "/api/v1/places?q=Narva",
	"/api/v1/protection/{code}": "/api/v1/protection/UA",
	"/api/v1/timetable/{code}":  "/api/v1/timetable/UA?invited=2027-07-07&runs=1000",
	"/api/v1/backtest":          "/api/v1/backtest?runs=500",
	"/api/v1/polls/{code}":      "/api/v1/polls/UA",
	"/api/v1/border":            "/api/v1/border?with=RU",
	"/api/v1/decide":            "/api/v1/decide?rule=consensus",
	"/api/v1/export/{table}":    "/api/v1/export/memberships",
	"/api/v1/map":               "/api/v1/map",
	"/api/v1/claims":            "/api/v1/claims",
	"/api/v1/head":              "/api/v1/head",
	"/api/v1/openapi.json":      "/api/v1/openapi.json",
	"page /":                    "/",
	"page /tracker":             "/tracker?candidate=SE",
	"page /article5":            "/article5",
	"page /ukraine":             "/ukraine",
	"page /events":              "/events",
	"page /claims":              "/claims",
	"page /state":               "/state/FI",
	"healthz":                   "/healthz",
	"metrics":                   "/metrics",
}

const newEventJSON = `[{"date": "2026-07-09", "type": "summit", "org": "NATO", "states": ["UA"],
  "title": "An API test summit", "source": {"url": "https://example.org/api", "title": "A test page", "kind": "news"}}]`

// TestRoleRouteMatrix checks every role against every route on a real
// server: reading is open to all (a bad token on a read is ignored), and
// only an editor's valid token records.
func TestRoleRouteMatrix(t *testing.T) {
	dir := t.TempDir()
	db, cfg := filepath.Join(dir, "auth.db"), filepath.Join(dir, "cfg")
	base := startServerOn(t, db)
	token := func(role, name string) string {
		code, out := runBin(t, cfg, "token", "create", "--role", role, "--name", name, "--db", db, "--json")
		var tk struct{ Token, Name, Role string }
		if code != 0 || json.Unmarshal([]byte(out), &tk) != nil || !strings.HasPrefix(tk.Token, "alliance_") || tk.Role != role {
			t.Fatalf("token create: exit %d, %s", code, out)
		}
		return tk.Token
	}
	editor, reader, revoked := token("editor", "news desk"), token("reader", "partner site"), token("editor", "former intern")
	if code, out := runBin(t, cfg, "token", "revoke", "former intern", "--db", db); code != 0 {
		t.Fatalf("revoke: %d %s", code, out)
	}
	if _, out := runBin(t, cfg, "token", "list", "--db", db); strings.Contains(out, editor[10:20]) {
		t.Error("token list shows a secret")
	}
	roles := map[string]string{"anonymous": "", "reader": reader, "editor": editor, "revoked": revoked, "bogus": "alliance_not-a-real-token"}

	// The API document's paths are all in readRoutes, so a new route joins the matrix.
	res, err := http.Get(base + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	json.NewDecoder(res.Body).Decode(&spec)
	res.Body.Close()
	for p, ops := range spec.Paths {
		// The exercise routes need a seat's secret, not a token: their matrix
		// is TestExerciseRoleRouteMatrix (http).
		if _, ok := ops["get"]; ok && p != "/api/v1/events/stream" && !strings.HasPrefix(p, "/api/v1/exercises/") {
			if _, ok := readRoutes[p]; !ok {
				t.Errorf("GET %s is in the OpenAPI document but not in the matrix", p)
			}
		}
	}
	send := func(method, path, tok, body string) (int, string) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	for role, tok := range roles {
		for name, path := range readRoutes {
			if code, body := send("GET", path, tok, ""); code != 200 {
				t.Errorf("%s GET %s (%s): %d %.200s", role, path, name, code, body)
			}
		}
	}
	for _, tc := range []struct {
		role string
		want int
	}{{"anonymous", 401}, {"bogus", 401}, {"revoked", 401}, {"reader", 403}, {"editor", 201}} {
		code, body := send("POST", "/api/v1/events", roles[tc.role], newEventJSON)
		if code != tc.want {
			t.Errorf("%s POST /api/v1/events: %d %s, want %d", tc.role, code, body, tc.want)
		}
	}
	// The editor again: the same event conflicts and nothing is stored.
	if code, body := send("POST", "/api/v1/events", editor, newEventJSON); code != 409 || !strings.Contains(body, "already recorded") {
		t.Errorf("editor POST of a recorded event: %d %s, want 409", code, body)
	}
	// Bad events: 400 naming the field; nothing stored.
	for body, want := range map[string]string{
		strings.Replace(newEventJSON, `["UA"]`, `["QQ"]`, 1):         `request:1: states: unknown state code \"QQ\"`,
		strings.Replace(newEventJSON, `"kind": "news"`, `"x": 1`, 1): `source.x: unknown field`,
		strings.Replace(newEventJSON, "2026-07-09", "2031-01-01", 1): "is after today",
		`{"date": "2026-07-09"}`:                                     "want a list of entries",
		"[" + strings.Repeat(" ", 2<<20) + "]":                       "larger than",
	} {
		if code, got := send("POST", "/api/v1/events", editor, body); code != 400 || !strings.Contains(got, want) {
			t.Errorf("bad body %.60q: %d %s, want 400 and %q", body, code, got, want)
		}
	}
	// The entry records who wrote it, and the ledger verifies: the server
	// signed it with its key, trusted in the keyring beside the database.
	_, out := send("GET", "/api/v1/history?type=summit&from=2026-07-09", "", "")
	if !strings.Contains(out, "An API test summit") {
		t.Errorf("history after the POST: %s", out)
	}
	if code, out := runBin(t, cfg, "verify", "--db", db); code != 0 || !strings.Contains(out, "1 entries recorded by users") {
		t.Errorf("verify after an API write: exit %d\n%s", code, out)
	}
	if _, out := runBin(t, cfg, "history", "--db", db, "--type", "summit", "--from", "2026-07-09", "--json"); !strings.Contains(out, `"recorder": "news desk"`) {
		t.Errorf("the entry does not name its recorder:\n%s", out)
	}
}
