package forecast_test

import (
	"context"
	"math"
	"reflect"
	"slices"
	"testing"

	"alliance"
	"alliance/accession"
	"alliance/datasettest"
	"alliance/forecast"
)

var asOf = alliance.MustDate("2026-11-27")

func ukraine(t testing.TB, sc forecast.Scenario, opt forecast.Options) *forecast.Result {
	t.Helper()
	states, h := datasettest.MustHistory(t)
	r, err := forecast.Timetable(context.Background(), h, states, "UA", asOf, sc, opt)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReproducibleWhateverTheWorkers(t *testing.T) {
	sc := forecast.Scenario{Invited: alliance.MustDate("2027-07-07")}
	one := ukraine(t, sc, forecast.Options{Runs: 50_000, Seed: 42, Workers: 1})
	two := ukraine(t, sc, forecast.Options{Runs: 50_000, Seed: 42, Workers: 2})
	if !reflect.DeepEqual(one, two) {
		t.Errorf("seed 42 with 1 and 2 workers differ:\n%+v\n%+v", one.Milestones, two.Milestones)
	}
	other := ukraine(t, sc, forecast.Options{Runs: 50_000, Seed: 43, Workers: 2})
	if reflect.DeepEqual(one.LastToRatify, other.LastToRatify) {
		t.Error("seeds 42 and 43 give identical shares of being last: the seed is not used")
	}
}

func TestTimetableShape(t *testing.T) {
	sc := forecast.Scenario{Invited: alliance.MustDate("2027-07-07")}
	r := ukraine(t, sc, forecast.Options{Runs: 20_000, Seed: 1})
	inv, pro, last, joined := r.Milestones[forecast.MInvited], r.Milestones[forecast.MProtocol], r.Milestones[forecast.MLastRatif], r.Milestones[forecast.MJoined]
	if inv.P50 != sc.Invited {
		t.Errorf("invitation p50 = %s, want the scenario's %s", inv.P50, sc.Invited)
	}
	for _, p := range []forecast.Percentiles{pro, last, joined} {
		if p.P10.After(p.P50) || p.P50.After(p.P90) {
			t.Errorf("percentiles out of order: %+v", p)
		}
	}
	if !pro.P50.After(inv.P50) || !joined.P50.After(pro.P50) || last.P50.After(joined.P50) {
		t.Errorf("milestones out of order: invited %s, protocol %s, last %s, joined %s", inv.P50, pro.P50, last.P50, joined.P50)
	}
	if got, want := len(r.Ratifiers), 32; got != want {
		t.Errorf("ratifiers = %d, want %d (the members on %s)", got, want, asOf)
	}
	var sum float64
	for _, l := range r.LastToRatify {
		sum += l.Probability
	}
	if sum < 0.999 || sum > 1.001 {
		t.Errorf("probabilities of being last sum to %v", sum)
	}
	// The members with a recorded objection (HU, SK and US oppose) lead the
	// critical path: they hold out until a condition in a share of runs.
	top := []string{r.LastToRatify[0].Code, r.LastToRatify[1].Code, r.LastToRatify[2].Code}
	slices.Sort(top)
	if !slices.Equal(top, []string{"HU", "SK", "US"}) {
		t.Errorf("most likely last ratifiers = %v, want HU, SK and US", r.LastToRatify[:3])
	}
	if r.Held <= 0 || r.Held >= 1 || len(r.Holdouts) == 0 {
		t.Errorf("held = %v with %d hold-outs, want a share strictly between 0 and 1", r.Held, len(r.Holdouts))
	}
	lifted := ukraine(t, forecast.Scenario{Invited: sc.Invited, NoHoldouts: true}, forecast.Options{Runs: 20_000, Seed: 1})
	if lifted.Held != 0 || lifted.Dated != lifted.Runs {
		t.Errorf("--no-holdouts: held %v, dated %d of %d", lifted.Held, lifted.Dated, lifted.Runs)
	}
}

func TestScenarioWithholdAndGate(t *testing.T) {
	base := forecast.Scenario{Invited: alliance.MustDate("2027-07-07"), NoHoldouts: true}
	r0 := ukraine(t, base, forecast.Options{Runs: 20_000, Seed: 5})
	hold := base
	hold.Withholds = []forecast.Withhold{{Member: "HU", Until: alliance.MustDate("2031-01-01"), Probability: 1}}
	r1 := ukraine(t, hold, forecast.Options{Runs: 20_000, Seed: 5})
	if got := r1.Milestones[forecast.MJoined].P10; got.Before(alliance.MustDate("2031-01-01")) {
		t.Errorf("Hungary withholding until 2031: joined p10 = %s, want on or after 2031-01-01", got)
	}
	if r1.LastToRatify[0].Code != "HU" || r1.LastToRatify[0].Probability < 0.75 { // others can be slower still in the slow tail of the pace
		t.Errorf("withholding Hungary is not the last ratifier: %v", r1.LastToRatify[:2])
	}
	half := base
	half.Withholds = []forecast.Withhold{{Member: "HU", Until: alliance.MustDate("2031-01-01"), Probability: 0.5}}
	r2 := ukraine(t, half, forecast.Options{Runs: 20_000, Seed: 5})
	if !r2.Milestones[forecast.MJoined].P90.After(alliance.MustDate("2030-12-31")) || r2.Milestones[forecast.MJoined].P10 != r0.Milestones[forecast.MJoined].P10 && r2.Milestones[forecast.MJoined].P10.After(alliance.MustDate("2031-01-01")) {
		t.Errorf("withholding with probability 0.5: %+v", r2.Milestones[forecast.MJoined])
	}
	gate := forecast.Scenario{Invited: asOf, NoHoldouts: true, Gate: &forecast.Gate{From: alliance.MustDate("2028-01-01"), To: alliance.MustDate("2029-12-31"), Name: "ceasefire"}}
	r3 := ukraine(t, gate, forecast.Options{Runs: 20_000, Seed: 5})
	if inv := r3.Milestones[forecast.MInvited]; inv.P10.Before(alliance.MustDate("2028-01-01")) || inv.P90.After(alliance.MustDate("2029-12-31")) {
		t.Errorf("gate 2028-2029: invitation %+v", inv)
	}
}

func TestTimetableErrors(t *testing.T) {
	states, h := datasettest.MustHistory(t)
	ctx := context.Background()
	for _, tc := range []struct {
		cand string
		sc   forecast.Scenario
	}{
		{"UA", forecast.Scenario{}},                                         // not invited: no invitation model
		{"FI", forecast.Scenario{Invited: alliance.MustDate("2027-01-01")}}, // already a member
		{"UA", forecast.Scenario{Invited: alliance.MustDate("2020-01-01")}}, // in the past
		{"UA", forecast.Scenario{Invited: alliance.MustDate("2027-01-01"), Withholds: []forecast.Withhold{{Member: "UA", Until: asOf, Probability: 1}}}},
	} {
		_, err := forecast.Timetable(ctx, h, states, tc.cand, asOf, tc.sc, forecast.Options{Runs: 100, Seed: 1})
		if alliance.ErrorCode(err) != alliance.EINVALID {
			t.Errorf("%s %+v: %v, want EINVALID", tc.cand, tc.sc, err)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := forecast.Timetable(cctx, h, states, "UA", asOf, forecast.Scenario{Invited: alliance.MustDate("2027-01-01")}, forecast.Options{Runs: 1_000_000, Seed: 1}); err == nil {
		t.Error("a cancelled forecast finished")
	}
}

// TestBacktest forecasts each past accession as of its protocol signature;
// the summary figures must follow from the rows.
func TestBacktest(t *testing.T) {
	states, h := datasettest.MustHistory(t)
	bt, err := forecast.RunBacktest(context.Background(), h, states, forecast.Options{Runs: 20_000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var errs []int
	covered := 0
	for _, r := range bt.Rows {
		if r.Skipped != "" {
			continue
		}
		errs = append(errs, r.ErrorDays)
		if r.Covered {
			covered++
		}
		if got := abs(r.Forecast.P50.DaysSince(r.Joined)); got != r.ErrorDays {
			t.Errorf("%s: error %d, recomputed %d", r.Candidate, r.ErrorDays, got)
		}
		for _, l := range r.LearntFrom {
			if l == r.Candidate {
				t.Errorf("%s's forecast learnt from itself", r.Candidate)
			}
		}
	}
	if bt.Forecasts != len(errs) || bt.Forecasts < 5 {
		t.Fatalf("forecasts = %d (rows %d)", bt.Forecasts, len(errs))
	}
	if got := float64(covered) / float64(len(errs)); got != bt.Coverage {
		t.Errorf("coverage %v, recomputed %v", bt.Coverage, got)
	}
	var se *forecast.BacktestRow
	for i := range bt.Rows {
		if bt.Rows[i].Candidate == "SE" {
			se = &bt.Rows[i]
		}
	}
	if se == nil || se.Covered {
		t.Errorf("Sweden's 611 days should fall outside any interval learnt from earlier accessions: %+v", se)
	}
	t.Logf("coverage %.2f, median abs error %.1f days, baseline %.1f days", bt.Coverage, bt.MedianErrorDays, bt.BaselineMedianError)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestConditionedOnTheForecastDate forecasts Finland's and Sweden's
// accessions from dates inside them: the members that had ratified are
// fixed, only pending ones can be last, and every forecast date comes
// after the forecast date.
func TestConditionedOnTheForecastDate(t *testing.T) {
	states, h := datasettest.MustHistory(t)
	for _, tc := range []struct {
		cand, at string
	}{
		{"SE", "2022-07-05"}, {"SE", "2022-10-01"}, {"SE", "2023-06-01"}, {"SE", "2023-12-01"}, {"SE", "2024-02-01"},
		{"FI", "2022-07-05"}, {"FI", "2022-10-01"}, {"FI", "2023-03-01"},
	} {
		t.Run(tc.cand+"@"+tc.at, func(t *testing.T) {
			at := alliance.MustDate(tc.at)
			r, err := forecast.Timetable(context.Background(), h, states, tc.cand, at, forecast.Scenario{}, forecast.Options{Runs: 20_000, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			for _, ms := range []string{forecast.MLastRatif, forecast.MJoined} {
				p := r.Milestones[ms]
				if !p.P10.After(at) || !p.P50.After(at) || !p.P90.After(at) {
					t.Errorf("%s = %+v, want every percentile after %s", ms, p, at)
				}
			}
			st := accession.StatusOf(forecast.Known(h, at), states, alliance.NATO, tc.cand, at)
			if got, want := len(r.Done), len(st.Ratified); got != want {
				t.Errorf("fixed ratifications = %d, want %d", got, want)
			}
			for _, rr := range st.Ratified {
				if d, ok := r.Done[rr.Code]; !ok || d.Date != rr.Date || d.Date.After(at) {
					t.Errorf("%s ratified on %s: fixed as %+v", rr.Code, rr.Date, d)
				}
			}
			var sum float64
			for _, l := range r.LastToRatify {
				sum += l.Probability
				if !slices.Contains(st.Pending, l.Code) {
					t.Errorf("%s is credited as last (%.3f) but had ratified by %s", l.Code, l.Probability, tc.at)
				}
			}
			if sum < 0.999 || sum > 1.001 {
				t.Errorf("probabilities of being last sum to %v", sum)
			}
			if len(r.Pending) != len(st.Pending) {
				t.Errorf("pending forecasts = %d, want %d", len(r.Pending), len(st.Pending))
			}
			for _, p := range r.Pending {
				a, b, c := p.By["30d"], p.By["90d"], p.By["365d"]
				if a < 0 || a > b || b > c || c > 1 || a > 0.9 {
					t.Errorf("%s: chances by 30, 90, 365 days = %.3f, %.3f, %.3f", p.Code, a, b, c)
				}
				if !p.Median.IsZero() && !p.Median.After(at) {
					t.Errorf("%s: median %s, want after %s", p.Code, p.Median, at)
				}
			}
			for _, l := range r.Learnt {
				if l == tc.cand {
					t.Errorf("learnt from %s itself", tc.cand)
				}
			}
		})
	}
}

// TestNoLeakage: a forecast as of a date gives the same result whatever
// the record holds after that date.
func TestNoLeakage(t *testing.T) {
	states, h := datasettest.MustHistory(t)
	at := alliance.MustDate("2023-06-01")
	opt := forecast.Options{Runs: 20_000, Seed: 9}
	full, err := forecast.Timetable(context.Background(), h, states, "SE", at, forecast.Scenario{}, opt)
	if err != nil {
		t.Fatal(err)
	}
	cut, err := forecast.Timetable(context.Background(), forecast.Known(h, at), states, "SE", at, forecast.Scenario{}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(full.Milestones, cut.Milestones) || !reflect.DeepEqual(full.LastToRatify, cut.LastToRatify) {
		t.Errorf("the forecast as of %s depends on later events:\n%+v\n%+v", at, full.Milestones, cut.Milestones)
	}
	again, _ := forecast.Timetable(context.Background(), h, states, "SE", at, forecast.Scenario{}, opt)
	if !reflect.DeepEqual(full, again) {
		t.Error("the same seed gave two different forecasts")
	}
}

// TestBacktestLags checks the leave-one-round-out scores add up.
func TestBacktestLags(t *testing.T) {
	states, h := datasettest.MustHistory(t)
	bt, err := forecast.RunBacktest(context.Background(), h, states, forecast.Options{Runs: 5_000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	l := bt.Lags
	if l.N != len(l.Scores) || l.N < 50 || l.Rounds < 4 {
		t.Fatalf("lags scored = %d (scores %d) in %d rounds", l.N, len(l.Scores), l.Rounds)
	}
	var c, b float64
	for _, s := range l.Scores {
		c += s.CRPS
		b += s.BaselineCRPS
		if s.CRPS < 0 || s.BaselineCRPS < 0 {
			t.Errorf("negative CRPS: %+v", s)
		}
	}
	if got := c / float64(l.N); math.Abs(got-l.CRPS) > 1e-9 {
		t.Errorf("crps %v, recomputed %v", l.CRPS, got)
	}
	if math.Abs(l.Difference-(l.CRPS-l.BaselineCRPS)) > 1e-9 || l.DifferenceLow > l.Difference || l.DifferenceHigh < l.Difference {
		t.Errorf("difference %v outside its interval [%v, %v]", l.Difference, l.DifferenceLow, l.DifferenceHigh)
	}
	if len(bt.ByOffset) != len(forecast.Offsets) {
		t.Errorf("re-forecast offsets = %d, want %d", len(bt.ByOffset), len(forecast.Offsets))
	}
	t.Logf("lags n=%d crps %.1f baseline %.1f coverage %.2f diff %.1f [%.1f, %.1f]", l.N, l.CRPS, b/float64(l.N), l.Coverage80, l.Difference, l.DifferenceLow, l.DifferenceHigh)
}

// TestHoldoutLearnsFromRecordedObjections: a recorded objection to a past
// candidate, by a member that then ratified among the slowest, raises the
// hold-out probability learnt for that stance; and a pending member with a
// standing objection is reported as a hold-out.
func TestHoldoutLearnsFromRecordedObjections(t *testing.T) {
	states, h := datasettest.MustHistory(t)
	objection := alliance.Event{Type: alliance.Position, Org: alliance.NATO, States: []string{"TR"},
		Date: alliance.MustDate("2022-05-18"), Title: "hypothetical: Türkiye opposes inviting Sweden",
		Stance: &alliance.Stance{Question: "invite_sweden", Stance: "oppose"}}
	with := h.With([]alliance.Event{objection})
	m := forecast.Learn(forecast.Known(with, asOf), states, asOf)
	if got, want := m.CureEvidence, 1; got != want {
		t.Fatalf("hold-out evidence = %d, want %d", got, want)
	}
	if got, want := m.Cure["oppose"], 2.0/3; math.Abs(got-want) > 1e-12 {
		t.Errorf("hold-out probability for oppose = %v, want %v (prior 1/2, one hold-out seen)", got, want)
	}
	r, err := forecast.Timetable(context.Background(), with, states, "SE", alliance.MustDate("2023-06-01"), forecast.Scenario{}, forecast.Options{Runs: 20_000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Holdouts) != 1 || r.Holdouts[0].Code != "TR" || r.Held < 0.4 || r.Held > 0.6 {
		t.Errorf("hold-outs %+v, held %.3f: want TR holding out in about half the runs", r.Holdouts, r.Held)
	}
}
