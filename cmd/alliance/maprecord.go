package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"

	"alliance"
	"alliance/accession"
	"alliance/chart"
)

func (a *App) mapPlan(ctx context.Context, args []string) error {
	f := newFlags(a, "map-record", "[--json] [--svg FILE]",
		"The Membership Action Plan record: for each NATO accession, whether the candidate went\n"+
			"through the MAP and when it entered it, and the days from MAP entry (or, without a MAP, from\n"+
			"the application) to joining. Accessions with neither date in the dataset have no duration.").withJSON()
	svgS := f.String("svg", "", "write a bar chart to this SVG file")
	if err := f.parseNone(args); err != nil {
		return err
	}
	w, err := a.open(ctx, *f.db, true)
	if err != nil {
		return err
	}
	defer w.Close()
	paths := accession.MAPPaths(w.history, w.states)
	if *svgS != "" {
		if err := os.WriteFile(*svgS, chart.MAP(paths), 0o644); err != nil {
			return alliance.Errorf(alliance.EINVALID, "cannot write %s: %v", *svgS, err)
		}
	}
	if *f.json {
		return a.printJSON(paths)
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CANDIDATE\tMAP\tMAP ENTERED\tAPPLIED\tJOINED\tDAYS TO JOIN")
	for _, p := range paths {
		mp, days := "no", "—"
		if p.WithMAP {
			mp = "yes"
		}
		if p.Days != nil {
			days = fmt.Sprint(*p.Days)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", p.Candidate, mp, orDash(p.MAPEntered), orDash(p.Applied), p.Joined, days)
	}
	tw.Flush()
	fmt.Fprintln(a.Stdout, "Days from MAP entry, or without a MAP from the application, to joining.")
	return nil
}
