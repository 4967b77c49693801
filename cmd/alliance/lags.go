package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"alliance"
	"alliance/accession"
)

func (a *App) lags(ctx context.Context, args []string) error {
	f := newFlags(a, "lags", "[--org NATO|EU] [--candidate CODE] [--json]",
		"For every accession with a signed protocol, each member's days from protocol signature\n"+
			"to its ratification, and which step that date is (deposit where known).").withJSON()
	orgS := f.String("org", "NATO", "organisation: NATO or EU")
	candS := f.String("candidate", "", "only this candidate's accession")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return alliance.Errorf(alliance.EINVALID, "lags takes no arguments, got %q", pos[0])
	}
	org, err := alliance.ParseOrg(*orgS)
	if err != nil {
		return err
	}
	w, err := a.open(ctx, *f.db, true)
	if err != nil {
		return err
	}
	defer w.Close()
	var cand string
	if *candS != "" {
		if cand, err = stateCode(w.states, *candS); err != nil {
			return err
		}
	}
	lags := []accession.Lag{}
	for _, l := range accession.Lags(w.history, w.states, org) {
		if cand == "" || l.Candidate == cand {
			lags = append(lags, l)
		}
	}
	if *f.json {
		return a.printJSON(lags)
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "CANDIDATE\tPROTOCOL\tMEMBER\tRATIFIED\tBASIS\tDAYS\t")
	for _, l := range lags {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t\n", l.Candidate, l.ProtocolSigned, l.Member, l.Ratified, l.Basis, l.Days)
	}
	return tw.Flush()
}
