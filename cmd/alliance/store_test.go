package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"alliance"
	"alliance/ledger"
	"alliance/postgres/postgrestest"
)

// TestPostgresCommands runs record, head, verify and export against a fresh
// PostgreSQL database, given as --db and as ALLIANCE_DB, and checks that no
// output shows the URL's password.
func TestPostgresCommands(t *testing.T) {
	dsn := postgrestest.MustDatabase(t)
	// Trust authentication ignores the password: it is there to be hidden.
	withPW := strings.Replace(dsn, "://postgres@", "://postgres:s3cret-pw@", 1)
	if withPW == dsn {
		t.Skip("ALLIANCE_TEST_POSTGRES_DSN is not postgres://postgres@...: cannot add a password to it")
	}
	dir := t.TempDir()
	cfg, file, headFile := filepath.Join(dir, "cfg"), filepath.Join(dir, "e.yaml"), filepath.Join(dir, "head.json")
	os.WriteFile(file, []byte(summitYAML), 0o644)
	var all strings.Builder
	mustRun := func(args ...string) string {
		t.Helper()
		code, out := runBin(t, cfg, args...)
		all.WriteString(out)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s", strings.Join(args, " "), code, out)
		}
		return out
	}
	out := mustRun("record", file, "--db", withPW)
	if !strings.Contains(out, "1 events recorded in postgres://postgres@") {
		t.Errorf("record: %s, want it to name the database without the password", out)
	}
	os.WriteFile(headFile, []byte(mustRun("head", "--db", withPW, "--json")), 0o644)
	out = mustRun("verify", "--db", withPW, "--against", headFile)
	if !strings.Contains(out, "1 entries recorded by users, each signed") || !strings.Contains(out, "extends the saved head") {
		t.Errorf("verify: %s", out)
	}
	out = mustRun("export", "events", "--db", withPW)
	if !strings.Contains(out, "A concurrency test summit") {
		t.Errorf("export events lacks the recorded event:\n%.300s", out)
	}
	// The same through ALLIANCE_DB, with the postgresql:// scheme.
	code, out := runBinEnv(t, cfg, []string{"ALLIANCE_DB=" + strings.Replace(withPW, "postgres://", "postgresql://", 1)}, "head")
	all.WriteString(out)
	if code != 0 || len(strings.Fields(out)) != 2 {
		t.Errorf("head through ALLIANCE_DB: exit %d, %q", code, out)
	}
	code, out = runBin(t, cfg, "record", file, "--db", withPW)
	all.WriteString(out)
	if code != 0 || !strings.Contains(out, "already recorded, skipped") {
		t.Errorf("record again: exit %d, %q; want it skipped", code, out)
	}
	if strings.Contains(all.String(), "s3cret") {
		t.Errorf("the password shows in the output:\n%s", all.String())
	}

	// verify refuses what is not a ledger (exit 3), and a missing database (exit 1).
	other := postgrestest.MustDatabase(t)
	if code, out := runBin(t, cfg, "verify", "--db", other); code != 3 || !strings.Contains(out, "left untouched") {
		t.Errorf("verify of an empty database: exit %d, %q; want 3", code, out)
	}
	missing := postgrestest.WithDatabase(t, dsn, "alliance_test_missing")
	if code, out := runBin(t, cfg, "verify", "--db", missing); code != 1 || !strings.Contains(out, "no database") {
		t.Errorf("verify of a missing database: exit %d, %q; want 1", code, out)
	}
	if code, out := runBin(t, cfg, "head", "--db", "postgres://postgres:s3cret-pw@127.0.0.1:1/x?connect_timeout=5"); code != 2 || !strings.Contains(out, "127.0.0.1:1") || strings.Contains(out, "s3cret") {
		t.Errorf("head on a closed port: exit %d, %q; want 2 naming the host, not the password", code, out)
	}
}

// runBinEnv is runBin with more environment, which comes last and wins.
func runBinEnv(t *testing.T, cfg string, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(MustBinary(t), args...)
	cmd.Env = append(append(os.Environ(), "ALLIANCE_CONFIG="+cfg, "ALLIANCE_DB="), env...)
	out, err := cmd.CombinedOutput()
	code := 0
	if e, ok := err.(*exec.ExitError); ok {
		code = e.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, string(out)
}

// TestPostgresTamper rewrites one dataset entry in PostgreSQL with plain SQL,
// as someone holding the database can (triggers disabled, chain recomputed):
// verify fails with exit 3 naming the event.
func TestPostgresTamper(t *testing.T) {
	ctx := context.Background()
	dsn := postgrestest.MustDatabase(t)
	cfg := filepath.Join(t.TempDir(), "cfg")
	if code, out := runBin(t, cfg, "head", "--db", dsn); code != 0 {
		t.Fatalf("head: exit %d\n%s", code, out)
	}
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	rows, _ := c.Query(ctx, "SELECT body FROM entries ORDER BY seq")
	bodies, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		t.Fatal(err)
	}
	var recs []*alliance.Record
	for _, b := range bodies {
		r, err := ledger.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	recs[6].Title += " (edited)"
	tx, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"ALTER TABLE entries DISABLE TRIGGER USER", "DELETE FROM facts", "DELETE FROM entries"} {
		if _, err := tx.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var prev []byte
	for _, r := range recs {
		body := ledger.Encode(r)
		h := ledger.Chain(prev, body)
		if _, err := tx.Exec(ctx, "INSERT INTO entries (seq, body, hash) VALUES ($1, $2, $3)", r.Seq, body, h); err != nil {
			t.Fatal(err)
		}
		prev = h
	}
	if _, err := tx.Exec(ctx, "ALTER TABLE entries ENABLE TRIGGER USER"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	code, out := runBin(t, cfg, "verify", "--db", dsn)
	if code != 3 || !strings.Contains(out, "event 7 ") {
		t.Errorf("verify after a rewritten entry: exit %d, %q; want exit 3 naming event 7", code, out)
	}
}

// TestPostgresConcurrentRecorders records the same event from four processes
// at once on a new PostgreSQL database (so they also create its schema and
// load the dataset at once), as instances started together would: every
// process succeeds, the event is stored exactly once, and the ledger verifies.
func TestPostgresConcurrentRecorders(t *testing.T) {
	dsn := postgrestest.MustDatabase(t)
	dir := t.TempDir()
	cfg, file := filepath.Join(dir, "cfg"), filepath.Join(dir, "e.yaml")
	os.WriteFile(file, []byte(summitYAML), 0o644)
	var wg sync.WaitGroup
	outs := make([]string, 4)
	codes := make([]int, 4)
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], outs[i] = runBin(t, cfg, "record", file, "--db", dsn)
		}()
	}
	wg.Wait()
	recorded := 0
	for i := range outs {
		if codes[i] != 0 {
			t.Fatalf("recorder %d: exit %d\n%s", i, codes[i], outs[i])
		}
		if strings.Contains(outs[i], "1 events recorded") {
			recorded++
		} else if !strings.Contains(outs[i], "already recorded, skipped") {
			t.Errorf("recorder %d neither recorded nor skipped:\n%s", i, outs[i])
		}
	}
	if recorded != 1 {
		t.Errorf("%d processes say they recorded the event, want 1", recorded)
	}
	_, out := runBin(t, cfg, "history", "--db", dsn, "--type", "summit", "--from", "2026-07-08", "--json")
	if got := strings.Count(out, "A concurrency test summit"); got != 1 {
		t.Errorf("event stored %d times, want 1", got)
	}
	if code, out := runBin(t, cfg, "verify", "--db", dsn); code != 0 {
		t.Errorf("verify: exit %d\n%s", code, out)
	}
}
