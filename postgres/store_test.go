package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"alliance"
	"alliance/datasettest"
	"alliance/ledger"
	"alliance/postgres"
	"alliance/postgres/postgrestest"
	"alliance/storetest"
)

// MustOpen opens a store on dsn and closes it when the test ends.
func MustOpen(tb testing.TB, dsn string) *postgres.Store {
	tb.Helper()
	s, err := postgres.Open(context.Background(), dsn, postgres.Options{KeyOf: ledger.KeyOf})
	if err != nil {
		tb.Fatalf("open %s: %v", postgres.Redact(dsn), err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// MustConn is a plain connection to dsn, as another program would have.
func MustConn(tb testing.TB, dsn string) *pgx.Conn {
	tb.Helper()
	c, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// The tests run in parallel, each on databases of its own, except those that
// time the Watch signal, which run first, alone.

func TestContract(t *testing.T) {
	t.Parallel()
	postgrestest.MustServer(t)
	var mu sync.Mutex
	dbs := map[string]string{} // storetest's names -> DSNs, one database each
	storetest.Run(t, func(tb testing.TB, name string) alliance.Store {
		mu.Lock()
		dsn, ok := dbs[name]
		if !ok {
			// Dropped when the whole suite ends: storetest may open a name
			// again in another subtest.
			var drop func() error
			var err error
			dsn, drop, err = postgrestest.CreateDatabase()
			if err != nil {
				mu.Unlock()
				tb.Fatal(err)
			}
			t.Cleanup(func() {
				if err := drop(); err != nil {
					t.Error(err)
				}
			})
			dbs[name] = dsn
		}
		mu.Unlock()
		return MustOpen(tb, dsn)
	})
}

// TestMain lets the test binary act as a writer process for the crash test.
func TestMain(m *testing.M) {
	if dsn := os.Getenv("ALLIANCE_TEST_CRASH_WRITER"); dsn != "" {
		crashWriter(dsn)
		return
	}
	os.Exit(m.Run())
}

func userEvent(title string) alliance.Event {
	return alliance.Event{Date: alliance.MustDate("2024-03-07"), Type: alliance.Milestone, Org: alliance.NATO,
		States: []string{"SE"}, Title: title, Source: alliance.Source{URL: "https://example.org", Title: "test"}}
}

// crashWriter appends events one by one and prints each acknowledged
// sequence number, forever, until it is killed.
func crashWriter(dsn string) {
	ctx := context.Background()
	s, err := postgres.Open(ctx, dsn, postgres.Options{KeyOf: ledger.KeyOf})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	l := ledger.New(s, nil)
	for i := 0; ; i++ {
		recs, err := l.Append(ctx, alliance.FromUser, []alliance.Event{userEvent(fmt.Sprintf("crash test event %d of writer %d", i, os.Getpid()))})
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Printf("stored %d\n", recs[0].Seq)
	}
}

// TestKillAfterAcknowledge kills a writing process with SIGKILL right after
// it acknowledged an event; every acknowledged event must be there, and the
// chain must verify. (The server is not killed: what is tested is that an
// acknowledgement means a commit, not a buffered write in the client.)
func TestKillAfterAcknowledge(t *testing.T) {
	t.Parallel()
	dsn := postgrestest.MustDatabase(t)
	for round := 0; round < 3; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "ALLIANCE_TEST_CRASH_WRITER="+dsn)
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

		s := MustOpen(t, dsn)
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

// TestConcurrentInstances appends real, hash-chained events from several
// handles at once, as several server instances would: every append
// succeeds, and the chain verifies (a fork would break it).
func TestConcurrentInstances(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := postgrestest.MustDatabase(t)
	const instances, appends = 6, 15
	var wg sync.WaitGroup
	for i := 0; i < instances; i++ {
		l := ledger.New(MustOpen(t, dsn), nil)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < appends; j++ {
				evs := []alliance.Event{userEvent(fmt.Sprintf("instance %d event %d", i, j))}
				if j%3 == 0 { // some batches
					evs = append(evs, userEvent(fmt.Sprintf("instance %d event %d bis", i, j)))
				}
				if _, err := l.Append(ctx, alliance.FromUser, evs); err != nil {
					t.Errorf("instance %d: %v", i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	v, err := ledger.New(MustOpen(t, dsn), nil).Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := v.Entries, instances*(appends+appends/3); got != want {
		t.Fatalf("entries = %d, want %d", got, want)
	}
}

// TestConcurrentSync starts several loaders of the same release at once, as
// several instances started together on a new database would: the dataset
// must be stored exactly once.
func TestConcurrentSync(t *testing.T) {
	t.Parallel()
	_, h := datasettest.MustHistory(t)
	var all []alliance.Event
	for _, r := range h.Records() {
		all = append(all, r.Event)
	}
	dsn := postgrestest.MustDatabase(t)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() { // each opens too: the migrations race as well
			defer wg.Done()
			s, err := postgres.Open(context.Background(), dsn, postgres.Options{KeyOf: ledger.KeyOf})
			if err != nil {
				t.Errorf("open: %v", err)
				return
			}
			defer s.Close()
			if _, _, err := ledger.New(s, nil).Sync(context.Background(), all); err != nil {
				t.Errorf("sync: %v", err)
			}
		}()
	}
	wg.Wait()
	recs, err := ledger.New(MustOpen(t, dsn), nil).Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(recs), len(all); got != want {
		t.Fatalf("after concurrent syncs: %d events, want %d", got, want)
	}
}

// TestSyncRetractsCorrections models a release that corrects one event's
// date and drops another: the old entries are retracted (the chain keeps
// them, the index of standing facts frees their keys), the corrected one is
// added, and a user's own event is untouched.
func TestSyncRetractsCorrections(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, h := datasettest.MustHistory(t)
	var v1 []alliance.Event
	for _, r := range h.Records() {
		v1 = append(v1, r.Event)
	}
	dsn := postgrestest.MustDatabase(t)
	l := ledger.New(MustOpen(t, dsn), nil)
	if _, _, err := l.Sync(ctx, v1); err != nil {
		t.Fatal(err)
	}
	mine := userEvent("a user's event")
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
	keys := map[string]bool{}
	for _, r := range ledger.Effective(recs) {
		keys[r.Key()] = true
	}
	if keys[v1[5].Key()] || keys[dropped.Key()] || !keys[v2[5].Key()] || !keys[mine.Key()] {
		t.Error("the effective history is not the new release plus the user's event")
	}
	// The index agrees: the facts that stand are every entry but the two
	// retracted (a retraction is a fact of its own).
	var facts int
	if err := MustConn(t, dsn).QueryRow(ctx, "SELECT count(*) FROM facts").Scan(&facts); err != nil {
		t.Fatal(err)
	}
	if got, want := facts, len(recs)-2; got != want {
		t.Errorf("facts indexed = %d, want %d", got, want)
	}
	// The dropped event comes back in a later release: its key was freed.
	if _, n, err := l.Sync(ctx, append(v2, dropped)); err != nil || n != 1 {
		t.Errorf("a release restoring the dropped event appended %d (%v), want 1", n, err)
	}
	if _, err := ledger.New(MustOpen(t, dsn), nil).Verify(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestWatchAcrossInstances: Watch on handle A signals within a second of an
// append through handle B, every time.
func TestWatchAcrossInstances(t *testing.T) {
	ctx := context.Background()
	dsn := postgrestest.MustDatabase(t)
	a, b := MustOpen(t, dsn), MustOpen(t, dsn)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := a.Watch(wctx)
	time.Sleep(200 * time.Millisecond) // let it LISTEN
	l := ledger.New(b, nil)
	var worst time.Duration
	for i := 0; i < 5; i++ {
		start := time.Now()
		if _, err := l.Append(ctx, alliance.FromUser, []alliance.Event{userEvent(fmt.Sprintf("watched %d", i))}); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ch:
			worst = max(worst, time.Since(start))
		case <-time.After(time.Second):
			t.Fatalf("append %d: no signal within 1 s", i)
		}
	}
	t.Logf("slowest signal %v after the append began", worst)
	es, err := a.EntriesAfter(ctx, 3)
	if err != nil || len(es) != 2 {
		t.Fatalf("EntriesAfter(3) on A = %d entries, %v; want 2", len(es), err)
	}
	cancel()
	select {
	case _, ok := <-ch:
		for ok {
			_, ok = <-ch
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the channel was not closed after the context ended")
	}
}

// TestWatchSurvivesLostConnection kills the watching connection's server
// process; Watch reconnects, signals (it may have missed appends), and
// then sees the next append.
func TestWatchSurvivesLostConnection(t *testing.T) {
	ctx := context.Background()
	dsn := postgrestest.MustDatabase(t)
	a, b := MustOpen(t, dsn), MustOpen(t, dsn)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := a.Watch(wctx)
	time.Sleep(200 * time.Millisecond)
	admin := MustConn(t, dsn)
	var killed int
	err := admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = 'alliance watch'`).Scan(&killed)
	if err != nil || killed != 1 {
		t.Fatalf("terminated %d watch connections (%v), want 1", killed, err)
	}
	// An append while the watcher is away: the reconnection's own signal
	// stands for it.
	if err := b.Append(ctx, func(h alliance.Entry) ([]alliance.Entry, error) {
		return []alliance.Entry{{Seq: h.Seq + 1, Body: []byte("a"), Hash: []byte("a")}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	case <-time.After(3 * time.Second):
		t.Fatal("no signal within 3 s of a lost connection and an append")
	}
	// Back to normal: the next append is signalled.
	deadline := time.After(3 * time.Second)
	for {
		if err := b.Append(ctx, func(h alliance.Entry) ([]alliance.Entry, error) {
			return []alliance.Entry{{Seq: h.Seq + 1, Body: []byte("b"), Hash: []byte("b")}}, nil
		}); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ch:
			var n int
			admin.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
				WHERE datname = current_database() AND application_name = 'alliance watch'`).Scan(&n)
			if n != 1 {
				t.Errorf("%d watch connections after the reconnection, want 1", n)
			}
			return
		case <-deadline:
			t.Fatal("no signal after the reconnection")
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// TestWatchAfterIdleChecks: the idle check (a timed-out wait, then a ping)
// leaves the connection listening.
func TestWatchAfterIdleChecks(t *testing.T) {
	defer postgres.SetWatchIdleCheck(50 * time.Millisecond)()
	ctx := context.Background()
	dsn := postgrestest.MustDatabase(t)
	a, b := MustOpen(t, dsn), MustOpen(t, dsn)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := a.Watch(wctx)
	for i := 0; i < 3; i++ {
		time.Sleep(300 * time.Millisecond) // several idle checks
		select {
		case <-ch:
			t.Fatalf("round %d: a signal with no append (the connection was lost and made again?)", i)
		default:
		}
		if err := b.Append(ctx, func(h alliance.Entry) ([]alliance.Entry, error) {
			return []alliance.Entry{{Seq: h.Seq + 1, Body: []byte("a"), Hash: []byte("a")}}, nil
		}); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ch:
		case <-time.After(time.Second):
			t.Fatalf("round %d: no signal within 1 s after idle checks", i)
		}
	}
}

// TestCloseEndsWatch: closing the store closes its watch channels.
func TestCloseEndsWatch(t *testing.T) {
	t.Parallel()
	s, err := postgres.Open(context.Background(), postgrestest.MustDatabase(t), postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ch := s.Watch(context.Background())
	s.Close()
	select {
	case _, ok := <-ch:
		for ok {
			_, ok = <-ch
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the channel was not closed with the store")
	}
}

// TestAppendOnlyTriggers: plain SQL from another client cannot change,
// remove or insert around the entries.
func TestAppendOnlyTriggers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := postgrestest.MustDatabase(t)
	s := MustOpen(t, dsn)
	if _, err := ledger.New(s, nil).Append(ctx, alliance.FromUser, []alliance.Event{userEvent("one"), userEvent("two"), userEvent("three")}); err != nil {
		t.Fatal(err)
	}
	c := MustConn(t, dsn)
	for _, q := range []string{
		"UPDATE entries SET body = '\\x00' WHERE seq = 2",
		"DELETE FROM entries WHERE seq = 3",
		"TRUNCATE entries CASCADE",
		"INSERT INTO entries (seq, body, hash) VALUES (5, '\\x00', '\\x00')",
		"INSERT INTO entries (seq, body, hash) VALUES (2, '\\x00', '\\x00') ON CONFLICT (seq) DO UPDATE SET body = EXCLUDED.body",
	} {
		_, err := c.Exec(ctx, q)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "AL001" {
			t.Errorf("%s: err = %v, want the append-only refusal (SQLSTATE AL001)", q, err)
		}
	}
	if _, err := c.Exec(ctx, "INSERT INTO entries (seq, body, hash) VALUES (3, '\\x00', '\\x00')"); err == nil {
		t.Error("a second entry 3 was accepted")
	}
	if v, err := ledger.New(s, nil).Verify(ctx); err != nil || v.Entries != 3 {
		t.Errorf("after the refusals: %d entries, %v; want 3 that verify", v.Entries, err)
	}
}

// TestOpenReadOnly: a read-only handle reads, refuses to write, and refuses
// databases that are not ledgers without touching them.
func TestOpenReadOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := postgrestest.MustDatabase(t)
	if _, err := ledger.New(MustOpen(t, dsn), nil).Append(ctx, alliance.FromUser, []alliance.Event{userEvent("one")}); err != nil {
		t.Fatal(err)
	}
	ro, err := postgres.OpenReadOnly(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if v, err := ledger.New(ro, nil).Verify(ctx); err != nil || v.Entries != 1 {
		t.Fatalf("read-only Verify = %d entries, %v", v.Entries, err)
	}
	err = ro.Append(ctx, func(h alliance.Entry) ([]alliance.Entry, error) { return nil, nil })
	if got := alliance.ErrorCode(err); got != alliance.EINVALID {
		t.Errorf("Append on a read-only handle: %v (code %s), want EINVALID", err, got)
	}

	tables := func(c *pgx.Conn) string {
		var s string
		c.QueryRow(ctx, `SELECT COALESCE(string_agg(tablename, ',' ORDER BY tablename), '') FROM pg_tables WHERE schemaname = 'public'`).Scan(&s)
		return s
	}
	empty := postgrestest.MustDatabase(t)
	other := postgrestest.MustDatabase(t)
	oc := MustConn(t, other)
	if _, err := oc.Exec(ctx, "CREATE TABLE entries (id integer, note text); INSERT INTO entries VALUES (1, 'mine')"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, dsn, want string }{{"empty", empty, ""}, {"other", other, "entries"}} {
		_, err := postgres.OpenReadOnly(ctx, tc.dsn)
		if got := alliance.ErrorCode(err); got != alliance.ECORRUPT || !strings.Contains(err.Error(), "left untouched") {
			t.Errorf("OpenReadOnly of the %s database: %v (code %s), want ECORRUPT", tc.name, err, got)
		}
		if got := tables(MustConn(t, tc.dsn)); got != tc.want {
			t.Errorf("the %s database's tables after OpenReadOnly: %q, want %q", tc.name, got, tc.want)
		}
	}
	// Open (read-write) refuses another program's tables too, and creates nothing.
	_, err = postgres.Open(ctx, other, postgres.Options{})
	if got := alliance.ErrorCode(err); got != alliance.ECORRUPT {
		t.Errorf("Open of another program's database: %v (code %s), want ECORRUPT", err, got)
	}
	if got := tables(oc); got != "entries" {
		t.Errorf("tables after a refused Open: %q, want only the program's own", got)
	}
}

// TestNewerSchema: a database migrated by a newer binary is refused.
func TestNewerSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := postgrestest.MustDatabase(t)
	MustOpen(t, dsn).Close()
	if _, err := MustConn(t, dsn).Exec(ctx, "INSERT INTO alliance_migrations (version, name) VALUES (99, '099_future.sql')"); err != nil {
		t.Fatal(err)
	}
	if _, err := postgres.Open(ctx, dsn, postgres.Options{}); alliance.ErrorCode(err) != alliance.EINVALID || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open of a newer schema: %v, want EINVALID naming it newer", err)
	}
	if _, err := postgres.OpenReadOnly(ctx, dsn); alliance.ErrorCode(err) != alliance.ECORRUPT || !strings.Contains(err.Error(), "newer") {
		t.Errorf("OpenReadOnly of a newer schema: %v, want ECORRUPT naming it newer", err)
	}
}

// TestConnectErrors: a wrong address is a clear message naming the host,
// and never the password.
func TestConnectErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	postgrestest.MustServer(t)
	_, err := postgres.Open(ctx, "postgres://postgres:s3cret-pw@127.0.0.1:1/alliance?sslmode=disable&connect_timeout=5", postgres.Options{})
	if got := alliance.ErrorCode(err); got != alliance.EINVALID || !strings.Contains(err.Error(), "127.0.0.1:1") || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("Open of a closed port: %v (code %s), want EINVALID naming 127.0.0.1:1 and the refusal", err, got)
	}
	if err != nil && strings.Contains(err.Error(), "s3cret") {
		t.Errorf("the message shows the password: %v", err)
	}
	missing := postgrestest.WithDatabase(t, postgrestest.ServerDSN(), "alliance_test_no_such_database")
	_, err = postgres.OpenReadOnly(ctx, missing)
	if got := alliance.ErrorCode(err); got != alliance.ENOTFOUND || !strings.Contains(err.Error(), "alliance_test_no_such_database") {
		t.Errorf("OpenReadOnly of a missing database: %v (code %s), want ENOTFOUND naming it", err, got)
	}
	_, err = postgres.Open(ctx, "postgres://u:pw@host:notaport/db", postgres.Options{})
	if got := alliance.ErrorCode(err); got != alliance.EINVALID || strings.Contains(err.Error(), ":pw@") {
		t.Errorf("Open of an unreadable URL: %v (code %s), want EINVALID without the password", err, got)
	}
}

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"postgres://u:pw@h:5432/db?sslmode=disable", "postgres://u:xxxxx@h:5432/db?sslmode=disable"},
		{"postgresql://u@h/db", "postgresql://u@h/db"},
		{"postgres://u:p@w@h/db", "postgres://u:xxxxx@h/db"},
		{"postgres://h/db?user=u&password=pw&sslmode=disable", "postgres://h/db?user=u&password=xxxxx&sslmode=disable"},
		{"host=h user=u password=pw dbname=db", "host=h user=u password=xxxxx dbname=db"},
		{"host=h password = 'p w\\'x' dbname=db", "host=h password=xxxxx dbname=db"},
		{"nonsense", "(an unreadable PostgreSQL address)"},
	} {
		if got := postgres.Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestLockedByAnotherWriter holds the append lock in one handle while
// another appends: the second waits, then continues the first's entry.
func TestLockedByAnotherWriter(t *testing.T) {
	t.Parallel()
	dsn := postgrestest.MustDatabase(t)
	a, b := MustOpen(t, dsn), MustOpen(t, dsn)
	ctx := context.Background()
	release := make(chan struct{})
	held := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- a.Append(ctx, func(h alliance.Entry) ([]alliance.Entry, error) {
			close(held)
			<-release
			return []alliance.Entry{{Seq: h.Seq + 1, Body: []byte("a"), Hash: []byte("a")}}, nil
		})
	}()
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
	if err := <-done; err != nil {
		t.Fatalf("first writer: %v", err)
	}
	if es, _ := b.Entries(ctx); len(es) != 2 {
		t.Fatalf("entries = %d, want 2", len(es))
	}
}

// TestFrozenWriterIsCutOff: an instance that stops while it holds the append
// lock loses it after the idle timeout; its append fails and stores nothing, and
// another instance appends.
func TestFrozenWriterIsCutOff(t *testing.T) {
	defer postgres.SetIdleTimeout(500 * time.Millisecond)()
	dsn := postgrestest.MustDatabase(t)
	a, b := MustOpen(t, dsn), MustOpen(t, dsn)
	ctx := context.Background()
	held := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- a.Append(ctx, func(h alliance.Entry) ([]alliance.Entry, error) {
			close(held)
			time.Sleep(2 * time.Second) // frozen
			return []alliance.Entry{{Seq: h.Seq + 1, Body: []byte("a"), Hash: []byte("a")}}, nil
		})
	}()
	<-held
	start := time.Now()
	if err := b.Append(ctx, func(h alliance.Entry) ([]alliance.Entry, error) {
		return []alliance.Entry{{Seq: h.Seq + 1, Body: []byte("b"), Hash: []byte("b")}}, nil
	}); err != nil {
		t.Fatalf("the other instance: %v", err)
	}
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Errorf("the other instance waited %v for the frozen one", d)
	}
	if err := <-done; err == nil {
		t.Error("the frozen instance's append succeeded after it lost its lock")
	} else {
		t.Logf("the frozen instance: %v", err)
	}
	if es := mustEntries(t, b); len(es) != 1 || string(es[0].Body) != "b" {
		t.Errorf("entries = %d, want only the other instance's", len(es))
	}
}

// TestFillFacts: an emptied index of standing facts is rebuilt on open, so
// a duplicate is refused by the store again.
func TestFillFacts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := postgrestest.MustDatabase(t)
	l := ledger.New(MustOpen(t, dsn), nil)
	ev := userEvent("a fact")
	if _, err := l.Append(ctx, alliance.FromUser, []alliance.Event{ev}); err != nil {
		t.Fatal(err)
	}
	if _, err := MustConn(t, dsn).Exec(ctx, "DELETE FROM facts"); err != nil {
		t.Fatal(err)
	}
	s := MustOpen(t, dsn)
	key, _, _ := ledger.KeyOf(mustEntries(t, s)[0].Body)
	err := s.Append(ctx, func(h alliance.Entry) ([]alliance.Entry, error) {
		return []alliance.Entry{{Seq: h.Seq + 1, Body: []byte("x"), Hash: []byte("x"), Key: key}}, nil
	})
	if !errors.Is(err, alliance.ErrDuplicate) {
		t.Errorf("a copy of an indexed fact after the refill: %v, want ErrDuplicate", err)
	}
}

func mustEntries(tb testing.TB, s alliance.Store) []alliance.Entry {
	tb.Helper()
	es, err := s.Entries(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return es
}
