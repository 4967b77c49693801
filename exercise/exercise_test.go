package exercise_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"alliance"
	"alliance/auth"
	"alliance/data"
	"alliance/datasettest"
	"alliance/exercise"
	"alliance/gazetteer"
	"alliance/rules"
	"alliance/sqlite"
	"alliance/third_party/geonames"
)

// fakeClock is the server's wall clock, moved by the test.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type rig struct {
	m     *exercise.Manager
	store *sqlite.Store
	clock *fakeClock
	key   auth.Key
	path  string
}

var (
	judgeOnce sync.Once
	judge     exercise.Judge
)

func mustRig(tb testing.TB) *rig {
	tb.Helper()
	ix, eng := datasettest.MustEngine(tb)
	judgeOnce.Do(func() {
		g, err := gazetteer.New(ix, eng.States, geonames.Places)
		if err != nil {
			tb.Fatalf("gazetteer: %v", err)
		}
		judge = exercise.NewJudge(eng, ix, g)
	})
	path := filepath.Join(tb.TempDir(), "x.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	key, _, err := auth.LoadOrCreateKey(filepath.Join(tb.TempDir(), "server.key"), "server")
	if err != nil {
		tb.Fatal(err)
	}
	clock := &fakeClock{t: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
	m := exercise.NewManager(exercise.Config{Store: st, Rules: eng, Judge: judge, Key: key, Now: clock.Now})
	return &rig{m: m, store: st, clock: clock, key: key, path: path}
}

func mustScenario(tb testing.TB, name string) (*exercise.Scenario, []byte) {
	tb.Helper()
	states, _ := datasettest.MustHistory(tb)
	b, err := fs.ReadFile(data.FS, "exercises/"+name+".yaml")
	if err != nil {
		tb.Fatal(err)
	}
	sc, err := exercise.ParseScenario("data/exercises/"+name+".yaml", b, states)
	if err != nil {
		tb.Fatalf("parse %s: %v", name, err)
	}
	return sc, b
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// TestScenariosReplayTheRecord plays each shipped scenario with nobody at the
// table but the chair and control: the chair tables each draft once its
// inject has arrived, control runs the clock past every scripted position
// and deadline, the chair closes consensus rounds. The scripted positions
// match the record, so the outcome must be the recorded one.
func TestScenariosReplayTheRecord(t *testing.T) {
	ctx := context.Background()
	names, err := fs.Glob(data.FS, "exercises/*.yaml")
	must(t, err)
	if len(names) < 2 {
		t.Fatalf("%d scenarios shipped, want at least 2", len(names))
	}
	for _, n := range names {
		name := filepath.Base(n[:len(n)-len(".yaml")])
		t.Run(name, func(t *testing.T) {
			r := mustRig(t)
			sc, raw := mustScenario(t, name)
			creds, err := r.m.Create(ctx, sc, raw, exercise.CreateOptions{})
			must(t, err)
			id := creds.ID
			must(t, r.m.Clock(ctx, id, exercise.SeatControl, "start", 0))
			elapsed := 0 // exercise minutes since the clock start
			advanceTo := func(target int) {
				for target > elapsed {
					step := min(target-elapsed, exercise.MaxAdvanceMinutes)
					must(t, r.m.Clock(ctx, id, exercise.SeatControl, "advance", step))
					elapsed += step
				}
			}
			pids := map[string]string{}
			for _, d := range sc.Drafts {
				if d.Inject != "" {
					advanceTo(sc.Inject(d.Inject).AtMinutes)
				}
				pid, err := r.m.Table(ctx, id, exercise.SeatChair, exercise.TableRequest{Draft: d.ID, Acknowledge: true})
				must(t, err)
				pids[d.ID] = pid
				last := d.DeadlineMinutes
				for _, p := range sc.Positions {
					if p.Draft == d.ID {
						last = max(last, p.AfterMinutes)
					}
				}
				advanceTo(elapsed + last + 1)
				p, err := r.m.Procedure(ctx, id, exercise.SeatChair, pid)
				must(t, err)
				if p.Concluded == nil && p.Kind == exercise.ProcConsensus {
					must(t, r.m.Close(ctx, id, exercise.SeatChair, pid))
				}
			}
			for _, p := range sc.Positions {
				if p.Action == exercise.ActArticle4 {
					advanceTo(p.AfterMinutes + 1)
				}
			}
			for _, in := range sc.Injects {
				advanceTo(in.AtMinutes)
			}
			v, err := r.m.View(ctx, id, exercise.SeatObserver)
			must(t, err)
			for _, want := range sc.Record {
				if want.Draft != "" {
					var got *exercise.Procedure
					for _, p := range v.Procedures {
						if p.ID == pids[want.Draft] {
							got = p
						}
					}
					if got == nil {
						t.Fatalf("draft %s was not tabled", want.Draft)
					}
					if got.Status != want.Status || !slices.Equal(got.BrokenBy, want.BrokenBy) && len(want.BrokenBy) > 0 {
						t.Errorf("draft %s: status %s broken by %v, want %s broken by %v (%s)", want.Draft, got.Status, got.BrokenBy, want.Status, want.BrokenBy, got.Reason)
					}
					if got.Concluded == nil {
						t.Errorf("draft %s is not concluded", want.Draft)
					}
					continue
				}
				var requested []string
				for _, p := range v.Procedures {
					if p.Kind == exercise.ProcArticle4 {
						requested = append(requested, p.RequestedBy...)
					}
				}
				slices.Sort(requested)
				if !slices.Equal(requested, want.Article4RequestedBy) {
					t.Errorf("Article 4 requested by %v, want %v", requested, want.Article4RequestedBy)
				}
			}
			for _, p := range v.Procedures {
				if !strings.HasPrefix(p.ID, "p") || len(p.ID) < 2 {
					t.Errorf("procedure %+v has no proper id", p)
				}
			}
			rep, err := r.m.Report(ctx, id)
			must(t, err)
			if got, want := len(rep.Record), len(sc.Record); got != want {
				t.Errorf("report sets %d recorded outcomes beside the play, want %d", got, want)
			}
			for _, l := range rep.Record {
				if !l.Same {
					t.Errorf("report: played %s %v %v, recorded %s %v %v: want the same", l.PlayedStatus, l.PlayedBrokenBy, l.PlayedArticle4, l.Status, l.BrokenBy, l.Article4RequestedBy)
				}
			}
			if got, want := len(v.Injects), len(sc.Injects); got != want {
				t.Errorf("%d injects arrived, want %d", got, want)
			}
			// The log verifies, and an empty keyring trusts none of it.
			_, err = r.m.Log(ctx, id, auth.Keyring{})
			if alliance.ErrorCode(err) != alliance.ECORRUPT {
				t.Errorf("log checked against an empty keyring: %v, want ECORRUPT", err)
			}
			as, err := r.m.Log(ctx, id, nil)
			must(t, err)
			// A scenario is a hypothesis: playing it records no fact.
			if facts, err := r.store.Entries(ctx); err != nil || len(facts) != 0 {
				t.Errorf("the facts ledger holds %d entries after the exercise (%v), want 0", len(facts), err)
			}
			if got, want := int64(len(as)), v.Entries; got != want {
				t.Errorf("log has %d entries, view says %d", got, want)
			}
		})
	}
}

// kyivScenario is a test scenario whose inject is an attack on Kyiv, a
// place Article 5 does not cover, and one on Tallinn, which it does.
const kyivScenario = `name: Test scenario
date: 2024-03-07
summary: A test.
clock: {start: 2024-03-07T09:00:00Z, speed: 1}
injects:
  - id: kyiv
    at_minutes: 0
    title: Missiles strike Kyiv
    text: Missiles strike Kyiv.
    lat: 50.45
    lon: 30.52
    source: {url: "https://www.nato.int/", title: NATO, kind: official}
  - id: tallinn
    at_minutes: 0
    title: Missiles strike Tallinn
    text: Missiles strike Tallinn.
    place: Tallinn
    source: {url: "https://www.nato.int/", title: NATO, kind: official}
drafts: []
`

// TestRulesOfTheCouncil checks the procedures the server enforces.
func TestRulesOfTheCouncil(t *testing.T) {
	ctx := context.Background()
	r := mustRig(t)
	states, _ := datasettest.MustHistory(t)
	sc, err := exercise.ParseScenario("test.yaml", []byte(kyivScenario), states)
	must(t, err)
	c, err := r.m.Create(ctx, sc, []byte(kyivScenario), exercise.CreateOptions{})
	must(t, err)
	id := c.ID
	if got, want := len(c.Delegations), 32; got != want {
		t.Fatalf("delegations on 2024-03-07 = %d, want %d (Sweden joined that day)", got, want)
	}
	must(t, r.m.Clock(ctx, id, exercise.SeatControl, "start", 0))
	code := func(err error) string { return alliance.ErrorCode(err) }

	t.Run("article5 only by consensus", func(t *testing.T) {
		_, err := r.m.Table(ctx, id, exercise.SeatChair, exercise.TableRequest{Kind: exercise.ProcSilence, Decision: exercise.DecisionArticle5, Text: "Invoke", DeadlineMinutes: 10, Inject: "tallinn"})
		if code(err) != alliance.EINVALID {
			t.Fatalf("article5 under silence: %v, want EINVALID", err)
		}
	})
	t.Run("article5 for a place not covered needs the chair's acknowledgement", func(t *testing.T) {
		_, err := r.m.Table(ctx, id, exercise.SeatChair, exercise.TableRequest{Kind: exercise.ProcConsensus, Decision: exercise.DecisionArticle5, Text: "Invoke Article 5", Inject: "kyiv"})
		if code(err) != alliance.ECONFLICT || !strings.Contains(alliance.ErrorMessage(err), "not_covered") {
			t.Fatalf("unacknowledged: %v, want ECONFLICT quoting the verdict", err)
		}
		pid, err := r.m.Table(ctx, id, exercise.SeatChair, exercise.TableRequest{Kind: exercise.ProcConsensus, Decision: exercise.DecisionArticle5, Text: "Invoke Article 5", Inject: "kyiv", Acknowledge: true})
		must(t, err)
		p, err := r.m.Procedure(ctx, id, "PL", pid)
		must(t, err)
		if p.Verdict == nil || p.Verdict.Covered || !p.Acknowledged {
			t.Fatalf("verdict shown = %+v, acknowledged %v; want not covered, acknowledged", p.Verdict, p.Acknowledged)
		}
		pid2, err := r.m.Table(ctx, id, exercise.SeatChair, exercise.TableRequest{Kind: exercise.ProcConsensus, Decision: exercise.DecisionArticle5, Text: "Invoke Article 5", Inject: "tallinn"})
		must(t, err)
		p, err = r.m.Procedure(ctx, id, "EE", pid2)
		must(t, err)
		if p.Verdict == nil || !p.Verdict.Covered || p.Acknowledged {
			t.Fatalf("Tallinn verdict = %+v; want covered, nothing to acknowledge", p.Verdict)
		}
		// One break blocks consensus.
		must(t, r.m.Agree(ctx, id, "EE", pid2, ""))
		must(t, r.m.Break(ctx, id, "HU", pid2, "We want more information first."))
		must(t, r.m.Close(ctx, id, exercise.SeatChair, pid2))
		p, err = r.m.Procedure(ctx, id, "EE", pid2)
		must(t, err)
		if p.Status != exercise.StatusBroken || strings.Join(p.BrokenBy, ",") != "HU" {
			t.Fatalf("after HU's break: %s by %v, want broken by HU", p.Status, p.BrokenBy)
		}
	})
	t.Run("consensus passes with a footnote when every Ally has spoken", func(t *testing.T) {
		pid, err := r.m.Table(ctx, id, exercise.SeatChair, exercise.TableRequest{Kind: exercise.ProcConsensus, Text: "The Council condemns the strike on Kyiv."})
		must(t, err)
		if err := r.m.Agree(ctx, id, exercise.SeatChair, pid, ""); code(err) != alliance.EFORBIDDEN {
			t.Fatalf("the chair agreeing: %v, want EFORBIDDEN", err)
		}
		for code := range c.Delegations {
			foot := ""
			if code == "TR" {
				foot = "Türkiye recalls its position on the Black Sea straits."
			}
			must(t, r.m.Agree(ctx, id, code, pid, foot))
		}
		p, err := r.m.Procedure(ctx, id, "TR", pid)
		must(t, err)
		if p.Status != exercise.StatusAgreed || p.Concluded == nil {
			t.Fatalf("after 32 agreements: %s (concluded %v), want agreed", p.Status, p.Concluded)
		}
		if err := r.m.Break(ctx, id, "HU", pid, "late"); code(err) != alliance.ECONFLICT {
			t.Fatalf("break after the round concluded: %v, want ECONFLICT", err)
		}
	})
	t.Run("silence", func(t *testing.T) {
		pid, err := r.m.Table(ctx, id, exercise.SeatChair, exercise.TableRequest{Kind: exercise.ProcSilence, Text: "A statement.", DeadlineMinutes: 30})
		must(t, err)
		if err := r.m.Agree(ctx, id, "PL", pid, ""); code(err) != alliance.EINVALID {
			t.Fatalf("agreeing under silence: %v, want EINVALID", err)
		}
		if err := r.m.Break(ctx, id, "PL", pid, ""); code(err) != alliance.EINVALID {
			t.Fatalf("a break without a reason: %v, want EINVALID", err)
		}
		if err := r.m.Break(ctx, id, "RU", pid, "x"); code(err) != alliance.EFORBIDDEN {
			t.Fatalf("a non-member breaking: %v, want EFORBIDDEN", err)
		}
		// The deadline is on the server's clock: real time passes, not a
		// button. The exercise clock runs at speed 1.
		r.clock.Add(31 * time.Minute)
		if err := r.m.Break(ctx, id, "PL", pid, "too late"); code(err) != alliance.ECONFLICT {
			t.Fatalf("break after the deadline: %v, want ECONFLICT", err)
		}
		p, err := r.m.Procedure(ctx, id, "PL", pid)
		must(t, err)
		if p.Status != exercise.StatusAgreed {
			t.Fatalf("silence kept to the deadline: %s, want agreed", p.Status)
		}
	})
	t.Run("secrets", func(t *testing.T) {
		if seat, err := r.m.Authenticate(ctx, id, c.Delegations["PL"]); err != nil || seat != "PL" {
			t.Fatalf("PL's secret opens %q, %v", seat, err)
		}
		fresh, err := r.m.Reissue(ctx, id, exercise.SeatControl, "PL")
		must(t, err)
		if _, err := r.m.Authenticate(ctx, id, c.Delegations["PL"]); code(err) != alliance.EUNAUTHORIZED {
			t.Fatalf("the old secret after reissue: %v, want EUNAUTHORIZED", err)
		}
		if seat, err := r.m.Authenticate(ctx, id, fresh); err != nil || seat != "PL" {
			t.Fatalf("the new secret opens %q, %v", seat, err)
		}
		must(t, r.m.End(ctx, id, exercise.SeatControl))
		if _, err := r.m.Authenticate(ctx, id, c.Chair); code(err) != alliance.EUNAUTHORIZED {
			t.Fatalf("a secret after the end: %v, want EUNAUTHORIZED", err)
		}
	})
}

// TestTamperedLogIsCorrupt changes one stored action the way someone
// holding the database file could (dropping the append-only trigger), and
// expects the log to fail its check with ECORRUPT.
func TestTamperedLogIsCorrupt(t *testing.T) {
	ctx := context.Background()
	r := mustRig(t)
	sc, raw := mustScenario(t, "2003-turkey")
	c, err := r.m.Create(ctx, sc, raw, exercise.CreateOptions{})
	must(t, err)
	must(t, r.m.Clock(ctx, c.ID, exercise.SeatControl, "start", 0))
	pid, err := r.m.Table(ctx, c.ID, exercise.SeatChair, exercise.TableRequest{Draft: "turkey-defensive-planning"})
	must(t, err)
	must(t, r.m.Break(ctx, c.ID, "FR", pid, "Diplomacy needs more time."))
	if _, err := r.m.Log(ctx, c.ID, nil); err != nil {
		t.Fatalf("untouched log: %v", err)
	}
	db, err := sql.Open("sqlite", r.path)
	must(t, err)
	defer db.Close()
	_, err = db.Exec(`DROP TRIGGER exercise_entries_no_update; UPDATE exercise_entries SET body = replace(body, 'FR', 'DE') WHERE exercise = ? AND seq = (SELECT max(seq) FROM exercise_entries WHERE exercise = ?)`, c.ID, c.ID)
	must(t, err)
	m2 := exercise.NewManager(exercise.Config{Store: r.store, Rules: mustEngine(t), Key: r.key, Now: r.clock.Now})
	if _, err := m2.Log(ctx, c.ID, nil); alliance.ErrorCode(err) != alliance.ECORRUPT {
		t.Fatalf("tampered log: %v, want ECORRUPT", err)
	}
}

func mustEngine(tb testing.TB) *rules.Engine {
	_, eng := datasettest.MustEngine(tb)
	return eng
}

// FuzzParseScenario: any bytes give a scenario or an EINVALID error, never
// a panic.
func FuzzParseScenario(f *testing.F) {
	names, _ := fs.Glob(data.FS, "exercises/*.yaml")
	for _, n := range names {
		b, _ := fs.ReadFile(data.FS, n)
		f.Add(b)
	}
	f.Add([]byte(kyivScenario))
	f.Add([]byte("name: x\ndate: 2024-13-01\n"))
	states, _ := datasettest.MustHistory(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		sc, err := exercise.ParseScenario("fuzz.yaml", b, states)
		if err != nil {
			if alliance.ErrorCode(err) != alliance.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		if sc.Speed < 1 || sc.Speed > exercise.MaxSpeed {
			t.Fatalf("speed %v accepted", sc.Speed)
		}
	})
}

// FuzzOpenLog: any stored bytes give actions or an ECORRUPT error, never a
// panic; a log that opens has its sequence in order.
func FuzzOpenLog(f *testing.F) {
	ctx := context.Background()
	r := mustRig(f)
	sc, raw := mustScenario(f, "2003-turkey")
	c, err := r.m.Create(ctx, sc, raw, exercise.CreateOptions{})
	if err != nil {
		f.Fatal(err)
	}
	if err := r.m.Clock(ctx, c.ID, exercise.SeatControl, "start", 0); err != nil {
		f.Fatal(err)
	}
	es, err := r.store.ExerciseEntries(ctx, c.ID, 0)
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range es {
		f.Add(e.Body, int64(len(es)))
	}
	f.Add([]byte(`{"action":{"seq":1},"signer":"","sig":""}`), int64(1))
	f.Fuzz(func(t *testing.T, body []byte, at int64) {
		// Replace one entry's body (re-chained, so only the body's own
		// checks can refuse it).
		n := int(at%int64(len(es))+int64(len(es))) % len(es)
		var prev []byte
		out := make([]alliance.Entry, len(es))
		for i, e := range es {
			b := e.Body
			if i == n {
				b = body
			}
			h := sha256.Sum256(append(append([]byte{}, prev...), b...))
			out[i] = alliance.Entry{Seq: e.Seq, Body: b, Hash: h[:]}
			prev = h[:]
		}
		as, err := exercise.Open(c.ID, out, nil)
		if err != nil {
			if alliance.ErrorCode(err) != alliance.ECORRUPT {
				t.Fatalf("error %v is not ECORRUPT", err)
			}
			return
		}
		for i, a := range as {
			if a.Seq != int64(i+1) {
				t.Fatalf("opened a log out of sequence")
			}
		}
	})
}
