package postgres_test

import (
	"context"
	"fmt"
	"testing"

	"alliance"
	"alliance/ledger"
	"alliance/postgres/postgrestest"
)

// BenchmarkAppend appends events through the ledger (encode, hash-chain,
// store, index the fact) to a fresh PostgreSQL database, one event per
// transaction and 100 per transaction. Each append is a durable commit
// (synchronous_commit on). sqlite's BenchmarkAppend is the same on SQLite:
//
//	go test -run '^$' -bench 'Append$' ./postgres ./sqlite
func BenchmarkAppend(b *testing.B) {
	for _, batch := range []int{1, 100} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			l := ledger.New(MustOpen(b, postgrestest.MustDatabase(b)), nil)
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
