package forecast

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"alliance"
	"alliance/accession"
)

// BacktestRow is one historical accession forecast as of its protocol
// signature, from what was known that day, and compared with what happened.
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

// LagScore is one member's lag in a left-out round, scored.
type LagScore struct {
	Round         alliance.Date `json:"round"`
	Candidates    []string      `json:"candidates"`
	Member        string        `json:"member"`
	Basis         alliance.Step `json:"basis"`
	Days          int           `json:"days"`
	CRPS          float64       `json:"crps"`
	BaselineCRPS  float64       `json:"baseline_crps"`
	Covered       bool          `json:"covered_80"`
	BaselineCover bool          `json:"baseline_covered_80"`
	P10           int           `json:"p10"`
	P50           int           `json:"p50"`
	P90           int           `json:"p90"`
}

// LagEvaluation scores every dated member lag of each round, leaving that
// round out of the fitting (the protocols signed the same day, such as
// Finland's and Sweden's, are one round: they share acts).
type LagEvaluation struct {
	N                int          `json:"n"`
	Rounds           int          `json:"rounds"`
	CRPS             float64      `json:"crps"`          // mean, days
	BaselineCRPS     float64      `json:"baseline_crps"` // mean, days
	Coverage80       float64      `json:"coverage_80"`
	BaselineCoverage float64      `json:"baseline_coverage_80"`
	Difference       float64      `json:"difference"` // model − baseline, mean CRPS (negative: the model is better)
	DifferenceLow    float64      `json:"difference_ci_low"`
	DifferenceHigh   float64      `json:"difference_ci_high"`
	Bootstrap        int          `json:"bootstrap_resamples"`
	PerRound         []RoundScore `json:"per_round"`
	// ByBasis counts the scored lags by the step their date is; the model
	// moves each onto the deposit's footing by BasisOffsets (on its scale,
	// from BasisPairs pairs), and scores it on its own basis.
	ByBasis      map[alliance.Step]int     `json:"by_basis"`
	BasisOffsets map[alliance.Step]float64 `json:"basis_offsets"`
	BasisPairs   map[alliance.Step]int     `json:"basis_pairs"`
	// Scale is the λ of the model fitted to every round ((1+days)^λ).
	Scale    float64    `json:"scale_lambda"`
	Scores   []LagScore `json:"scores"`
	Baseline string     `json:"baseline"`
}

// RoundScore is a round's mean scores.
type RoundScore struct {
	Round        alliance.Date `json:"round"`
	Candidates   []string      `json:"candidates"`
	N            int           `json:"n"`
	CRPS         float64       `json:"crps"`
	BaselineCRPS float64       `json:"baseline_crps"`
	Coverage80   float64       `json:"coverage_80"`
}

// Reforecast is one past accession forecast again as of its protocol
// signature plus Offset days, with the round left out of the fitting and
// the round's own record up to that day.
type Reforecast struct {
	Candidate    string        `json:"candidate"`
	Offset       int           `json:"offset_days"`
	AsOf         alliance.Date `json:"as_of"`
	Joined       alliance.Date `json:"joined"`
	Pending      int           `json:"pending"`
	Forecast     Percentiles   `json:"forecast_joined"`
	Covered      bool          `json:"covered_80"`
	CRPS         float64       `json:"crps"`
	BaselineCRPS float64       `json:"baseline_crps"`
}

// OffsetScore sums the re-forecasts at one offset: the joining dates, and
// the lags of the members still pending that day (drawn conditional on
// having waited so far, against the other rounds' lags longer than that).
type OffsetScore struct {
	Offset       int     `json:"offset_days"`
	N            int     `json:"n"`
	CRPS         float64 `json:"crps"`
	BaselineCRPS float64 `json:"baseline_crps"`
	Coverage80   float64 `json:"coverage_80"`
	// Pending members' lags (distinct acts, dated later in the record).
	PendingN            int     `json:"pending_n"`
	PendingCRPS         float64 `json:"pending_crps"`
	PendingBaselineCRPS float64 `json:"pending_baseline_crps"`
	PendingCoverage80   float64 `json:"pending_coverage_80"`
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
	Lags                LagEvaluation `json:"lags"`
	Reforecasts         []Reforecast  `json:"reforecasts"`
	ByOffset            []OffsetScore `json:"reforecast_by_offset"`
}

// Offsets are the days after protocol signature at which past accessions
// are forecast again.
var Offsets = []int{0, 30, 90, 180}

// bootstrapResamples is the number of resamples of whole rounds.
const bootstrapResamples = 2000

// RunBacktest evaluates the model on the history three ways: (1) every
// completed accession forecast as of its protocol signature from what was
// known that day, against a naive baseline (the median protocol-to-joining
// time of the accessions completed before); (2) every dated member lag of
// each round scored with the round left out of the fitting, against the
// pooled lags of the other rounds; (3) each accession forecast again as of
// protocol + 0, 30, 90 and 180 days.
func RunBacktest(ctx context.Context, h alliance.History, states alliance.States, opt Options) (*Backtest, error) {
	stages := accession.AllStages(h, states, alliance.NATO)
	bt := &Backtest{Runs: opt.Runs, Seed: opt.Seed, Rows: []BacktestRow{}, Reforecasts: []Reforecast{},
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
		res, err := Timetable(ctx, h, states, s.Candidate, s.ProtocolSigned, Scenario{}, Options{Runs: opt.Runs, Seed: opt.Seed, Workers: opt.Workers, NoPending: true})
		if len(past) == 0 || alliance.ErrorCode(err) == alliance.EINVALID {
			row.Skipped = "no earlier completed accession with dated ratifications to learn from"
			bt.Rows = append(bt.Rows, row)
			continue
		}
		if err != nil {
			return nil, err
		}
		row.LearntFrom = res.Learnt
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
	bt.Lags = evaluateLags(h, states, stages, opt.Seed)
	if err := bt.reforecast(ctx, h, states, stages, opt); err != nil {
		return nil, err
	}
	return bt, nil
}

func completed(s accession.Stages) bool { return !s.Joined.IsZero() && !s.ProtocolSigned.IsZero() }

// evaluateLags scores each round's lags with that round left out.
func evaluateLags(h alliance.History, states alliance.States, stages []accession.Stages, seed uint64) LagEvaluation {
	last := h.Last()
	all := learn(h, states, stages, last, completed)
	ev := LagEvaluation{Scores: []LagScore{}, PerRound: []RoundScore{}, Bootstrap: bootstrapResamples,
		ByBasis: map[alliance.Step]int{}, BasisOffsets: all.Basis, BasisPairs: all.BasisPairs, Scale: float64(all.Scale),
		Baseline: "the lags of every member in the other rounds, pooled (ignores which member ratifies)"}
	var rounds []alliance.Date
	for _, o := range all.Obs {
		if !slices.Contains(rounds, o.Round) {
			rounds = append(rounds, o.Round)
		}
	}
	slices.SortFunc(rounds, func(a, b alliance.Date) int { return a.Compare(b) })
	type sums struct{ d, n float64 }
	var per []sums
	for _, rd := range rounds {
		m := learn(h, states, stages, last, func(s accession.Stages) bool { return completed(s) && s.ProtocolSigned != rd })
		if !m.ready() {
			continue
		}
		var pooled []float64
		for _, o := range m.Obs {
			pooled = append(pooled, float64(o.Days))
		}
		slices.Sort(pooled)
		rs := RoundScore{Round: rd}
		var sd sums
		for _, o := range all.Obs {
			if o.Round != rd {
				continue
			}
			for _, c := range o.Candidates {
				if !slices.Contains(rs.Candidates, c) {
					rs.Candidates = append(rs.Candidates, c)
				}
			}
			mean, sdv := m.member(o.Member)
			mu := mean - m.offset(o.Basis)
			xs := lagSample(m, mu, sdv, seed)
			y := float64(o.Days)
			sc := LagScore{Round: rd, Candidates: o.Candidates, Member: o.Member, Basis: o.Basis, Days: o.Days,
				CRPS: crps(xs, y), BaselineCRPS: crps(pooled, y),
				P10: int(empiricalQuantile(xs, 0.1)), P50: int(empiricalQuantile(xs, 0.5)), P90: int(empiricalQuantile(xs, 0.9))}
			sc.Covered = o.Days >= sc.P10 && o.Days <= sc.P90
			b10, b90 := empiricalQuantile(pooled, 0.1), empiricalQuantile(pooled, 0.9)
			sc.BaselineCover = y >= b10 && y <= b90
			ev.Scores = append(ev.Scores, sc)
			ev.ByBasis[o.Basis]++
			rs.N++
			rs.CRPS += sc.CRPS
			rs.BaselineCRPS += sc.BaselineCRPS
			if sc.Covered {
				rs.Coverage80++
			}
			sd.d += sc.CRPS - sc.BaselineCRPS
			sd.n++
		}
		if rs.N == 0 {
			continue
		}
		sort.Strings(rs.Candidates)
		rs.CRPS /= float64(rs.N)
		rs.BaselineCRPS /= float64(rs.N)
		rs.Coverage80 /= float64(rs.N)
		ev.PerRound = append(ev.PerRound, rs)
		per = append(per, sd)
	}
	ev.N, ev.Rounds = len(ev.Scores), len(ev.PerRound)
	if ev.N == 0 {
		return ev
	}
	var bc int
	for _, s := range ev.Scores {
		ev.CRPS += s.CRPS
		ev.BaselineCRPS += s.BaselineCRPS
		if s.Covered {
			ev.Coverage80++
		}
		if s.BaselineCover {
			bc++
		}
	}
	n := float64(ev.N)
	ev.CRPS /= n
	ev.BaselineCRPS /= n
	ev.Coverage80 /= n
	ev.BaselineCoverage = float64(bc) / n
	ev.Difference = ev.CRPS - ev.BaselineCRPS
	// Paired bootstrap over whole rounds: lags of one round are not
	// independent (they share the round's pace), so rounds are resampled.
	r := rand.New(rand.NewPCG(seed, 0xb007))
	diffs := make([]float64, 0, bootstrapResamples)
	for range bootstrapResamples {
		var d, k float64
		for range per {
			s := per[r.IntN(len(per))]
			d += s.d
			k += s.n
		}
		diffs = append(diffs, d/k)
	}
	slices.Sort(diffs)
	ev.DifferenceLow, ev.DifferenceHigh = empiricalQuantile(diffs, 0.025), empiricalQuantile(diffs, 0.975)
	return ev
}

// lagSample returns a sorted sample of 4,000 lags in days of a member in
// a new round: pace drawn from the past rounds', plus the member's mean
// (with its basis offset), plus its noise. The stream is fixed by the seed.
func lagSample(m *Model, mean, sd float64, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 0x1a9))
	xs := make([]float64, 4000)
	for i := range xs {
		pace := m.PaceMean + m.PaceSD*r.NormFloat64() // the pace's prior is normal
		xs[i] = float64(m.Scale.days(pace + mean + sd*m.noise.above(uniform(r), math.Inf(-1))))
	}
	slices.Sort(xs)
	return xs
}

// crps returns the continuous ranked probability score of the sorted
// sample xs (an ensemble forecast) against the outcome y:
// E|X−y| − ½E|X−X'|, in the units of y.
func crps(xs []float64, y float64) float64 {
	n := float64(len(xs))
	var a, b float64
	for i, x := range xs {
		a += math.Abs(x - y)
		b += x * (2*float64(i) - n + 1)
	}
	return a/n - b/(n*n)
}

// crpsHist returns the CRPS of a forecast given as counts per day against
// the outcome day y: Σ (F(d) − 1{d ≥ y})².
func crpsHist(hist []int64, total int, y int) float64 {
	if total == 0 {
		return math.NaN()
	}
	var cum int64
	var s float64
	for d := range hist {
		cum += hist[d]
		f := float64(cum) / float64(total)
		if d >= y {
			f -= 1
		}
		s += f * f
	}
	return s
}

func empiricalQuantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// reforecast forecasts each accession of a round with dated lags again as
// of protocol + each offset, with the round left out of the fitting and its
// own record known up to that day.
func (bt *Backtest) reforecast(ctx context.Context, h alliance.History, states alliance.States, stages []accession.Stages, opt Options) error {
	last := h.Last()
	models := map[alliance.Date]*Model{}
	for _, rs := range bt.Lags.PerRound {
		models[rs.Round] = learn(h, states, stages, last, func(s accession.Stages) bool { return completed(s) && s.ProtocolSigned != rs.Round })
	}
	all := learn(h, states, stages, last, completed)
	byOff := map[int]*OffsetScore{}
	for _, s := range stages {
		m := models[s.ProtocolSigned]
		if m == nil || !completed(s) {
			continue
		}
		undated := map[string]bool{}
		full := accession.StatusOf(h, states, alliance.NATO, s.Candidate, s.Joined)
		for _, c := range full.Undated {
			undated[c] = true
		}
		var others []int
		for _, p := range stages {
			if completed(p) && p.ProtocolSigned != s.ProtocolSigned && p.ProtocolToJoined != nil {
				others = append(others, *p.ProtocolToJoined)
			}
		}
		for _, off := range Offsets {
			at := s.ProtocolSigned.AddDays(off)
			if !at.Before(s.Joined) {
				continue
			}
			kh := Known(h, at)
			st := accession.StatusOf(kh, states, alliance.NATO, s.Candidate, at)
			sit := Situation{Candidate: s.Candidate, Start: at, Done: map[string]Done{}, Unknown: undated}
			for _, r := range st.Ratified {
				sit.Done[r.Code] = Done{Date: r.Date, Basis: r.Basis}
			}
			for _, mem := range alliance.Replay(kh, at).Members(alliance.NATO, states) {
				if mem.Code != s.Candidate {
					sit.Ratifiers = append(sit.Ratifiers, mem.Code)
				}
			}
			res, err := Simulate(ctx, m, sit, Scenario{Invited: st.Invited, Protocol: s.ProtocolSigned}, Options{Runs: opt.Runs, Seed: opt.Seed, Workers: opt.Workers, NoPending: true})
			if err != nil {
				return err
			}
			y := s.Joined.DaysSince(at)
			f := res.Milestones[MJoined]
			rf := Reforecast{Candidate: s.Candidate, Offset: off, AsOf: at, Joined: s.Joined, Pending: len(st.Pending), Forecast: f,
				Covered: !s.Joined.Before(f.P10) && !s.Joined.After(f.P90), CRPS: crpsHist(res.JoinedDays, res.Dated, y)}
			// Baseline: the other rounds' protocol-to-joining times that
			// exceed the time elapsed.
			var base []float64
			for _, d := range others {
				if d > off {
					base = append(base, float64(d-off))
				}
			}
			if len(base) == 0 {
				base = []float64{1}
			}
			slices.Sort(base)
			rf.BaselineCRPS = crps(base, float64(y))
			bt.Reforecasts = append(bt.Reforecasts, rf)
			o := byOff[off]
			if o == nil {
				o = &OffsetScore{Offset: off}
				byOff[off] = o
			}
			scorePending(o, m, all, sit, s, at, off, opt.Seed)
			o.N++
			o.CRPS += rf.CRPS
			o.BaselineCRPS += rf.BaselineCRPS
			if rf.Covered {
				o.Coverage80++
			}
		}
	}
	for _, off := range Offsets {
		if o := byOff[off]; o != nil {
			n := float64(o.N)
			o.CRPS /= n
			o.BaselineCRPS /= n
			o.Coverage80 /= n
			if o.PendingN > 0 {
				k := float64(o.PendingN)
				o.PendingCRPS /= k
				o.PendingBaselineCRPS /= k
				o.PendingCoverage80 /= k
			}
			bt.ByOffset = append(bt.ByOffset, *o)
		}
	}
	return nil
}

// scorePending scores the lags of the members still pending on at (whose
// ratification the record dates later) against the model's conditional
// forecast, with the round's evidence so far, and against the other rounds'
// lags longer than the time elapsed. Acts shared by a round's candidates
// are scored once, with the first candidate that has them.
func scorePending(o *OffsetScore, m, all *Model, sit Situation, s accession.Stages, at alliance.Date, off int, seed uint64) {
	p := prepare(m, sit, Scenario{Protocol: s.ProtocolSigned}, func(d alliance.Date) int { return d.DaysSince(at) })
	slow := map[string]slowMember{}
	for _, sm := range p.slow {
		if sm.minLag > 0 {
			slow[sit.Ratifiers[sm.idx]] = sm
		}
	}
	var base []float64
	for _, ob := range m.Obs {
		if ob.Days > off {
			base = append(base, float64(ob.Days))
		}
	}
	if len(base) == 0 {
		base = []float64{float64(off + 1)}
	}
	slices.Sort(base)
	r := rand.New(rand.NewPCG(seed, uint64(off)<<20|uint64(s.ProtocolSigned.Year)))
	for _, ob := range all.Obs {
		if ob.Round != s.ProtocolSigned || ob.Candidates[0] != s.Candidate || ob.Days <= off {
			continue
		}
		sm, ok := slow[ob.Member]
		if !ok {
			continue
		}
		xs := make([]float64, 2000)
		for i := range xs {
			mu := p.pace[r.Uint64()>>(64-paceBits)] + sm.mean - m.offset(ob.Basis)
			z0 := (m.Scale.y(float64(sm.minLag)-0.5) - mu) / sm.sd
			xs[i] = float64(max(m.Scale.days(mu+sm.sd*m.noise.above(uniform(r), z0)), sm.minLag))
		}
		slices.Sort(xs)
		y := float64(ob.Days)
		o.PendingN++
		o.PendingCRPS += crps(xs, y)
		o.PendingBaselineCRPS += crps(base, y)
		if y >= empiricalQuantile(xs, 0.1) && y <= empiricalQuantile(xs, 0.9) {
			o.PendingCoverage80++
		}
	}
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
