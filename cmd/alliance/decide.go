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
	f := newFlags(a, "decide", "--rule consensus|silence|unanimity|qmv [--org NATO|EU] [--at DATE] [--question Q] [--no CODES] [--abstain CODES] [--assume CODE:STANCE,...] [--json]",
		"Applies a decision rule to the members of NATO or the EU on a date. With --question (such as\n"+
			"invite_ukraine), each member's latest sourced public position decides its vote: an oppose is\n"+
			"a no, and under consensus one no blocks. --no, --abstain and --assume set hypotheses on top\n"+
			"of the recorded positions (--assume HU:support,SK:support). Without a question, members not\n"+
			"listed vote yes (under consensus or silence: stay silent). The answer names the blocking\n"+
			"members. QMV uses each member's population (data/reference).\n"+
			"Examples: alliance decide --rule consensus --question invite_ukraine\n"+
			"          alliance decide --rule consensus --question invite_ukraine --assume HU:support,SK:support,US:support\n"+
			"          alliance decide --rule qmv --org EU --no DE,FR,IT,ES").withJSON()
	rule := f.String("rule", "consensus", "consensus, silence, unanimity or qmv")
	orgS := f.String("org", "", "NATO or EU (default: NATO for consensus and silence, EU otherwise)")
	atS := f.Date("at", "date YYYY-MM-DD (default today)")
	noS := f.String("no", "", "comma-separated codes of members voting no / objecting / breaking silence")
	absS := f.String("abstain", "", "comma-separated codes of members abstaining")
	assumeS := f.String("assume", "", "hypotheses: comma-separated CODE:STANCE (support, oppose or abstain) on top of the recorded positions")
	q := f.String("question", "", "question whose recorded positions decide the votes (e.g. invite_ukraine)")
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
	for _, item := range strings.Split(*assumeS, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		c, st, ok := strings.Cut(item, ":")
		vote, known := map[string]string{"support": "yes", "yes": "yes", "oppose": "no", "no": "no", "abstain": "abstain"}[strings.ToLower(strings.TrimSpace(st))]
		if !ok || !known {
			return alliance.Errorf(alliance.EINVALID, "--assume %q: want CODE:STANCE with STANCE support, oppose or abstain", item)
		}
		code, err := stateCode(w.states, c)
		if err != nil {
			return err
		}
		ballot[code] = vote
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
	if len(d.Blocking) > 0 {
		names := make([]string, len(d.Blocking))
		for i, c := range d.Blocking {
			names[i] = c + " " + w.states.Name(c)
		}
		fmt.Fprintf(out, "Blocking: %s\n", strings.Join(names, ", "))
	}
	if d.Rule == rules.RuleQMV {
		fmt.Fprintf(out, "Yes: %d members (%.1f%%), %.1f%% of the population\n", len(d.Yes), 100*d.StatesShare, 100*d.PopulationShare)
	}
	if len(d.VetoPlayers) > 0 && *q != "" {
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
