package gazetteer_test

import (
	"testing"

	"alliance/datasettest"
	"alliance/gazetteer"
	"alliance/third_party/geonames"
)

func BenchmarkNew(b *testing.B) {
	ix, _ := datasettest.MustEngine(b)
	states, _ := datasettest.MustHistory(b)
	for b.Loop() {
		if _, err := gazetteer.New(ix, states, geonames.Places); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkResolve(b *testing.B) {
	g, _, _ := mustGazetteer(b)
	for b.Loop() {
		if _, err := g.Resolve("Suwalki"); err != nil {
			b.Fatal(err)
		}
	}
}
