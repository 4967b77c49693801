package geo

import (
	"math/rand/v2"
	"testing"

	"alliance/third_party/countrycoder"
)

// TestGridAgreesWithRayCasting checks the index against the plain even-odd
// test over every feature on random points and on points near borders.
func TestGridAgreesWithRayCasting(t *testing.T) {
	fs, _, err := parseBorders(countrycoder.Borders)
	if err != nil {
		t.Fatal(err)
	}
	g := newGrid(fs)
	slow := func(p pt) int {
		for i, f := range fs {
			if f.contains(p) {
				return i
			}
		}
		return -1
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var pts []pt
	for range 200_000 {
		pts = append(pts, pt{rng.Float64()*360 - 180, rng.Float64()*180 - 90})
	}
	// Points close to vertices, where the index does the most work.
	for range 100_000 {
		f := fs[rng.IntN(len(fs))]
		r := f.rings[rng.IntN(len(f.rings))]
		v := r[rng.IntN(len(r))]
		pts = append(pts, pt{v.x + (rng.Float64()-0.5)*0.02, v.y + (rng.Float64()-0.5)*0.02})
	}
	bad := 0
	for _, p := range pts {
		if p.x < -180 || p.x > 180 || p.y < -90 || p.y > 90 {
			continue
		}
		if got, want := g.locate(p), slow(p); got != want {
			bad++
			if bad < 10 {
				name := func(i int) string {
					if i < 0 {
						return "none"
					}
					return fs[i].Name
				}
				t.Errorf("(%v, %v): index says %s, ray casting %s", p.y, p.x, name(got), name(want))
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d points disagree", bad, len(pts))
	}
}
