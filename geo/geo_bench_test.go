package geo_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"alliance"
	"alliance/datasettest"
)

// benchPoints returns the points of $ALLIANCE_BENCH_POINTS (a JSON array of
// [lon, lat], as written by testdata/bench-vs-countrycoder.sh for the same
// run of country-coder), or 100,000 seeded random points uniform on the sphere.
func benchPoints(b *testing.B) [][2]float64 {
	if f := os.Getenv("ALLIANCE_BENCH_POINTS"); f != "" {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		var pts [][2]float64
		if err := json.Unmarshal(raw, &pts); err != nil {
			b.Fatal(err)
		}
		return pts
	}
	rng := rand.New(rand.NewPCG(7, 7))
	pts := make([][2]float64, 100_000)
	for i := range pts {
		pts[i] = [2]float64{rng.Float64()*360 - 180, math.Asin(rng.Float64()*2-1) * 180 / math.Pi}
	}
	return pts
}

// BenchmarkLocate classifies points from a warm index: land or sea, state,
// territory, overrides, continent, sea area, distance to the coast.
func BenchmarkLocate(b *testing.B) {
	ix, _ := datasettest.MustEngine(b)
	pts := benchPoints(b)
	d := alliance.MustDate("2024-01-01")
	b.ResetTimer()
	n := 0
	for b.Loop() {
		for _, p := range pts {
			if _, err := ix.Locate(p[1], p[0], d); err != nil {
				b.Fatal(err)
			}
		}
		n += len(pts)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "points/s")
}

// BenchmarkFeature does only what country-coder's feature() does: point to
// border feature. It is the like-for-like figure for the comparison.
func BenchmarkFeature(b *testing.B) {
	ix, _ := datasettest.MustEngine(b)
	pts := benchPoints(b)
	b.ResetTimer()
	n := 0
	for b.Loop() {
		for _, p := range pts {
			ix.FeatureRaw(p[1], p[0])
		}
		n += len(pts)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "points/s")
}

// BenchmarkBuildIndex measures building the index from the embedded data,
// which every `alliance article5` pays once.
func BenchmarkBuildIndex(b *testing.B) {
	for b.Loop() {
		datasettest.MustEngine(b)
	}
}
