package main

import (
	"context"

	"alliance"
	"alliance/tidy"
)

func (a *App) export(ctx context.Context, args []string) error {
	f := newFlags(a, "export", "events|memberships|ratifications [--format csv|json]",
		"Writes a tidy table to standard output, one row per observation:\n"+
			"  events         every event with its source, origin, sequence number and hash\n"+
			"  memberships    one row per membership spell (org, state, ISO and COW codes, joined, left)\n"+
			"  ratifications  one row per dated ratification step, with days after protocol signature")
	format := f.String("format", "csv", "csv or json")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return alliance.Errorf(alliance.EINVALID, "export needs a table: events, memberships or ratifications")
	}
	if *format != "csv" && *format != "json" {
		return alliance.Errorf(alliance.EINVALID, "--format %q: want csv or json", *format)
	}
	w, err := a.open(ctx, *f.db, true)
	if err != nil {
		return err
	}
	defer w.Close()
	header, rows, v, err := tidy.Table(w.history, w.states, pos[0])
	if err != nil {
		return err
	}
	if *format == "json" {
		return a.printJSON(v)
	}
	_, err = a.Stdout.Write(tidy.CSV(header, rows))
	return err
}
