package main

import (
	"context"
	"fmt"
	"strings"

	"alliance/claims"
	"alliance/data"
	"alliance/dataset"
	"alliance/rules"
	"alliance/tidy"
)

// claimJSON is a checked claim as --json writes it, with the events used.
type claimJSON struct {
	claims.Result
	Sources []tidy.Event `json:"events"`
}

func (a *App) claims(ctx context.Context, args []string) error {
	f := newFlags(a, "claims", "[--json]",
		"Checks the claims of the op-ed that started the project (Kuleba, Foreign Affairs, April 2023)\n"+
			"against the model: for each quoted sentence, the query that tests it, the value the engine\n"+
			"computes, and a verdict — supported, imprecise, contradicted or not_in_model (saying what\n"+
			"data would be needed) — with the sourced events the value comes from. The claims and their\n"+
			"queries are in data/claims/; no verdict is written there.").withJSON()
	if err := f.parseNone(args); err != nil {
		return err
	}
	w, err := a.open(ctx, *f.db, true)
	if err != nil {
		return err
	}
	defer w.Close()
	eng, _, err := w.engine()
	if err != nil {
		return err
	}
	borders, err := dataset.LoadBorders(data.FS, w.states)
	if err != nil {
		return err
	}
	m, cs, err := claimsModel(w, eng, borders)
	if err != nil {
		return err
	}
	rs := m.Check(cs)
	if *f.json {
		out := make([]claimJSON, len(rs))
		for i, r := range rs {
			out[i] = claimJSON{Result: r, Sources: tidy.Events(r.Events)}
		}
		return a.printJSON(out)
	}
	for _, r := range rs {
		fmt.Fprintf(a.Stdout, "%-13s %s\n", strings.ToUpper(strings.ReplaceAll(r.Verdict, "_", " ")), r.ID)
		fmt.Fprintf(a.Stdout, "  %q\n  %s\n", r.Quote, r.Detail)
		for _, e := range r.Events {
			fmt.Fprintf(a.Stdout, "  source: %s %s <%s>\n", e.Date, e.Title, e.Source.URL)
		}
		fmt.Fprintln(a.Stdout)
	}
	n := claims.Summary(rs)
	fmt.Fprintf(a.Stdout, "%d claims: %d supported, %d imprecise, %d contradicted, %d not in the model\n",
		len(rs), n[claims.Supported], n[claims.Imprecise], n[claims.Contradicted], n[claims.NotInModel])
	return nil
}

// claimsModel loads the claims and the model they are checked against,
// from an engine and border lengths the caller has already built.
func claimsModel(w *world, eng *rules.Engine, borders []rules.Border) (*claims.Model, []claims.Claim, error) {
	cs, err := dataset.LoadClaims(data.FS, w.states)
	if err != nil {
		return nil, nil, err
	}
	return &claims.Model{History: w.history, States: w.states, Rules: eng, Borders: borders}, cs, nil
}
