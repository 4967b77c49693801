// Package gazetteer finds places by name: states and the territories the
// border data names (Hawaii, the Canary Islands, Ceuta), GeoNames' populated
// places (every place of 5,000 inhabitants or more and every capital and
// regional seat, vendored in third_party/geonames), and a curated list of
// islands, regions and other spellings (Gotland, Crimea, Kiev, Danzig).
// Names match without regard to case, diacritics or punctuation ("suwalki"
// finds Suwałki); a name that several places share is resolved only when
// one of them clearly dominates, and otherwise the candidates are listed, to
// be told apart by a country ("Hamilton, Bermuda").
package gazetteer

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"alliance"
	"alliance/geo"
	"alliance/third_party/countrycoder"
)

// Kinds of place, from the most to the least authoritative for a name.
const (
	KindState     = "state"     // a state in the dataset
	KindTerritory = "territory" // a part of a state with an identity of its own in the border data
	KindArea      = "area"      // an island or region from the curated list
	KindCity      = "city"      // a populated place from GeoNames
)

var kindRank = map[string]int{KindState: 0, KindTerritory: 1, KindArea: 2, KindCity: 3}

// Place is a named place with a point to check.
type Place struct {
	Name        string  `json:"name"`    // as the source spells it
	Label       string  `json:"label"`   // name and country, which resolves to this place alone where it can
	Kind        string  `json:"kind"`    // state, territory, area or city
	Country     string  `json:"country"` // ISO 3166-1 alpha-2 code the source files it under (SJ for Longyearbyen)
	CountryName string  `json:"country_name"`
	Lat         float64 `json:"lat"`
	Lon         float64 `json:"lon"`
	Population  int     `json:"population,omitempty"`
	AlsoKnownAs string  `json:"also_known_as,omitempty"` // the other spelling it was found by ("Kiev")
	Note        string  `json:"note,omitempty"`          // where the point is, for areas ("at Visby")
	seat        string  // GeoNames feature code: PPLC a capital, PPLA a regional seat
	feature     string  // border feature whose point this is, computed on first use
	iso         string  // a territory's own ISO code (FK for the Falkland Islands), if it has one
}

// Gazetteer finds places by name. It is safe for concurrent use.
type Gazetteer struct {
	ix       *geo.Index
	places   []entry // compact: some 60,000 of them stay in memory
	extras   []extra
	byKey    map[string][]int32 // while building
	order    []int32            // entries by name
	start    []int32            // keys[i]'s entries are order[start[i]:start[i+1]]
	keys     []string           // sorted, for prefix search
	country  map[string]string  // folded country name or code -> code
	names    map[string]string  // country code -> its name
	interned map[string]string  // country codes, shared by the entries
	points   sync.Map           // feature -> its point, found on first use
}

// entry is a Place as the gazetteer keeps it: 56 bytes instead of some 200.
type entry struct {
	name     string
	country  string // interned
	lat, lon float32
	pop      int32
	kind     uint8 // index in kinds
	seat     uint8 // index in seats
	extra    int32 // index in extras, or -1
}

// extra holds what few entries have.
type extra struct{ aka, note, feature, iso string }

var (
	kinds = []string{KindState, KindTerritory, KindArea, KindCity}
	seats = []string{"", "PPLC", "PPLA"}
)

func index(list []string, v string) uint8 {
	for i, x := range list {
		if x == v {
			return uint8(i)
		}
	}
	return 0
}

// place expands the i-th entry.
func (g *Gazetteer) place(i int32) Place {
	e := g.places[i]
	p := Place{Name: e.name, Kind: kinds[e.kind], Country: e.country, CountryName: g.names[e.country],
		Lat: math.Round(float64(e.lat)*1e4) / 1e4, Lon: math.Round(float64(e.lon)*1e4) / 1e4, Population: int(e.pop), seat: seats[e.seat]}
	if e.extra >= 0 {
		x := g.extras[e.extra]
		p.AlsoKnownAs, p.Note, p.feature, p.iso = x.aka, x.note, x.feature, x.iso
	}
	if p.Kind == KindState || p.CountryName == "" || Fold(p.CountryName) == Fold(p.Name) {
		p.Label = p.Name
	} else {
		p.Label = p.Name + ", " + p.CountryName
	}
	return p
}

// New builds a gazetteer from GeoNames' places (places.tsv.gz, see
// third_party/geonames), the index's territories, the dataset's states and
// the curated areas and spellings. Points of states and territories are the
// index's (Point) and found on first use.
func New(ix *geo.Index, states alliance.States, geonamesGz []byte) (*Gazetteer, error) {
	g := &Gazetteer{ix: ix, places: make([]entry, 0, 62000), byKey: make(map[string][]int32, 62000), country: map[string]string{}, names: map[string]string{}, interned: map[string]string{}}
	ccNames, err := countryNames()
	if err != nil {
		return nil, err
	}
	name := func(code string) string {
		if st, ok := states[code]; ok {
			return st.Name
		}
		if n := ccNames[code]; n != "" {
			return n
		}
		if n := ix.Name(code); n != "" {
			return n
		}
		return code
	}
	for _, st := range states.Sorted() {
		if ix.Name(st.Code) == "" {
			continue // a state that no longer exists (DD, YU): no border to point into
		}
		g.add(Place{Name: st.Name, Kind: KindState, Country: st.Code, feature: st.Code})
	}
	for _, a := range areas {
		g.add(Place{Name: a.name, Kind: KindArea, Country: a.country, Lat: a.lat, Lon: a.lon, Note: a.note})
	}
	for _, t := range ix.Territories() {
		if t.Country == "" || len(g.byKey[Fold(t.Name)]) > 0 {
			continue
		}
		if st, ok := states[t.ID]; ok {
			// country-coder's name for a state the dataset names otherwise (Turkey, Czech Republic)
			g.add(Place{Name: st.Name, Kind: KindState, Country: st.Code, feature: st.Code, AlsoKnownAs: t.Name})
			continue
		}
		if strings.HasPrefix(t.Name, "Mainland ") || strings.HasPrefix(t.Name, "Peninsular ") || strings.HasPrefix(t.Name, "Contiguous ") {
			continue // the rest of a state, not a place
		}
		iso := ""
		if len(t.ID) == 2 && strings.ToUpper(t.ID) == t.ID {
			iso = t.ID
		}
		g.add(Place{Name: t.Name, Kind: KindTerritory, Country: t.Country, feature: t.Name, iso: iso})
	}
	zr, err := gzip.NewReader(bytes.NewReader(geonamesGz))
	if err != nil {
		return nil, fmt.Errorf("read places: %w", err)
	}
	sc := bufio.NewScanner(zr)
	for line := 1; sc.Scan(); line++ {
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 6 {
			return nil, fmt.Errorf("places.tsv:%d: %d fields, want 6", line, len(f))
		}
		lat, err1 := strconv.ParseFloat(f[2], 64)
		lon, err2 := strconv.ParseFloat(f[3], 64)
		pop, err3 := strconv.Atoi(f[4])
		if err1 != nil || err2 != nil || err3 != nil {
			return nil, fmt.Errorf("places.tsv:%d: bad number in %q", line, sc.Text())
		}
		g.add(Place{Name: strings.Clone(f[0]), Kind: KindCity, Country: f[1], Lat: lat, Lon: lon, Population: pop, seat: f[5]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read places: %w", err)
	}
	for _, e := range g.places {
		if _, ok := g.names[e.country]; !ok {
			g.names[e.country] = name(e.country)
			g.country[Fold(g.names[e.country])] = e.country
			g.country[strings.ToLower(e.country)] = e.country
		}
	}
	g.country["uk"], g.country["usa"], g.country["us"] = "GB", "US", "US"
	for _, st := range states {
		g.country[Fold(st.Name)] = st.Code
	}
	for _, a := range spellings {
		found := false
		for _, i := range g.byKey[Fold(a.name)] {
			if p := g.place(i); p.AlsoKnownAs == "" && (p.Country == a.country || ix.Sovereign(p.Country) == a.country) {
				p.AlsoKnownAs = a.alt
				g.add(p)
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("spelling %q: no place %q in %s", a.alt, a.name, a.country)
		}
	}
	// The names, sorted, each with its run of entries in order: a binary
	// search finds a name or a prefix, with no map to keep.
	g.keys = make([]string, 0, len(g.byKey))
	for k := range g.byKey {
		g.keys = append(g.keys, k)
	}
	sort.Strings(g.keys)
	g.start = make([]int32, len(g.keys)+1)
	g.order = make([]int32, 0, len(g.places))
	for i, k := range g.keys {
		g.start[i] = int32(len(g.order))
		g.order = append(g.order, g.byKey[k]...)
	}
	g.start[len(g.keys)] = int32(len(g.order))
	g.byKey = nil
	return g, nil
}

// countryNames maps ISO codes to country-coder's English names, including
// those of states drawn in parts, which the index names by their largest
// part (NZ is "South Island" there).
func countryNames() (map[string]string, error) {
	var fc struct {
		Features []struct {
			Properties struct {
				ISO  string `json:"iso1A2"`
				Name string `json:"nameEn"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(countrycoder.Borders, &fc); err != nil {
		return nil, fmt.Errorf("read country names: %w", err)
	}
	out := map[string]string{}
	for _, f := range fc.Features {
		if p := f.Properties; p.ISO != "" && p.Name != "" {
			out[p.ISO] = p.Name
		}
	}
	return out, nil
}

// add indexes p under its name, or under AlsoKnownAs when it has one.
func (g *Gazetteer) add(p Place) {
	k := Fold(p.Name)
	if p.AlsoKnownAs != "" {
		k = Fold(p.AlsoKnownAs)
	}
	if k == "" {
		return
	}
	c, ok := g.interned[p.Country]
	if !ok {
		c = strings.Clone(p.Country)
		g.interned[c] = c
	}
	e := entry{name: p.Name, country: c, lat: float32(p.Lat), lon: float32(p.Lon), pop: int32(p.Population),
		kind: index(kinds, p.Kind), seat: index(seats, p.seat), extra: -1}
	if p.AlsoKnownAs != "" || p.Note != "" || p.feature != "" || p.iso != "" {
		e.extra = int32(len(g.extras))
		g.extras = append(g.extras, extra{p.AlsoKnownAs, p.Note, p.feature, p.iso})
	}
	g.places = append(g.places, e)
	g.byKey[k] = append(g.byKey[k], int32(len(g.places)-1))
}

// named returns the entries under the folded name k.
func (g *Gazetteer) named(k string) []int32 {
	if i := sort.SearchStrings(g.keys, k); i < len(g.keys) && g.keys[i] == k {
		return g.order[g.start[i]:g.start[i+1]]
	}
	return nil
}

// Len is the number of names the gazetteer holds.
func (g *Gazetteer) Len() int { return len(g.places) }

// weight ranks places that share a name: states, then territories, then
// areas, then cities by population, a capital counting ten times and the
// seat of a region (a state of the US, an oblast) three times.
func weight(p Place) float64 {
	w := float64(p.Population)
	switch p.seat {
	case "PPLC":
		w *= 10
	case "PPLA":
		w *= 3
	}
	return float64(3-kindRank[p.Kind])*1e12 + w
}

func (g *Gazetteer) ranked(ix []int32) []Place {
	out := make([]Place, len(ix))
	for i, j := range ix {
		out[i] = g.place(j)
	}
	sort.SliceStable(out, func(i, j int) bool { return weight(out[i]) > weight(out[j]) })
	return out
}

// Lookup returns the places called name, most likely first. A trailing
// ", COUNTRY" (a name or an ISO code) keeps only the places in that country.
func (g *Gazetteer) Lookup(name string) []Place {
	if ps := g.ranked(g.named(Fold(name))); len(ps) > 0 {
		return ps
	}
	i := strings.LastIndexAny(name, ",(")
	if i < 0 {
		return nil
	}
	qual := Fold(strings.TrimSuffix(strings.TrimSpace(name[i+1:]), ")"))
	codes := map[string]bool{}
	if code, ok := g.country[qual]; ok {
		codes[code] = true
	}
	for _, j := range g.named(qual) { // a territory or state by any of its names ("Falklands")
		if p := g.place(j); p.Kind == KindState {
			codes[p.Country] = true
		} else if p.iso != "" {
			codes[p.iso] = true
		}
	}
	var own, under []Place // in the country itself; in its territories
	for _, p := range g.ranked(g.named(Fold(name[:i]))) {
		if codes[p.Country] {
			own = append(own, p)
		} else if codes[g.sovereign(p)] {
			under = append(under, p)
		}
	}
	if len(own) > 0 {
		return own
	}
	return under
}

func (g *Gazetteer) sovereign(p Place) string { return g.ix.Sovereign(p.Country) }

// Resolve returns the one place a name means, with its point. It is
// EINVALID when no place has the name (with suggestions) or when several
// in different countries do and none clearly dominates (with the
// candidates, each as a label that resolves alone).
func (g *Gazetteer) Resolve(name string) (Place, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return Place{}, alliance.Errorf(alliance.EINVALID, "Give a place name, such as Narva or Hawaii.")
	}
	ps := g.Lookup(name)
	if len(ps) == 0 {
		msg := fmt.Sprintf("No place called %q is in the gazetteer.", alliance.Clip(name))
		if s := g.Suggest(name, 5); len(s) > 0 {
			labels := make([]string, len(s))
			for i, p := range s {
				labels[i] = p.Label
			}
			msg += " Did you mean: " + strings.Join(labels, "; ") + "?"
		} else {
			msg += " Check the spelling, or give the latitude and longitude."
		}
		return Place{}, alliance.Errorf(alliance.EINVALID, "%s", msg)
	}
	best := ps[0]
	if len(ps) > 1 && !dominates(best, ps[1:]) {
		seen := map[string]bool{}
		var labels []string
		for _, p := range ps {
			if l := p.Label; !seen[l] && len(labels) < 8 {
				seen[l] = true
				labels = append(labels, l)
			}
		}
		more := ""
		if n := len(ps) - len(labels); n > 0 {
			more = fmt.Sprintf(" (and %d more)", n)
		}
		return Place{}, alliance.Errorf(alliance.EINVALID, "%q names several places: %s%s. Add the country, as in %q.", name, strings.Join(labels, "; "), more, labels[0])
	}
	return g.WithPoint(best)
}

// dominates reports whether best is clearly the place meant: a state or
// territory over anything else, or a place in the same country as all the
// others, or one with ten times the weight of the next.
func dominates(best Place, rest []Place) bool {
	if best.Kind != KindCity && kindRank[best.Kind] < kindRank[rest[0].Kind] {
		return true
	}
	same := true
	for _, p := range rest {
		same = same && p.Country == best.Country
	}
	return same || weight(best) >= 10*weight(rest[0])
}

// WithPoint returns p with its point: it fills in the point of a state or
// territory, and moves a town's point that the border data puts in another
// state, or the 1:50m land mask at sea, to the nearest land in its own state
// within about 8 km.
func (g *Gazetteer) WithPoint(p Place) (Place, error) {
	if p.feature != "" {
		type point struct {
			lat, lon float64
			ok       bool
		}
		v, cached := g.points.Load(p.feature)
		if !cached {
			lat, lon, ok := g.ix.Point(p.feature)
			v, _ = g.points.LoadOrStore(p.feature, point{lat, lon, ok})
		}
		pt := v.(point)
		lat, lon, ok := pt.lat, pt.lon, pt.ok
		if !ok {
			return Place{}, alliance.Errorf(alliance.EINVALID, "The border data has no land in %s; give the latitude and longitude.", p.Name)
		}
		p.Lat, p.Lon = math.Round(lat*1e4)/1e4, math.Round(lon*1e4)/1e4
		return p, nil
	}
	// A frontier town's point can fall across the border as the border
	// data draws it (Tornio, on the river, in Sweden), and a harbour's in the
	// sea: look for land in the town's own state within a few kilometres.
	want := func(state string) bool { return state == p.Country || state == g.ix.Sovereign(p.Country) }
	if _, state := g.ix.FeatureRaw(p.Lat, p.Lon); want(state) && g.ix.OnLand(p.Lat, p.Lon) {
		return p, nil
	}
	for r := 0.005; r <= 0.08; r += 0.005 {
		for k := 0; k < 16; k++ {
			a := float64(k) * math.Pi / 8
			lat, lon := p.Lat+r*math.Sin(a), p.Lon+r*math.Cos(a)/math.Cos(p.Lat*math.Pi/180)
			if _, s := g.ix.FeatureRaw(lat, lon); want(s) && g.ix.OnLand(lat, lon) {
				p.Lat, p.Lon = math.Round(lat*1e4)/1e4, math.Round(lon*1e4)/1e4
				return p, nil
			}
		}
	}
	return p, nil // a rock smaller than the land mask draws, or a border drawn otherwise: as given
}

// Suggest returns up to n places whose name starts with prefix (after
// folding), exact matches first, then by kind and size.
func (g *Gazetteer) Suggest(prefix string, n int) []Place {
	k := Fold(prefix)
	if k == "" || n <= 0 {
		return nil
	}
	var idx []int32
	i := sort.SearchStrings(g.keys, k)
	for ; i < len(g.keys) && strings.HasPrefix(g.keys[i], k); i++ {
		idx = append(idx, g.order[g.start[i]:g.start[i+1]]...)
	}
	ps := g.ranked(idx)
	sort.SliceStable(ps, func(i, j int) bool {
		ei, ej := Fold(ps[i].Name) == k || Fold(ps[i].AlsoKnownAs) == k, Fold(ps[j].Name) == k || Fold(ps[j].AlsoKnownAs) == k
		return ei && !ej
	})
	if len(ps) > n {
		ps = ps[:n]
	}
	return ps
}

// Fold is how names are compared: lower case, Latin diacritics dropped
// (ł→l, ø→o, ß→ss), apostrophes dropped, other punctuation a space.
func Fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == '\'' || r == '’' || r == 'ʼ' || r == 'ʻ' || r == '`':
			continue
		case r < 128 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9'):
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		default:
			if f, ok := foldTable[r]; ok {
				if space && b.Len() > 0 {
					b.WriteByte(' ')
				}
				space = false
				b.WriteString(f)
				continue
			}
			if r >= 0x300 && r < 0x370 { // a combining mark typed apart
				continue
			}
			if r > 127 && unicode.IsLetter(r) {
				r = unicode.ToLower(r)
				break
			}
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
