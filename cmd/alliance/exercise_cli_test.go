package main

import (
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestExerciseCLI creates an exercise (the Council seated as on the
// scenario's date), prints its log, verifies it, then tampers with one entry
// and expects verify to exit 3.
func TestExerciseCLI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	code, out, stderr := run(t, db, "exercise", "create", "--scenario", "2003-turkey", "--json")
	if code != 0 {
		t.Fatalf("create: exit %d: %s", code, stderr)
	}
	var creds struct {
		ID          string
		Chair       string
		Delegations map[string]string
	}
	if err := json.Unmarshal([]byte(out), &creds); err != nil {
		t.Fatalf("create --json: %v: %s", err, out)
	}
	if got, want := len(creds.Delegations), 19; got != want {
		t.Fatalf("delegations on 2003-02-06 = %d, want %d", got, want)
	}
	for _, c := range []string{"US", "TR", "FR", "DE", "BE", "PL", "HU", "CZ"} {
		if creds.Delegations[c] == "" {
			t.Errorf("no seat for %s", c)
		}
	}
	if creds.Delegations["SK"] != "" {
		t.Errorf("Slovakia, which joined in 2004, has a seat in 2003")
	}
	if code, _, stderr := run(t, db, "exercise", "create", "--scenario", "1914-sarajevo"); code != 2 || !strings.Contains(stderr, "exercise scenarios") {
		t.Errorf("unknown scenario: exit %d %q, want 2 pointing to `exercise scenarios`", code, stderr)
	}
	code, out, stderr = run(t, db, "exercise", "log", creds.ID)
	if code != 0 || !strings.Contains(out, "19 delegations") {
		t.Fatalf("log: exit %d %s %s", code, out, stderr)
	}
	if code, out, stderr := run(t, db, "exercise", "verify", creds.ID); code != 0 || !strings.Contains(out, "OK") {
		t.Fatalf("verify: exit %d %s %s", code, out, stderr)
	}
	if code, _, _ := run(t, db, "exercise", "verify", "xnosuchthing"); code != 1 {
		t.Errorf("verify of an unknown exercise: exit %d, want 1", code)
	}
	sdb, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	if _, err := sdb.Exec(`DROP TRIGGER exercise_entries_no_update; UPDATE exercise_entries SET body = replace(body, '19', '18') WHERE seq = 1`); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, db, "exercise", "verify", creds.ID); code != 3 || !strings.Contains(stderr, "entry 1") {
		t.Errorf("verify of a tampered log: exit %d %q, want exit 3 naming entry 1", code, stderr)
	}
}
