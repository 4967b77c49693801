package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"alliance"
	"alliance/forecast"
)

func (a *App) backtest(ctx context.Context, args []string) error {
	f := newFlags(a, "backtest", "[--runs N] [--seed S] [--json]",
		"Tests the forecaster against the history, three ways, and prints the scores whatever they are.\n"+
			"\n"+
			"1. Member lags, leaving one round out. An enlargement round is the accessions whose protocols\n"+
			"   were signed the same day (Finland and Sweden are one round: most members ratified both in\n"+
			"   one act). For each round in turn the model learns from all the other rounds and forecasts\n"+
			"   every member's lag in the round left out (days from protocol signature to its ratification,\n"+
			"   on the basis the dataset has); a baseline that ignores which member it is forecasts the same\n"+
			"   lags from the other rounds' lags, pooled. Scores: CRPS (continuous ranked probability score,\n"+
			"   in days: how far the whole forecast distribution is from what happened; lower is better; for\n"+
			"   a single date it is the absolute error) and the share of lags inside the 80% interval (a\n"+
			"   well-calibrated forecast puts 80% there). The difference model − baseline comes with a 95%\n"+
			"   interval from resampling whole rounds (lags of one round move together).\n"+
			"2. Each accession forecast again as of protocol signature + 0, 30, 90 and 180 days, knowing the\n"+
			"   ratifications made by then, with its round left out of the learning; scored on the joining\n"+
			"   date against the other rounds' protocol-to-joining times that exceed the time elapsed.\n"+
			"3. Each accession forecast as of its protocol signature from what was known that day only.\n"+
			"\n"+
			"The model's assumptions, in words:\n"+
			"- Every round has a pace, shared by all members (some rounds go faster than others); each\n"+
			"  member has a tendency to be faster or slower than the round; what remains is chance. A lag is\n"+
			"  pace + tendency + chance on a scale of days, (1 + days)^λ. λ is chosen by how well each choice\n"+
			"  would have forecast the joining dates of past rounds, each left out in turn (the log, λ = 0,\n"+
			"  makes very long delays far likelier than plain days, λ = 1; with today's data days win).\n"+
			"- Chance is drawn from the model's own past errors, smoothed, not from a textbook curve; beyond\n"+
			"  the largest error seen, a member that has already waited that long waits on for a time drawn\n"+
			"  from how far the slowest tenth of cases overshot.\n"+
			"- How much a member's own record counts against everyone's is learnt: the spread between\n"+
			"  members' averages beyond what chance explains, against the spread of one member's lags.\n"+
			"  `alliance timetable` prints it: with n past lags a member keeps n/(n+K) of its own average\n"+
			"  (K is about 12 today: members differ, but less than chance does).\n"+
			"- A new round's pace is drawn from past rounds'. Inside a round under way, the members that\n"+
			"  have ratified tell how fast this round is, and those still waiting tell it is at least that\n"+
			"  slow; a member still pending is drawn only from lags longer than it has already waited.\n"+
			"- A ratification dated only by a parliament's vote or the end of a national procedure is put\n"+
			"  on the deposit's scale by the average gap between the two where the dataset has both for the\n"+
			"  same member and accession (a step with no such pair is used as it is; --json lists the gaps\n"+
			"  and how many pairs each rests on).\n"+
			"- The invitation-to-protocol and last-ratification-to-joining times are drawn from past rounds\n"+
			"  (same day, or log-normal), also only from times longer than already elapsed.\n"+
			"- A member that has publicly opposed inviting the candidate, or set a condition (a position in\n"+
			"  data/nato/positions.yaml), may hold its ratification until a condition is met: with\n"+
			"  probability 1/2 (oppose) or 1/4 (conditional). These starting assumptions count as two and\n"+
			"  four past cases, and each recorded position on a past candidate adds one: held out if that\n"+
			"  member ratified among the slowest tenth (none is recorded yet). The model does not date such\n"+
			"  a condition: those runs are reported as a share, not as dates.\n"+
			"- Members ratify independently given the round's pace: no coordination, no bargaining, no\n"+
			"  elections. Invitations are political and not forecast.").withJSON()
	runs := f.Int("runs", 50_000, "runs per forecast")
	seed := f.Uint64("seed", 1, "random seed")
	if err := f.parseNone(args); err != nil {
		return err
	}
	if *runs <= 0 || *runs > forecast.MaxBacktestRuns {
		return alliance.Errorf(alliance.EINVALID, "--runs %d: want 1 to %d", *runs, forecast.MaxBacktestRuns)
	}
	w, err := a.open(ctx, *f.db, true)
	if err != nil {
		return err
	}
	defer w.Close()
	bt, err := forecast.RunBacktest(ctx, w.history, w.states, forecast.Options{Runs: *runs, Seed: *seed})
	if err != nil {
		return err
	}
	if *f.json {
		return a.printJSON(bt)
	}
	out := a.Stdout
	l := bt.Lags
	fmt.Fprintf(out, "1. Member lags, one round left out at a time: %d lags in %d rounds\n", l.N, l.Rounds)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ROUND\tCANDIDATES\tLAGS\tCRPS MODEL\tCRPS BASELINE\tIN 80% (MODEL)")
	for _, r := range l.PerRound {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.1f d\t%.1f d\t%.0f%%\n", r.Round, strings.Join(r.Candidates, " "), r.N, r.CRPS, r.BaselineCRPS, 100*r.Coverage80)
	}
	fmt.Fprintf(tw, "all\t\t%d\t%.1f d\t%.1f d\t%.0f%% (baseline %.0f%%)\n", l.N, l.CRPS, l.BaselineCRPS, 100*l.Coverage80, 100*l.BaselineCoverage)
	tw.Flush()
	fmt.Fprintf(out, "Like with like: each lag is scored on its own basis (%s); the model moves a basis onto the\n"+
		"deposit's footing by the mean gap where both are dated (%s).\n", basisCounts(l.ByBasis), basisOffsets(l.BasisOffsets, l.BasisPairs, l.Scale))
	fmt.Fprintf(out, "Model − baseline: %+.1f days of CRPS (95%% interval %+.1f to %+.1f, %d resamples of whole rounds).\n", l.Difference, l.DifferenceLow, l.DifferenceHigh, l.Bootstrap)
	if l.DifferenceHigh >= 0 {
		fmt.Fprintln(out, "The model does not beat the baseline with confidence.")
	}
	fmt.Fprintln(out, "\n2. Joining date, forecast again as of protocol + N days (round left out of the learning):")
	tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "AS OF\tFORECASTS\tCRPS MODEL\tCRPS BASELINE\tIN P10-P90\t\tPENDING LAGS\tCRPS MODEL\tCRPS BASELINE\tIN 80%")
	for _, o := range bt.ByOffset {
		fmt.Fprintf(tw, "protocol + %d d\t%d\t%.1f d\t%.1f d\t%.0f%%\t\t%d\t%.1f d\t%.1f d\t%.0f%%\n", o.Offset, o.N, o.CRPS, o.BaselineCRPS, 100*o.Coverage80,
			o.PendingN, o.PendingCRPS, o.PendingBaselineCRPS, 100*o.PendingCoverage80)
	}
	tw.Flush()
	fmt.Fprintln(out, "Pending lags: the members still to ratify that day, forecast from lags longer than they had waited;\nthe baseline is the other rounds' lags longer than that.")
	fmt.Fprintln(out, "\n3. Joining date as of protocol signature, from what was known that day:")
	tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CANDIDATE\tPROTOCOL\tJOINED\tP10\tP50\tP90\tIN P10-P90\tERROR\tBASELINE\tERROR")
	for _, r := range bt.Rows {
		if r.Skipped != "" {
			fmt.Fprintf(tw, "%s\t%s\t%s\t—\t—\t—\t—\t—\t—\t— (%s)\n", r.Candidate, r.ProtocolSigned, r.Joined, r.Skipped)
			continue
		}
		in := "yes"
		if !r.Covered {
			in = "MISSED"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d d\t%s\t%d d\n", r.Candidate, r.ProtocolSigned, r.Joined,
			r.Forecast.P10, r.Forecast.P50, r.Forecast.P90, in, r.ErrorDays, r.Baseline, r.BaselineError)
	}
	tw.Flush()
	fmt.Fprintf(out, "\n%d forecasts: %.0f%% of joining dates inside the p10-p90 interval; median absolute error %.1f days, naive baseline %.1f days (%d runs each, seed %d).\n",
		bt.Forecasts, 100*bt.Coverage, bt.MedianErrorDays, bt.BaselineMedianError, bt.Runs, bt.Seed)
	fmt.Fprintln(out, "Accessions before 1999 cannot be scored: the dataset lacks the dates of their ratifications (data/GAPS.md).")
	return nil
}

func basisCounts(m map[alliance.Step]int) string {
	var parts []string
	for _, st := range alliance.Steps {
		if n := m[st]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", st, n))
		}
	}
	return strings.Join(parts, ", ")
}

func basisOffsets(off map[alliance.Step]float64, pairs map[alliance.Step]int, lambda float64) string {
	unit := fmt.Sprintf(" on the scale (1+days)^%g", lambda)
	if lambda == 1 {
		unit = " days"
	}
	var parts []string
	for _, st := range alliance.Steps {
		if n := pairs[st]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %+.0f%s, %d pairs", st, off[st], unit, n))
		}
	}
	if len(parts) == 0 {
		return "no pair in the dataset"
	}
	return strings.Join(parts, "; ")
}
