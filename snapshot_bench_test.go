package alliance_test

import (
	"testing"

	"alliance"
	"alliance/datasettest"
)

// BenchmarkMembersEmbedded replays the embedded ledger to a date and answers
// `members` (target: under 100 µs per query from a loaded ledger).
func BenchmarkMembersEmbedded(b *testing.B) {
	states, h := datasettest.MustHistory(b)
	at := alliance.MustDate("2023-04-04")
	b.ReportAllocs()
	for b.Loop() {
		ms := alliance.Replay(h, at).Members(alliance.NATO, states)
		if len(ms) != 31 {
			b.Fatalf("members = %d", len(ms))
		}
	}
}

// BenchmarkReplaySynthetic1M replays a synthetic ledger of 1,000,000 events
// on one core (target: 2 million events/s or more).
func BenchmarkReplaySynthetic1M(b *testing.B) {
	states, _ := datasettest.MustHistory(b)
	const n = 1_000_000
	h := datasettest.SyntheticHistory(states, n)
	end := h.Last()
	b.ResetTimer()
	for b.Loop() {
		s := alliance.Replay(h, end)
		if s.At != end {
			b.Fatal("wrong date")
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
