package http_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	nethttp "net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"alliance/auth"
	"alliance/data"
	"alliance/datasettest"
	"alliance/exercise"
	alliancehttp "alliance/http"
	"alliance/sqlite"
)

// exerciseRig is a server over a real SQLite file with an exercise
// manager.
type exerciseRig struct {
	srv *httptest.Server
	m   *exercise.Manager
	sc  *exercise.Scenario
	raw []byte
}

func mustExerciseRig(t *testing.T) *exerciseRig {
	t.Helper()
	_, eng := datasettest.MustEngine(t)
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	key, _, err := auth.LoadOrCreateKey(filepath.Join(t.TempDir(), "server.key"), "server")
	if err != nil {
		t.Fatal(err)
	}
	m := exercise.NewManager(exercise.Config{Store: st, Rules: eng, Key: key})
	svc := *MustService(t)
	svc.Exercises = m
	srv := httptest.NewServer(alliancehttp.NewServerWith(&svc, slog.New(slog.NewTextHandler(io.Discard, nil)),
		alliancehttp.Options{WritesPerMinute: 1e6, WriteBurst: 1e6}).Handler())
	t.Cleanup(srv.Close)
	raw, err := fs.ReadFile(data.FS, "exercises/2025-airspace.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := exercise.ParseScenario("2025-airspace.yaml", raw, eng.States)
	if err != nil {
		t.Fatal(err)
	}
	return &exerciseRig{srv: srv, m: m, sc: sc, raw: raw}
}

func (r *exerciseRig) call(t *testing.T, method, path, secret, body string) (int, []byte) {
	t.Helper()
	req, err := nethttp.NewRequest(method, r.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if strings.HasSuffix(path, "/stream") && res.StatusCode == 200 {
		// The first event is enough: the stream never ends.
		line, _ := bufio.NewReader(res.Body).ReadString('\n')
		return res.StatusCode, []byte(line)
	}
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// TestExerciseRoleRouteMatrix tries every kind of seat (and no secret, a
// revoked one and another exercise's) against every exercise route, each
// on a fresh exercise in the same state, and checks the status: 401 without
// a valid secret, 403 for the wrong role or another exercise's secret, and
// the route's success code for the right role. Successful answers must
// conform to the OpenAPI document.
func TestExerciseRoleRouteMatrix(t *testing.T) {
	r := mustExerciseRig(t)
	ctx := context.Background()
	_, specBody := get(t, "/api/v1/openapi.json")
	type route struct {
		name, method, path, body string
		ok                       map[string]int // role -> success status; others 403
		schema                   []string       // OpenAPI path and method of the 2xx answer
	}
	anySeat := map[string]int{"chair": 200, "control": 200, "observer": 200, "delegation": 200}
	seats := map[string]int{"chair": 200, "control": 200, "delegation": 200}
	routes := []route{
		{"view", "GET", "", "", anySeat, []string{"/api/v1/exercises/{id}", "get", "200"}},
		{"procedure", "GET", "/procedures/{draft}", "", anySeat, []string{"/api/v1/exercises/{id}/procedures/{pid}", "get", "200"}},
		{"table", "POST", "/procedures", `{"kind":"silence","title":"Statement on the airspace violations","text":"The Council condemns the violations.","deadline_minutes":60}`, map[string]int{"chair": 201}, []string{"/api/v1/exercises/{id}/procedures", "post", "201"}},
		{"article4", "POST", "/procedures", `{"kind":"article4","text":"We ask for consultations."}`, map[string]int{"delegation": 201}, []string{"/api/v1/exercises/{id}/procedures", "post", "201"}},
		{"break", "POST", "/procedures/{draft}/break", `{"reason":"Not yet."}`, map[string]int{"delegation": 200}, []string{"/api/v1/exercises/{id}/procedures/{pid}/{act}", "post", "200"}},
		{"agree", "POST", "/procedures/{draft}/agree", `{"footnote":"We add a statement."}`, map[string]int{"delegation": 200}, []string{"/api/v1/exercises/{id}/procedures/{pid}/{act}", "post", "200"}},
		{"convene", "POST", "/procedures/{a4}/convene", `{}`, map[string]int{"chair": 200}, []string{"/api/v1/exercises/{id}/procedures/{pid}/{act}", "post", "200"}},
		{"close", "POST", "/procedures/{draft}/close", `{}`, map[string]int{"chair": 200}, []string{"/api/v1/exercises/{id}/procedures/{pid}/{act}", "post", "200"}},
		{"clock", "POST", "/clock", `{"advance_minutes":5}`, map[string]int{"control": 200}, []string{"/api/v1/exercises/{id}/clock", "post", "200"}},
		{"fire", "POST", "/injects/saceur-briefing/fire", ``, map[string]int{"control": 200}, []string{"/api/v1/exercises/{id}/injects/{inject}/fire", "post", "200"}},
		{"reissue", "POST", "/seats/HU/reissue", ``, map[string]int{"control": 200}, []string{"/api/v1/exercises/{id}/seats/{seat}/{op}", "post", "200"}},
		{"revoke", "POST", "/seats/HU/revoke", ``, map[string]int{"control": 200}, []string{"/api/v1/exercises/{id}/seats/{seat}/{op}", "post", "200"}},
		{"end", "POST", "/end", ``, map[string]int{"control": 200}, []string{"/api/v1/exercises/{id}/end", "post", "200"}},
		{"log", "GET", "/log", "", seats, []string{"/api/v1/exercises/{id}/log", "get", "200"}},
		{"report", "GET", "/report", "", seats, []string{"/api/v1/exercises/{id}/report", "get", "200"}},
		{"stream", "GET", "/stream", "", anySeat, nil},
	}
	roles := []string{"chair", "control", "observer", "delegation", "none", "revoked", "other-exercise"}
	other, err := r.m.Create(ctx, r.sc, r.raw, exercise.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range routes {
		for _, role := range roles {
			t.Run(rt.name+"/"+role, func(t *testing.T) {
				// A fresh exercise in the same state for every cell: the clock
				// runs, Estonia has asked for Article 4 consultations, and a
				// draft is in a consensus round.
				c, err := r.m.Create(ctx, r.sc, r.raw, exercise.CreateOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if err := r.m.Clock(ctx, c.ID, exercise.SeatControl, "start", 0); err != nil {
					t.Fatal(err)
				}
				a4, err := r.m.Request(ctx, c.ID, "EE", "Russian MiG-31s in Estonian airspace.", "")
				if err != nil {
					t.Fatal(err)
				}
				draft, err := r.m.Table(ctx, c.ID, exercise.SeatChair, exercise.TableRequest{Kind: exercise.ProcConsensus, Title: "A statement", Text: "The Council condemns the violations."})
				if err != nil {
					t.Fatal(err)
				}
				secret := map[string]string{"chair": c.Chair, "control": c.Control, "observer": c.Observer, "delegation": c.Delegations["PL"],
					"revoked": c.Delegations["LT"], "other-exercise": other.Delegations["PL"]}[role]
				if role == "revoked" {
					if err := r.m.Revoke(ctx, c.ID, exercise.SeatControl, "LT"); err != nil {
						t.Fatal(err)
					}
				}
				path := "/api/v1/exercises/" + c.ID + strings.NewReplacer("{draft}", draft, "{a4}", a4).Replace(rt.path)
				code, body := r.call(t, rt.method, path, secret, rt.body)
				want := 403
				switch {
				case role == "none" || role == "revoked":
					want = 401
				case rt.ok[role] != 0:
					want = rt.ok[role]
				}
				if code != want {
					t.Fatalf("%s %s as %s: %d %s, want %d", rt.method, rt.path, role, code, body, want)
				}
				if code < 300 && rt.schema != nil {
					sch := schemaAt(t, specBody, "paths", rt.schema[0], rt.schema[1], "responses", rt.schema[2], "content", "application/json", "schema")
					if err := validate(sch, body); err != nil {
						t.Errorf("%s %s answer does not conform to the OpenAPI document: %v", rt.method, rt.path, err)
					}
				}
				if code >= 400 {
					var e struct {
						Error struct{ Code, Message string }
					}
					if json.Unmarshal(body, &e) != nil || e.Error.Message == "" {
						t.Errorf("error answer is not {error:{code,message}}: %s", body)
					}
					if secret != "" && strings.Contains(string(body), secret) {
						t.Errorf("the error answer quotes the secret")
					}
				}
			})
		}
	}
}

// TestExerciseSilenceOverHTTP follows the acceptance checks: a
// draft under silence, a break before the deadline, 409 after it, and the
// procedure's status as any seat sees it.
func TestExerciseSilenceOverHTTP(t *testing.T) {
	r := mustExerciseRig(t)
	ctx := context.Background()
	c, err := r.m.Create(ctx, r.sc, r.raw, exercise.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	base := "/api/v1/exercises/" + c.ID
	if code, body := r.call(t, "POST", base+"/clock", c.Control, `{"action":"start"}`); code != 200 {
		t.Fatalf("start clock: %d %s", code, body)
	}
	code, body := r.call(t, "POST", base+"/procedures", c.Chair, `{"kind":"silence","text":"The Council condemns the violation of Polish airspace.","deadline_minutes":60}`)
	if code != 201 {
		t.Fatalf("table: %d %s", code, body)
	}
	var opened struct{ ID string }
	json.Unmarshal(body, &opened)
	if code, body := r.call(t, "POST", base+"/procedures/"+opened.ID+"/break", c.Delegations["HU"], `{"reason":"We need instructions from the capital."}`); code != 200 {
		t.Fatalf("break before the deadline: %d %s", code, body)
	}
	if code, body := r.call(t, "POST", base+"/clock", c.Control, `{"advance_minutes":61}`); code != 200 {
		t.Fatalf("advance: %d %s", code, body)
	}
	if code, body := r.call(t, "POST", base+"/procedures/"+opened.ID+"/break", c.Delegations["SK"], `{"reason":"Too late."}`); code != 409 {
		t.Fatalf("break after the deadline: %d %s, want 409", code, body)
	}
	code, body = r.call(t, "GET", base+"/procedures/"+opened.ID, c.Delegations["PL"], "")
	var p exercise.Procedure
	if err := json.Unmarshal(body, &p); err != nil || code != 200 {
		t.Fatalf("get procedure: %d %s", code, body)
	}
	if p.Status != "broken" || strings.Join(p.BrokenBy, ",") != "HU" || p.Concluded == nil {
		t.Fatalf("procedure = %s broken by %v (concluded %v), want broken by [HU], concluded at the deadline", p.Status, p.BrokenBy, p.Concluded)
	}
	// A body that is not the expected JSON is a 400 that says why.
	if code, body := r.call(t, "POST", base+"/procedures/"+opened.ID+"/break", c.Delegations["SK"], `{"reason":"x","vote":"no"}`); code != 400 || !strings.Contains(string(body), "vote") {
		t.Fatalf("unknown field: %d %s, want 400 naming the field", code, body)
	}
}
