// Package geo answers "where is this point?": the jurisdiction (state and
// territory) that holds it, its continent, and, at sea, the sea area that
// Article 6 of the North Atlantic Treaty names. Land borders come from the
// npm package @rapideditor/country-coder (vendored in third_party/), behind a
// grid index; dated, sourced overrides replace country-coder's answer where
// it follows de facto control (Crimea) or where history differs (the
// Algerian departments of France before 1962).
package geo

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Feature is one area of the border data: a state's territory or a part of
// it with its own identity (Hawaii, the Canary Islands, Ceuta...).
type Feature struct {
	ID                     string   // country-coder's id: ISO alpha-2, else M49 code, else Wikidata id
	Name                   string   // English name
	ISO                    string   // its own ISO 3166-1 alpha-2 code, if any (IC, GF, BM...)
	Country                string   // the sovereign state's ISO code as country-coder has it ("" if none)
	Groups                 []string // country-coder groups: M49 regions and other groupings
	rings                  [][]pt   // outer rings and holes alike: even-odd rule
	area                   float64  // in square degrees, to prefer the smallest of overlapping features
	minX, minY, maxX, maxY float64
}

type pt struct{ x, y float64 }

// InGroup reports whether the feature belongs to the country-coder group id
// (for example "150" Europe, "021" Northern America).
func (f *Feature) InGroup(id string) bool {
	for _, g := range f.Groups {
		if g == id {
			return true
		}
	}
	return false
}

type geojson struct {
	Features []struct {
		Properties struct {
			ISO      string   `json:"iso1A2"`
			M49      string   `json:"m49"`
			N3       string   `json:"iso1N3"`
			Wikidata string   `json:"wikidata"`
			Name     string   `json:"nameEn"`
			Country  string   `json:"country"`
			Groups   []string `json:"groups"`
		} `json:"properties"`
		Geometry *struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

// parseBorders reads country-coder's borders.json and returns the features
// that have a geometry, the lower-cased names of the states that have none
// of their own (being drawn in parts) with their ISO codes, and a map of ISO
// numeric codes to alpha-2.
func parseBorders(b []byte) (fs []*Feature, aliases, numeric map[string]string, err error) {
	var g geojson
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, nil, nil, fmt.Errorf("parse borders: %w", err)
	}
	var out []*Feature
	aliases = map[string]string{}
	numeric = map[string]string{}
	for i, f := range g.Features {
		if f.Properties.N3 != "" && f.Properties.ISO != "" {
			numeric[f.Properties.N3] = f.Properties.ISO
		}
		if f.Geometry == nil {
			if f.Properties.ISO != "" {
				aliases[strings.ToLower(f.Properties.Name)] = f.Properties.ISO
			}
			continue
		}
		p := f.Properties
		ft := &Feature{Name: p.Name, ISO: p.ISO, Country: p.Country, Groups: p.Groups,
			minX: math.Inf(1), minY: math.Inf(1), maxX: math.Inf(-1), maxY: math.Inf(-1)}
		switch {
		case p.ISO != "":
			ft.ID = p.ISO
		case p.M49 != "":
			ft.ID = p.M49
		default:
			ft.ID = p.Wikidata
		}
		if ft.Country == "" {
			ft.Country = p.ISO
		}
		var polys [][][][2]float64
		switch f.Geometry.Type {
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
				return nil, nil, nil, fmt.Errorf("parse borders: feature %d (%s): %w", i, p.Name, err)
			}
		case "Polygon":
			var poly [][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &poly); err != nil {
				return nil, nil, nil, fmt.Errorf("parse borders: feature %d (%s): %w", i, p.Name, err)
			}
			polys = [][][][2]float64{poly}
		default:
			return nil, nil, nil, fmt.Errorf("parse borders: feature %d (%s): geometry %s", i, p.Name, f.Geometry.Type)
		}
		for _, poly := range polys {
			for k, ring := range poly {
				r := make([]pt, len(ring))
				for j, c := range ring {
					r[j] = pt{c[0], c[1]}
					ft.minX, ft.maxX = math.Min(ft.minX, c[0]), math.Max(ft.maxX, c[0])
					ft.minY, ft.maxY = math.Min(ft.minY, c[1]), math.Max(ft.maxY, c[1])
				}
				a := ringArea(r)
				if k == 0 {
					ft.area += a
				} else {
					ft.area -= a
				}
				ft.rings = append(ft.rings, r)
			}
		}
		out = append(out, ft)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].area < out[j].area })
	return out, aliases, numeric, nil
}

func ringArea(r []pt) float64 {
	var s float64
	for i := range r {
		j := (i + 1) % len(r)
		s += r[i].x*r[j].y - r[j].x*r[i].y
	}
	return math.Abs(s) / 2
}

// contains is the plain even-odd ray test over every ring; the index uses
// it only to check itself in tests and for the few points it cannot settle.
func (f *Feature) contains(p pt) bool {
	if p.x < f.minX || p.x > f.maxX || p.y < f.minY || p.y > f.maxY {
		return false
	}
	in := false
	for _, r := range f.rings {
		n := len(r)
		for i, j := 0, n-1; i < n; j, i = i, i+1 {
			a, b := r[i], r[j]
			if (a.y > p.y) != (b.y > p.y) && p.x < (b.x-a.x)*(p.y-a.y)/(b.y-a.y)+a.x {
				in = !in
			}
		}
	}
	return in
}
