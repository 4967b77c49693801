package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"alliance"
	"alliance/auth"
	"alliance/data"
	"alliance/dataset"
	alliancehttp "alliance/http"
	"alliance/ledger"
)

func (a *App) serve(ctx context.Context, args []string) error {
	f := newFlags(a, "serve", "[--addr HOST:PORT] [--db PATH] [--verbose]",
		"Serves the web pages (map through time, accession tracker, Article 5 checker, Ukraine, events)\n"+
			"and the JSON API under /api/v1/ (OpenAPI document at /api/v1/openapi.json), with /healthz and\n"+
			"Prometheus /metrics. Stops gracefully on Ctrl-C or SIGTERM.")
	addr := f.String("addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	verbose := f.Bool("verbose", false, "log every request")
	hosts := f.String("allowed-hosts", "", "answer only for these Host names, comma-separated (default: any)")
	cacheMB := f.Int("cache-mb", 64, "memory for cached answers, in MiB")
	writeRate := f.Float64("write-rate", 60, "API writes each token may make per minute (bursts of half as many)")
	if err := f.parseNone(args); err != nil {
		return err
	}
	w, err := a.open(ctx, *f.db, true)
	if err != nil {
		return err
	}
	defer w.Close()
	svc, err := a.service(w)
	if err != nil {
		return err
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(a.Stderr, &slog.HandlerOptions{Level: level}))
	opt := alliancehttp.DefaultOptions()
	if *hosts != "" {
		for _, h := range strings.Split(*hosts, ",") {
			opt.AllowedHosts = append(opt.AllowedHosts, strings.ToLower(strings.TrimSpace(h)))
		}
	}
	if *cacheMB <= 0 || *cacheMB > 1<<14 {
		return alliance.Errorf(alliance.EINVALID, "--cache-mb: %d is not from 1 to 16384", *cacheMB)
	}
	opt.CacheBytes = *cacheMB << 20
	if *writeRate <= 0 || *writeRate > 1e6 {
		return alliance.Errorf(alliance.EINVALID, "--write-rate: %g is not from 1 to 1000000", *writeRate)
	}
	opt.WritesPerMinute, opt.WriteBurst = *writeRate, max(int(*writeRate/2), 1)
	// Writes through the API are signed by the server's own key, made on
	// first use beside the user's and trusted in the same keyring.
	dir, err := a.configDir()
	if err != nil {
		return err
	}
	key, _, err := auth.LoadOrCreateKey(filepath.Join(dir, "server.key"), "server")
	if err != nil {
		return err
	}
	if err := auth.Trust(filepath.Join(dir, "keyring"), key); err != nil {
		return err
	}
	poke := make(chan struct{}, 1)
	rec := &apiRecorder{a: a, w: w, key: key, poke: poke}
	var st any = w.store
	if ts, ok := st.(alliance.TokenStore); ok {
		svc.Tokens = ts
		svc.Recorder = rec
	}
	log.Info("signing API writes", "key", key.PublicLine())
	if _, ok := st.(alliance.ExerciseStore); ok {
		m, err := a.exercises(w)
		if err != nil {
			return err
		}
		svc.Exercises = m
		// Exercise actions taken on another instance reach this one's
		// streams as the store signals them.
		go m.Follow(ctx, func(err error) { log.Error("following exercises", "err", err) })
	}
	live := alliancehttp.NewLive(svc, log, opt)
	rec.live = live
	// Entries recorded by any process (`alliance record`, another instance)
	// reach this server within about a second, without a restart.
	go w.ledger.Follow(ctx, w.records, func(all, added []*alliance.Record) {
		live.Update(svc.Moved(all), added)
	}, func(err error) { log.Error("following the ledger", "err", err) }, poke)
	return live.Serve(ctx, *addr, func(addr net.Addr) {
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
	h := ledger.HeadOf(w.records)
	version := h.Hash
	if version == "" {
		version = "empty"
	}
	return &alliancehttp.Service{History: w.history, States: w.states, Index: ix, Rules: eng,
		Borders: borders, Populations: pop, Claims: cm, ClaimList: cs, Entries: h.Entries, Version: version, Now: a.Now}, nil
}

// apiRecorder records the events editors send through the API, with the
// checks of `alliance record`, signed by the server's key.
type apiRecorder struct {
	a    *App
	w    *world
	key  auth.Key
	poke chan struct{}
	live *alliancehttp.Live
}

func (r *apiRecorder) Record(ctx context.Context, by string, body []byte) (alliancehttp.Written, error) {
	evs, err := dataset.ParseEvents("request", body, r.w.states) // JSON is YAML: one parser, one schema
	if err != nil {
		return alliancehttp.Written{}, err
	}
	if len(evs) == 0 {
		return alliancehttp.Written{}, alliance.Errorf(alliance.EINVALID, "The body holds no events: send a JSON list of events.")
	}
	if err := dataset.CheckNotFuture(evs, r.a.today()); err != nil {
		return alliancehttp.Written{}, err
	}
	signer := &ledger.Signer{Name: by, Key: r.key.Private}
	out, err := r.w.ledger.Record(ctx, dataset.Events(evs), signer, func(standing []*alliance.Record, todo []int) error {
		if len(todo) < len(evs) {
			for i := range evs {
				if !slices.Contains(todo, i) {
					return alliance.Errorf(alliance.ECONFLICT, "%s: already recorded: %s %s %q; nothing was stored", evs[i].Where(), evs[i].Date, evs[i].Type, evs[i].Title)
				}
			}
		}
		have := make([]alliance.Event, len(standing))
		for i, s := range standing {
			have[i] = s.Event
		}
		return dataset.Check(have, evs)
	})
	if err != nil {
		return alliancehttp.Written{}, err
	}
	h := ledger.HeadOf(out.Stored)
	// Read your writes: the answer comes once this server serves the new
	// head (the follower is poked rather than waiting for its next look).
	select {
	case r.poke <- struct{}{}:
	default:
	}
	for deadline := time.Now().Add(2 * time.Second); r.live.Entries() < h.Entries && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	return alliancehttp.Written{Stored: len(out.Stored), Entries: h.Entries, Head: h.Hash}, nil
}
