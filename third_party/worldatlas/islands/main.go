// Command islands derives minor-islands-10m.json from world-atlas's
// land-10m.json and land-50m.json: the rings of Natural Earth's 1:10m land
// that are small (at most MaxSide degrees across) and that the 1:50m land
// does not already hold (fewer than half of their vertices on 1:50m land).
// These are the atolls, cays and islets (Wake Island, Johnston Atoll,
// Sombrero) that the 1:50m land leaves out. The output is a TopoJSON
// document without a transform, object "land", one polygon per island, so
// the engine reads it with the same code as the land mask.
//
// Usage (from refresh.sh): go run ./islands land-10m.json land-50m.json > minor-islands-10m.json
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
)

// MaxSide bounds an island's bounding box, in degrees: large enough for
// Bermuda's or Wake's outline, small enough to leave coasts to the 1:50m land.
const MaxSide = 0.5

// quantum is the quantization step of the output, in degrees.
const quantum = 1e-5

type topology struct {
	Transform *struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][2]float64 `json:"arcs"`
	Objects map[string]struct {
		Geometries []struct {
			Type string          `json:"type"`
			Arcs json.RawMessage `json:"arcs"`
		} `json:"geometries"`
	} `json:"objects"`
}

func rings(file string) ([][][2]float64, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var t topology
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	arcs := make([][][2]float64, len(t.Arcs))
	for i, a := range t.Arcs {
		var x, y float64
		r := make([][2]float64, len(a))
		for j, p := range a {
			if t.Transform != nil {
				x, y = x+p[0], y+p[1]
				r[j] = [2]float64{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]}
			} else {
				r[j] = p
			}
		}
		arcs[i] = r
	}
	var out [][][2]float64
	for _, g := range t.Objects["land"].Geometries {
		var polys [][][]int
		switch g.Type {
		case "MultiPolygon":
			err = json.Unmarshal(g.Arcs, &polys)
		case "Polygon":
			var p [][]int
			err = json.Unmarshal(g.Arcs, &p)
			polys = [][][]int{p}
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		for _, p := range polys {
			for _, idx := range p {
				var r [][2]float64
				for k, i := range idx {
					var a [][2]float64
					if i >= 0 {
						a = arcs[i]
					} else {
						src := arcs[^i]
						for j := len(src) - 1; j >= 0; j-- {
							a = append(a, src[j])
						}
					}
					if k > 0 && len(a) > 0 {
						a = a[1:]
					}
					r = append(r, a...)
				}
				out = append(out, r)
			}
		}
	}
	return out, nil
}

type box struct{ minX, minY, maxX, maxY float64 }

func bounds(r [][2]float64) box {
	b := box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, v := range r {
		b.minX, b.maxX = math.Min(b.minX, v[0]), math.Max(b.maxX, v[0])
		b.minY, b.maxY = math.Min(b.minY, v[1]), math.Max(b.maxY, v[1])
	}
	return b
}

func inRing(r [][2]float64, x, y float64) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		u, v := r[i], r[j]
		if (u[1] > y) != (v[1] > y) && x < (v[0]-u[0])*(y-u[1])/(v[1]-u[1])+u[0] {
			in = !in
		}
	}
	return in
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: islands land-10m.json land-50m.json")
		os.Exit(2)
	}
	fine, err := rings(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	coarse, err := rings(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	boxes := make([]box, len(coarse))
	for i, r := range coarse {
		boxes[i] = bounds(r)
	}
	onCoarse := func(x, y float64) bool {
		n := 0 // even-odd over every ring, as the engine's land mask does
		for i, r := range coarse {
			b := boxes[i]
			if x >= b.minX && x <= b.maxX && y >= b.minY && y <= b.maxY && inRing(r, x, y) {
				n++
			}
		}
		return n%2 == 1
	}
	type geometry struct {
		Type string  `json:"type"`
		Arcs [][]int `json:"arcs"`
	}
	var arcs [][][2]int64
	var geoms []geometry
	for _, r := range fine {
		b := bounds(r)
		if b.maxX-b.minX > MaxSide || b.maxY-b.minY > MaxSide || len(r) < 4 {
			continue
		}
		on := 0
		for _, v := range r {
			if onCoarse(v[0], v[1]) {
				on++
			}
		}
		if 2*on >= len(r) {
			continue
		}
		// Quantized to 1e-5 degrees (about a metre) and delta-encoded, as
		// TopoJSON does; a vertex that quantizes onto the previous is dropped.
		var q [][2]int64
		var px, py int64
		for i, v := range r {
			x, y := int64(math.Round((v[0]+180)/quantum)), int64(math.Round((v[1]+90)/quantum))
			if i > 0 && x == px && y == py {
				continue
			}
			q = append(q, [2]int64{x - px, y - py})
			px, py = x, y
		}
		geoms = append(geoms, geometry{Type: "Polygon", Arcs: [][]int{{len(arcs)}}})
		arcs = append(arcs, q)
	}
	doc := map[string]any{
		"type":      "Topology",
		"transform": map[string]any{"scale": [2]float64{quantum, quantum}, "translate": [2]float64{-180, -90}},
		"arcs":      arcs,
		"objects":   map[string]any{"land": map[string]any{"type": "GeometryCollection", "geometries": geoms}},
	}
	if err := json.NewEncoder(os.Stdout).Encode(doc); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "%d of %d 1:10m rings are minor islands missing from the 1:50m land\n", len(geoms), len(fine))
}
