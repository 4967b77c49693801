package http

import (
	"fmt"
	nethttp "net/http"
	"strings"

	"alliance"
	"alliance/gazetteer"
	"alliance/geo"
	"alliance/third_party/geonames"
)

// apiPlaces answers /api/v1/places?q=: the places whose name starts with q,
// those called exactly q first, each with a label that resolves to it alone.
func (s *Server) apiPlaces(w nethttp.ResponseWriter, r *nethttp.Request) error {
	q, err := params(r, "q", "limit")
	if err != nil {
		return err
	}
	name := strings.TrimSpace(q.str("q"))
	limit := int(q.number("limit", 10, 1, 50))
	if q.err != nil {
		return q.err
	}
	if name == "" {
		return alliance.Errorf(alliance.EINVALID, "Give the start of a place name in q, such as q=Narv.")
	}
	g, err := s.gazetteer()
	if err != nil {
		return err
	}
	ps := g.Suggest(name, limit)
	if len(ps) < limit {
		// "Hamilton, Bermuda": a name with its country.
		for _, p := range g.Lookup(name) {
			if len(ps) < limit && !containsLabel(ps, p.Label) {
				ps = append(ps, p)
			}
		}
	}
	out := make([]gazetteer.Place, 0, len(ps))
	for _, p := range ps {
		if p, err = g.WithPoint(p); err == nil {
			out = append(out, p)
		}
	}
	return s.writeJSON(w, r, map[string]any{"query": name, "places": out, "attribution": placesAttribution})
}

const placesAttribution = "Place names: GeoNames (geonames.org), CC BY 4.0; territories: country-coder (ISC)."

func containsLabel(ps []gazetteer.Place, label string) bool {
	for _, p := range ps {
		if p.Label == label {
			return true
		}
	}
	return false
}

// locatePlace resolves a place name with the gazetteer and locates its point.
func (s *Server) locatePlace(name string, date alliance.Date) (geo.Place, error) {
	g, err := s.gazetteer()
	if err != nil {
		return geo.Place{}, err
	}
	gp, err := g.Resolve(name)
	if err != nil {
		return geo.Place{}, err
	}
	p, err := s.svc.Index.Locate(gp.Lat, gp.Lon, date)
	p.Name = gp.Name
	return p, err
}

// candidate is a place the page offers when a name is ambiguous or unknown.
type candidate struct {
	Label, Kind, URL string
	Population       int
}

// placeCandidates lists the places a name may mean (or, when it names none,
// those it may be the start of), each as a link that checks that place with
// the rest of the request's query.
func (s *Server) placeCandidates(r *nethttp.Request, name string) []candidate {
	g, err := s.gazetteer()
	if err != nil {
		return nil
	}
	ps := g.Lookup(name)
	if len(ps) == 0 {
		ps = g.Suggest(name, 8)
	}
	var out []candidate
	seen := map[string]bool{}
	for _, p := range ps {
		if seen[p.Label] || len(out) == 12 {
			continue
		}
		seen[p.Label] = true
		v := r.URL.Query()
		v.Set("place", p.Label)
		out = append(out, candidate{Label: p.Label, Kind: p.Kind, Population: p.Population, URL: "/article5?" + v.Encode()})
	}
	if len(out) < 2 && len(ps) > 0 && g.Lookup(name) != nil {
		return nil // one place: the error says why it failed
	}
	return out
}

// build sets the gazetteer: svc's, or one built from the embedded data.
func (p *placesHolder) build(svc *Service) {
	defer close(p.ready)
	if svc.Places != nil {
		p.g = svc.Places
		return
	}
	p.g, p.err = gazetteer.New(svc.Index, svc.States, geonames.Places)
}

// gazetteer returns the gazetteer, waiting for it to be built.
func (s *Server) gazetteer() (*gazetteer.Gazetteer, error) {
	<-s.places.ready
	if s.places.err != nil {
		return nil, fmt.Errorf("embedded gazetteer: %w", s.places.err)
	}
	return s.places.g, nil
}
