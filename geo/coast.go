package geo

import "math"

// TerritorialSeaKm is the breadth of the territorial sea, 12 nautical miles.
const TerritorialSeaKm = 12 * 1.852

// coastSearchDeg bounds the search for the nearest coast, in degrees of latitude.
const coastSearchDeg = 0.3

// coastKm returns the distance in km from a point at sea to the nearest
// land outline, if one lies within about 30 km; ok is false otherwise. It
// uses a local flat projection, good to a fraction of a percent at this range.
func (ix *Index) coastKm(p pt) (km float64, ok bool) {
	g := ix.land
	kx := 111.32 * math.Cos(p.y*math.Pi/180)
	const ky = 110.57
	dLon := coastSearchDeg * ky / math.Max(kx, 1)
	c0, r0 := g.cellOf(p.x-dLon, p.y-coastSearchDeg)
	c1, r1 := g.cellOf(p.x+dLon, p.y+coastSearchDeg)
	best := math.Inf(1)
	for r := r0; r <= r1; r++ {
		for c := c0; c <= c1; c++ {
			for _, e := range g.entries(c, r) {
				for _, s := range e.edges {
					ax, ay := (s.a.x-p.x)*kx, (s.a.y-p.y)*ky
					bx, by := (s.b.x-p.x)*kx, (s.b.y-p.y)*ky
					best = math.Min(best, distOrigin(ax, ay, bx, by))
				}
			}
		}
	}
	if best > coastSearchDeg*ky {
		return 0, false
	}
	return best, true
}

// distOrigin is the distance from the origin to the segment (a, b).
func distOrigin(ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	l := dx*dx + dy*dy
	t := 0.0
	if l > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l))
	}
	return math.Hypot(ax+t*dx, ay+t*dy)
}
