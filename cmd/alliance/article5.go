package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"alliance"
	"alliance/data"
	"alliance/dataset"
	"alliance/gazetteer"
	"alliance/geo"
	"alliance/rules"
	"alliance/third_party/geonames"
)

func (a *App) article5(ctx context.Context, args []string) error {
	f := newFlags(a, "article5", "(--lat LAT --lon LON | --place NAME) [--date YYYY-MM-DD] [--target territory|forces] [--party CODE] [--json]",
		"Says whether Article 5 of the North Atlantic Treaty, as limited by Article 6, covers an armed\n"+
			"attack at a place on a date: covered, not_covered or disputed, the clause that decides, a\n"+
			"reason, and the allies bound. --place takes a place by name: a state, a territory (Hawaii,\n"+
			"Canary Islands, Ceuta, Svalbard), an island (Gotland) or a town (Narva, Suwalki, Kirkenes);\n"+
			"case and diacritics do not matter, and a name several places share takes its country\n"+
			"(\"Hamilton, Bermuda\"). Place names: GeoNames (geonames.org), CC BY 4.0.\n"+
			"Examples: alliance article5 --place Narva --date 2023-04-04\n"+
			"          alliance article5 --lat 21.31 --lon -157.86\n"+
			"          alliance article5 --lat 35.0 --lon 18.0 --target forces --party US").withJSON()
	latS := f.String("lat", "", "latitude in decimal degrees (-90 to 90)")
	lonS := f.String("lon", "", "longitude in decimal degrees (-180 to 180)")
	placeS := f.String("place", "", "a place by name (state, territory, island or town), instead of coordinates")
	dateS := f.Date("date", "date of the attack YYYY-MM-DD (default today)")
	targetS := f.String("target", "territory", "what was attacked: territory, or forces (forces, vessels or aircraft)")
	partyS := f.String("party", "", "whose territory or forces (ISO code); for territory, default: the state that holds the place")
	if err := f.parseNone(args, " (use --place NAME or --lat/--lon)"); err != nil {
		return err
	}
	target, err := rules.ParseTarget(*targetS)
	if err != nil {
		return err
	}
	date, err := dateFlag("date", *dateS, a.today())
	if err != nil {
		return err
	}
	if date.Year < 1949 {
		return alliance.Errorf(alliance.EINVALID, "--date %s is before 1949: the North Atlantic Treaty was signed on 1949-04-04 and entered into force on %s", date, rules.InForce)
	}
	w, err := a.open(ctx, *f.db, true)
	if err != nil {
		return err
	}
	defer w.Close()
	eng, ix, err := w.engine()
	if err != nil {
		return err
	}
	var party string
	if *partyS != "" {
		if party, err = stateCode(w.states, *partyS); err != nil {
			return err
		}
	}
	if target == rules.Forces && party == "" {
		return alliance.Errorf(alliance.EINVALID, "--target forces needs --party CODE: the Party whose forces, vessels or aircraft they are")
	}
	var lat, lon float64
	name, label := "", ""
	switch {
	case *placeS != "" && (*latS != "" || *lonS != ""):
		return alliance.Errorf(alliance.EINVALID, "give either --place or --lat and --lon, not both")
	case *placeS != "":
		g, err := gazetteer.New(ix, w.states, geonames.Places)
		if err != nil {
			return fmt.Errorf("embedded gazetteer: %w", err)
		}
		gp, err := g.Resolve(*placeS)
		if err != nil {
			return err
		}
		lat, lon, name, label = gp.Lat, gp.Lon, gp.Name, gp.Label
		if gp.AlsoKnownAs != "" {
			label += " (" + gp.AlsoKnownAs + ")"
		}
	case *latS == "" || *lonS == "":
		return alliance.Errorf(alliance.EINVALID, "give --lat and --lon (or --place NAME); see alliance article5 --help")
	default:
		if lat, err = parseCoord("lat", *latS); err != nil {
			return err
		}
		if lon, err = parseCoord("lon", *lonS); err != nil {
			return err
		}
	}
	p, err := ix.Locate(lat, lon, date)
	if err != nil {
		return err
	}
	p.Name = name
	v, err := eng.Article5(rules.Query{Place: p, Date: date, Target: target, Party: party})
	if err != nil {
		return err
	}
	if *f.json {
		return a.printJSON(v)
	}
	out := a.Stdout
	fmt.Fprintf(out, "%s — %s\n%s\n\n", strings.ToUpper(strings.ReplaceAll(v.Verdict, "_", " ")), v.Clause, v.Reason)
	fmt.Fprint(out, "Place:   ")
	if label != "" {
		fmt.Fprintf(out, "%s · ", label)
	}
	fmt.Fprintf(out, "%.4f, %.4f · %s", p.Lat, p.Lon, p.Kind)
	if p.State != "" {
		fmt.Fprintf(out, " · %s", w.states.Name(p.State))
		if p.Territory != "" {
			fmt.Fprintf(out, " (%s)", p.Territory)
		}
	}
	if p.Continent != "" {
		fmt.Fprintf(out, " · %s", p.Continent)
	}
	if p.Sea != nil {
		fmt.Fprintf(out, " · %s", p.Sea.Name)
	}
	if p.DeFacto != "" {
		fmt.Fprintf(out, " · held de facto by %s", w.states.Name(p.DeFacto))
	}
	fmt.Fprintln(out)
	fmt.Fprintf(out, "Attack:  on the %s of %s, on %s\n", v.Target, v.PartyName, v.Date)
	if len(v.Obligated) > 0 {
		fmt.Fprintf(out, "Bound:   all %d Parties: %s\n", len(v.Obligated), strings.Join(v.Obligated, " "))
	} else {
		fmt.Fprintln(out, "Bound:   no ally is bound by Article 5 (Article 4 consultations remain open to any Party)")
	}
	if v.ClauseText != "" {
		fmt.Fprintf(out, "Text:    %s\n", v.ClauseText)
	}
	if v.TextVersion != "" {
		fmt.Fprintf(out, "Wording: %s\n", v.TextVersion)
	}
	for _, s := range v.Sources {
		fmt.Fprintf(out, "Source:  %s <%s>\n", s.Title, s.URL)
	}
	if label != "" {
		fmt.Fprintf(out, "Place names: GeoNames (geonames.org), CC BY 4.0.\n")
	}
	return nil
}

func parseCoord(name, s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, alliance.Errorf(alliance.EINVALID, "--%s %q is not a number in decimal degrees", name, s)
	}
	if name == "lat" {
		err = geo.CheckCoordinates(v, 0)
	} else {
		err = geo.CheckCoordinates(0, v)
	}
	if err != nil {
		return 0, alliance.Errorf(alliance.EINVALID, "--%s: %s", name, alliance.ErrorMessage(err))
	}
	return v, nil
}

// engine builds the geographic index and the rules engine over w's history.
func (w *world) engine() (*rules.Engine, *geo.Index, error) {
	ix, g, err := dataset.LoadIndex(data.FS)
	if err != nil {
		return nil, nil, fmt.Errorf("embedded geography: %w", err)
	}
	return &rules.Engine{History: w.history, States: w.states, Disputes: g.Disputes, Names: ix.Name, OnAccession: g.OnAccession}, ix, nil
}
