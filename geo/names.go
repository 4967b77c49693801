package geo

import "sort"

// Territory is a border feature by name: a state, or a part of one with an
// identity of its own (Hawaii, the Canary Islands, Ceuta, Svalbard).
type Territory struct {
	Name    string // English name, as country-coder has it
	ID      string // country-coder's id (ISO alpha-2, M49 code or Wikidata id)
	Country string // the sovereign state's ISO code ("" if none)
}

// Territories lists the border features that have a name, sorted by name,
// for gazetteers; Point gives a point in each.
func (ix *Index) Territories() []Territory {
	out := make([]Territory, 0, len(ix.g.features))
	for _, f := range ix.g.features {
		if f.Name != "" {
			out = append(out, Territory{Name: f.Name, ID: f.ID, Country: f.Country})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// OnLand reports whether (lat, lon) is on land by the index's land mask
// (Natural Earth's 1:50m land), at any date.
func (ix *Index) OnLand(lat, lon float64) bool { return ix.land.locate(pt{lon, lat}) >= 0 }
