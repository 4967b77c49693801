package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"alliance"
	"alliance/accession"
)

// coverageSince is the first joining date counted in --coverage's totals:
// issue 14's targets count the accessions since 1999.
var coverageSince = alliance.MustDate("1999-01-01")

func (a *App) lags(ctx context.Context, args []string) error {
	f := newFlags(a, "lags", "[--org NATO|EU] [--candidate CODE] [--basis STEP | --stages | --coverage] [--json]",
		"For every accession with a signed protocol, each member's days from protocol signature\n"+
			"to one step of its ratification, so that the lags compare like with like: by default the\n"+
			"deposit of its instrument with the depositary. --basis parliament (the final vote),\n"+
			"head_of_state or procedure_completed measures to that step instead; --basis best takes each\n"+
			"member's deposit where known, otherwise its last known step (mixed steps: the BASIS column\n"+
			"says which). --coverage lists, per accession, the members the dataset can date and those it\n"+
			"cannot (data/GAPS.md says what was searched for each).").withJSON()
	basisS := f.String("basis", "deposit", "the step lags are measured to: deposit, parliament, head_of_state, procedure_completed or best")
	orgS := f.String("org", "NATO", "organisation: NATO or EU")
	candS := f.String("candidate", "", "only this candidate's accession")
	stagesF := f.Bool("stages", false, "per accession: days from application to invitation, invitation to protocol, protocol to last ratification, last ratification to joining")
	coverageF := f.Bool("coverage", false, "per accession: how many members have a dated step and a dated deposit, and which have none")
	if err := f.parseNone(args); err != nil {
		return err
	}
	if *stagesF && *coverageF {
		return alliance.Errorf(alliance.EINVALID, "--stages and --coverage: choose one")
	}
	org, err := alliance.ParseOrg(*orgS)
	if err != nil {
		return err
	}
	w, err := a.open(ctx, *f.db, true)
	if err != nil {
		return err
	}
	defer w.Close()
	var cand string
	if *candS != "" {
		if cand, err = stateCode(w.states, *candS); err != nil {
			return err
		}
	}
	if *coverageF {
		var rows []accession.Coverage
		for _, c := range accession.CoverageOf(w.history, w.states, org) {
			if cand == "" || c.Candidate == cand {
				rows = append(rows, c)
			}
		}
		if *f.json {
			if rows == nil {
				rows = []accession.Coverage{}
			}
			return a.printJSON(rows)
		}
		return a.printCoverage(rows)
	}
	if *stagesF {
		var rows []accession.Stages
		for _, s := range accession.AllStages(w.history, w.states, org) {
			if cand == "" || s.Candidate == cand {
				rows = append(rows, s)
			}
		}
		if *f.json {
			return a.printJSON(rows)
		}
		d := func(p *int) string {
			if p == nil {
				return "—"
			}
			return fmt.Sprint(*p)
		}
		tw := tabwriter.NewWriter(a.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		if org == alliance.EU {
			// The EU's path has no invitation: candidate status and the
			// opening of negotiations come between application and treaty.
			fmt.Fprintln(tw, "CANDIDATE\tAPPLIED\tSTATUS\tNEGOTIATIONS\tTREATY\tLAST RATIFIED\tJOINED\tTREATY→LAST\tLAST→JOIN\tTREATY→JOIN\t")
			for _, s := range rows {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", s.Candidate, orDash(s.Applied), orDash(s.CandidateStatus), orDash(s.NegotiationsOpened),
					orDash(s.ProtocolSigned), orDash(s.LastRatified), orDash(s.Joined), d(s.ProtocolToLastRatified), d(s.LastRatifiedToJoined), d(s.ProtocolToJoined))
			}
			tw.Flush()
			fmt.Fprintln(a.Stdout, "Days between stages; — where a date is not in the dataset (the last ratification is known only when every member's is).")
			return nil
		}
		fmt.Fprintln(tw, "CANDIDATE\tAPPLIED\tINVITED\tPROTOCOL\tLAST RATIFIED\tJOINED\tAPP→INV\tINV→PROT\tPROT→LAST\tLAST→JOIN\tPROT→JOIN\t")
		for _, s := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", s.Candidate, orDash(s.Applied), orDash(s.Invited), orDash(s.ProtocolSigned),
				orDash(s.LastRatified), orDash(s.Joined), d(s.ApplicationToInvitation), d(s.InvitationToProtocol), d(s.ProtocolToLastRatified), d(s.LastRatifiedToJoined), d(s.ProtocolToJoined))
		}
		tw.Flush()
		fmt.Fprintln(a.Stdout, "Days between stages; — where a date is not in the dataset (the last ratification is known only when every member's is).")
		return nil
	}
	basis, err := lagBasis(*basisS)
	if err != nil {
		return err
	}
	lags := []accession.Lag{}
	for _, l := range accession.LagsOn(w.history, w.states, org, basis) {
		if cand == "" || l.Candidate == cand {
			lags = append(lags, l)
		}
	}
	if *f.json {
		return a.printJSON(lags)
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "CANDIDATE\tPROTOCOL\tMEMBER\tRATIFIED\tBASIS\tDAYS\t")
	for _, l := range lags {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t\n", l.Candidate, l.ProtocolSigned, l.Member, l.Ratified, l.Basis, l.Days)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if basis == "" {
		fmt.Fprintf(a.Stdout, "%d lags to each member's best date (deposit where known, else its last known step): the steps differ, see BASIS.\n", len(lags))
	} else {
		fmt.Fprintf(a.Stdout, "%d lags, each to the %s step (members without a dated %s step are left out; --basis best for every member).\n", len(lags), basis, basis)
	}
	return nil
}

// printCoverage writes the --coverage table, the totals for the accessions
// since 1999, and the members each accession cannot date.
func (a *App) printCoverage(rows []accession.Coverage) error {
	tw := tabwriter.NewWriter(a.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "CANDIDATE\tPROTOCOL\tJOINED\tMEMBERS\tDATED\tDEPOSIT\t")
	var n, dated, dep int
	for _, c := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t\n", c.Candidate, c.ProtocolSigned, orDash(c.Joined), c.Members, len(c.Dated), len(c.Deposited))
		if !c.Joined.Before(coverageSince) {
			n, dated, dep = n+c.Members, dated+len(c.Dated), dep+len(c.Deposited)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(a.Stdout, "Accessions joined since %s: %d of %d member pairs have a dated step (%.1f%%), %d a dated deposit (%.1f%%).\n",
			coverageSince, dated, n, 100*float64(dated)/float64(n), dep, 100*float64(dep)/float64(n))
	}
	for _, part := range []struct {
		head, none string
		get        func(accession.Coverage) []string
	}{
		{"No dated step of any kind", "none: every member has a dated step", func(c accession.Coverage) []string { return c.NoStep }},
		{"No dated deposit", "none: every member's deposit is dated", func(c accession.Coverage) []string { return c.NoDeposit }},
	} {
		fmt.Fprintf(a.Stdout, "\n%s (what was searched: data/GAPS.md):\n", part.head)
		none := true
		for _, c := range rows {
			if l := part.get(c); len(l) > 0 {
				fmt.Fprintf(a.Stdout, "  %s %s  %s\n", c.Candidate, c.ProtocolSigned, strings.Join(l, " "))
				none = false
			}
		}
		if none {
			fmt.Fprintln(a.Stdout, "  "+part.none)
		}
	}
	return nil
}

// lagBasis reads --basis: a step, or best (the empty step).
func lagBasis(s string) (alliance.Step, error) {
	if s == "best" {
		return "", nil
	}
	st, err := alliance.ParseStep(s)
	if err != nil {
		return "", alliance.Errorf(alliance.EINVALID, "--basis %q: want deposit, parliament, head_of_state, procedure_completed or best", s)
	}
	return st, nil
}

func orDash(d alliance.Date) string {
	if d.IsZero() {
		return "—"
	}
	return d.String()
}
