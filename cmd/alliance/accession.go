package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"alliance"
	"alliance/accession"
)

func (a *App) accession(ctx context.Context, args []string) error {
	f := newFlags(a, "accession", "CODE [--org NATO|EU] [--at YYYY-MM-DD] [--json]",
		"Shows a candidate's accession status on a date: its stage (NATO: applied, invited,\n"+
			"ratifying, member; EU: applied, candidate, negotiating, treaty_signed, ratifying, member),\n"+
			"each member that had ratified (with the date and which step that date is: parliament,\n"+
			"head_of_state or deposit), and who was still pending.\n"+
			"Examples: alliance accession SE --at 2023-06-01; alliance accession UA --org EU").withJSON()
	orgS := f.String("org", "NATO", "organisation: NATO or EU")
	atS := f.Date("at", "date YYYY-MM-DD (default today)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	org, err := alliance.ParseOrg(*orgS)
	if err != nil {
		return err
	}
	at, err := dateFlag("at", *atS, a.today())
	if err != nil {
		return err
	}
	w, code, err := a.openFor(ctx, f, pos, "alliance accession SE --at 2023-06-01")
	if err != nil {
		return err
	}
	defer w.Close()
	st := accession.StatusOf(w.history, w.states, org, code, at)
	if *f.json {
		return a.printJSON(st)
	}
	out := a.Stdout
	fmt.Fprintf(out, "%s (%s): %s accession status on %s\n", st.Name, st.Candidate, org, at)
	fmt.Fprintf(out, "Stage: %s\n", st.Stage)
	var steps []string
	for _, s := range []struct {
		label string
		d     alliance.Date
	}{{"applied", st.Applied}, {"invited", st.Invited}, {"candidate status", st.CandidateStatus},
		{"negotiations opened", st.NegotiationsOpened}, {signedLabel(org), st.ProtocolSigned}, {"joined", st.Joined}} {
		if !s.d.IsZero() {
			steps = append(steps, s.label+" "+s.d.String())
		}
	}
	if len(steps) > 0 {
		fmt.Fprintln(out, strings.Join(steps, " · "))
	}
	if st.DaysSinceProtocol != nil {
		fmt.Fprintf(out, "Days since %s: %d\n", map[bool]string{true: "treaty signature", false: "protocol signature"}[org == alliance.EU], *st.DaysSinceProtocol)
	}
	if !st.Stage.Signed() {
		return nil
	}
	fmt.Fprintf(out, "\nRatified (%d):\n", len(st.Ratified))
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  CODE\tMEMBER\tRATIFIED\tBASIS\tDAYS")
	for _, r := range st.Ratified {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%d\n", r.Code, r.Name, r.Date, r.Basis, *r.Days)
	}
	tw.Flush()
	fmt.Fprintf(out, "\nPending (%d):", len(st.Pending))
	if len(st.Pending) == 0 {
		fmt.Fprint(out, " none")
	}
	fmt.Fprintln(out)
	for _, p := range st.PendingDetail {
		var so []string
		for _, s := range p.Steps {
			so = append(so, fmt.Sprintf("%s %s", s.Step, s.Date))
		}
		if len(so) == 0 {
			so = []string{"no step yet"}
		}
		fmt.Fprintf(out, "  %s  %-16s %s\n", p.Code, p.Name, strings.Join(so, ", "))
	}
	if len(st.Undated) > 0 {
		fmt.Fprintf(out, "\nRatified on a date the dataset does not hold (%d): %s (see data/GAPS.md)\n", len(st.Undated), strings.Join(st.Undated, " "))
	}
	return nil
}

// signedLabel names what is signed before members ratify: NATO's accession
// protocol or an EU accession treaty.
func signedLabel(org alliance.Org) string {
	if org == alliance.EU {
		return "treaty signed"
	}
	return "protocol signed"
}
