package http

import (
	"fmt"
	"html/template"
	"math"
	"sort"
	"strings"

	"alliance"
	"alliance/accession"
	"alliance/geo"
)

// The map is equirectangular, cropped to the latitudes of inhabited land.
const (
	mapScale  = 2.0
	mapTop    = 84.0
	mapBottom = -58.0
	mapWidth  = 360 * mapScale
	mapHeight = (mapTop - mapBottom) * mapScale
)

// country is one drawable state: its ISO code, name and SVG path.
type country struct {
	Code, Name, D string
}

// byName are world-atlas countries without an ISO numeric code.
var byName = map[string]string{"Kosovo": "XK", "N. Cyprus": "CY", "Somaliland": "SO"}

// buildCountries projects world-atlas's 1:110m countries once.
func buildCountries(ix *geo.Index, shapes []geo.Shape) []country {
	paths := map[string]*strings.Builder{}
	names := map[string]string{}
	for _, sh := range shapes {
		code := ix.AlphaOfNumeric(sh.ID)
		if code == "" {
			code = byName[sh.Name]
		}
		if code == "" || code == "AQ" {
			continue
		}
		code = ix.Sovereign(code) // Greenland is drawn as Denmark's
		b := paths[code]
		if b == nil {
			b = &strings.Builder{}
			paths[code] = b
			names[code] = sh.Name
		}
		for _, r := range sh.Rings {
			for i, p := range r {
				lat := math.Max(math.Min(p[1], mapTop), mapBottom)
				x, y := (p[0]+180)*mapScale, (mapTop-lat)*mapScale
				if i == 0 {
					fmt.Fprintf(b, "M%.1f %.1f", x, y)
				} else {
					fmt.Fprintf(b, "L%.1f %.1f", x, y)
				}
			}
			b.WriteString("Z")
		}
	}
	out := make([]country, 0, len(paths))
	for code, b := range paths {
		out = append(out, country{Code: code, Name: names[code], D: b.String()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Rounds are NATO's enlargement rounds, by the year of joining, for the map's shading.
var roundYears = []int{1949, 1952, 1955, 1982, 1999, 2004, 2009, 2017, 2020, 2023, 2024}

// roundColours run from dark (founders) to light (newest); chosen for
// contrast against the grey of non-members and the orange of candidates.
var roundColours = []string{"#08306b", "#08519c", "#2171b5", "#4292c6", "#3f8f8a", "#41ab5d", "#78c679", "#a1d99b", "#c7e9c0", "#9e9ac8", "#6a51a3"}

// MapState is the map's data for a date: members by round, and candidates by stage.
type MapState struct {
	At         alliance.Date     `json:"at"`
	Members    map[string]string `json:"members"`    // code -> year of joining
	Candidates map[string]string `json:"candidates"` // code -> stage (applied, invited, ratifying)
	Count      int               `json:"count"`
}

func (s *Server) mapState(at alliance.Date) MapState {
	snap := alliance.Replay(s.svc.History, at)
	m := MapState{At: at, Members: map[string]string{}, Candidates: map[string]string{}}
	for _, mem := range snap.Members(alliance.NATO, s.svc.States) {
		m.Members[mem.Code] = fmt.Sprint(mem.Joined.Year)
	}
	m.Count = len(m.Members)
	seen := map[string]bool{}
	for _, r := range s.svc.History.Until(at) {
		if r.Org != alliance.NATO || (r.Type != alliance.Applied && r.Type != alliance.Invited && r.Type != alliance.ProtocolSigned) {
			continue
		}
		for _, c := range r.States {
			if seen[c] || m.Members[c] != "" {
				continue
			}
			seen[c] = true
			if st := accession.StatusOf(s.svc.History, s.svc.States, alliance.NATO, c, at); st.Stage != accession.StageMember && st.Stage != accession.StageNone {
				m.Candidates[c] = string(st.Stage)
			}
		}
	}
	return m
}

func roundColour(year string) string {
	for i, y := range roundYears {
		if fmt.Sprint(y) == year {
			return roundColours[i]
		}
	}
	return roundColours[len(roundColours)-1]
}

// mapSVG renders the map for a date; each state links to its page.
func (s *Server) mapSVG(countries []country, m MapState, link func(code string) string) template.HTML {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg id="worldmap" viewBox="0 0 %.0f %.0f" role="img" aria-label="World map: NATO members on %s" preserveAspectRatio="xMidYMid meet">`, mapWidth, mapHeight, m.At)
	fmt.Fprintf(&b, `<rect width="%.0f" height="%.0f" class="sea"/>`, mapWidth, mapHeight)
	for _, c := range countries {
		fill, cls := "#d9d9d9", "other"
		if y := m.Members[c.Code]; y != "" {
			fill, cls = roundColour(y), "member"
		} else if st := m.Candidates[c.Code]; st != "" {
			fill, cls = "#e69f00", "candidate"
		}
		name := s.svc.States.Name(c.Code)
		if name == c.Code {
			name = c.Name
		}
		fmt.Fprintf(&b, `<a href="%s" data-code="%s"><path d="%s" fill="%s" class="%s"><title>%s</title></path></a>`,
			template.HTMLEscapeString(link(c.Code)), c.Code, c.D, fill, cls, template.HTMLEscapeString(name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
