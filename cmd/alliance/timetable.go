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
	invS := f.Date("invited", "hypothesis: the candidate is invited on this date")
	proS := f.Date("protocol", "hypothesis: the accession protocol is signed on this date")
	var withholds repeated
	f.Var(&withholds, "withhold", "hypothesis: member CODE withholds until DATE, with probability P (default 1); repeatable")
	gateS := f.String("gate", "", "no invitation before DATE, or uniformly between DATE:DATE (e.g. a ceasefire)")
	scS := f.String("scenario", "", "a YAML file of hypothetical events in the format of data/ (e.g. an invitation), laid over the facts")
	runs := f.Int("runs", 100_000, "number of simulated accessions")
	seed := f.Uint64("seed", 1, "random seed: the same seed gives the same forecast")
	atS := f.Date("at", "forecast as of this date (default today)")
	svgS := f.String("svg", "", "write a chart of the joining date to this SVG file")
	noHold := f.Bool("no-holdouts", false, "hypothesis: every recorded objection (position oppose or conditional) is lifted; no member holds out")
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
		p, ok := res.Milestones[m]
		if !ok {
			fmt.Fprintf(tw, "%s\t—\t—\t— (every run waits for a hold-out's condition)\n", strings.ReplaceAll(m, "_", " "))
			continue
		}
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
