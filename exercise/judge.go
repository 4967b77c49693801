package exercise

import (
	"fmt"

	"alliance"
	"alliance/gazetteer"
	"alliance/geo"
	"alliance/rules"
)

// NewJudge returns the Judge that finds an inject's place (by the
// gazetteer, or its lat and lon) and applies rules.Article5 to an armed
// attack on the territory there, by the text of Article 6 in force on the
// date.
func NewJudge(eng *rules.Engine, ix *geo.Index, g *gazetteer.Gazetteer) Judge {
	return func(in Inject, date alliance.Date) (VerdictNote, error) {
		var lat, lon float64
		label := in.Place
		switch {
		case in.Lat != nil && in.Lon != nil:
			lat, lon = *in.Lat, *in.Lon
		case in.Place != "":
			p, err := g.Resolve(in.Place)
			if err != nil {
				return VerdictNote{}, err
			}
			lat, lon, label = p.Lat, p.Lon, p.Label
		default:
			return VerdictNote{}, alliance.Errorf(alliance.EINVALID, "inject %s names no place", in.ID)
		}
		p, err := ix.Locate(lat, lon, date)
		if err != nil {
			return VerdictNote{}, err
		}
		p.Name = label
		v, err := eng.Article5(rules.Query{Place: p, Date: date, Target: rules.Territory})
		if err != nil {
			return VerdictNote{}, err
		}
		if label == "" {
			label = fmt.Sprintf("%.4f, %.4f", lat, lon)
		}
		return VerdictNote{Verdict: v.Verdict, Clause: v.Clause, Reason: v.Reason, Place: label, Date: date.String(), Covered: v.Verdict == rules.Covered}, nil
	}
}
