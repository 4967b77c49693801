package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"alliance"
	"alliance/chart"
	"alliance/dataset"
	"alliance/forecast"
)

// repeated is a flag that may be given several times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

func (a *App) timetable(ctx context.Context, args []string) error {
	f := newFlags(a, "timetable", "CODE [--invited DATE | --protocol DATE] [--withhold CODE:DATE[:P]]... [--gate DATE[:DATE]] [--scenario FILE] [--runs N] [--seed S] [--at DATE] [--json] [--svg FILE]",
		"Forecasts a candidate's accession to NATO by Monte Carlo from past accessions: percentiles\n"+
			"(p10/p50/p90) of the protocol signature, the last ratification and the joining date, and each\n"+
			"member's probability of being the last to ratify. Invitations are political decisions the\n"+
			"model does not forecast: give one (--invited), or a protocol date. Scenarios never touch the\n"+
			"facts. The model and its backtest are described in `alliance backtest --help`.\n"+
			"Example: alliance timetable UA --invited 2027-07-07 --withhold HU:2028-06-01:0.5 --svg ua.svg").withJSON()
	invS := f.String("invited", "", "hypothesis: the candidate is invited on this date")
	proS := f.String("protocol", "", "hypothesis: the accession protocol is signed on this date")
	var withholds repeated
	f.Var(&withholds, "withhold", "hypothesis: member CODE withholds until DATE, with probability P (default 1); repeatable")
	gateS := f.String("gate", "", "no invitation before DATE, or uniformly between DATE:DATE (e.g. a ceasefire)")
	scS := f.String("scenario", "", "a YAML file of hypothetical events in the format of data/ (e.g. an invitation), laid over the facts")
	runs := f.Int("runs", 100_000, "number of simulated accessions")
	seed := f.Uint64("seed", 1, "random seed: the same seed gives the same forecast")
	atS := f.String("at", "", "forecast as of this date (default today)")
	svgS := f.String("svg", "", "write a chart of the joining date to this SVG file")
	noHold := f.Bool("no-holdouts", false, "hypothesis: every recorded objection (position oppose or conditional) is lifted; no member holds out")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if *runs <= 0 || *runs > 100_000_000 {
		return alliance.Errorf(alliance.EINVALID, "--runs %d: want 1 to 100000000", *runs)
	}
	at, err := dateFlag("at", *atS, a.today())
	if err != nil {
		return err
	}
	sc := forecast.Scenario{NoHoldouts: *noHold}
	if sc.Invited, err = dateFlag("invited", *invS, alliance.Date{}); err != nil {
		return err
	}
	if sc.Protocol, err = dateFlag("protocol", *proS, alliance.Date{}); err != nil {
		return err
	}
	w, code, err := a.openFor(ctx, f, pos, "alliance timetable UA --invited 2027-07-07")
	if err != nil {
		return err
	}
	defer w.Close()
	for _, s := range withholds {
		parts := strings.Split(s, ":")
		if len(parts) < 2 || len(parts) > 3 {
			return alliance.Errorf(alliance.EINVALID, "--withhold %q: want CODE:DATE or CODE:DATE:PROBABILITY", s)
		}
		wh := forecast.Withhold{Probability: 1}
		if wh.Member, err = stateCode(w.states, parts[0]); err != nil {
			return err
		}
		if wh.Until, err = dateFlag("withhold", parts[1], alliance.Date{}); err != nil {
			return err
		}
		if len(parts) == 3 {
			if wh.Probability, err = strconv.ParseFloat(parts[2], 64); err != nil || wh.Probability < 0 || wh.Probability > 1 {
				return alliance.Errorf(alliance.EINVALID, "--withhold %q: probability must be between 0 and 1", s)
			}
		}
		sc.Withholds = append(sc.Withholds, wh)
	}
	if *gateS != "" {
		from, to, _ := strings.Cut(*gateS, ":")
		g := &forecast.Gate{Name: "gate"}
		if g.From, err = dateFlag("gate", from, alliance.Date{}); err != nil {
			return err
		}
		if to != "" {
			if g.To, err = dateFlag("gate", to, alliance.Date{}); err != nil {
				return err
			}
		}
		sc.Gate = g
	}
	h := w.history
	if *scS != "" {
		b, err := os.ReadFile(*scS)
		if err != nil {
			return alliance.Errorf(alliance.EINVALID, "cannot read scenario %s: %v", *scS, err)
		}
		evs, err := dataset.ParseEvents(*scS, b, w.states)
		if err != nil {
			return err
		}
		h = h.With(dataset.Events(evs))
	}
	opt := forecast.Options{Runs: *runs, Seed: *seed, Progress: a.progress("simulating")}
	res, err := forecast.Timetable(ctx, h, w.states, code, at, sc, opt)
	a.endProgress()
	if err != nil {
		return err
	}
	if *svgS != "" {
		if err := os.WriteFile(*svgS, chart.Forecast(res, w.states.Name(code)), 0o644); err != nil {
			return alliance.Errorf(alliance.EINVALID, "cannot write %s: %v", *svgS, err)
		}
	}
	if *f.json {
		return a.printJSON(res)
	}
	out := a.Stdout
	fmt.Fprintf(out, "%s (%s): NATO accession forecast as of %s — %d runs, seed %d\n", w.states.Name(code), code, at, res.Runs, res.Seed)
	fmt.Fprintf(out, "Learnt from %d past accessions: %s\n", len(res.Learnt), strings.Join(res.Learnt, " "))
	if m := res.Model; m != nil {
		fmt.Fprintf(out, "Model: lag = round pace + member tendency + chance, on the scale (1+days)^λ, λ = %g; a member with\n"+
			"n past lags keeps n/(n+%.1f) of its own average (both learnt from the data; alliance backtest --help)\n", float64(m.Scale), m.Pooling)
	}
	fmt.Fprintln(out)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MILESTONE\tP10\tP50\tP90")
	for _, m := range []string{forecast.MInvited, forecast.MProtocol, forecast.MLastRatif, forecast.MJoined} {
		p := res.Milestones[m]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", strings.ReplaceAll(m, "_", " "), p.P10, p.P50, p.P90)
	}
	tw.Flush()
	if len(res.Holdouts) > 0 {
		fmt.Fprintf(out, "\nHold-outs: in %.1f%% of runs at least one member waits for a condition the model does not date;\n", 100*res.Held)
		fmt.Fprintf(out, "the last ratification and joining dates above are for the other %.1f%% (--no-holdouts lifts every objection).\n", 100*(1-res.Held))
		for _, h := range res.Holdouts {
			how := fmt.Sprintf("holds out with probability %.0f%%", 100*h.Probability)
			if h.Replaced {
				how = "replaced by your --withhold"
			}
			fmt.Fprintf(out, "  %s %-16s %s since %s: %s\n", h.Code, w.states.Name(h.Code), h.Stance, h.Since, how)
		}
	}
	if len(res.Pending) > 0 {
		fmt.Fprintf(out, "\nPending on %s (%d ratified): chance of ratifying within\n", at, len(res.Done))
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  CODE\tMEMBER\tSINCE\tDAYS\t30 D\t90 D\t365 D\tMEDIAN")
		for _, p := range res.Pending {
			med := p.Median.String()
			if med == "" {
				med = "—"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t%.0f%%\t%.0f%%\t%.0f%%\t%s\n", p.Code, w.states.Name(p.Code), p.Since, p.Days, 100*p.By["30d"], 100*p.By["90d"], 100*p.By["365d"], med)
		}
		tw.Flush()
	}
	fmt.Fprintln(out, "\nMost likely last to ratify (the critical path, among members still pending):")
	for i, l := range res.LastToRatify {
		if i == 8 {
			break
		}
		fmt.Fprintf(out, "  %s %-16s %5.1f%%\n", l.Code, w.states.Name(l.Code), 100*l.Probability)
	}
	if *svgS != "" {
		fmt.Fprintf(out, "\nChart written to %s\n", *svgS)
	}
	return nil
}

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
			"  probability 1/2 (oppose) or 1/4 (conditional), starting assumptions updated by past cases where\n"+
			"  such positions are recorded (none yet). The model does not date such a condition: those runs\n"+
			"  are reported as a share, not as dates.\n"+
			"- Members ratify independently given the round's pace: no coordination, no bargaining, no\n"+
			"  elections. Invitations are political and not forecast.").withJSON()
	runs := f.Int("runs", 50_000, "runs per forecast")
	seed := f.Uint64("seed", 1, "random seed")
	if err := f.parseNone(args); err != nil {
		return err
	}
	if *runs <= 0 {
		return alliance.Errorf(alliance.EINVALID, "--runs must be positive")
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
	fmt.Fprintln(tw, "AS OF\tFORECASTS\tCRPS MODEL\tCRPS BASELINE\tIN P10-P90")
	for _, o := range bt.ByOffset {
		fmt.Fprintf(tw, "protocol + %d d\t%d\t%.1f d\t%.1f d\t%.0f%%\n", o.Offset, o.N, o.CRPS, o.BaselineCRPS, 100*o.Coverage80)
	}
	tw.Flush()
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

// progress returns a progress callback that draws a bar on standard error
// when it is a terminal, and nil otherwise.
func (a *App) progress(label string) func(done, total int) {
	f, ok := a.Stderr.(*os.File)
	if !ok {
		return nil
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return func(done, total int) {
		const w = 30
		n := done * w / total
		fmt.Fprintf(a.Stderr, "\r%s [%s%s] %3d%%", label, strings.Repeat("█", n), strings.Repeat("░", w-n), 100*done/total)
	}
}

func (a *App) endProgress() {
	if f, ok := a.Stderr.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprint(a.Stderr, "\r\033[K")
		}
	}
}

var _ io.Writer = (*os.File)(nil)
