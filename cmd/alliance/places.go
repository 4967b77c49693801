package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"alliance"
	"alliance/data"
	"alliance/dataset"
	"alliance/gazetteer"
	"alliance/third_party/geonames"
)

func (a *App) places(ctx context.Context, args []string) error {
	f := newFlags(a, "places", "NAME [--limit N] [--json]",
		"Looks a place up in the gazetteer the Article 5 checker uses: the places called NAME or whose\n"+
			"name starts with it, states and territories first, then by size, each with the label that\n"+
			"names it alone (give that to article5 --place). Case and accents do not matter.\n"+
			"Place names: GeoNames (geonames.org), CC BY 4.0.\n"+
			"Example: alliance places hamilton").withJSON()
	limit := f.Int("limit", 10, "at most this many places (1 to 50)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return alliance.Errorf(alliance.EINVALID, "places needs a NAME, such as: alliance places narva")
	}
	if *limit < 1 || *limit > 50 {
		return alliance.Errorf(alliance.EINVALID, "--limit %d: want 1 to 50", *limit)
	}
	name := strings.Join(pos, " ")
	states, _, err := dataset.Load(data.FS)
	if err != nil {
		return err
	}
	ix, _, err := dataset.LoadIndex(data.FS)
	if err != nil {
		return fmt.Errorf("embedded geography: %w", err)
	}
	g, err := gazetteer.New(ix, states, geonames.Places)
	if err != nil {
		return fmt.Errorf("embedded gazetteer: %w", err)
	}
	ps := g.Lookup(name)
	for _, p := range g.Suggest(name, *limit) {
		dup := false
		for _, q := range ps {
			dup = dup || q.Label == p.Label && q.Lat == p.Lat && q.Lon == p.Lon
		}
		if !dup {
			ps = append(ps, p)
		}
	}
	if len(ps) > *limit {
		ps = ps[:*limit]
	}
	for i := range ps {
		if p, err := g.WithPoint(ps[i]); err == nil {
			ps[i] = p
		}
	}
	if *f.json {
		if ps == nil {
			ps = []gazetteer.Place{}
		}
		return a.printJSON(ps)
	}
	if len(ps) == 0 {
		return alliance.Errorf(alliance.ENOTFOUND, "no place called %q or starting so", name)
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PLACE\tKIND\tLAT\tLON\tPOPULATION")
	for _, p := range ps {
		label := p.Label
		if p.AlsoKnownAs != "" {
			label += " (as " + p.AlsoKnownAs + ")"
		}
		pop := ""
		if p.Population > 0 {
			pop = fmt.Sprint(p.Population)
		}
		fmt.Fprintf(tw, "%s\t%s\t%.3f\t%.3f\t%s\n", label, p.Kind, p.Lat, p.Lon, pop)
	}
	return tw.Flush()
}
