package main

import (
	"context"
	"fmt"
	"strings"

	"alliance"
	"alliance/tidy"
)

func (a *App) history(ctx context.Context, args []string) error {
	f := newFlags(a, "history", "[--org NATO|EU] [--state CODE] [--type TYPE] [--from DATE] [--to DATE] [--json]",
		"Lists the dated events of the ledger in date order, each with its source.").withJSON()
	orgS := f.String("org", "", "only this organisation: NATO, EU or JDS (Ukraine's security agreements)")
	stateS := f.String("state", "", "only events concerning this state (as a party or as the candidate)")
	typeS := f.String("type", "", "only this event type (e.g. ratification, joined, article4_request)")
	fromS := f.Date("from", "only events on or after this date")
	toS := f.Date("to", "only events on or before this date")
	if err := f.parseNone(args); err != nil {
		return err
	}
	var flt alliance.Filter
	if *orgS != "" {
		o, err := alliance.ParseEventOrg(strings.ToUpper(*orgS))
		if err != nil {
			return err
		}
		flt.Org = &o
	}
	if *typeS != "" {
		t, err := alliance.ParseEventType(*typeS)
		if err != nil {
			return err
		}
		flt.Type = &t
	}
	for _, d := range []struct {
		name string
		v    string
		dst  **alliance.Date
	}{{"from", *fromS, &flt.From}, {"to", *toS, &flt.To}} {
		if d.v != "" {
			v, err := dateFlag(d.name, d.v, alliance.Date{})
			if err != nil {
				return err
			}
			*d.dst = &v
		}
	}
	if flt.From != nil && flt.To != nil && flt.From.After(*flt.To) {
		return alliance.Errorf(alliance.EINVALID, "--from %s is after --to %s: no day can be in that range", *flt.From, *flt.To)
	}
	w, err := a.open(ctx, *f.db, true)
	if err != nil {
		return err
	}
	defer w.Close()
	if *stateS != "" {
		c, err := stateCode(w.states, *stateS)
		if err != nil {
			return err
		}
		flt.State = &c
	}
	recs := w.history.Filter(flt)
	if *f.json {
		return a.printJSON(tidy.Events(recs))
	}
	for _, r := range recs {
		who := strings.Join(r.States, ",")
		if r.Type == alliance.Ratification {
			who += " for " + r.Candidate + " (" + string(r.Step) + ")"
		}
		fmt.Fprintf(a.Stdout, "%s  %-4s %-18s %-14s %s\n", r.Date, r.Org, r.Type, who, r.Title)
		fmt.Fprintf(a.Stdout, "%36s source: %s\n", "", r.Source.URL)
	}
	fmt.Fprintf(a.Stdout, "%d events\n", len(recs))
	return nil
}
