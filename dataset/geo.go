package dataset

import (
	"fmt"
	"io/fs"
	"strconv"

	"go.yaml.in/yaml/v3"

	"alliance"
	"alliance/geo"
	"alliance/rules"
	"alliance/third_party/countrycoder"
	"alliance/third_party/worldatlas"
)

// Geography is the geographic and legal reference data of data/geo and data/rules.
type Geography struct {
	Overrides []geo.Override
	Seas      []geo.Sea
	Disputes  []rules.Dispute
	// OnAccession reads security agreements' words on accession to NATO.
	OnAccession []rules.AccessionReading
}

// LoadIndex reads the geography data of fsys and builds the point index
// over the vendored borders and land mask.
func LoadIndex(fsys fs.FS) (*geo.Index, Geography, error) {
	g, err := LoadGeography(fsys)
	if err != nil {
		return nil, g, err
	}
	ix, err := geo.New(countrycoder.Borders, [][]byte{worldatlas.Land50m, worldatlas.MinorIslands10m}, g.Overrides, g.Seas)
	if err != nil {
		return nil, g, fmt.Errorf("build geographic index: %w", err)
	}
	return ix, g, nil
}

// LoadGeography reads data/geo/overrides.yaml, data/geo/seas.yaml,
// data/rules/on-accession.yaml and data/rules/disputed.yaml strictly; errors name file:line and the field.
func LoadGeography(fsys fs.FS) (Geography, error) {
	var g Geography
	for _, f := range []struct {
		name  string
		parse func(file string, it *yaml.Node) error
	}{
		{"geo/overrides.yaml", func(file string, it *yaml.Node) error {
			var o geo.Override
			if err := fields(file, it, map[string]func(*yaml.Node) error{
				"feature":          str(file, "feature", &o.Feature),
				"state":            str(file, "state", &o.State),
				"territory":        str(file, "territory", &o.Territory),
				"from":             date(file, "from", &o.From),
				"to":               date(file, "to", &o.To),
				"reason":           str(file, "reason", &o.Reason),
				"source":           source(file, &o.Source),
				"polygon":          polygon(file, &o.Polygon),
				"within":           str(file, "within", &o.Within),
				"de_facto":         str(file, "de_facto", &o.DeFacto),
				"de_facto_from":    date(file, "de_facto_from", &o.DeFactoFrom),
				"declaration":      str(file, "declaration", &o.Declaration),
				"declaration_from": date(file, "declaration_from", &o.DeclarationFrom),
				"de_facto_source": func(v *yaml.Node) error {
					o.DeFactoSource = &alliance.Source{}
					return source(file, o.DeFactoSource)(v)
				},
				"occupation": func(v *yaml.Node) error {
					if v.Value != "true" && v.Value != "false" {
						return errAt(file, v.Line, "occupation", "want true or false")
					}
					o.Occupation = v.Value == "true"
					return nil
				},
			}, "reason", "source"); err != nil {
				return err
			}
			if (o.Feature == "") == (len(o.Polygon) == 0) {
				return errAt(file, it.Line, "feature", "name either a border feature or a polygon")
			}
			if o.DeFacto != "" && o.DeFactoSource == nil {
				return errAt(file, it.Line, "de_facto_source", "is missing: who held an area in fact, and since when, is a fact that needs its source")
			}
			g.Overrides = append(g.Overrides, o)
			return nil
		}},
		{"geo/seas.yaml", func(file string, it *yaml.Node) error {
			var s geo.Sea
			if err := fields(file, it, map[string]func(*yaml.Node) error{
				"id":      str(file, "id", &s.ID),
				"name":    str(file, "name", &s.Name),
				"part_of": str(file, "part_of", &s.PartOf),
				"limits":  str(file, "limits", &s.Limits),
				"source":  source(file, &s.Source),
				"polygon": polygon(file, &s.Polygon),
			}, "id", "name", "limits", "source", "polygon"); err != nil {
				return err
			}
			g.Seas = append(g.Seas, s)
			return nil
		}},
		{"rules/on-accession.yaml", func(file string, it *yaml.Node) error {
			var r rules.AccessionReading
			if err := fields(file, it, map[string]func(*yaml.Node) error{
				"partner":   str(file, "partner", &r.Partner),
				"signed":    date(file, "signed", &r.Signed),
				"effect":    str(file, "effect", &r.Effect),
				"certainty": str(file, "certainty", &r.Certainty),
				"basis":     str(file, "basis", &r.Basis),
				"source":    source(file, &r.Source),
			}, "partner", "signed", "effect", "certainty", "basis", "source"); err != nil {
				return err
			}
			switch r.Effect {
			case rules.EndsOnAccession, rules.ContinuesOnAccession, rules.UnderReviewOnAccession, rules.UnclearOnAccession, rules.NotStatedOnAccession:
			default:
				return errAt(file, it.Line, "effect", "%q: want ends, continues, under_review, unclear or not_stated", r.Effect)
			}
			if r.Certainty != "text" && r.Certainty != "reported" && r.Certainty != "none" {
				return errAt(file, it.Line, "certainty", "%q: want text, reported or none", r.Certainty)
			}
			g.OnAccession = append(g.OnAccession, r)
			return nil
		}},
		{"rules/disputed.yaml", func(file string, it *yaml.Node) error {
			var d rules.Dispute
			if err := fields(file, it, map[string]func(*yaml.Node) error{
				"feature": str(file, "feature", &d.Feature),
				"sea":     str(file, "sea", &d.Sea),
				"target":  list(file, "target", &d.Targets),
				"clause":  str(file, "clause", &d.Clause),
				"reason":  str(file, "reason", &d.Reason),
				"source":  source(file, &d.Source),
			}, "target", "clause", "reason", "source"); err != nil {
				return err
			}
			if (d.Feature == "") == (d.Sea == "") {
				return errAt(file, it.Line, "feature", "name either a border feature or a sea")
			}
			for _, t := range d.Targets {
				if t != "territory" && t != "forces" {
					return errAt(file, it.Line, "target", "%q: want territory or forces", t)
				}
			}
			g.Disputes = append(g.Disputes, d)
			return nil
		}},
	} {
		b, err := fs.ReadFile(fsys, f.name)
		if err != nil {
			return g, alliance.Errorf(alliance.EINVALID, "read data/%s: %v", f.name, err)
		}
		items, err := parseList("data/"+f.name, b)
		if err != nil {
			return g, err
		}
		for _, it := range items {
			if err := f.parse("data/"+f.name, it); err != nil {
				return g, err
			}
		}
	}
	return g, nil
}

// fields decodes a mapping with one setter per allowed key and checks that
// the required keys are present.
func fields(file string, it *yaml.Node, set map[string]func(*yaml.Node) error, required ...string) error {
	seen := map[string]bool{}
	for _, kv := range pairs(it) {
		f, ok := set[kv[0].Value]
		if !ok {
			return errAt(file, kv[0].Line, kv[0].Value, "unknown field")
		}
		if err := f(kv[1]); err != nil {
			return err
		}
		seen[kv[0].Value] = true
	}
	for _, r := range required {
		if !seen[r] {
			return errAt(file, it.Line, r, "is missing")
		}
	}
	return nil
}

func str(file, name string, dst *string) func(*yaml.Node) error {
	return func(v *yaml.Node) error {
		if v.Kind != yaml.ScalarNode {
			return errAt(file, v.Line, name, "want a single value")
		}
		*dst = v.Value
		return nil
	}
}

func list(file, name string, dst *[]string) func(*yaml.Node) error {
	return func(v *yaml.Node) error {
		if v.Kind != yaml.SequenceNode {
			return errAt(file, v.Line, name, "want a list")
		}
		for _, c := range v.Content {
			*dst = append(*dst, c.Value)
		}
		return nil
	}
}

func date(file, name string, dst *alliance.Date) func(*yaml.Node) error {
	return func(v *yaml.Node) error {
		d, err := alliance.ParseDate(v.Value)
		if err != nil {
			return errAt(file, v.Line, name, "%s", alliance.ErrorMessage(err))
		}
		*dst = d
		return nil
	}
}

func source(file string, dst *alliance.Source) func(*yaml.Node) error {
	return func(v *yaml.Node) error {
		if v.Kind != yaml.MappingNode {
			return errAt(file, v.Line, "source", "want a mapping with url and title")
		}
		if err := fields(file, v, map[string]func(*yaml.Node) error{
			"url":   str(file, "source.url", &dst.URL),
			"title": str(file, "source.title", &dst.Title),
		}, "url", "title"); err != nil {
			return err
		}
		return nil
	}
}

func polygon(file string, dst *[][2]float64) func(*yaml.Node) error {
	return func(v *yaml.Node) error {
		if v.Kind == yaml.AliasNode { // a polygon drawn once and reused with &name / *name
			v = v.Alias
		}
		if v.Kind != yaml.SequenceNode || len(v.Content) < 3 {
			return errAt(file, v.Line, "polygon", "want a list of at least 3 [lon, lat] points")
		}
		for _, p := range v.Content {
			if p.Kind != yaml.SequenceNode || len(p.Content) != 2 {
				return errAt(file, p.Line, "polygon", "want [lon, lat]")
			}
			lon, err1 := strconv.ParseFloat(p.Content[0].Value, 64)
			lat, err2 := strconv.ParseFloat(p.Content[1].Value, 64)
			if err1 != nil || err2 != nil || geo.CheckCoordinates(lat, lon) != nil {
				return errAt(file, p.Line, "polygon", "[%s, %s] is not a valid [lon, lat]", p.Content[0].Value, p.Content[1].Value)
			}
			*dst = append(*dst, [2]float64{lon, lat})
		}
		return nil
	}
}
