package geo

import (
	"math/rand/v2"
	"testing"

	"alliance/third_party/countrycoder"
	"alliance/third_party/worldatlas"
)

// TestLandGridAgreesWithRayCasting checks the land mask's index against the
// plain test, on random points and around the antimeridian (Chukotka, Fiji).
func TestLandGridAgreesWithRayCasting(t *testing.T) {
	lf, err := parseLand(worldatlas.Land50m, "land")
	if err != nil {
		t.Fatal(err)
	}
	g := newGrid([]*Feature{lf})
	rng := rand.New(rand.NewPCG(3, 4))
	bad := 0
	for i := range 20_000 {
		p := pt{rng.Float64()*360 - 180, rng.Float64()*180 - 90}
		if i%2 == 0 { // near the antimeridian
			p.x = 170 + rng.Float64()*20
			if p.x > 180 {
				p.x -= 360
			}
		}
		want := -1
		if lf.contains(p) {
			want = 0
		}
		if got := g.locate(p); got != want {
			bad++
			if bad < 10 {
				t.Errorf("(%v, %v): index %d, ray casting %d", p.y, p.x, got, want)
			}
		}
	}
	// The Norwegian Sea and the Bering Sea are sea: an antimeridian seam once
	// drew a band of "land" across the Arctic at the latitude of Chukotka.
	for _, c := range []struct {
		p    pt
		land bool
	}{{pt{5, 68}, false}, {pt{-20, 67}, false}, {pt{179, 60}, false}} {
		if got := g.locate(c.p) == 0; got != c.land {
			t.Errorf("(%v, %v): land = %v, want %v", c.p.y, c.p.x, got, c.land)
		}
	}
}

// TestGridAgreesWithRayCasting checks the index against the plain even-odd
// test over every feature on random points and on points near borders.
func TestGridAgreesWithRayCasting(t *testing.T) {
	fs, _, _, err := parseBorders(countrycoder.Borders)
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
