package geo

import (
	"math"
	"slices"
)

// Resolution is the side of a grid cell in degrees.
const Resolution = 0.5

// The centre of each cell is nudged off the round coordinates that the
// simplified borders often use, so that no centre lies on an edge or vertex.
const nudgeX, nudgeY = 3.3e-7, 2.7e-7

type seg struct{ a, b pt }

// cellEntry is one feature whose boundary crosses a cell: whether the cell's
// (nudged) centre is inside it, and its edges that touch the cell.
type cellEntry struct {
	f     int32
	in    bool
	edges []seg
}

// grid is the spatial index over a list of features (sorted by area, so
// the first match is the smallest). A cell that no boundary crosses has an
// owner (or none); a cell that boundaries cross keeps their edges, and a
// point is settled by counting crossings on the short segment from the
// cell's centre to the point.
type grid struct {
	features []*Feature
	cols     int
	rows     int
	owner    []int32 // feature index; -1 for none; -2-i for a mixed cell whose entries are mixed[i]
	mixed    [][]cellEntry
}

func (g *grid) cellOf(x, y float64) (int, int) {
	c := int((x + 180) / Resolution)
	r := int((y + 90) / Resolution)
	return min(max(c, 0), g.cols-1), min(max(r, 0), g.rows-1)
}

func (g *grid) centre(c, r int) pt {
	return pt{-180 + (float64(c)+0.5)*Resolution + nudgeX, -90 + (float64(r)+0.5)*Resolution + nudgeY}
}

func newGrid(fs []*Feature) *grid {
	g := &grid{features: fs, cols: int(360 / Resolution), rows: int(180 / Resolution)}
	n := g.cols * g.rows
	g.owner = make([]int32, n)
	for i := range g.owner {
		g.owner[i] = -1
	}
	// Edges into the cells their bounding boxes touch.
	edges := map[int32]map[int32][]seg{} // cell -> feature -> edges
	for fi, f := range fs {
		for _, r := range f.rings {
			for i := range r {
				a, b := r[i], r[(i+1)%len(r)]
				c0, r0 := g.cellOf(math.Min(a.x, b.x), math.Min(a.y, b.y))
				c1, r1 := g.cellOf(math.Max(a.x, b.x), math.Max(a.y, b.y))
				for rr := r0; rr <= r1; rr++ {
					for cc := c0; cc <= c1; cc++ {
						if !segTouchesCell(a, b, cc, rr) {
							continue
						}
						k := int32(rr*g.cols + cc)
						m := edges[k]
						if m == nil {
							m = map[int32][]seg{}
							edges[k] = m
						}
						m[int32(fi)] = append(m[int32(fi)], seg{a, b})
					}
				}
			}
		}
	}
	// Which features contain each cell's centre: a scanline per row.
	inside := make([][]int32, n) // cell -> features containing the centre (ascending index)
	for fi, f := range fs {
		_, rLo := g.cellOf(0, f.minY)
		_, rHi := g.cellOf(0, f.maxY)
		for row := rLo; row <= rHi; row++ {
			y := g.centre(0, row).y
			var xs []float64
			for _, r := range f.rings {
				for i := range r {
					a, b := r[i], r[(i+1)%len(r)]
					if (a.y > y) != (b.y > y) {
						xs = append(xs, a.x+(y-a.y)*(b.x-a.x)/(b.y-a.y))
					}
				}
			}
			slices.Sort(xs)
			for i := 0; i+1 < len(xs); i += 2 {
				cLo := int(math.Ceil((xs[i]+180-nudgeX)/Resolution - 0.5))
				cHi := int(math.Floor((xs[i+1]+180-nudgeX)/Resolution - 0.5))
				for c := max(cLo, 0); c <= min(cHi, g.cols-1); c++ {
					k := row*g.cols + c
					inside[k] = append(inside[k], int32(fi))
				}
			}
		}
	}
	for k := range n {
		m := edges[int32(k)]
		if m == nil {
			if len(inside[k]) > 0 {
				g.owner[k] = inside[k][0] // the smallest feature containing the whole cell
			}
			continue
		}
		g.owner[k] = int32(-2 - len(g.mixed))
		var es []cellEntry
		for fi, ss := range m {
			es = append(es, cellEntry{f: fi, in: slices.Contains(inside[k], fi), edges: ss})
		}
		for _, fi := range inside[k] {
			if _, ok := m[fi]; !ok {
				es = append(es, cellEntry{f: fi, in: true})
			}
		}
		slices.SortFunc(es, func(a, b cellEntry) int { return int(a.f - b.f) })
		g.mixed = append(g.mixed, es)
	}
	return g
}

// segTouchesCell reports whether segment ab may pass through cell (c, r):
// a conservative test against the cell's box, slightly enlarged.
func segTouchesCell(a, b pt, c, r int) bool {
	const eps = 1e-9
	x0, y0 := -180+float64(c)*Resolution-eps, -90+float64(r)*Resolution-eps
	x1, y1 := x0+Resolution+2*eps, y0+Resolution+2*eps
	// Liang-Barsky clipping.
	t0, t1 := 0.0, 1.0
	dx, dy := b.x-a.x, b.y-a.y
	for _, pq := range [4][2]float64{{-dx, a.x - x0}, {dx, x1 - a.x}, {-dy, a.y - y0}, {dy, y1 - a.y}} {
		p, q := pq[0], pq[1]
		if p == 0 {
			if q < 0 {
				return false
			}
			continue
		}
		t := q / p
		if p < 0 {
			t0 = math.Max(t0, t)
		} else {
			t1 = math.Min(t1, t)
		}
		if t0 > t1 {
			return false
		}
	}
	return true
}

func orient(a, b, c pt) float64 { return (b.x-a.x)*(c.y-a.y) - (b.y-a.y)*(c.x-a.x) }

// crosses reports whether the segment c→p crosses the edge a→b, counting a
// vertex that lies on the segment's line once (half-open rule).
func crosses(c, p, a, b pt) bool {
	if (orient(c, p, a) > 0) == (orient(c, p, b) > 0) {
		return false
	}
	return (orient(a, b, c) > 0) != (orient(a, b, p) > 0)
}

// entries returns the boundary entries of cell (c, r), nil if none crosses it.
func (g *grid) entries(c, r int) []cellEntry {
	if o := g.owner[r*g.cols+c]; o <= -2 {
		return g.mixed[-2-o]
	}
	return nil
}

// locate returns the index of the smallest feature containing p, or -1.
func (g *grid) locate(p pt) int {
	c, r := g.cellOf(p.x, p.y)
	o := g.owner[r*g.cols+c]
	if o > -2 {
		return int(o)
	}
	cen := g.centre(c, r)
	for _, e := range g.mixed[-2-o] {
		in := e.in
		for _, s := range e.edges {
			if crosses(cen, p, s.a, s.b) {
				in = !in
			}
		}
		if in {
			return int(e.f)
		}
	}
	return -1
}
