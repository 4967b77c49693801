package dataset

import (
	"io/fs"
	"strconv"

	"go.yaml.in/yaml/v3"

	"alliance"
	"alliance/rules"
)

// Population is a state's population for the EU's qualified majority.
type Population struct {
	State      string          `json:"state"`
	Population int64           `json:"population"`
	Year       int             `json:"year"`
	Source     alliance.Source `json:"source"`
}

// LoadBorders reads data/borders/lengths.yaml strictly.
func LoadBorders(fsys fs.FS, states alliance.States) ([]rules.Border, error) {
	const file = "data/borders/lengths.yaml"
	var out []rules.Border
	err := eachItem(fsys, "borders/lengths.yaml", func(it *yaml.Node) error {
		var b rules.Border
		var codes []string
		var km string
		if err := fields(file, it, map[string]func(*yaml.Node) error{
			"states": list(file, "states", &codes),
			"km":     str(file, "km", &km),
			"source": source(file, &b.Source),
			"note":   str(file, "note", &b.Note),
		}, "states", "km", "source"); err != nil {
			return err
		}
		if len(codes) != 2 {
			return errAt(file, it.Line, "states", "want two state codes")
		}
		for _, c := range codes {
			if _, ok := states[c]; !ok {
				return errAt(file, it.Line, "states", "unknown state code %q", c)
			}
		}
		v, err := strconv.ParseFloat(km, 64)
		if err != nil || v <= 0 {
			return errAt(file, it.Line, "km", "%q is not a length in km", km)
		}
		b.States, b.Km = [2]string{codes[0], codes[1]}, v
		out = append(out, b)
		return nil
	})
	return out, err
}

// LoadPopulations reads data/reference/eu-population.yaml strictly.
func LoadPopulations(fsys fs.FS, states alliance.States) (map[string]Population, error) {
	const file = "data/reference/eu-population.yaml"
	out := map[string]Population{}
	err := eachItem(fsys, "reference/eu-population.yaml", func(it *yaml.Node) error {
		var p Population
		var pop, year string
		if err := fields(file, it, map[string]func(*yaml.Node) error{
			"state":      str(file, "state", &p.State),
			"population": str(file, "population", &pop),
			"year":       str(file, "year", &year),
			"source":     source(file, &p.Source),
		}, "state", "population", "year", "source"); err != nil {
			return err
		}
		if _, ok := states[p.State]; !ok {
			return errAt(file, it.Line, "state", "unknown state code %q", p.State)
		}
		n, err := strconv.ParseInt(pop, 10, 64)
		if err != nil || n <= 0 {
			return errAt(file, it.Line, "population", "%q is not a population", pop)
		}
		y, err := strconv.Atoi(year)
		if err != nil {
			return errAt(file, it.Line, "year", "%q is not a year", year)
		}
		if _, dup := out[p.State]; dup {
			return errAt(file, it.Line, "state", "%s is listed twice", p.State)
		}
		p.Population, p.Year = n, y
		out[p.State] = p
		return nil
	})
	return out, err
}

func eachItem(fsys fs.FS, name string, f func(*yaml.Node) error) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return alliance.Errorf(alliance.EINVALID, "read data/%s: %v", name, err)
	}
	items, err := parseList("data/"+name, b)
	if err != nil {
		return err
	}
	for _, it := range items {
		if err := f(it); err != nil {
			return err
		}
	}
	return nil
}
