package sqlite_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"alliance"
	"alliance/datasettest"
	"alliance/ledger"
	"alliance/sqlite"
	"alliance/storetest"
)

// MustOpen opens a store on path and closes it when the test ends.
func MustOpen(tb testing.TB, path string) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func TestContract(t *testing.T) {
	dir := t.TempDir()
	storetest.Run(t, func(tb testing.TB, name string) alliance.Store {
		return MustOpen(tb, filepath.Join(dir, name+".db"))
	})
}

// TestMain lets the test binary act as a writer process for the crash test.
func TestMain(m *testing.M) {
	if path := os.Getenv("ALLIANCE_TEST_CRASH_WRITER"); path != "" {
		crashWriter(path)
		return
	}
	os.Exit(m.Run())
}

// crashWriter appends events one by one and prints each acknowledged
// sequence number, forever, until it is killed.
func crashWriter(path string) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	l := ledger.New(s, nil)
	for i := 0; ; i++ {
		ev := alliance.Event{Date: alliance.MustDate("2024-03-07"), Type: alliance.Milestone, Org: alliance.NATO,
			States: []string{"SE"}, Title: fmt.Sprintf("crash test event %d of writer %d", i, os.Getpid()),
			Source: alliance.Source{URL: "https://example.org", Title: "test"}}
		recs, err := l.Append(ctx, alliance.FromUser, []alliance.Event{ev})
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Printf("stored %d\n", recs[0].Seq)
	}
}

// TestKillAfterAcknowledge kills a writing process with SIGKILL right after
// it acknowledged an event; every acknowledged event must be there, and the
// chain must verify.
func TestKillAfterAcknowledge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crash.db")
	for round := 0; round < 3; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "ALLIANCE_TEST_CRASH_WRITER="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var acked int64
		buf := make([]byte, 0, 4096)
		chunk := make([]byte, 512)
		for acked < int64(20*(round+1)) {
			n, err := out.Read(chunk)
			if err != nil {
				t.Fatalf("writer stopped: %v (%s)", err, buf)
			}
			buf = append(buf, chunk[:n]...)
			lines := strings.Split(string(buf), "\n")
			for _, l := range lines[:len(lines)-1] {
				if v, ok := strings.CutPrefix(l, "stored "); ok {
					acked, _ = strconv.ParseInt(v, 10, 64)
				} else {
					t.Fatalf("writer: %s", l)
				}
			}
			buf = []byte(lines[len(lines)-1])
		}
		cmd.Process.Kill() // SIGKILL: no chance to flush or close
		cmd.Wait()

		s := MustOpen(t, path)
		recs, err := ledger.New(s, nil).Load(context.Background())
		if err != nil {
			t.Fatalf("round %d: after kill -9: %v", round, err)
		}
		if got := int64(len(recs)); got < acked {
			t.Fatalf("round %d: %d events stored, but %d were acknowledged", round, got, acked)
		}
		s.Close()
	}
}

// MustLoaded returns a database file holding the real dataset.
func MustLoaded(tb testing.TB) (string, []*alliance.Record) {
	tb.Helper()
	_, h := datasettest.MustHistory(tb)
	path := filepath.Join(tb.TempDir(), "alliance.db")
	s := MustOpen(tb, path)
	evs := make([]alliance.Event, 0, h.Len())
	for _, r := range h.Records() {
		evs = append(evs, r.Event)
	}
	recs, added, err := ledger.New(s, nil).Sync(context.Background(), evs)
	if err != nil {
		tb.Fatal(err)
	}
	if added != len(evs) {
		tb.Fatalf("first sync added %d of %d events", added, len(evs))
	}
	s.Close()
	return path, recs
}

// TestFlipOneByte flips one byte of one stored event in the SQLite file
// itself, as a disk fault or an editor would, and checks that verification
// names that event.
func TestFlipOneByte(t *testing.T) {
	path, recs := MustLoaded(t)
	target := recs[41] // event 42
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if wal, err := os.ReadFile(path + "-wal"); err == nil && len(wal) > 0 {
		t.Fatalf("WAL not checkpointed on close (%d bytes)", len(wal))
	}
	body := ledger.Encode(target)
	i := bytes.Index(raw, body)
	if i < 0 {
		t.Fatal("event 42's body is not in the file as one run of bytes")
	}
	j := i + bytes.Index(body, []byte(`"title":"`)) + len(`"title":"`)
	raw[j] ^= 0x01 // one bit of one byte of the title
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	s := MustOpen(t, path)
	_, err = ledger.New(s, nil).Verify(context.Background())
	if got := alliance.ErrorCode(err); got != alliance.ECORRUPT {
		t.Fatalf("Verify after a flipped byte: code %q (%v), want ECORRUPT", got, err)
	}
	if want := fmt.Sprintf("event %d:", target.Seq); !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Verify = %q, want it to name %q", err, want)
	}
}

// TestSyncAddsOnlyNew models a new release: the dataset gains events; a
// database made by the old release gets only the new ones, and a user's own
// events stay where they are.
func TestSyncAddsOnlyNew(t *testing.T) {
	ctx := context.Background()
	_, h := datasettest.MustHistory(t)
	var all []alliance.Event
	for _, r := range h.Records() {
		all = append(all, r.Event)
	}
	old := all[:len(all)-10]
	path := filepath.Join(t.TempDir(), "a.db")
	s := MustOpen(t, path)
	l := ledger.New(s, nil)
	if _, n, err := l.Sync(ctx, old); err != nil || n != len(old) {
		t.Fatalf("first sync: %d, %v", n, err)
	}
	mine := alliance.Event{Date: alliance.MustDate("2026-11-27"), Type: alliance.Milestone, Org: alliance.NATO,
		States: []string{"UA"}, Title: "a user's event", Source: alliance.Source{URL: "https://example.org", Title: "x"}}
	if _, err := l.Append(ctx, alliance.FromUser, []alliance.Event{mine}); err != nil {
		t.Fatal(err)
	}
	if _, n, err := l.Sync(ctx, old); err != nil || n != 0 {
		t.Fatalf("second sync of the same release added %d (%v), want 0", n, err)
	}
	recs, n, err := l.Sync(ctx, all)
	if err != nil || n != 10 {
		t.Fatalf("sync of the new release added %d (%v), want 10", n, err)
	}
	if got, want := len(recs), len(all)+1; got != want {
		t.Fatalf("records = %d, want %d", got, want)
	}
	if r := recs[len(old)]; r.Origin != alliance.FromUser || r.Title != "a user's event" {
		t.Errorf("event %d = %s %q, want the user's event kept in place", r.Seq, r.Origin, r.Title)
	}
	if _, err := l.Verify(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append(ctx, alliance.FromScenario, []alliance.Event{mine}); alliance.ErrorCode(err) != alliance.EINVALID {
		t.Errorf("appending a scenario event: %v, want EINVALID", err)
	}
}

// TestConcurrentSync starts several loaders of the same release at once, as
// several commands started together on a new machine would: the dataset
// must be stored exactly once.
func TestConcurrentSync(t *testing.T) {
	_, h := datasettest.MustHistory(t)
	var all []alliance.Event
	for _, r := range h.Records() {
		all = append(all, r.Event)
	}
	path := filepath.Join(t.TempDir(), "c.db")
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		s := MustOpen(t, path)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := ledger.New(s, nil).Sync(context.Background(), all); err != nil {
				t.Errorf("sync: %v", err)
			}
		}()
	}
	wg.Wait()
	recs, err := ledger.New(MustOpen(t, path), nil).Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(recs), len(all); got != want {
		t.Fatalf("after concurrent syncs: %d events, want %d", got, want)
	}
}

// TestNotADatabase opens a file that is not SQLite: a clear ECORRUPT, and
// the file is left byte for byte as it was.
func TestNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.db")
	content := []byte(strings.Repeat("these are my notes, not a database\n", 200))
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := sqlite.Open(context.Background(), path)
	if got := alliance.ErrorCode(err); got != alliance.ECORRUPT {
		t.Fatalf("Open = %v (code %s), want ECORRUPT", err, got)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the file", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, content) {
		t.Error("the file was modified")
	}
}

// TestLockedByAnotherWriter holds the write lock in one handle while another
// appends: the second waits, then succeeds once the lock is released.
func TestLockedByAnotherWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock.db")
	a, b := MustOpen(t, path), MustOpen(t, path)
	ctx := context.Background()
	release := make(chan struct{})
	held := make(chan struct{})
	go a.Append(ctx, func(h alliance.Entry) ([]alliance.Entry, error) {
		close(held)
		<-release
		return []alliance.Entry{{Seq: h.Seq + 1, Body: []byte("a"), Hash: []byte("a")}}, nil
	})
	<-held
	time.AfterFunc(300*time.Millisecond, func() { close(release) })
	err := b.Append(ctx, func(h alliance.Entry) ([]alliance.Entry, error) {
		if h.Seq != 1 {
			t.Errorf("second writer saw head %d, want 1 (the first writer's entry)", h.Seq)
		}
		return []alliance.Entry{{Seq: h.Seq + 1, Body: []byte("b"), Hash: []byte("b")}}, nil
	})
	if err != nil {
		t.Fatalf("second writer: %v", err)
	}
	if es, _ := b.Entries(ctx); len(es) != 2 {
		t.Fatalf("entries = %d, want 2", len(es))
	}
}

// TestSyncRetractsCorrections models a release that corrects one event's
// date and drops another: the old entries are retracted (the chain keeps
// them), the corrected one is added, and a user's own event is untouched.
func TestSyncRetractsCorrections(t *testing.T) {
	ctx := context.Background()
	_, h := datasettest.MustHistory(t)
	var v1 []alliance.Event
	for _, r := range h.Records() {
		v1 = append(v1, r.Event)
	}
	l := ledger.New(MustOpen(t, filepath.Join(t.TempDir(), "r.db")), nil)
	if _, _, err := l.Sync(ctx, v1); err != nil {
		t.Fatal(err)
	}
	mine := alliance.Event{Date: alliance.MustDate("2026-11-27"), Type: alliance.Milestone, Org: alliance.NATO,
		States: []string{"UA"}, Title: "a user's event", Source: alliance.Source{URL: "https://example.org", Title: "x"}}
	if _, err := l.Append(ctx, alliance.FromUser, []alliance.Event{mine}); err != nil {
		t.Fatal(err)
	}
	v2 := append([]alliance.Event(nil), v1...)
	v2[5].Date = v2[5].Date.AddDays(1) // a corrected date
	dropped := v2[7]
	v2 = append(v2[:7], v2[8:]...) // a removed event
	recs, added, err := l.Sync(ctx, v2)
	if err != nil {
		t.Fatal(err)
	}
	if added != 3 {
		t.Errorf("correcting release appended %d entries, want 3 (two retractions and the corrected event)", added)
	}
	eff := ledger.Effective(recs)
	if got, want := len(eff), len(v2)+1; got != want {
		t.Errorf("%d events stand, want %d (the release and the user's event)", got, want)
	}
	keys := map[string]bool{}
	for _, r := range eff {
		keys[r.Key()] = true
	}
	if keys[v1[5].Key()] || keys[dropped.Key()] || !keys[v2[5].Key()] || !keys[mine.Key()] {
		t.Error("the effective history is not the new release plus the user's event")
	}
	if _, n, err := l.Sync(ctx, v2); err != nil || n != 0 {
		t.Errorf("syncing the same release again appended %d (%v)", n, err)
	}
	if _, err := l.Verify(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestPathWithQuestionMark(t *testing.T) {
	_, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "what?.db"))
	if got := alliance.ErrorCode(err); got != alliance.EINVALID {
		t.Errorf("Open of a path with ?: %v (code %s), want EINVALID", err, got)
	}
}
