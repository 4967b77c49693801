package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestLiveServerSeesRecord starts a real server, opens its event stream,
// records an event with the CLI in another process, and checks that the
// stream delivers it within 2 s, that the head and the answers moved, and
// that a stream resumed from before the entry replays it.
func TestLiveServerSeesRecord(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "live.db")
	base := startServerOn(t, db)
	head := func() (h struct {
		Entries int64  `json:"entries"`
		Head    string `json:"head"`
	}) {
		res, err := http.Get(base + "/api/v1/head")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		json.NewDecoder(res.Body).Decode(&h)
		return h
	}
	before := head()
	res, err := http.Get(base + "/api/v1/events/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("stream Content-Type = %q", ct)
	}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	file := filepath.Join(dir, "e.yaml")
	os.WriteFile(file, []byte(strings.Replace(summitYAML, "A concurrency test summit", "A live test summit", 1)), 0o644)
	start := time.Now()
	if code, out := runBin(t, filepath.Join(dir, "cfg"), "record", file, "--db", db); code != 0 {
		t.Fatalf("record: exit %d\n%s", code, out)
	}
	var id, data string
	deadline := time.After(2 * time.Second)
wait:
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("stream ended")
			}
			if v, ok := strings.CutPrefix(l, "id: "); ok {
				id = v
			}
			if v, ok := strings.CutPrefix(l, "data: "); ok && strings.Contains(v, "A live test summit") {
				data = v
				break wait
			}
		case <-deadline:
			t.Fatal("the recorded event did not reach the stream within 2 s")
		}
	}
	t.Logf("delivered %s after %v", id, time.Since(start))
	var ev map[string]any
	if err := json.Unmarshal([]byte(data), &ev); err != nil || ev["origin"] != "user" {
		t.Errorf("streamed event = %s (%v)", data, err)
	}
	after := head()
	if after.Entries != before.Entries+1 || after.Head == before.Head || id != itoa64(after.Entries) {
		t.Errorf("head %+v -> %+v, stream id %s", before, after, id)
	}
	hres, _ := http.Get(base + "/api/v1/history?type=summit&from=2026-07-08")
	body, _ := io.ReadAll(hres.Body)
	hres.Body.Close()
	if !strings.Contains(string(body), "A live test summit") {
		t.Errorf("history does not show the new event: %s", body)
	}
	// A client that saw entry N-1 resumes and gets entry N first.
	req, _ := http.NewRequest("GET", base+"/api/v1/events/stream", nil)
	req.Header.Set("Last-Event-ID", itoa64(before.Entries))
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Body.Close()
	sc := bufio.NewScanner(r2.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "id: "); ok {
			if v != id {
				t.Errorf("resumed stream starts at %s, want %s", v, id)
			}
			break
		}
	}
}

func itoa64(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

var rssRe = regexp.MustCompile(`(?m)^process_resident_memory_bytes (\S+)$`)

// serverRSS reads the server's resident memory from its /metrics.
func serverRSS(tb testing.TB, base string) float64 {
	tb.Helper()
	res, err := http.Get(base + "/metrics")
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	m := rssRe.FindSubmatch(b)
	if m == nil {
		tb.Fatal("no process_resident_memory_bytes in /metrics")
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

// BenchmarkThousandStreams opens 1,000 event streams on one server
// (SQLite), records one event with the CLI, and measures when each stream
// delivers it (p50, p99 from the record's start) and the server's memory per
// open stream.
//
//	go test -run '^$' -bench ThousandStreams -benchtime 1x ./cmd/alliance
func BenchmarkThousandStreams(b *testing.B) {
	const n = 1000
	dir := b.TempDir()
	db := filepath.Join(dir, "streams.db")
	base := startServerOn(b, db)
	tr := &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: 0}
	client := &http.Client{Transport: tr}
	for it := range b.N {
		runtime.GC()
		before := serverRSS(b, base)
		got := make(chan time.Time, n)
		ready := make(chan struct{}, n)
		title := fmt.Sprintf("A stream benchmark summit %d", it)
		var bodies []io.Closer
		for range n {
			res, err := client.Get(base + "/api/v1/events/stream")
			if err != nil {
				b.Fatal(err)
			}
			bodies = append(bodies, res.Body)
			go func() {
				sc := bufio.NewScanner(res.Body)
				for sc.Scan() {
					l := sc.Text()
					if strings.HasPrefix(l, ": connected") {
						ready <- struct{}{}
					}
					if strings.HasPrefix(l, "data: ") && strings.Contains(l, title) {
						got <- time.Now()
						return
					}
				}
			}()
		}
		for range n {
			<-ready
		}
		after := serverRSS(b, base)
		file := filepath.Join(dir, fmt.Sprintf("e%d.yaml", it))
		os.WriteFile(file, []byte(strings.Replace(summitYAML, "A concurrency test summit", title, 1)), 0o644)
		start := time.Now()
		if code, out := runBin(b, filepath.Join(dir, "cfg"), "record", file, "--db", db); code != 0 {
			b.Fatalf("record: %d %s", code, out)
		}
		var lat []time.Duration
		timeout := time.After(30 * time.Second)
		for len(lat) < n {
			select {
			case t := <-got:
				lat = append(lat, t.Sub(start))
			case <-timeout:
				b.Fatalf("%d of %d streams delivered the event within 30 s", len(lat), n)
			}
		}
		for _, c := range bodies {
			c.Close()
		}
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Milliseconds()), "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Milliseconds()), "p99-ms")
		b.ReportMetric((after-before)/n/1024, "KiB/stream")
	}
}
