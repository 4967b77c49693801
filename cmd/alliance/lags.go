package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"alliance"
	"alliance/accession"
)

func (a *App) lags(ctx context.Context, args []string) error {
	f := newFlags(a, "lags", "[--org NATO|EU] [--candidate CODE] [--basis STEP] [--json]",
		"For every accession with a signed protocol, each member's days from protocol signature\n"+
			"to one step of its ratification, so that the lags compare like with like: by default the\n"+
			"deposit of its instrument with the depositary. --basis parliament (the final vote),\n"+
			"head_of_state or procedure_completed measures to that step instead; --basis best takes each\n"+
			"member's deposit where known, otherwise its last known step (mixed steps: the BASIS column\n"+
			"says which).").withJSON()
	basisS := f.String("basis", "deposit", "the step lags are measured to: deposit, parliament, head_of_state, procedure_completed or best")
	orgS := f.String("org", "NATO", "organisation: NATO or EU")
	candS := f.String("candidate", "", "only this candidate's accession")
	stagesF := f.Bool("stages", false, "per accession: days from application to invitation, invitation to protocol, protocol to last ratification, last ratification to joining")
	if err := f.parseNone(args); err != nil {
		return err
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
