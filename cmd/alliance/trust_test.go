package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"alliance"
	"alliance/ledger"
)

// runBin runs the real binary with its own environment and returns exit
// code and combined output.
func runBin(t testing.TB, cfg string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(MustBinary(t), args...)
	cmd.Env = append(os.Environ(), "ALLIANCE_CONFIG="+cfg, "ALLIANCE_DB=")
	out, err := cmd.CombinedOutput()
	code := 0
	if e, ok := err.(*exec.ExitError); ok {
		code = e.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, string(out)
}

const summitYAML = `- date: 2026-07-08
  type: summit
  org: NATO
  states: [UA]
  title: A concurrency test summit
  source:
    url: https://example.org/summit
    title: A test page
    kind: news
`

// TestConcurrentRecorders records the same event from four processes at once
// on a new database (so they also create it at once): every process
// succeeds, the event is stored exactly once, and the ledger verifies.
func TestConcurrentRecorders(t *testing.T) {
	for round := 0; round < 3; round++ {
		dir := t.TempDir()
		db, cfg, file := filepath.Join(dir, "a.db"), filepath.Join(dir, "cfg"), filepath.Join(dir, "e.yaml")
		os.WriteFile(file, []byte(summitYAML), 0o644)
		var wg sync.WaitGroup
		outs := make([]string, 4)
		codes := make([]int, 4)
		for i := range outs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i], outs[i] = runBin(t, cfg, "record", file, "--db", db)
			}()
		}
		wg.Wait()
		recorded := 0
		for i := range outs {
			if codes[i] != 0 {
				t.Fatalf("round %d: recorder %d: exit %d\n%s", round, i, codes[i], outs[i])
			}
			if strings.Contains(outs[i], "1 events recorded") {
				recorded++
			} else if !strings.Contains(outs[i], "already recorded, skipped") {
				t.Errorf("round %d: recorder %d neither recorded nor skipped:\n%s", round, i, outs[i])
			}
		}
		if recorded != 1 {
			t.Errorf("round %d: %d processes say they recorded the event, want 1", round, recorded)
		}
		_, out := runBin(t, cfg, "history", "--db", db, "--type", "summit", "--from", "2026-07-08", "--json")
		if got := strings.Count(out, "A concurrency test summit"); got != 1 {
			t.Errorf("round %d: event stored %d times, want 1", round, got)
		}
		if code, out := runBin(t, cfg, "verify", "--db", db); code != 0 {
			t.Errorf("round %d: verify: exit %d\n%s", round, code, out)
		}
	}
}

// TestConcurrentCreators opens one new database from eight processes at once.
func TestConcurrentCreators(t *testing.T) {
	for round := 0; round < 2; round++ {
		dir := t.TempDir()
		db := filepath.Join(dir, "a.db")
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if code, out := runBin(t, filepath.Join(dir, "cfg"), "members", "--db", db, "--at", "2023-04-04"); code != 0 || !strings.Contains(out, "31 members of NATO") {
					t.Errorf("round %d: creator %d: exit %d\n%s", round, i, code, out)
				}
			}()
		}
		wg.Wait()
		if code, out := runBin(t, filepath.Join(dir, "cfg"), "verify", "--db", db); code != 0 {
			t.Errorf("round %d: verify: exit %d\n%s", round, code, out)
		}
	}
}

// tamperFixture makes a ledger with the dataset and one signed user entry,
// and a head saved after it. It returns the database, the config folder and
// the head file.
func tamperFixture(t *testing.T) (db, cfg, headFile string) {
	dir := t.TempDir()
	db, cfg, headFile = filepath.Join(dir, "a.db"), filepath.Join(dir, "cfg"), filepath.Join(dir, "head.json")
	file := filepath.Join(dir, "e.yaml")
	os.WriteFile(file, []byte(summitYAML), 0o644)
	if code, out := runBin(t, cfg, "record", file, "--db", db); code != 0 || !strings.Contains(out, "created your signing key") {
		t.Fatalf("record: exit %d\n%s", code, out)
	}
	code, out := runBin(t, cfg, "head", "--db", db, "--json")
	if code != 0 {
		t.Fatalf("head: exit %d\n%s", code, out)
	}
	os.WriteFile(headFile, []byte(out), 0o644)
	if code, out := runBin(t, cfg, "verify", "--db", db, "--against", headFile); code != 0 {
		t.Fatalf("verify of the untouched ledger: exit %d\n%s", code, out)
	}
	return db, cfg, headFile
}

// rawDB opens the file as an attacker would: plain SQL, triggers dropped.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, q := range []string{"DROP TRIGGER entries_no_update", "DROP TRIGGER entries_no_delete", "DROP TRIGGER entries_append_only", "DELETE FROM facts"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// loadRaw reads every entry's decoded record.
func loadRaw(t *testing.T, db *sql.DB) []*alliance.Record {
	t.Helper()
	rows, err := db.Query("SELECT body, hash FROM entries ORDER BY seq")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []*alliance.Record
	for rows.Next() {
		var body, hash []byte
		rows.Scan(&body, &hash)
		r, err := ledger.Decode(body)
		if err != nil {
			t.Fatal(err)
		}
		r.Hash = hash
		out = append(out, r)
	}
	return out
}

// rewrite replaces every entry from seq on with recs, recomputing the chain,
// as someone holding the file can.
func rewrite(t *testing.T, db *sql.DB, recs []*alliance.Record) {
	t.Helper()
	if _, err := db.Exec("DELETE FROM entries"); err != nil {
		t.Fatal(err)
	}
	var prev []byte
	for i, r := range recs {
		r.Seq = int64(i + 1)
		body := ledger.Encode(r)
		h := ledger.Chain(prev, body)
		if _, err := db.Exec("INSERT INTO entries (seq, body, hash) VALUES (?, ?, ?)", r.Seq, body, h); err != nil {
			t.Fatal(err)
		}
		prev = h
	}
}

// TestTamperingIsCaught rewrites the file in each way an attacker holding it
// can, keeping the hash chain valid, and checks that verify fails (exit 3)
// naming what is wrong.
func TestTamperingIsCaught(t *testing.T) {
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	for _, tc := range []struct {
		name    string
		against bool // verify against the saved head
		tamper  func(recs []*alliance.Record) []*alliance.Record
		want    string
	}{
		{"truncate the user's entry", true, func(r []*alliance.Record) []*alliance.Record { return r[:len(r)-1] }, "entries were removed"},
		{"truncate dataset entries", false, func(r []*alliance.Record) []*alliance.Record { return r[:len(r)-5] }, "does not stand in the ledger"},
		{"edit a dataset entry and rechain", false, func(r []*alliance.Record) []*alliance.Record {
			r[6].Title += " (edited)"
			return r
		}, "event 7 "},
		{"edit a dataset date and rechain, against the head", true, func(r []*alliance.Record) []*alliance.Record {
			r[10].Date = r[10].Date.AddDays(1)
			return r
		}, "the ledger was rewritten"},
		{"forge a dataset entry", false, func(r []*alliance.Record) []*alliance.Record {
			f := *r[0]
			f.Event = alliance.Event{Date: alliance.MustDate("2025-01-01"), Type: alliance.Joined, Org: alliance.NATO, States: []string{"UA"},
				Title: "Ukraine joins NATO", Source: alliance.Source{URL: "https://example.org", Title: "forged"}}
			return append(r, &f)
		}, "this release has no such event"},
		{"forge an unsigned user entry", false, func(r []*alliance.Record) []*alliance.Record {
			f := *r[len(r)-1]
			f.Title, f.Signer, f.Sig, f.Recorder = "A forged summit", nil, nil, ""
			return append(r, &f)
		}, "is not signed"},
		{"forge a user entry signed by an untrusted key", false, func(r []*alliance.Record) []*alliance.Record {
			f := *r[len(r)-1]
			f.Title, f.Sig, f.Seq = "A forged summit", nil, int64(len(r)+1)
			f.Signer = other.Public().(ed25519.PublicKey)
			f.Sig = ed25519.Sign(other, ledger.Encode(&f))
			return append(r, &f)
		}, "not in the keyring"},
		{"change a signed user entry", false, func(r []*alliance.Record) []*alliance.Record {
			r[len(r)-1].Title = "A changed summit"
			return r
		}, "signature does not match"},
		{"retract a user entry as the dataset", false, func(r []*alliance.Record) []*alliance.Record {
			u := r[len(r)-1]
			f := *r[0]
			f.Event = alliance.Event{Date: u.Date, Type: alliance.Retraction, Org: u.Org, States: u.States, Title: "retracted", Source: u.Source, Retracts: u.Seq}
			return append(r, &f)
		}, "a release only retracts its own"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, cfg, head := tamperFixture(t)
			db := rawDB(t, path)
			rewrite(t, db, tc.tamper(loadRaw(t, db)))
			db.Close()
			args := []string{"verify", "--db", path}
			if tc.against {
				args = append(args, "--against", head)
			}
			code, out := runBin(t, cfg, args...)
			if code != 3 || !strings.Contains(out, tc.want) {
				t.Errorf("verify after %s: exit %d, %q; want exit 3 and %q", tc.name, code, out, tc.want)
			}
		})
	}
}

// TestAppendOnlyTriggers: with the schema intact, plain SQL cannot replace,
// update or delete an entry.
func TestAppendOnlyTriggers(t *testing.T) {
	path, _, _ := tamperFixture(t)
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		"INSERT OR REPLACE INTO entries (seq, body, hash) VALUES (3, x'00', x'00')",
		"REPLACE INTO entries (seq, body, hash) VALUES (1, x'00', x'00')",
		"UPDATE entries SET body = x'00' WHERE seq = 2",
		"DELETE FROM entries WHERE seq = (SELECT MAX(seq) FROM entries)",
	} {
		if _, err := db.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want the append-only refusal", q, err)
		}
	}
}

// TestVerifyIsReadOnly: verify changes nothing and creates nothing, and
// refuses foreign files (exit 3) without touching them.
func TestVerifyIsReadOnly(t *testing.T) {
	path, cfg, _ := tamperFixture(t)
	dir := filepath.Dir(path)
	list := func() string {
		es, _ := os.ReadDir(dir)
		var b strings.Builder
		for _, e := range es {
			fi, _ := e.Info()
			fmt.Fprintf(&b, "%s %d %s\n", e.Name(), fi.Size(), fi.ModTime().Format(time.RFC3339Nano))
		}
		return b.String()
	}
	before, raw := list(), mustRead(t, path)
	if code, out := runBin(t, cfg, "verify", "--db", path); code != 0 {
		t.Fatalf("verify: exit %d\n%s", code, out)
	}
	if after := list(); after != before || !bytes.Equal(mustRead(t, path), raw) {
		t.Errorf("verify changed the folder:\nbefore\n%s\nafter\n%s", before, after)
	}
	if os.Geteuid() != 0 { // root ignores file modes
		os.Chmod(dir, 0o555)
		defer os.Chmod(dir, 0o755)
		if code, out := runBin(t, cfg, "verify", "--db", path); code != 0 {
			t.Errorf("verify on a read-only folder: exit %d\n%s", code, out)
		}
	}

	other := filepath.Join(t.TempDir(), "other.db")
	db, _ := sql.Open("sqlite", "file:"+other)
	db.Exec("CREATE TABLE entries (id INTEGER, note TEXT)")
	db.Exec("INSERT INTO entries VALUES (1, 'mine')")
	db.Close()
	empty := filepath.Join(t.TempDir(), "empty.db")
	os.WriteFile(empty, nil, 0o644)
	text := filepath.Join(t.TempDir(), "notes.db")
	os.WriteFile(text, []byte(strings.Repeat("not a database\n", 300)), 0o644)
	for _, f := range []string{other, empty, text} {
		before := mustRead(t, f)
		code, out := runBin(t, cfg, "verify", "--db", f)
		if code != 3 || !strings.Contains(out, "left untouched") {
			t.Errorf("verify %s: exit %d, %q; want exit 3 and a refusal", filepath.Base(f), code, out)
		}
		if !bytes.Equal(mustRead(t, f), before) {
			t.Errorf("verify changed %s", filepath.Base(f))
		}
		if _, err := os.Stat(f + "-wal"); err == nil {
			t.Errorf("verify created %s-wal", filepath.Base(f))
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHeadJSON: the head is the entry count and the last hash, 64 hex digits.
func TestHeadJSON(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	code, out, stderr := run(t, db, "head", "--json")
	var h ledger.Head
	if code != 0 || json.Unmarshal([]byte(out), &h) != nil {
		t.Fatalf("head: exit %d, %s%s", code, out, stderr)
	}
	if _, err := hex.DecodeString(h.Hash); err != nil || len(h.Hash) != 64 || h.Entries < 400 {
		t.Errorf("head = %+v", h)
	}
	bad := filepath.Join(t.TempDir(), "head.json")
	os.WriteFile(bad, []byte(`{"entries": 3, "head": "zz"}`), 0o644)
	if code, _, stderr := run(t, db, "verify", "--against", bad); code != 2 || !strings.Contains(stderr, "is not a saved head") {
		t.Errorf("verify --against a bad head: exit %d, %q", code, stderr)
	}
}
