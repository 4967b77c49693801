package geo

import (
	"encoding/json"
	"fmt"
	"math"
)

// topology is the part of a TopoJSON document the land mask needs.
type topology struct {
	Transform *struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][2]float64 `json:"arcs"`
	Objects map[string]struct {
		Type       string `json:"type"`
		Geometries []struct {
			Type       string          `json:"type"`
			ID         string          `json:"id"`
			Arcs       json.RawMessage `json:"arcs"`
			Properties struct {
				Name string `json:"name"`
			} `json:"properties"`
		} `json:"geometries"`
	} `json:"objects"`
}

// parseLand decodes a TopoJSON land object (world-atlas's land-50m.json)
// into one feature whose rings are every outline of land.
func parseLand(b []byte, object string) (*Feature, error) {
	var t topology
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("parse land: %w", err)
	}
	arcs := decodeArcs(&t)
	obj, ok := t.Objects[object]
	if !ok {
		return nil, fmt.Errorf("parse land: no object %q", object)
	}
	f := &Feature{ID: "land", Name: "land", minX: math.Inf(1), minY: math.Inf(1), maxX: math.Inf(-1), maxY: math.Inf(-1)}
	for _, g := range obj.Geometries {
		polys, err := polygons(g.Type, g.Arcs)
		if err != nil {
			return nil, fmt.Errorf("parse land: %w", err)
		}
		for _, p := range polys {
			for _, idx := range p {
				for _, r := range unwrap(assemble(arcs, idx)) {
					for _, v := range r {
						f.minX, f.maxX = math.Min(f.minX, v.x), math.Max(f.maxX, v.x)
						f.minY, f.maxY = math.Min(f.minY, v.y), math.Max(f.maxY, v.y)
					}
					f.rings = append(f.rings, r)
				}
			}
		}
	}
	return f, nil
}

// decodeArcs decodes a topology's arcs: quantized and delta-encoded when
// there is a transform.
func decodeArcs(t *topology) [][]pt {
	arcs := make([][]pt, len(t.Arcs))
	for i, a := range t.Arcs {
		r := make([]pt, len(a))
		var x, y float64
		for j, p := range a {
			if t.Transform != nil {
				x, y = x+p[0], y+p[1]
				r[j] = pt{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]}
			} else {
				r[j] = pt{p[0], p[1]}
			}
		}
		arcs[i] = r
	}
	return arcs
}

// polygons reads a geometry's arc indexes as a list of polygons of rings;
// other geometry types have none.
func polygons(typ string, raw json.RawMessage) ([][][]int, error) {
	switch typ {
	case "MultiPolygon":
		var polys [][][]int
		err := json.Unmarshal(raw, &polys)
		return polys, err
	case "Polygon":
		var p [][]int
		err := json.Unmarshal(raw, &p)
		return [][][]int{p}, err
	}
	return nil, nil
}

// assemble joins the arcs of one ring (a negative index is arc ^i reversed).
func assemble(arcs [][]pt, idx []int) []pt {
	var out []pt
	for k, i := range idx {
		var a []pt
		if i >= 0 {
			a = arcs[i]
		} else {
			src := arcs[^i]
			a = make([]pt, len(src))
			for j := range src {
				a[j] = src[len(src)-1-j]
			}
		}
		if k > 0 && len(a) > 0 {
			a = a[1:] // arcs share their end points
		}
		out = append(out, a...)
	}
	return out
}

// unwrap makes a ring that crosses the antimeridian continuous (TopoJSON
// keeps spherical coordinates, so Chukotka's coast jumps from 180 to -180),
// and returns it with a copy shifted by 360° so that both sides of the
// antimeridian are drawn in -180..180. A ring around a pole (Antarctica),
// which does not close once unwrapped, is returned as it is.
func unwrap(r []pt) [][]pt {
	out := make([]pt, len(r))
	off := 0.0
	crossed := false
	for i, v := range r {
		if i > 0 {
			switch d := v.x + off - out[i-1].x; {
			case d > 180:
				off -= 360
				crossed = true
			case d < -180:
				off += 360
				crossed = true
			}
		}
		out[i] = pt{v.x + off, v.y}
	}
	if !crossed || math.Abs(out[len(out)-1].x-out[0].x) > 1e-9 {
		return [][]pt{r}
	}
	minX, maxX := math.Inf(1), math.Inf(-1)
	for _, v := range out {
		minX, maxX = math.Min(minX, v.x), math.Max(maxX, v.x)
	}
	shift := 360.0
	if maxX > 180 {
		shift = -360
	}
	cp := make([]pt, len(out))
	for i, v := range out {
		cp[i] = pt{v.x + shift, v.y}
	}
	return [][]pt{out, cp}
}

// Shape is one geometry of a TopoJSON object: an id, a name and its rings
// ([lon, lat]), made continuous across the antimeridian.
type Shape struct {
	ID    string
	Name  string
	Rings [][][2]float64
}

// Shapes decodes every geometry of a TopoJSON object (world-atlas's
// countries-110m.json, object "countries"), for drawing.
func Shapes(b []byte, object string) ([]Shape, error) {
	var t topology
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("parse shapes: %w", err)
	}
	arcs := decodeArcs(&t)
	obj, ok := t.Objects[object]
	if !ok {
		return nil, fmt.Errorf("parse shapes: no object %q", object)
	}
	var out []Shape
	for _, g := range obj.Geometries {
		polys, err := polygons(g.Type, g.Arcs)
		if err != nil {
			return nil, fmt.Errorf("parse shapes: %s: %w", g.Properties.Name, err)
		}
		sh := Shape{ID: g.ID, Name: g.Properties.Name}
		for _, p := range polys {
			for _, idx := range p {
				for _, r := range unwrap(assemble(arcs, idx)) {
					ring := make([][2]float64, len(r))
					for i, v := range r {
						ring[i] = [2]float64{v.x, v.y}
					}
					sh.Rings = append(sh.Rings, ring)
				}
			}
		}
		out = append(out, sh)
	}
	return out, nil
}
