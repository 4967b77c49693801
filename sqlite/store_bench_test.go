package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"alliance"
	"alliance/datasettest"
	"alliance/ledger"
)

// BenchmarkLoadSynthetic1M appends a synthetic ledger of 1,000,000 events to
// a fresh SQLite file in batches, hashing and encoding each event (target:
// 100,000 events/s or more). Run with -benchtime=1x: one iteration is 1M events.
func BenchmarkLoadSynthetic1M(b *testing.B) {
	states, _ := datasettest.MustHistory(b)
	const n = 1_000_000
	evs := datasettest.Synthetic(states, n)
	for _, batch := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				s := MustOpen(b, filepath.Join(b.TempDir(), fmt.Sprintf("bench%d.db", i)))
				l := ledger.New(s, nil)
				for j := 0; j < n; j += batch {
					if _, err := l.Append(context.Background(), alliance.FromDataset, evs[j:min(j+batch, n)]); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkAppend appends events through the ledger (encode, hash-chain,
// store, index the fact) to a fresh SQLite file, one event per transaction
// and 100 per transaction; each commit is durable (synchronous=FULL).
// postgres's BenchmarkAppend is the same on PostgreSQL:
//
//	go test -run '^$' -bench 'Append$' ./postgres ./sqlite
func BenchmarkAppend(b *testing.B) {
	for _, batch := range []int{1, 100} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			l := ledger.New(MustOpen(b, filepath.Join(b.TempDir(), "bench.db")), nil)
			evs := make([]alliance.Event, batch)
			n := 0
			for b.Loop() {
				for j := range evs {
					evs[j] = benchEvent(n)
					n++
				}
				if _, err := l.Append(context.Background(), alliance.FromUser, evs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// benchEvent is the i-th of distinct events the size of real ones.
func benchEvent(i int) alliance.Event {
	return alliance.Event{Date: alliance.MustDate("1949-04-04").AddDays(i % 36500), Type: alliance.Milestone, Org: alliance.NATO,
		States: []string{"SE"}, Title: fmt.Sprintf("Benchmark event %d: a milestone of about the length of the dataset's titles", i),
		Source: alliance.Source{URL: "https://www.nato.int/cps/en/natohq/official_texts_17120.htm", Title: "The North Atlantic Treaty", Kind: alliance.SourceOfficial}}
}
