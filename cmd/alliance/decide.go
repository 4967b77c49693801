package main

import (
	"context"
	"fmt"
	"strings"

	"alliance"
	"alliance/data"
	"alliance/dataset"
	"alliance/rules"
)

func (a *App) decide(ctx context.Context, args []string) error {
	f := newFlags(a, "decide", "--rule consensus|silence|unanimity|qmv [--org NATO|EU] [--at DATE] [--no CODES] [--abstain CODES] [--question Q] [--json]",
		"Applies a decision rule to the members of NATO or the EU on a date. Members not listed vote\n"+
			"yes (under consensus or silence: stay silent). --no lists objections (or broken silence).\n"+
			"Under consensus every Ally is a veto player; with --question invite_ukraine their sourced\n"+
			"public positions are listed. QMV uses each member's population (data/reference).\n"+
			"Examples: alliance decide --rule consensus --question invite_ukraine\n"+
			"          alliance decide --rule qmv --org EU --no DE,FR,IT,ES").withJSON()
	rule := f.String("rule", "consensus", "consensus, silence, unanimity or qmv")
	orgS := f.String("org", "", "NATO or EU (default: NATO for consensus and silence, EU otherwise)")
	atS := f.Date("at", "date YYYY-MM-DD (default today)")
	noS := f.String("no", "", "comma-separated codes of members voting no / objecting / breaking silence")
	absS := f.String("abstain", "", "comma-separated codes of members abstaining")
	q := f.String("question", "invite_ukraine", "question whose recorded positions to list (\"\" for none)")
	if err := f.parseNone(args); err != nil {
		return err
	}
	if *orgS == "" {
		*orgS = "EU"
		if *rule == rules.RuleConsensus || *rule == rules.RuleSilence {
			*orgS = "NATO"
		}
	}
	org, err := alliance.ParseOrg(*orgS)
	if err != nil {
		return err
	}
	at, err := dateFlag("at", *atS, a.today())
	if err != nil {
		return err
	}
	w, err := a.open(ctx, *f.db, true)
	if err != nil {
		return err
	}
	defer w.Close()
	ballot := rules.Ballot{}
	for _, v := range []struct{ list, vote string }{{*noS, "no"}, {*absS, "abstain"}} {
		for _, c := range strings.Split(v.list, ",") {
			if c = strings.TrimSpace(c); c == "" {
				continue
			}
			code, err := stateCode(w.states, c)
			if err != nil {
				return err
			}
			ballot[code] = v.vote
		}
	}
	var pop map[string]int64
	if *rule == rules.RuleQMV {
		ps, err := dataset.LoadPopulations(data.FS, w.states)
		if err != nil {
			return err
		}
		pop = map[string]int64{}
		for k, p := range ps {
			pop[k] = p.Population
		}
	}
	eng := &rules.Engine{History: w.history, States: w.states}
	d, err := eng.Decide(*rule, org, at, ballot, pop, *q)
	if err != nil {
		return err
	}
	if *f.json {
		return a.printJSON(d)
	}
	out := a.Stdout
	verdict := "NOT ADOPTED"
	if d.Adopted {
		verdict = "ADOPTED"
	}
	fmt.Fprintf(out, "%s — %s, %s, %d members on %s\n%s\n", verdict, d.Rule, d.Org, d.Members, d.At, d.Reason)
	if d.Rule == rules.RuleQMV {
		fmt.Fprintf(out, "Yes: %d members (%.1f%%), %.1f%% of the population\n", len(d.Yes), 100*d.StatesShare, 100*d.PopulationShare)
	}
	if len(d.VetoPlayers) > 0 {
		counts := map[string]int{}
		for _, v := range d.VetoPlayers {
			counts[v.Stance]++
		}
		fmt.Fprintf(out, "\nVeto players: all %d members. Recorded positions on %q: %d support, %d conditional, %d oppose, %d none recorded.\n",
			len(d.VetoPlayers), *q, counts["support"], counts["conditional"], counts["oppose"], counts[""])
		for _, st := range []string{"oppose", "conditional"} {
			for _, v := range d.VetoPlayers {
				if v.Stance == st {
					fmt.Fprintf(out, "  %s %-12s %s %s: %s\n", v.Code, st, v.Date, w.states.Name(v.Code), v.Title)
				}
			}
		}
	}
	return nil
}
