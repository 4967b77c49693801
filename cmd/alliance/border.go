package main

import (
	"context"
	"fmt"
	"strings"

	"alliance/data"
	"alliance/dataset"
	"alliance/rules"
)

func (a *App) border(ctx context.Context, args []string) error {
	f := newFlags(a, "border", "--with RU|BY [--at DATE] [--join CODES] [--json]",
		"Sums the land border between NATO's members and a neighbour on a date, member by member,\n"+
			"from sourced border lengths (data/borders). --join adds states as hypothetical members.\n"+
			"Examples: alliance border --with RU --at 2023-04-04\n"+
			"          alliance border --with RU --join UA").withJSON()
	withS := f.String("with", "RU", "the neighbour (ISO code)")
	atS := f.Date("at", "date YYYY-MM-DD (default today)")
	joinS := f.String("join", "", "hypothesis: comma-separated states joining NATO")
	if err := f.parseNone(args); err != nil {
		return err
	}
	at, err := dateFlag("at", *atS, a.today())
	if err != nil {
		return err
	}
	w, err := a.open(ctx, *f.db, true)
	if err != nil {
		return err
	}
	defer w.Close()
	with, err := stateCode(w.states, *withS)
	if err != nil {
		return err
	}
	var joins []string
	for _, c := range strings.Split(*joinS, ",") {
		if c = strings.TrimSpace(c); c != "" {
			code, err := stateCode(w.states, c)
			if err != nil {
				return err
			}
			joins = append(joins, code)
		}
	}
	borders, err := dataset.LoadBorders(data.FS, w.states)
	if err != nil {
		return err
	}
	eng := &rules.Engine{History: w.history, States: w.states}
	if err := eng.CheckNeighbour(with, at, joins); err != nil {
		return err
	}
	r := eng.NATOBorder(borders, with, at, joins)
	prev := eng.NATOBorder(borders, with, at.AddDays(-1), nil)
	if *f.json {
		return a.printJSON(struct {
			rules.BorderReport
			DayBefore float64 `json:"km_day_before"`
		}{r, prev.Km})
	}
	fmt.Fprintf(a.Stdout, "NATO's land border with %s on %s", w.states.Name(with), at)
	if r.Scenario != "" {
		fmt.Fprintf(a.Stdout, " (%s)", r.Scenario)
	}
	fmt.Fprintf(a.Stdout, ": %.0f km\n", r.Km)
	for _, s := range r.Segments {
		fmt.Fprintf(a.Stdout, "  %s %-16s %6.0f km  %s\n", s.Member, w.states.Name(s.Member), s.Km, s.Source.URL)
	}
	if len(joins) == 0 && prev.Km != r.Km {
		fmt.Fprintf(a.Stdout, "The day before: %.0f km (%+.0f km)\n", prev.Km, r.Km-prev.Km)
	}
	return nil
}
