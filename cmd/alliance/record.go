package main

import (
	"context"
	"fmt"
	"os"

	"alliance"
	"alliance/dataset"
	"alliance/ledger"
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
	fi, err := os.Stat(pos[0])
	if err != nil {
		return alliance.Errorf(alliance.EINVALID, "cannot read %s: %v", pos[0], err)
	}
	if fi.Size() > dataset.MaxFileBytes {
		return alliance.Errorf(alliance.EINVALID, "%s is %d bytes; the limit is %d (split it)", pos[0], fi.Size(), dataset.MaxFileBytes)
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
	if err := dataset.CheckNotFuture(evs, a.today()); err != nil {
		return err
	}
	key, keyPath, created, err := a.userKey()
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(a.Stderr, "alliance: created your signing key %s (trusted in the keyring beside it); keep it private, share the keyring line:\n  %s\n", keyPath, key.PublicLine())
	}
	signer := &ledger.Signer{Name: key.Name, Key: key.Private}
	out, err := w.ledger.Record(ctx, dataset.Events(evs), signer, func(standing []*alliance.Record, todo []int) error {
		have := make([]alliance.Event, len(standing))
		for i, r := range standing {
			have[i] = r.Event
		}
		sel := make([]dataset.Located, len(todo))
		for i, j := range todo {
			sel[i] = evs[j]
		}
		return dataset.Check(have, sel)
	})
	if err != nil {
		return err
	}
	if *f.json {
		return a.printJSON(struct {
			Recorded []tidy.Event `json:"recorded"`
			Already  int          `json:"already_recorded"`
		}{tidy.Events(out.Stored), len(out.Already)})
	}
	for _, e := range out.Already {
		fmt.Fprintf(a.Stdout, "already recorded, skipped: %s %s %s\n", e.Date, e.Type, term(e.Title))
	}
	for _, r := range out.Stored {
		fmt.Fprintf(a.Stdout, "recorded event %d: %s %s %s\n", r.Seq, r.Date, r.Type, term(r.Title))
	}
	fmt.Fprintf(a.Stdout, "%d events recorded in %s, signed by %s\n", len(out.Stored), w.where, key.Name)
	return nil
}
