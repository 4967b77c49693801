package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"alliance"
	"alliance/rules"
)

func (a *App) protection(ctx context.Context, args []string) error {
	f := newFlags(a, "protection", "CODE [--at YYYY-MM-DD] [--as-member YYYY-MM-DD] [--json]",
		"Lists every commitment that covers a state on a date: NATO Article 5 (with the limits of\n"+
			"Article 6), the EU's mutual assistance clause (Art. 42(7) TEU) for EU members, and security\n"+
			"agreements such as Ukraine's under the G7 Joint Declaration, with what each owes and what it\n"+
			"says happens when the state joins NATO. --as-member DATE adds the profile under the\n"+
			"hypothesis that the state joins NATO on DATE (never written to the ledger).\n"+
			"Example: alliance protection UA --as-member 2030-01-01").withJSON()
	atS := f.String("at", "", "date YYYY-MM-DD (default today)")
	asS := f.String("as-member", "", "hypothesis: the state joins NATO on this date")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	at, err := dateFlag("at", *atS, a.today())
	if err != nil {
		return err
	}
	w, code, err := a.openFor(ctx, f, pos, "alliance protection UA")
	if err != nil {
		return err
	}
	defer w.Close()
	eng := &rules.Engine{History: w.history, States: w.states}
	if *asS == "" {
		p := eng.Protection(code, at)
		if *f.json {
			return a.printJSON(p)
		}
		printProfile(a.Stdout, w.states, p)
		return nil
	}
	joined, err := dateFlag("as-member", *asS, alliance.Date{})
	if err != nil {
		return err
	}
	now, then := eng.ProtectionAsMember(code, at, joined)
	if *f.json {
		return a.printJSON(struct {
			Now      rules.Profile `json:"now"`
			AsMember rules.Profile `json:"as_member"`
		}{now, then})
	}
	printProfile(a.Stdout, w.states, now)
	fmt.Fprintln(a.Stdout)
	printProfile(a.Stdout, w.states, then)
	return nil
}

func printProfile(out io.Writer, states alliance.States, p rules.Profile) {
	yn := map[bool]string{true: "yes", false: "no"}
	fmt.Fprintf(out, "%s (%s) on %s", p.Name, p.State, p.At)
	if p.Scenario != "" {
		fmt.Fprintf(out, " — %s", p.Scenario)
	}
	fmt.Fprintf(out, "\nNATO member: %s · EU member: %s · %d commitments\n", yn[p.NATOMember], yn[p.EUMember], len(p.Commitments))
	for _, c := range p.Commitments {
		who := strings.Join(c.Partners, " ")
		if len(c.Partners) > 6 {
			who = fmt.Sprintf("%d partners", len(c.Partners))
		} else if len(c.Partners) == 1 {
			who = states.Name(c.Partners[0])
		}
		fmt.Fprintf(out, "\n  %s — %s, since %s", c.Name, who, c.Since)
		if !c.Until.IsZero() {
			fmt.Fprintf(out, ", until %s", c.Until)
		}
		fmt.Fprintf(out, "\n    %s\n", c.Owes)
		if c.Limits != "" {
			fmt.Fprintf(out, "    Limits: %s\n", c.Limits)
		}
		if c.OnAccession != "" {
			fmt.Fprintf(out, "    On NATO accession: %s\n", c.OnAccession)
		}
		fmt.Fprintf(out, "    Source: %s\n", c.Source.URL)
	}
}
