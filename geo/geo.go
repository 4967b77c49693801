package geo

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"alliance"
)

// TropicOfCancer is the latitude of the Tropic of Cancer that the engine
// uses, 23°26′ N. (It drifts by about 15 m a year; 23°27′ in 1949. The
// difference is under 2 km and is noted in data/seas/README.md.)
const TropicOfCancer = 23.0 + 26.0/60

// Override replaces country-coder's answer for one of its features during a
// period: de jure sovereignty as the allies recognise it, or history that
// the present-day borders do not show.
type Override struct {
	Feature string `json:"feature,omitempty"` // country-coder feature id (Q7835 is Crimea), or
	// Polygon ([lon, lat] vertices) for an area that is not a feature of its own.
	Polygon   [][2]float64    `json:"-"`
	State     string          `json:"state"` // the state it belongs to for the model
	Territory string          `json:"territory,omitempty"`
	From      alliance.Date   `json:"from"` // zero: since ever
	To        alliance.Date   `json:"to"`   // zero: until now (inclusive)
	Reason    string          `json:"reason"`
	Source    alliance.Source `json:"source"`
	// Within limits a polygon to points of one state's border features (the
	// GDR's polygon is drawn loosely to the east: only German points count).
	Within string `json:"within,omitempty"`
	// Occupation marks an area in Europe where occupation forces of Parties
	// were stationed when the Treaty entered into force (Art. 6(2)).
	Occupation bool `json:"occupation,omitempty"`
	// DeFacto is the state that held the area in fact while the override
	// applies, where that is not State, from DeFactoFrom (zero: from the
	// override's start). Control is a dated fact: Russia has held Crimea
	// since its annexation of 2014-03-18, not before, so it is never read
	// from today's borders.
	DeFacto       string           `json:"de_facto,omitempty"`
	DeFactoFrom   alliance.Date    `json:"de_facto_from,omitempty"`
	DeFactoSource *alliance.Source `json:"de_facto_source,omitempty"`
	// Declaration is, for an area that was no Party's territory, a
	// declaration by Parties that they would treat an attack on it as an
	// attack on themselves (the Three Powers on Berlin, 1954). The Treaty
	// does not cover such an area as territory; the declaration makes the
	// answer disputed rather than a plain no.
	Declaration     string        `json:"declaration,omitempty"`
	DeclarationFrom alliance.Date `json:"declaration_from,omitzero"`
}

func (o *Override) applies(d alliance.Date) bool {
	return (o.From.IsZero() || !d.Before(o.From)) && (o.To.IsZero() || !d.After(o.To))
}

// heldBy returns the state that held the area in fact on d, if the
// override records one other than its State.
func (o *Override) heldBy(d alliance.Date) string {
	if o.DeFacto == "" || o.DeFacto == o.State || (!o.DeFactoFrom.IsZero() && d.Before(o.DeFactoFrom)) {
		return ""
	}
	return o.DeFacto
}

// Sea is a sea area drawn as a simplified polygon whose sides follow the
// limits its source states; the land mask decides the coast, so the polygon
// may overlap land freely.
type Sea struct {
	ID      string          `json:"id"`                // mediterranean, black_sea, north_atlantic, ...
	Name    string          `json:"name"`              // Mediterranean Sea
	PartOf  string          `json:"part_of,omitempty"` // the ocean whose marginal sea it is
	Limits  string          `json:"limits"`
	Source  alliance.Source `json:"source"`
	Polygon [][2]float64    `json:"-"` // [lon, lat] vertices
	shape   *area
}

// Place is what the engine knows about a point on a date.
type Place struct {
	Lat  float64 `json:"lat"`
	Lon  float64 `json:"lon"`
	Name string  `json:"name,omitempty"` // the place name asked for, if any
	// Kind is "land" or "sea", by Natural Earth's 1:50m land polygons and
	// the minor islands (atolls, cays) of its 1:10m land.
	Kind string `json:"kind"`
	// State is the state whose territory holds the point; at sea, the state
	// whose waters country-coder's borders draw around it (these reach the
	// limits of exclusive economic zones in places, and do not tell the
	// territorial sea from them).
	State     string `json:"state,omitempty"`
	Territory string `json:"territory,omitempty"` // the part of it, where the borders name one (Hawaii)
	Feature   string `json:"feature,omitempty"`   // country-coder feature id
	Continent string `json:"continent,omitempty"` // Europe, North America, Africa, Asia, ...
	Sea       *Sea   `json:"sea,omitempty"`       // at sea: the sea area, if one of ours holds it
	// CoastKm is, at sea, the distance to the nearest land when it is under
	// about 30 km; TerritorialSea is true within 12 nautical miles of land.
	CoastKm        *float64 `json:"coast_km,omitempty"`
	TerritorialSea bool     `json:"territorial_sea,omitempty"`
	// NorthOfTropic is true north of the Tropic of Cancer.
	NorthOfTropic bool `json:"north_of_tropic_of_cancer"`
	// DeFacto is the state that held the place in fact on the date, where
	// a dated override records one that is not State.
	DeFacto  string    `json:"de_facto,omitempty"`
	Override *Override `json:"override,omitempty"`
	groups   []string
}

// InGroup reports whether the place's border feature is in the
// country-coder group id ("150" Europe, "021" Northern America).
func (p *Place) InGroup(id string) bool { return slices.Contains(p.groups, id) }

// Index locates points. It is safe for concurrent use.
type Index struct {
	g         *grid
	land      *grid
	overrides map[string][]Override
	areas     []*area // overrides drawn as polygons
	seas      []*Sea
	byName    map[string]int // lower-cased feature name or id -> feature index
	numeric   map[string]string
}

// New builds an index from country-coder's borders.json, TopoJSON land
// masks (world-atlas's land-50m.json, then the minor islands of the 1:10m
// land that it leaves out), overrides and seas. A point is land if any mask
// holds it (each mask is read even-odd on its own, so masks may overlap).
func New(borders []byte, land [][]byte, overrides []Override, seas []Sea) (*Index, error) {
	fs, aliases, numeric, err := parseBorders(borders)
	if err != nil {
		return nil, err
	}
	var masks []*Feature
	for _, b := range land {
		lf, err := parseLand(b, "land")
		if err != nil {
			return nil, err
		}
		masks = append(masks, lf)
	}
	ix := &Index{g: newGrid(fs), land: newGrid(masks), overrides: map[string][]Override{}, byName: map[string]int{}, numeric: numeric}
	for i, f := range fs {
		ix.byName[strings.ToLower(f.Name)] = i
		ix.byName[strings.ToLower(f.ID)] = i
	}
	// A state drawn in parts (Finland = Mainland Finland + Åland) is named
	// by its part with the most land (whole land cells of the grid), leaving
	// out parts with an ISO code of their own (Greenland, French Guiana).
	landCells := make([]int, len(fs))
	for k, o := range ix.g.owner {
		if o >= 0 && ix.land.owner[k] >= 0 {
			landCells[o]++
		}
	}
	for name, code := range aliases {
		largest := -1
		for i, f := range fs {
			if f.Country == code && (f.ISO == "" || f.ISO == code) && (largest < 0 || landCells[i] > landCells[largest]) {
				largest = i
			}
		}
		if _, taken := ix.byName[name]; !taken && largest >= 0 {
			ix.byName[name] = largest
			ix.byName[strings.ToLower(code)] = largest
		}
	}
	for _, o := range overrides {
		if len(o.Polygon) > 0 {
			a, err := newArea(o.Polygon)
			if err != nil {
				return nil, err
			}
			a.o = o
			ix.areas = append(ix.areas, a)
			continue
		}
		if _, ok := ix.byName[strings.ToLower(o.Feature)]; !ok {
			return nil, alliance.Errorf(alliance.EINVALID, "override for unknown border feature %q", o.Feature)
		}
		ix.overrides[o.Feature] = append(ix.overrides[o.Feature], o)
	}
	for i := range seas {
		s := seas[i]
		a, err := newArea(s.Polygon)
		if err != nil {
			return nil, alliance.Errorf(alliance.EINVALID, "sea %s: polygon needs at least 3 points", s.ID)
		}
		s.shape = a
		ix.seas = append(ix.seas, &s)
	}
	return ix, nil
}

// CheckCoordinates returns an EINVALID error for NaN, infinite or
// out-of-range coordinates.
func CheckCoordinates(lat, lon float64) error {
	switch {
	case math.IsNaN(lat) || math.IsNaN(lon):
		return alliance.Errorf(alliance.EINVALID, "coordinates are not numbers (NaN)")
	case math.IsInf(lat, 0) || math.IsInf(lon, 0):
		return alliance.Errorf(alliance.EINVALID, "coordinates are infinite")
	case lat < -90 || lat > 90:
		return alliance.Errorf(alliance.EINVALID, "latitude %g is out of range: want -90 to 90", lat)
	case lon < -180 || lon > 180:
		return alliance.Errorf(alliance.EINVALID, "longitude %g is out of range: want -180 to 180", lon)
	}
	return nil
}

// Locate returns what the index knows about (lat, lon) on date d.
func (ix *Index) Locate(lat, lon float64, d alliance.Date) (Place, error) {
	if err := CheckCoordinates(lat, lon); err != nil {
		return Place{}, err
	}
	p := Place{Lat: lat, Lon: lon, NorthOfTropic: lat > TropicOfCancer, Kind: "land"}
	if ix.land.locate(pt{lon, lat}) < 0 {
		p.Kind = "sea"
		if km, ok := ix.coastKm(pt{lon, lat}); ok {
			km = math.Round(km*10) / 10
			p.CoastKm, p.TerritorialSea = &km, km <= TerritorialSeaKm
		}
		for _, s := range ix.seas {
			if s.shape.contains(pt{lon, lat}) {
				p.Sea = s
				break
			}
		}
	}
	for _, a := range ix.areas {
		if a.o.applies(d) && a.contains(pt{lon, lat}) {
			fi := ix.g.locate(pt{lon, lat})
			if a.o.Within != "" && (fi < 0 || ix.g.features[fi].Country != a.o.Within) {
				continue
			}
			if fi >= 0 {
				p.Feature, p.groups = ix.g.features[fi].ID, ix.g.features[fi].Groups
				p.Continent = continent(p.groups)
			}
			p.State, p.Territory, p.Override = a.o.State, a.o.Territory, &a.o
			p.DeFacto = a.o.heldBy(d)
			return p, nil
		}
	}
	fi := ix.g.locate(pt{lon, lat})
	if fi < 0 {
		return p, nil
	}
	f := ix.g.features[fi]
	p.Feature, p.State, p.groups = f.ID, f.Country, f.Groups
	if f.ID != f.Country {
		p.Territory = f.Name
	}
	p.Continent = continent(f.Groups)
	for i := range ix.overrides[f.ID] {
		o := &ix.overrides[f.ID][i]
		if o.applies(d) {
			p.State, p.Override = o.State, o
			p.DeFacto = o.heldBy(d)
			if o.Territory != "" {
				p.Territory = o.Territory
			}
			break
		}
	}
	return p, nil
}

// FeatureRaw returns country-coder's own answer for a point, before any
// override: the feature id and its state. It is for comparison tests.
func (ix *Index) FeatureRaw(lat, lon float64) (id, state string) {
	fi := ix.g.locate(pt{lon, lat})
	if fi < 0 {
		return "", ""
	}
	f := ix.g.features[fi]
	return f.ID, f.Country
}

// Name returns the English name country-coder gives the feature with id
// code (a state's ISO code), or "" if there is none.
func (ix *Index) Name(code string) string {
	if i, ok := ix.byName[strings.ToLower(code)]; ok {
		return ix.g.features[i].Name
	}
	return ""
}

// Point returns a representative point inside the border feature named
// name (its English name or id, case-insensitive) and on land: of a lattice
// over the feature's box, the land point inside it nearest the box's middle.
func (ix *Index) Point(name string) (lat, lon float64, ok bool) {
	fi, ok := ix.byName[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return 0, 0, false
	}
	f := ix.g.features[fi]
	mid := pt{(f.minX + f.maxX) / 2, (f.minY + f.maxY) / 2}
	step := math.Max(math.Max(f.maxX-f.minX, f.maxY-f.minY)/300, 0.005)
	best, bestD := pt{}, math.Inf(1)
	for y := f.minY + step/2; y < f.maxY; y += step {
		for x := f.minX + step/2; x < f.maxX; x += step {
			q := pt{x, y}
			d := math.Hypot(x-mid.x, y-mid.y)
			if d < bestD && ix.g.locate(q) == fi && ix.land.locate(q) >= 0 {
				best, bestD = q, d
			}
		}
	}
	if math.IsInf(bestD, 1) {
		return 0, 0, false
	}
	return best.y, best.x, true
}

// area is a polygon with its bounding box: a sea, or an override drawn as a
// polygon.
type area struct {
	ring                   []pt
	minX, minY, maxX, maxY float64
	o                      Override
}

func newArea(poly [][2]float64) (*area, error) {
	if len(poly) < 3 {
		return nil, alliance.Errorf(alliance.EINVALID, "a polygon needs at least 3 points")
	}
	a := &area{minX: math.Inf(1), minY: math.Inf(1), maxX: math.Inf(-1), maxY: math.Inf(-1)}
	for _, c := range poly {
		a.ring = append(a.ring, pt{c[0], c[1]})
		a.minX, a.maxX = math.Min(a.minX, c[0]), math.Max(a.maxX, c[0])
		a.minY, a.maxY = math.Min(a.minY, c[1]), math.Max(a.maxY, c[1])
	}
	return a, nil
}

// contains is the even-odd test of p against the area's ring.
func (a *area) contains(p pt) bool {
	r := a.ring
	if p.x < a.minX || p.x > a.maxX || p.y < a.minY || p.y > a.maxY {
		return false
	}
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		u, v := r[i], r[j]
		if (u.y > p.y) != (v.y > p.y) && p.x < (v.x-u.x)*(p.y-u.y)/(v.y-u.y)+u.x {
			in = !in
		}
	}
	return in
}

// continent names a feature's continent from its M49 groups. North America
// means M49's Northern America (021: the United States, Canada, Greenland,
// Bermuda, Saint Pierre and Miquelon), not the Caribbean or Central America.
func continent(groups []string) string {
	for _, c := range []struct{ id, name string }{
		{"150", "Europe"}, {"021", "North America"}, {"419", "Latin America and the Caribbean"},
		{"003", "Latin America and the Caribbean"}, // the rest of M49's North America: Central America, Clipperton
		{"002", "Africa"}, {"142", "Asia"}, {"009", "Oceania"},
	} {
		if slices.Contains(groups, c.id) {
			return c.name
		}
	}
	if len(groups) == 0 {
		return "Antarctica" // country-coder's Antarctica feature has no groups
	}
	return ""
}

// String describes the place in a few words: "Hawaii (US)", "at sea".
func (p Place) String() string {
	switch {
	case p.Kind == "sea" && p.Sea != nil:
		return "at sea, " + p.Sea.Name
	case p.Kind == "sea":
		return "at sea"
	case p.Territory != "":
		return fmt.Sprintf("%s (%s)", p.Territory, p.State)
	}
	return p.State
}

// Sovereign returns the state a territory with its own ISO code belongs to,
// as country-coder has it (GL is DK's), or code itself.
func (ix *Index) Sovereign(code string) string {
	if i, ok := ix.byName[strings.ToLower(code)]; ok && ix.g.features[i].Country != "" {
		return ix.g.features[i].Country
	}
	return code
}

// AlphaOfNumeric returns the ISO 3166-1 alpha-2 code for a numeric code
// ("840" is US), from country-coder's data, or "".
func (ix *Index) AlphaOfNumeric(n string) string { return ix.numeric[n] }
