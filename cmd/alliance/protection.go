package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"alliance"
	"alliance/data"
	"alliance/dataset"
	"alliance/rules"
)

func (a *App) protection(ctx context.Context, args []string) error {
	f := newFlags(a, "protection", "CODE [--at YYYY-MM-DD] [--as-member YYYY-MM-DD] [--json]",
		"Lists every commitment that protects a state on a date: NATO Article 5 (with the limits of\n"+
			"Article 6), the EU's mutual assistance clause (Art. 42(7) TEU) for EU members, and security\n"+
			"agreements such as Ukraine's under the G7 Joint Declaration, with what each owes and what it\n"+
			"says happens when the state joins NATO. What the state owes others (Finland's agreement with\n"+
			"Ukraine) is listed apart. --as-member DATE adds the profile under the hypothesis that the\n"+
			"state joins NATO on DATE (never written to the ledger), applying each agreement's words on\n"+
			"accession as far as they say anything, with how sure that reading is.\n"+
			"Example: alliance protection UA --as-member 2030-01-01").withJSON()
	atS := f.Date("at", "date YYYY-MM-DD (default today)")
	asS := f.Date("as-member", "hypothesis: the state joins NATO on this date")
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
	g, err := dataset.LoadGeography(data.FS) // the readings of agreements' words on accession; no index needed
	if err != nil {
		return fmt.Errorf("embedded rules data: %w", err)
	}
	eng := &rules.Engine{History: w.history, States: w.states, OnAccession: g.OnAccession}
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
	n := fmt.Sprintf("%d commitments protect it", len(p.Commitments))
	if len(p.Commitments) == 1 {
		n = "1 commitment protects it"
	}
	fmt.Fprintf(out, "\nNATO member: %s · EU member: %s · %s\n", yn[p.NATOMember], yn[p.EUMember], n)
	for _, c := range p.Commitments {
		printCommitment(out, states, c, "")
	}
	if len(p.Ended) > 0 {
		fmt.Fprintf(out, "\nEnded on accession, by their own words (%d):\n", len(p.Ended))
		for _, c := range p.Ended {
			printCommitment(out, states, c, "")
		}
	}
	if len(p.Owes) > 0 {
		fmt.Fprintf(out, "\nWhat %s owes others (these do not protect it): %d\n", p.Name, len(p.Owes))
		for _, c := range p.Owes {
			printCommitment(out, states, c, "to ")
		}
	}
}

func printCommitment(out io.Writer, states alliance.States, c rules.Commitment, to string) {
	who := strings.Join(c.Partners, " ")
	if len(c.Partners) > 6 {
		who = fmt.Sprintf("%d partners", len(c.Partners))
	} else if len(c.Partners) == 1 {
		who = states.Name(c.Partners[0])
	}
	fmt.Fprintf(out, "\n  %s — %s%s, since %s", c.Name, to, who, c.Since)
	if !c.Until.IsZero() {
		fmt.Fprintf(out, ", until %s", c.Until)
	}
	fmt.Fprintf(out, "\n    %s\n", c.Owes)
	if c.Limits != "" {
		fmt.Fprintf(out, "    Limits: %s\n", c.Limits)
	}
	if c.AfterAccession != "" {
		fmt.Fprintf(out, "    On NATO accession: %s (reading: %s)", strings.ReplaceAll(c.AfterAccession, "_", " "), c.Certainty)
		if c.Basis != "" {
			fmt.Fprintf(out, " — %s", c.Basis)
		}
		fmt.Fprintln(out)
	} else if c.OnAccession != "" {
		fmt.Fprintf(out, "    On NATO accession: %s\n", c.OnAccession)
	}
	fmt.Fprintf(out, "    Source: %s\n", c.Source.URL)
}
