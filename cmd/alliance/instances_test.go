package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"alliance/postgres/postgrestest"
)

// TestTwoInstancesOnPostgres starts two `serve` processes on one fresh
// PostgreSQL database: events posted concurrently through both are stored
// once each, in one chain that verify accepts, and an event posted to A
// reaches B's stream within 2 s.
func TestTwoInstancesOnPostgres(t *testing.T) {
	dsn := postgrestest.MustDatabase(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "cfg")
	// Both instances share the config folder: the keyring that trusts the
	// server key, as a deployment shares its keyring.
	a := startServerOn(t, dsn, "ALLIANCE_CONFIG="+cfg)
	b := startServerOn(t, dsn, "ALLIANCE_CONFIG="+cfg)
	code, out := runBin(t, cfg, "token", "create", "--role", "editor", "--name", "desk", "--db", dsn)
	if code != 0 {
		t.Fatalf("token create: %d %s", code, out)
	}
	token := strings.Fields(out)[0] // the secret comes first; the note follows on stderr

	res, err := http.Get(b + "/api/v1/events/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	got := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				got <- v
			}
		}
	}()
	post := func(base, title string) (int, string) {
		body := fmt.Sprintf(`[{"date": "2026-07-10", "type": "summit", "org": "NATO", "states": ["UA"], "title": %q,
		  "source": {"url": "https://example.org/x", "title": "x", "kind": "news"}}]`, title)
		req, _ := http.NewRequest("POST", base+"/api/v1/events", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return 0, ""
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(b)
	}
	start := time.Now()
	if code, body := post(a, "posted to A"); code != 201 {
		t.Fatalf("POST to A: %d %s", code, body)
	}
	select {
	case d := <-got:
		if !strings.Contains(d, "posted to A") {
			t.Errorf("B's stream got %s", d)
		}
		t.Logf("A -> B's stream in %v", time.Since(start))
	case <-time.After(2 * time.Second):
		t.Fatal("an event posted to A did not reach B's stream within 2 s")
	}
	// Concurrent posts through both: each distinct event stored once; the
	// same event posted to both is stored once and refused once (409).
	var wg sync.WaitGroup
	codes := make(chan int, 22)
	for i := 0; i < 10; i++ {
		for _, base := range []string{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, _ := post(base, fmt.Sprintf("event %d via %s", i, base))
				codes <- c
			}()
		}
	}
	for _, base := range []string{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, _ := post(base, "the same event through both")
			codes <- c
		}()
	}
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	if count[201] != 21 || count[409] != 1 {
		t.Errorf("statuses %v, want 21 × 201 and 1 × 409", count)
	}
	_, hist := runBin(t, cfg, "history", "--db", dsn, "--type", "summit", "--from", "2026-07-10", "--json")
	if n := strings.Count(hist, `"title": "the same event through both"`); n != 1 {
		t.Errorf("the event posted through both is stored %d times", n)
	}
	if n := strings.Count(hist, `"recorder": "desk"`); n != 22 {
		t.Errorf("%d events recorded by the desk, want 22", n)
	}
	if code, out := runBin(t, cfg, "verify", "--db", dsn); code != 0 {
		t.Errorf("verify: exit %d\n%s", code, out)
	}
}

// BenchmarkStreamAcrossInstances posts 1,000 events, one after the other, to
// instance A and measures when each reaches instance B's event stream (two
// `serve` on one PostgreSQL database): p50 and p99 of the delivery time.
//
//	go test -run '^$' -bench StreamAcrossInstances -benchtime 1x ./cmd/alliance
func BenchmarkStreamAcrossInstances(b *testing.B) {
	const n = 1000
	dsn := postgrestest.MustDatabase(b)
	cfg := filepath.Join(b.TempDir(), "cfg")
	fast := []string{"--write-rate", "1000000"}
	a := startServerArgs(b, dsn, fast, "ALLIANCE_CONFIG="+cfg)
	bb := startServerArgs(b, dsn, fast, "ALLIANCE_CONFIG="+cfg)
	code, out := runBin(b, cfg, "token", "create", "--role", "editor", "--name", "bench", "--db", dsn)
	if code != 0 {
		b.Fatalf("token create: %d %s", code, out)
	}
	token := strings.Fields(out)[0]
	for range b.N {
		var mu sync.Mutex
		recv := map[string]time.Time{}
		done := make(chan struct{})
		stop := make(chan struct{})
		reconnects := 0
		// A reader as EventSource is: when the server drops it (it fell
		// too far behind), it reconnects with Last-Event-ID and resumes.
		go func() {
			lastID := ""
			for {
				req, _ := http.NewRequest("GET", bb+"/api/v1/events/stream", nil)
				if lastID != "" {
					req.Header.Set("Last-Event-ID", lastID)
				}
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					return
				}
				sc := bufio.NewScanner(res.Body)
				for sc.Scan() {
					line := sc.Text()
					if v, ok := strings.CutPrefix(line, "id: "); ok {
						lastID = v
					}
					v, ok := strings.CutPrefix(line, "data: ")
					i := strings.Index(v, "bench event ")
					if !ok || i < 0 {
						continue
					}
					key := v[i : i+strings.IndexByte(v[i:], '"')]
					mu.Lock()
					if _, seen := recv[key]; !seen {
						recv[key] = time.Now()
						if len(recv) == n {
							close(done)
						}
					}
					mu.Unlock()
				}
				res.Body.Close()
				select {
				case <-stop:
					return
				default:
					mu.Lock()
					reconnects++
					mu.Unlock()
				}
			}
		}()
		sent := map[string]time.Time{}
		run := time.Now().UnixNano()
		for i := range n {
			key := fmt.Sprintf("bench event %d-%d", run, i)
			body := fmt.Sprintf(`[{"date": "2026-07-11", "type": "summit", "org": "NATO", "states": ["UA"], "title": %q,
			  "source": {"url": "https://example.org/b", "title": "b", "kind": "news"}}]`, key)
			req, _ := http.NewRequest("POST", a+"/api/v1/events", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			sent[key] = time.Now()
			r, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, r.Body)
			r.Body.Close()
			if r.StatusCode != 201 {
				b.Fatalf("POST %d: %d", i, r.StatusCode)
			}
		}
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			mu.Lock()
			b.Fatalf("B's stream delivered %d of %d events (%d reconnections)", len(recv), n, reconnects)
		}
		close(stop)
		var lat []time.Duration
		mu.Lock()
		for k, t0 := range sent {
			lat = append(lat, recv[k].Sub(t0))
		}
		mu.Unlock()
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(reconnects), "reconnects")
	}
}
