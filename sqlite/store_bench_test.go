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
