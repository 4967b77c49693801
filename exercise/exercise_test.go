package exercise_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"alliance"
	"alliance/auth"
	"alliance/data"
	"alliance/datasettest"
	"alliance/exercise"
	"alliance/gazetteer"
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
			if got, want := len(v.Injects), len(sc.Injects); got != want {
				t.Errorf("%d injects arrived, want %d", got, want)
			}
			// The log verifies, and rebuilding the state from it alone gives the
			// same procedures.
			as, err := r.m.Log(ctx, id, auth.Keyring{})
			if alliance.ErrorCode(err) != alliance.ECORRUPT {
				t.Errorf("log checked against an empty keyring: %v, want ECORRUPT", err)
			}
			as, err = r.m.Log(ctx, id, nil)
			must(t, err)
			if got, want := int64(len(as)), v.Entries; got != want {
				t.Errorf("log has %d entries, view says %d", got, want)
			}
		})
	}
}
