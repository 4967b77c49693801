package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"alliance"
)

func (a *App) members(ctx context.Context, args []string) error {
	f := newFlags(a, "members", "[--org NATO|EU] [--at YYYY-MM-DD] [--json]",
		"Lists the members of an organisation on a date, sorted by code, with the date each joined.").withJSON()
	orgS := f.String("org", "NATO", "organisation: NATO or EU")
	atS := f.Date("at", "date YYYY-MM-DD (default today)")
	if err := f.parseNone(args); err != nil {
		return err
	}
	org, err := alliance.ParseOrg(*orgS)
	if err != nil {
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
	ms := alliance.Replay(w.history, at).Members(org, w.states)
	if *f.json {
		return a.printJSON(ms)
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tNAME\tJOINED")
	for _, m := range ms {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", m.Code, m.Name, m.Joined)
	}
	tw.Flush()
	fmt.Fprintf(a.Stdout, "%d members of %s on %s\n", len(ms), org, at)
	return nil
}
