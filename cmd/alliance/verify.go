package main

import (
	"context"
	"fmt"
	"os"

	"alliance"
	"alliance/dataset"
	"alliance/ledger"
)

func (a *App) verify(ctx context.Context, args []string) error {
	f := newFlags(a, "verify", "[--db PATH] [--json]",
		"Recomputes the hash chain of every stored event and checks the dataset rules (known\n"+
			"state codes, a source for every event, no duplicate, no ratification after the\n"+
			"accession it belongs to). Exit 0 when all hold; otherwise exit 3, naming the first\n"+
			"event (by sequence number) that does not. Verify never writes.").withJSON()
	if err := f.parseNone(args); err != nil {
		return err
	}
	path, err := a.dbPath(*f.db)
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); err != nil {
		return alliance.Errorf(alliance.ENOTFOUND, "no database at %s: nothing to verify", path)
	}
	w, err := a.open(ctx, path, false)
	if err != nil {
		return err
	}
	defer w.Close()
	v, err := w.ledger.Verify(ctx)
	if err != nil {
		return err
	}
	for _, r := range w.records {
		if err := r.Check(w.states); err != nil {
			return alliance.Errorf(alliance.ECORRUPT, "event %d breaks the dataset rules: %v", r.Seq, err)
		}
	}
	// The rules between events hold among the events that stand.
	var located []dataset.Located
	for _, r := range w.history.Records() {
		located = append(located, dataset.Located{Event: r.Event, Line: int(r.Seq)})
	}
	if err := dataset.Check(nil, located); err != nil {
		return alliance.Errorf(alliance.ECORRUPT, "the dataset rules do not hold: %s", alliance.ErrorMessage(err))
	}
	if *f.json {
		return a.printJSON(struct {
			OK bool `json:"ok"`
			ledger.Verification
		}{true, v})
	}
	fmt.Fprintf(a.Stdout, "ok: %d entries (%d events stand), hash chain intact, dataset rules hold\nhead %s\n", v.Entries, w.history.Len(), v.Head)
	return nil
}
