package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"alliance/postgres/postgrestest"
)

// exerciseCreds is what `alliance exercise create --json` prints.
type exerciseCreds struct {
	ID          string            `json:"id"`
	Chair       string            `json:"chair"`
	Control     string            `json:"control"`
	Observer    string            `json:"observer"`
	Delegations map[string]string `json:"delegations"`
}

// createExercise creates an exercise of the 2025-airspace scenario on db
// with the CLI.
func createExercise(tb testing.TB, cfg, db string) exerciseCreds {
	tb.Helper()
	code, out := runBin(tb, cfg, "exercise", "create", "--scenario", "2025-airspace", "--json", "--db", db)
	if code != 0 {
		tb.Fatalf("exercise create: exit %d\n%s", code, out)
	}
	var c exerciseCreds
	i := strings.IndexByte(out, '{') // notes (a new key) may come first on stderr
	if i < 0 || json.NewDecoder(strings.NewReader(out[i:])).Decode(&c) != nil || c.ID == "" || c.Chair == "" {
		tb.Fatalf("exercise create printed no credentials:\n%s", out)
	}
	return c
}

// exCall sends one exercise API request with a seat's secret and returns
// the status and body.
func exCall(tb testing.TB, c *http.Client, method, url, secret, body string) (int, []byte) {
	tb.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, url, err)
	}
	return res.StatusCode, b
}

// stateStamp is one `state` event a stream received: the view's entries
// and the data line, when kept.
type stateStamp struct {
	entries int64
	at      time.Time
	data    []byte
}

// exStream reads an exercise's SSE stream (GET …/stream) and keeps the
// state events it receives.
type exStream struct {
	mu     sync.Mutex
	states []stateStamp
	ended  error // set when the stream ended
	keep   bool  // keep the data lines
	notify chan struct{}
}

// openExStream opens the stream of exercise id on base with secret; it
// runs until ctx ends.
func openExStream(ctx context.Context, c *http.Client, base, id, secret string, keep bool) (*exStream, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/exercises/"+id+"/stream", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	res, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return nil, &streamError{res.StatusCode, string(b)}
	}
	s := &exStream{keep: keep, notify: make(chan struct{}, 1)}
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 64<<10), 64<<20)
		event := ""
		for sc.Scan() {
			line := sc.Bytes()
			if v, ok := bytes.CutPrefix(line, []byte("event: ")); ok {
				event = string(v)
				continue
			}
			v, ok := bytes.CutPrefix(line, []byte("data: "))
			if !ok || event != "state" {
				if len(line) == 0 {
					event = ""
				}
				continue
			}
			now := time.Now()
			n := viewEntries(v)
			st := stateStamp{entries: n, at: now}
			if s.keep {
				st.data = slices.Clone(v)
			}
			s.mu.Lock()
			s.states = append(s.states, st)
			s.mu.Unlock()
			select {
			case s.notify <- struct{}{}:
			default:
			}
		}
		s.mu.Lock()
		s.ended = sc.Err()
		if s.ended == nil {
			s.ended = io.EOF
		}
		s.mu.Unlock()
	}()
	return s, nil
}

type streamError struct {
	status int
	body   string
}

func (e *streamError) Error() string { return strconv.Itoa(e.status) + ": " + e.body }

// viewEntries reads the top-level "entries" of a view's JSON without
// decoding the rest (the only "entries" key of a view); -1 when absent.
func viewEntries(v []byte) int64 {
	i := bytes.LastIndex(v, []byte(`"entries":`))
	if i < 0 {
		return -1
	}
	j := i + len(`"entries":`)
	k := j
	for k < len(v) && v[k] >= '0' && v[k] <= '9' {
		k++
	}
	n, err := strconv.ParseInt(string(v[j:k]), 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// reached returns when the stream first received a state covering entries
// (ok false while it has not).
func (s *exStream) reached(entries int64) (time.Time, []byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.states {
		if st.entries >= entries {
			return st.at, st.data, true
		}
	}
	return time.Time{}, nil, false
}

// waitFor waits up to d for a state covering entries.
func (s *exStream) waitFor(entries int64, d time.Duration) ([]byte, bool) {
	deadline := time.After(d)
	for {
		if _, data, ok := s.reached(entries); ok {
			return data, true
		}
		select {
		case <-s.notify:
		case <-deadline:
			return nil, false
		}
	}
}

// procSeq is the entry number in a procedure id "pN".
func procSeq(tb testing.TB, pid string) int64 {
	tb.Helper()
	n, err := strconv.ParseInt(strings.TrimPrefix(pid, "p"), 10, 64)
	if err != nil || !strings.HasPrefix(pid, "p") {
		tb.Fatalf("procedure id %q is not pN", pid)
	}
	return n
}

type exProcedure struct {
	ID       string   `json:"id"`
	Kind     string   `json:"kind"`
	Status   string   `json:"status"`
	Title    string   `json:"title"`
	BrokenBy []string `json:"broken_by"`
	Seq      int64    `json:"seq"`
}

// tableAndBreak has the chair table a draft under silence on base and
// delegation code break it; it returns the procedure as the break's
// answer gives it and the entry number of the break.
func tableAndBreak(t *testing.T, base string, c exerciseCreds, code string) (exProcedure, int64) {
	t.Helper()
	x := base + "/api/v1/exercises/" + c.ID
	st, body := exCall(t, http.DefaultClient, "POST", x+"/procedures", c.Chair,
		`{"kind": "silence", "title": "Statement on the airspace violations", "text": "The Council condemns the violations.", "deadline_minutes": 120}`)
	if st != 201 {
		t.Fatalf("table: %d %s", st, body)
	}
	var opened struct{ ID string }
	if err := json.Unmarshal(body, &opened); err != nil || opened.ID == "" {
		t.Fatalf("table answered %s", body)
	}
	st, body = exCall(t, http.DefaultClient, "POST", x+"/procedures/"+opened.ID+"/break", c.Delegations[code],
		`{"reason": "We cannot accept the second paragraph."}`)
	if st != 200 {
		t.Fatalf("break: %d %s", st, body)
	}
	var p struct {
		exProcedure
		Statements []struct {
			Seat string `json:"seat"`
			Seq  int64  `json:"seq"`
		} `json:"statements"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if p.Status != "broken" || !slices.Equal(p.BrokenBy, []string{code}) {
		t.Fatalf("after %s broke silence on A: status %q, broken_by %v", code, p.Status, p.BrokenBy)
	}
	seq := int64(-1)
	for _, s := range p.Statements {
		if s.Seat == code {
			seq = s.Seq
		}
	}
	if seq < 0 {
		t.Fatalf("no statement of %s in %s", code, body)
	}
	return p.exProcedure, seq
}

// getProcedure reads GET …/procedures/{pid} with secret.
func getProcedure(t *testing.T, base, id, pid, secret string) exProcedure {
	t.Helper()
	st, body := exCall(t, http.DefaultClient, "GET", base+"/api/v1/exercises/"+id+"/procedures/"+pid, secret, "")
	if st != 200 {
		t.Fatalf("GET procedure %s on %s: %d %s", pid, base, st, body)
	}
	var p exProcedure
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestExerciseTwoInstancesOnPostgres runs one exercise on two `serve`
// processes over one PostgreSQL database: a draft the chair tables on A
// and a delegation breaks on A reaches B's stream and B's API within 2 s,
// and the procedure survives a restart of A.
func TestExerciseTwoInstancesOnPostgres(t *testing.T) {
	dsn := postgrestest.MustDatabase(t)
	cfg := filepath.Join(t.TempDir(), "cfg")
	a := startServerProc(t, dsn, nil, "ALLIANCE_CONFIG="+cfg)
	b := startServerProc(t, dsn, nil, "ALLIANCE_CONFIG="+cfg)
	c := createExercise(t, cfg, dsn)
	if len(c.Delegations) != 32 {
		t.Fatalf("%d delegations, want 32", len(c.Delegations))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// B streams to Estonia's delegation before anything happens.
	s, err := openExStream(ctx, http.DefaultClient, b.URL, c.ID, c.Delegations["EE"], true)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.waitFor(1, 5*time.Second); !ok {
		t.Fatal("B's stream sent no first state within 5 s")
	}
	start := time.Now()
	onA, seq := tableAndBreak(t, a.URL, c, "PL")
	data, ok := s.waitFor(seq, 2*time.Second)
	if !ok {
		t.Fatalf("the break (entry %d) on A did not reach B's stream within 2 s of the draft being tabled", seq)
	}
	t.Logf("table and break on A -> B's stream in %v", time.Since(start))
	var v struct {
		Procedures []exProcedure `json:"procedures"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(v.Procedures, func(p exProcedure) bool { return p.ID == onA.ID })
	if i < 0 || v.Procedures[i].Status != "broken" || !slices.Equal(v.Procedures[i].BrokenBy, []string{"PL"}) {
		t.Errorf("B's stream shows procedures %+v, want %s broken by PL", v.Procedures, onA.ID)
	}
	if p := getProcedure(t, b.URL, c.ID, onA.ID, c.Observer); p.Status != onA.Status || !slices.Equal(p.BrokenBy, onA.BrokenBy) {
		t.Errorf("B answers %+v, A answered %+v", p, onA)
	}
	// A restarts: the procedure is read back from the database.
	if err := a.Stop(); err != nil {
		t.Fatal(err)
	}
	a2 := startServerProc(t, dsn, nil, "ALLIANCE_CONFIG="+cfg)
	if p := getProcedure(t, a2.URL, c.ID, onA.ID, c.Delegations["EE"]); p.Status != onA.Status || !slices.Equal(p.BrokenBy, onA.BrokenBy) || p.Title != onA.Title {
		t.Errorf("after A's restart: %+v, before: %+v", p, onA)
	}
	if code, out := runBin(t, cfg, "exercise", "verify", c.ID, "--db", dsn); code != 0 {
		t.Errorf("exercise verify: exit %d\n%s", code, out)
	}
}

// TestExerciseSurvivesRestart: on SQLite, an exercise's procedures and log
// survive a restart of the server.
func TestExerciseSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	cfg := filepath.Join(dir, "cfg") // the folder startServerProc gives serve
	c := createExercise(t, cfg, db)
	srv := startServerProc(t, db, nil)
	before, seq := tableAndBreak(t, srv.URL, c, "EE")
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	srv2 := startServerProc(t, db, nil)
	if p := getProcedure(t, srv2.URL, c.ID, before.ID, c.Chair); p.Status != before.Status || !slices.Equal(p.BrokenBy, before.BrokenBy) || p.Title != before.Title {
		t.Errorf("after the restart: %+v, before: %+v", p, before)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := openExStream(ctx, http.DefaultClient, srv2.URL, c.ID, c.Observer, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.waitFor(seq, 5*time.Second); !ok {
		t.Errorf("the restarted server's stream does not cover entry %d", seq)
	}
	if code, out := runBin(t, cfg, "exercise", "verify", c.ID, "--db", db); code != 0 {
		t.Errorf("exercise verify: exit %d\n%s", code, out)
	}
}

// TestExerciseStreamOutlivesLedgerWrites: an exercise stream shares the
// server's stream hub with the event streams; events recorded in the
// ledger (more than a stream's buffer) must not cut it off.
func TestExerciseStreamOutlivesLedgerWrites(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	cfg := filepath.Join(dir, "cfg")
	c := createExercise(t, cfg, db)
	code, out := runBin(t, cfg, "token", "create", "--role", "editor", "--name", "desk", "--db", db)
	if code != 0 {
		t.Fatalf("token create: %d %s", code, out)
	}
	token := strings.Fields(out)[0]
	srv := startServerProc(t, db, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := openExStream(ctx, http.DefaultClient, srv.URL, c.ID, c.Observer, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.waitFor(1, 5*time.Second); !ok {
		t.Fatal("no first state within 5 s")
	}
	var evs []string
	for i := range 300 {
		evs = append(evs, fmt.Sprintf(`{"date": "2026-07-10", "type": "summit", "org": "NATO", "states": ["UA"], "title": "summit %d",
		  "source": {"url": "https://example.org/x", "title": "x", "kind": "news"}}`, i))
	}
	if st, body := exCall(t, http.DefaultClient, "POST", srv.URL+"/api/v1/events", token, "["+strings.Join(evs, ",")+"]"); st != 201 {
		t.Fatalf("POST events: %d %s", st, body)
	}
	time.Sleep(1500 * time.Millisecond) // the ledger follower publishes within about a second
	st, body := exCall(t, http.DefaultClient, "POST", srv.URL+"/api/v1/exercises/"+c.ID+"/procedures", c.Chair,
		`{"kind": "consensus", "title": "After the summits", "text": "Text."}`)
	if st != 201 {
		t.Fatalf("table: %d %s", st, body)
	}
	var o struct{ ID string }
	json.Unmarshal(body, &o)
	if _, ok := s.waitFor(procSeq(t, o.ID), 3*time.Second); !ok {
		s.mu.Lock()
		defer s.mu.Unlock()
		t.Fatalf("the exercise stream did not see the draft tabled after 300 ledger events (stream ended: %v)", s.ended)
	}
}
