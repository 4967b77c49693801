package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
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
