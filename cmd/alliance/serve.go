package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"

	"alliance/data"
	"alliance/dataset"
	alliancehttp "alliance/http"
)

func (a *App) serve(ctx context.Context, args []string) error {
	f := newFlags(a, "serve", "[--addr HOST:PORT] [--db PATH] [--verbose]",
		"Serves the web pages (map through time, accession tracker, Article 5 checker, Ukraine, events)\n"+
			"and the JSON API under /api/v1/ (OpenAPI document at /api/v1/openapi.json), with /healthz and\n"+
			"Prometheus /metrics. Stops gracefully on Ctrl-C or SIGTERM.")
	addr := f.String("addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	verbose := f.Bool("verbose", false, "log every request")
	if err := f.parseNone(args); err != nil {
		return err
	}
	w, err := a.open(ctx, *f.db, true)
	if err != nil {
		return err
	}
	svc, err := a.service(w)
	w.Close() // the server answers from the history loaded here
	if err != nil {
		return err
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(a.Stderr, &slog.HandlerOptions{Level: level}))
	srv := alliancehttp.NewServer(svc, log)
	return srv.Serve(ctx, *addr, func(addr net.Addr) {
		fmt.Fprintf(a.Stdout, "alliance is serving on http://%s/ — open it in a browser (Ctrl-C to stop)\n", addr)
	})
}

// service builds what the server answers from.
func (a *App) service(w *world) (*alliancehttp.Service, error) {
	eng, ix, err := w.engine()
	if err != nil {
		return nil, err
	}
	borders, err := dataset.LoadBorders(data.FS, w.states)
	if err != nil {
		return nil, err
	}
	ps, err := dataset.LoadPopulations(data.FS, w.states)
	if err != nil {
		return nil, err
	}
	pop := map[string]int64{}
	for k, p := range ps {
		pop[k] = p.Population
	}
	cm, cs, err := claimsModel(w, eng, borders) // the same engine: the index is built once
	if err != nil {
		return nil, err
	}
	version := "empty"
	if n := len(w.records); n > 0 {
		version = fmt.Sprintf("%x", w.records[n-1].Hash)
	}
	return &alliancehttp.Service{History: w.history, States: w.states, Index: ix, Rules: eng,
		Borders: borders, Populations: pop, Claims: cm, ClaimList: cs, Version: version, Now: a.Now}, nil
}
