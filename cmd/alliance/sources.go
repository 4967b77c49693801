package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"alliance"
)

// sourceCount is one row of the table by kind or by domain.
type sourceCount struct {
	Name   string `json:"name"`
	Events int    `json:"events"`
}

// sourceUse is one event resting on a domain.
type sourceUse struct {
	Date   string `json:"date"`
	Type   string `json:"type"`
	States string `json:"states"`
	Title  string `json:"title"`
	URL    string `json:"url"`
	Kind   string `json:"kind"`
}

// sourceDomain is a domain with its kinds and the events that cite it.
type sourceDomain struct {
	Domain string      `json:"domain"`
	Kinds  []string    `json:"kinds"`
	Events []sourceUse `json:"events"`
}

// sourcesReport is the JSON contract of `alliance sources --json`.
type sourcesReport struct {
	Events  int            `json:"events"`
	ByKind  []sourceCount  `json:"by_kind"`
	Domains []sourceDomain `json:"domains"`
}

// noKind names the events whose source does not say its kind.
const noKind = "(none)"

func (a *App) sources(ctx context.Context, args []string) error {
	f := newFlags(a, "sources", "[--domain DOMAIN] [--kind KIND] [--json]",
		"Counts the events' sources by kind (official, news, scholarly, reference) and by domain,\n"+
			"and lists the events that rest on each domain, so that weak sources can be found.").withJSON()
	domainS := f.String("domain", "", "only this domain (e.g. nato.int; a leading www. is ignored), with its events")
	kindS := f.String("kind", "", "only sources of this kind: official, news, scholarly, reference, or none")
	if err := f.parseNone(args); err != nil {
		return err
	}
	domain := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(*domainS)), "www.")
	kind := strings.ToLower(strings.TrimSpace(*kindS))
	if kind != "" && kind != "none" {
		if _, err := alliance.ParseSourceKind(kind); err != nil {
			return err
		}
	}
	w, err := a.open(ctx, *f.db, true)
	if err != nil {
		return err
	}
	defer w.Close()

	rep := sourcesReport{ByKind: []sourceCount{}, Domains: []sourceDomain{}}
	byKind := map[string]int{}
	byDomain := map[string]*sourceDomain{}
	for _, r := range w.history.Records() {
		k := string(r.Source.Kind)
		if k == "" {
			k = noKind
		}
		d := r.Source.Domain()
		switch {
		case domain != "" && d != domain:
			continue
		case kind == "none" && k != noKind, kind != "" && kind != "none" && k != kind:
			continue
		}
		rep.Events++
		byKind[k]++
		sd := byDomain[d]
		if sd == nil {
			sd = &sourceDomain{Domain: d, Kinds: []string{}}
			byDomain[d] = sd
		}
		if !slices.Contains(sd.Kinds, k) {
			sd.Kinds = append(sd.Kinds, k)
		}
		sd.Events = append(sd.Events, sourceUse{Date: r.Date.String(), Type: string(r.Type),
			States: strings.Join(r.States, ","), Title: r.Title, URL: r.Source.URL, Kind: k})
	}
	if domain != "" && rep.Events == 0 {
		return alliance.Errorf(alliance.ENOTFOUND, "no event cites a source on %s", domain)
	}
	// Kinds in order of precedence, then events without a kind.
	order := make([]string, 0, len(alliance.SourceKinds)+1)
	for _, k := range alliance.SourceKinds {
		order = append(order, string(k))
	}
	for _, k := range append(order, noKind) {
		if n := byKind[k]; n > 0 {
			rep.ByKind = append(rep.ByKind, sourceCount{k, n})
		}
	}
	for _, sd := range byDomain {
		slices.Sort(sd.Kinds)
		rep.Domains = append(rep.Domains, *sd)
	}
	// Most-cited domains first: a weak domain that many events rest on is
	// the one to replace first.
	slices.SortFunc(rep.Domains, func(x, y sourceDomain) int {
		return cmp.Or(cmp.Compare(len(y.Events), len(x.Events)), strings.Compare(x.Domain, y.Domain))
	})
	if *f.json {
		return a.printJSON(rep)
	}

	fmt.Fprintf(a.Stdout, "%d events", rep.Events)
	if domain != "" {
		fmt.Fprintf(a.Stdout, " cite %s", domain)
	}
	fmt.Fprintln(a.Stdout)
	fmt.Fprintln(a.Stdout, "\nBy kind:")
	for _, c := range rep.ByKind {
		fmt.Fprintf(a.Stdout, "  %-10s %5d  %5.1f%%\n", c.Name, c.Events, 100*float64(c.Events)/float64(rep.Events))
	}
	if domain == "" {
		fmt.Fprintf(a.Stdout, "\nBy domain (%d):\n", len(rep.Domains))
		for _, d := range rep.Domains {
			fmt.Fprintf(a.Stdout, "  %5d  %-40s %s\n", len(d.Events), d.Domain, strings.Join(d.Kinds, ","))
		}
		fmt.Fprintln(a.Stdout, "\nList one domain's events with --domain DOMAIN.")
		return nil
	}
	for _, d := range rep.Domains {
		fmt.Fprintf(a.Stdout, "\n%s (%s):\n", d.Domain, strings.Join(d.Kinds, ","))
		for _, e := range d.Events {
			fmt.Fprintf(a.Stdout, "  %s  %-18s %-14s %s\n", e.Date, e.Type, e.States, e.Title)
			fmt.Fprintf(a.Stdout, "%14s %s\n", "", e.URL)
		}
	}
	return nil
}
