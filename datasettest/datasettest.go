// Package datasettest gives tests the real embedded dataset as a History.
package datasettest

import (
	"testing"

	"alliance"
	"alliance/data"
	"alliance/dataset"
)

// MustHistory loads the embedded dataset and returns its states and its
// events as a History (sequence numbers in file order), failing tb on error.
func MustHistory(tb testing.TB) (alliance.States, alliance.History) {
	tb.Helper()
	states, evs, err := dataset.Load(data.FS)
	if err != nil {
		tb.Fatalf("load embedded dataset: %v", err)
	}
	recs := make([]*alliance.Record, len(evs))
	for i := range evs {
		recs[i] = &alliance.Record{Seq: int64(i + 1), Origin: alliance.FromDataset, Event: evs[i].Event}
	}
	return states, alliance.NewHistory(recs)
}
