package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"alliance"
	"alliance/datasettest"
	"alliance/ledger"
	"alliance/sqlite"
)

// BenchmarkServeMillion serves a ledger of 1,000,000 synthetic entries (plus
// the dataset) from SQLite: the time from starting `serve` until it answers,
// and `members` answered warm (the same query again) and cold (a new date:
// a replay of the history up to it).
//
//	go test -run '^$' -bench ServeMillion -benchtime 1x ./cmd/alliance
func BenchmarkServeMillion(b *testing.B) {
	const n = 1_000_000
	states, _ := datasettest.MustHistory(b)
	dir := b.TempDir()
	db := filepath.Join(dir, "million.db")
	st, err := sqlite.OpenWith(context.Background(), db, sqlite.Options{KeyOf: ledger.KeyOf})
	if err != nil {
		b.Fatal(err)
	}
	l := ledger.New(st, nil)
	// Synthetic facts repeat (a ratification's identity has no title):
	// each fact is stored once, so the ledger holds somewhat fewer than n.
	seen := map[string]bool{}
	var evs []alliance.Event
	for i, e := range datasettest.Synthetic(states, 2*n) {
		if e.Title += " " + strconv.Itoa(i); !seen[e.Key()] && len(evs) < n {
			seen[e.Key()] = true
			evs = append(evs, e)
		}
	}
	for j := 0; j < len(evs); j += 50_000 {
		if _, err := l.Append(context.Background(), alliance.FromUser, evs[j:min(j+50_000, len(evs))]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(evs)), "entries")
	st.Close()
	for range b.N {
		start := time.Now()
		base := startServerOn(b, db)
		b.ReportMetric(time.Since(start).Seconds(), "startup-s")
		get := func(path string) time.Duration {
			t0 := time.Now()
			res, err := http.Get(base + path)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Fatalf("%s: %d", path, res.StatusCode)
			}
			return time.Since(t0)
		}
		cold := get("/api/v1/members?at=2023-04-04")
		var warm []time.Duration
		for range 1000 {
			warm = append(warm, get("/api/v1/members?at=2023-04-04"))
		}
		slices.Sort(warm)
		b.ReportMetric(float64(cold.Microseconds())/1000, "cold-ms")
		b.ReportMetric(float64(warm[len(warm)/2].Microseconds())/1000, "warm-p50-ms")
		b.ReportMetric(float64(warm[len(warm)*99/100].Microseconds())/1000, "warm-p99-ms")
	}
}
