package forecast

import (
	"context"
	"slices"
	"sort"

	"alliance"
	"alliance/accession"
)

// Timetable forecasts cand's accession to NATO as of asOf, from the history
// known before asOf, under the scenario. The candidate's own record fixes
// what has happened: its invitation and protocol dates, and ratifications
// already made.
func Timetable(ctx context.Context, h alliance.History, states alliance.States, cand string, asOf alliance.Date, sc Scenario, opt Options) (*Result, error) {
	st := accession.StatusOf(h, states, alliance.NATO, cand, asOf)
	if st.Stage == accession.StageMember {
		return nil, alliance.Errorf(alliance.EINVALID, "%s has been a member of NATO since %s: there is nothing to forecast", st.Name, st.Joined)
	}
	if sc.Invited.IsZero() && !st.Invited.IsZero() {
		sc.Invited = st.Invited
	}
	if sc.Protocol.IsZero() && !st.ProtocolSigned.IsZero() {
		sc.Protocol = st.ProtocolSigned
	}
	if !sc.Invited.IsZero() && sc.Invited.Before(asOf) && st.Invited.IsZero() {
		return nil, alliance.Errorf(alliance.EINVALID, "invitation date %s is before the forecast date %s: a hypothesis about the past is not a forecast", sc.Invited, asOf)
	}
	if !sc.Protocol.IsZero() && !sc.Invited.IsZero() && sc.Protocol.Before(sc.Invited) {
		return nil, alliance.Errorf(alliance.EINVALID, "protocol date %s is before the invitation %s", sc.Protocol, sc.Invited)
	}
	known := map[string]alliance.Date{}
	for _, r := range st.Ratified {
		known[r.Code] = r.Date
	}
	var ratifiers []string
	for _, m := range alliance.Replay(h, asOf).Members(alliance.NATO, states) {
		if m.Code != cand {
			ratifiers = append(ratifiers, m.Code)
		}
	}
	for _, w := range sc.Withholds {
		if !slices.Contains(ratifiers, w.Member) {
			return nil, alliance.Errorf(alliance.EINVALID, "%s is not a member on %s and does not ratify", w.Member, asOf)
		}
	}
	m := Learn(accession.AllStages(h, states, alliance.NATO), asOf)
	return Simulate(ctx, m, cand, asOf, ratifiers, known, sc, opt)
}

// BacktestRow is one historical accession forecast as of its protocol
// signature and compared with what happened.
type BacktestRow struct {
	Candidate      string        `json:"candidate"`
	ProtocolSigned alliance.Date `json:"protocol_signed"`
	Joined         alliance.Date `json:"joined"`
	Forecast       Percentiles   `json:"forecast_joined"`
	Covered        bool          `json:"covered"` // p10 <= actual <= p90
	ErrorDays      int           `json:"error_days"`
	Baseline       alliance.Date `json:"baseline_joined"`
	BaselineError  int           `json:"baseline_error_days"`
	LearntFrom     []string      `json:"learnt_from"`
	Skipped        string        `json:"skipped,omitempty"`
}

// Backtest is the summary of all rows.
type Backtest struct {
	Rows                []BacktestRow `json:"rows"`
	Forecasts           int           `json:"forecasts"`
	Coverage            float64       `json:"coverage_p10_p90"`
	MedianErrorDays     float64       `json:"median_abs_error_days"`
	BaselineMedianError float64       `json:"baseline_median_abs_error_days"`
	Runs                int           `json:"runs"`
	Seed                uint64        `json:"seed"`
	BaselineNote        string        `json:"baseline"`
}

// RunBacktest forecasts every completed NATO accession as of the day its
// protocol was signed, learning only from what was known before, and
// compares the forecast and a naive baseline (the median protocol-to-joining
// time of the accessions completed before) with the actual joining date.
func RunBacktest(ctx context.Context, h alliance.History, states alliance.States, opt Options) (*Backtest, error) {
	stages := accession.AllStages(h, states, alliance.NATO)
	bt := &Backtest{Runs: opt.Runs, Seed: opt.Seed, Rows: []BacktestRow{},
		BaselineNote: "the median days from protocol signature to joining of the accessions completed before"}
	var errs, bErrs []int
	covered := 0
	for _, s := range stages {
		if s.Joined.IsZero() || s.ProtocolSigned.IsZero() {
			continue
		}
		row := BacktestRow{Candidate: s.Candidate, ProtocolSigned: s.ProtocolSigned, Joined: s.Joined}
		var past []int
		for _, p := range stages {
			if p.ProtocolToJoined != nil && p.Joined.Before(s.ProtocolSigned) {
				past = append(past, *p.ProtocolToJoined)
			}
		}
		var ratifiers []string
		for _, m := range alliance.Replay(h, s.ProtocolSigned).Members(alliance.NATO, states) {
			ratifiers = append(ratifiers, m.Code)
		}
		m := Learn(stages, s.ProtocolSigned)
		row.LearntFrom = m.Accessions
		if len(past) == 0 || len(m.Paces) == 0 || len(m.PooledShares) == 0 || len(m.LastToJoined) == 0 {
			row.Skipped = "no earlier completed accession with every ratification dated to learn from"
			bt.Rows = append(bt.Rows, row)
			continue
		}
		res, err := Simulate(ctx, m, s.Candidate, s.ProtocolSigned, ratifiers, nil, Scenario{Protocol: s.ProtocolSigned}, Options{Runs: opt.Runs, Seed: opt.Seed, Workers: opt.Workers})
		if err != nil {
			return nil, err
		}
		f := res.Milestones[MJoined]
		row.Forecast = f
		row.Covered = !s.Joined.Before(f.P10) && !s.Joined.After(f.P90)
		row.ErrorDays = abs(f.P50.DaysSince(s.Joined))
		row.Baseline = s.ProtocolSigned.AddDays(medianInt(past))
		row.BaselineError = abs(row.Baseline.DaysSince(s.Joined))
		if row.Covered {
			covered++
		}
		errs, bErrs = append(errs, row.ErrorDays), append(bErrs, row.BaselineError)
		bt.Rows = append(bt.Rows, row)
	}
	bt.Forecasts = len(errs)
	if bt.Forecasts > 0 {
		bt.Coverage = float64(covered) / float64(bt.Forecasts)
		bt.MedianErrorDays = medianFloat(errs)
		bt.BaselineMedianError = medianFloat(bErrs)
	}
	return bt, nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func medianInt(xs []int) int {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func medianFloat(xs []int) float64 {
	s := slices.Clone(xs)
	sort.Ints(s)
	n := len(s)
	if n%2 == 1 {
		return float64(s[n/2])
	}
	return float64(s[n/2-1]+s[n/2]) / 2
}
