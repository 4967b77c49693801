package exercise

import (
	"crypto/ed25519"
	"encoding/json"
	"flag"
	"os"
	"testing"
	"time"

	"alliance"
	"alliance/auth"
)

var update = flag.Bool("update", false, "rewrite the golden exercise log")

// goldenLog is the exercise log of encoding version 1 made from fixed
// actions with a fixed key: the bytes a store keeps.
func goldenLog(t *testing.T) []alliance.Entry {
	t.Helper()
	key := auth.Key{Name: "server", Private: ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))}
	at := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	start := time.Date(2003, 2, 6, 15, 0, 0, 0, time.UTC)
	deadline := start.Add(90 * time.Hour)
	actions := []Action{
		{Seq: 1, Exercise: "xgolden", At: at, Clock: start, Seat: SeatServer, Kind: KindCreated, Title: "February 2003", Scenario: "2003-turkey",
			ScenarioHash: "00", Date: "2003-02-06", Delegations: []string{"BE", "DE", "FR", "TR"}, Speed: 60},
		{Seq: 2, Exercise: "xgolden", At: at, Clock: start, Seat: SeatControl, Kind: KindClock, Op: "start"},
		{Seq: 3, Exercise: "xgolden", At: at, Clock: start, Seat: SeatChair, Kind: KindTable, Procedure: "p3", Draft: "turkey-defensive-planning",
			Decision: DecisionAssistance, Rule: ProcSilence, Title: "Tasking", Text: "The Council tasks…", Deadline: &deadline},
		{Seq: 4, Exercise: "xgolden", At: at, Clock: deadline.Add(-time.Hour), Seat: "FR", Scripted: true, Position: 3, Kind: KindBreak, Procedure: "p3", Reason: "Diplomacy first."},
		{Seq: 5, Exercise: "xgolden", At: at, Clock: deadline, Seat: SeatServer, Kind: KindConcluded, Procedure: "p3", Rule: ProcSilence, Status: StatusBroken, BrokenBy: []string{"FR"}, Reason: "France broke silence."},
	}
	var out []alliance.Entry
	var prev []byte
	for _, a := range actions {
		e, err := seal(a, prev, key)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
		prev = e.Hash
	}
	return out
}

// TestGoldenLogV1 keeps the exercise log's encoding: the same actions must
// make the same bytes as testdata/log-v1.json, which must open; a copy with
// one byte changed must not.
func TestGoldenLogV1(t *testing.T) {
	const path = "testdata/log-v1.json"
	got := goldenLog(t)
	if *update {
		b, _ := json.MarshalIndent(got, "", "  ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./exercise -run Golden -update once)", err)
	}
	var want []alliance.Entry
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d entries, golden has %d", len(got), len(want))
	}
	for i := range got {
		if string(got[i].Body) != string(want[i].Body) || string(got[i].Hash) != string(want[i].Hash) {
			t.Fatalf("entry %d encodes differently from the golden log: the encoding changed (keep version 1 readable and add a version)", i+1)
		}
	}
	as, err := Open("xgolden", want, auth.Keyring{"O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik=": "server"})
	if err != nil {
		t.Fatalf("the golden log does not open: %v", err)
	}
	if as[3].Seat != "FR" || as[3].Reason != "Diplomacy first." || as[4].Status != StatusBroken {
		t.Errorf("decoded %+v", as[3:])
	}
	for i := range want {
		tampered := make([]alliance.Entry, len(want))
		copy(tampered, want)
		body := []byte(string(want[i].Body))
		body[len(body)/2] ^= 1
		tampered[i].Body = body
		if _, err := Open("xgolden", tampered, nil); alliance.ErrorCode(err) != alliance.ECORRUPT {
			t.Errorf("entry %d with one byte changed: %v, want ECORRUPT", i+1, err)
		}
	}
}
