package forecast_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"alliance"
	"alliance/datasettest"
	"alliance/forecast"
)

// BenchmarkSimulate1M simulates 1,000,000 accessions with the 32 members of
// today ratifying (target: at most 2 s on 2 cores).
func BenchmarkSimulate1M(b *testing.B) {
	states, h := datasettest.MustHistory(b)
	m := forecast.Learn(forecast.Known(h, asOf), states, asOf)
	sit := forecast.Situation{Candidate: "UA", Start: asOf}
	for _, mem := range alliance.Replay(h, asOf).Members(alliance.NATO, states) {
		sit.Ratifiers = append(sit.Ratifiers, mem.Code)
	}
	sc := forecast.Scenario{Invited: alliance.MustDate("2027-07-07")}
	b.ResetTimer()
	for b.Loop() {
		if _, err := forecast.Simulate(context.Background(), m, sit, sc, forecast.Options{Runs: 1_000_000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDrawsOnly1M draws the same random numbers as BenchmarkSimulate1M
// (per run: a pace, a 64-bit draw for its smoothing factor, an invitation-to-protocol gap, one
// 64-bit draw for each of 32 members, a joining gap) on the same workers,
// and does nothing else:
// the limit the simulation is compared with.
func BenchmarkDrawsOnly1M(b *testing.B) {
	const runs, members, chunk = 1_000_000, 32, 4096
	for b.Loop() {
		done := make(chan uint64)
		workers := 2
		for w := range workers {
			go func() {
				var sink uint64
				for ci := w; ci*chunk < runs; ci += workers {
					r := rand.New(rand.NewPCG(1, uint64(ci)))
					for range min(chunk, runs-ci*chunk) {
						sink += uint64(r.IntN(7)) + uint64(r.IntN(7)) + r.Uint64()
						for range members {
							sink += r.Uint64()
						}
						sink += uint64(r.IntN(3))
					}
				}
				done <- sink
			}()
		}
		for range workers {
			<-done
		}
	}
}

// BenchmarkTimetableUA1M is the whole forecast a user asks for: learning
// from the history known today, the hold-out regime for the members with a
// recorded objection, and 1,000,000 runs.
func BenchmarkTimetableUA1M(b *testing.B) {
	states, h := datasettest.MustHistory(b)
	sc := forecast.Scenario{Invited: alliance.MustDate("2027-07-07")}
	for b.Loop() {
		if _, err := forecast.Timetable(context.Background(), h, states, "UA", asOf, sc, forecast.Options{Runs: 1_000_000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTimetableSEInProgress1M forecasts Sweden's accession as of
// 2023-06-01: 29 members fixed, 2 drawn from truncated distributions, the
// round's pace updated on a grid.
func BenchmarkTimetableSEInProgress1M(b *testing.B) {
	states, h := datasettest.MustHistory(b)
	at := alliance.MustDate("2023-06-01")
	for b.Loop() {
		if _, err := forecast.Timetable(context.Background(), h, states, "SE", at, forecast.Scenario{}, forecast.Options{Runs: 1_000_000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
