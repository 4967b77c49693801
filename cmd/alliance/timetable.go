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
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if *runs <= 0 || *runs > forecast.MaxRuns {
		return alliance.Errorf(alliance.EINVALID, "--runs %d: want 1 to %d", *runs, forecast.MaxRuns)
	}
	at, err := dateFlag("at", *atS, a.today())
	if err != nil {
		return err
	}
	var sc forecast.Scenario
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
	fmt.Fprintf(out, "Learnt from %d past accessions: %s\n\n", len(res.Learnt), strings.Join(res.Learnt, " "))
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MILESTONE\tP10\tP50\tP90")
	for _, m := range []string{forecast.MInvited, forecast.MProtocol, forecast.MLastRatif, forecast.MJoined} {
		p := res.Milestones[m]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", strings.ReplaceAll(m, "_", " "), p.P10, p.P50, p.P90)
	}
	tw.Flush()
	fmt.Fprintln(out, "\nMost likely last to ratify (the critical path):")
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
		"Forecasts every past NATO accession as of the day its protocol was signed, using only what\n"+
			"was known before, and compares with what happened: whether the p10-p90 interval held the\n"+
			"joining date, the error of the median in days, and a naive baseline (the median protocol-to-\n"+
			"joining time of the accessions completed before).\n\n"+
			"The model: each run draws the pace of one past enlargement round (its days from protocol to\n"+
			"joining), then each member ratifies at a share of that pace drawn from its own history with\n"+
			"weight n/(n+2) (n = its past ratifications), else from all members' shares; the candidate joins\n"+
			"after the last ratification by a gap drawn from history.").withJSON()
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
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
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
	fmt.Fprintln(out, "Accessions before 2008 are skipped: the dataset lacks the dates of most of their ratifications (data/GAPS.md).")
	return nil
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
