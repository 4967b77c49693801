package main

import (
	"context"
	"fmt"
	"os"

	"alliance"
	"alliance/dataset"
	"alliance/tidy"
)

func (a *App) record(ctx context.Context, args []string) error {
	f := newFlags(a, "record", "FILE [--json]",
		"Appends the events in FILE to the ledger. FILE has the format of the files in data/\n"+
			"(see data/README.md) and passes the same checks, against everything already recorded:\n"+
			"nothing is written unless every event in it is valid.").withJSON()
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return alliance.Errorf(alliance.EINVALID, "record needs one file of events, e.g. `alliance record ratification.yaml`")
	}
	b, err := os.ReadFile(pos[0])
	if err != nil {
		return alliance.Errorf(alliance.EINVALID, "cannot read %s: %v", pos[0], err)
	}
	w, err := a.open(ctx, *f.db, true)
	if err != nil {
		return err
	}
	defer w.Close()
	evs, err := dataset.ParseEvents(pos[0], b, w.states)
	if err != nil {
		return err
	}
	if len(evs) == 0 {
		return alliance.Errorf(alliance.EINVALID, "%s holds no events", pos[0])
	}
	var have []alliance.Event
	for _, r := range w.history.Records() {
		have = append(have, r.Event)
	}
	if err := dataset.Check(have, evs); err != nil {
		return err
	}
	recs, err := w.ledger.Append(ctx, alliance.FromUser, dataset.Events(evs))
	if err != nil {
		return err
	}
	if *f.json {
		return a.printJSON(tidy.Events(recs))
	}
	for _, r := range recs {
		fmt.Fprintf(a.Stdout, "recorded event %d: %s %s %s\n", r.Seq, r.Date, r.Type, r.Title)
	}
	fmt.Fprintf(a.Stdout, "%d events recorded in %s\n", len(recs), w.store.Path())
	return nil
}
