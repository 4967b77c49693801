package forecast

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"

	"alliance"
)

// fit chooses the scale, then fits the model on it. The scale decides the
// shape of the slow tail, and the slowest member decides the joining date,
// so the scale is chosen on that: each past round is left out in turn, the
// model is fitted to the others on each scale, and the time from protocol
// to joining of the round left out is forecast as the longest of its
// members' lags and scored (CRPS). With fewer than three rounds the
// likelihood (Box-Cox profile, with its Jacobian) chooses instead.
func (m *Model) fit() {
	var rounds []alliance.Date
	for _, o := range m.Obs {
		if !slices.Contains(rounds, o.Round) {
			rounds = append(rounds, o.Round)
		}
	}
	slices.SortFunc(rounds, func(a, b alliance.Date) int { return a.Compare(b) })
	try := func(sc scale, obs []Obs) Model {
		t := *m
		t.Obs = obs
		t.Scale = sc
		t.Members, t.Basis, t.BasisPairs = map[string]MemberEffect{}, map[alliance.Step]float64{}, map[alliance.Step]int{}
		t.Rounds = nil
		t.ScaleScores = nil
		t.ll = t.fitOnce()
		return t
	}
	cands := scales
	best := scale(-1)
	if len(rounds) >= 3 && len(cands) > 1 {
		m.ScaleScores = map[string]float64{}
		bestScore := math.Inf(1)
		for _, sc := range cands {
			var sum float64
			var n int
			for _, rd := range rounds {
				ri := m.roundInfo[rd]
				if ri == nil || len(ri.joined) == 0 {
					continue
				}
				var obs []Obs
				for _, o := range m.Obs {
					if o.Round != rd {
						obs = append(obs, o)
					}
				}
				t := try(sc, obs)
				xs := t.longestLag(ri.members, 1000, uint64(rd.Year))
				for _, j := range ri.joined {
					sum += crps(xs, float64(j))
					n++
				}
			}
			if n == 0 {
				break
			}
			score := sum / float64(n)
			m.ScaleScores[strconv.FormatFloat(float64(sc), 'g', -1, 64)] = score
			if score < bestScore {
				best, bestScore = sc, score
			}
		}
	}
	if best < 0 {
		bestLL := math.Inf(-1)
		for _, sc := range cands {
			if t := try(sc, m.Obs); t.ll > bestLL {
				best, bestLL = sc, t.ll
			}
		}
	}
	scores := m.ScaleScores
	*m = try(best, m.Obs)
	m.ScaleScores = scores
	m.noise = newNoise(m.resid)
}

// longestLag returns a sorted sample of the longest lag among members in a
// new round, drawing the noise from the smoothed residuals directly.
func (m *Model) longestLag(members []string, n int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 0x5ca1e))
	nz := newResiduals(m.resid)
	xs := make([]float64, n)
	for i := range xs {
		pace := m.PaceMean + m.PaceSD*r.NormFloat64()
		longest := math.Inf(-1)
		for _, code := range members {
			mean, sd := m.member(code)
			longest = max(longest, pace+mean+sd*nz.draw(r))
		}
		xs[i] = float64(m.Scale.days(longest))
	}
	slices.Sort(xs)
	return xs
}

// fitOnce estimates basis offsets, round paces, member tendencies and the
// variances on m.Scale by backfitting with method-of-moments variance
// components, and returns the profile log-likelihood.
func (m *Model) fitOnce() float64 {
	n := len(m.Obs)
	if n == 0 {
		return math.Inf(-1)
	}
	sums := map[alliance.Step]float64{}
	for _, p := range m.pairs {
		sums[p.step] += m.Scale.y(float64(p.deposit)) - m.Scale.y(float64(p.days))
		m.BasisPairs[p.step]++
	}
	for st, s := range sums {
		m.Basis[st] = s / float64(m.BasisPairs[st])
	}
	y := make([]float64, n)
	var jac float64
	for i, o := range m.Obs {
		y[i] = m.Scale.y(float64(max(o.Days, 0))) + m.offset(o.Basis)
		jac += (float64(m.Scale) - 1) * math.Log1p(float64(max(o.Days, 0)))
	}
	roundIdx := map[alliance.Date]int{}
	var rounds []alliance.Date
	for _, o := range m.Obs {
		if _, ok := roundIdx[o.Round]; !ok {
			roundIdx[o.Round] = len(rounds)
			rounds = append(rounds, o.Round)
		}
	}
	var members []string
	memIdx := map[string]int{}
	for _, o := range m.Obs {
		if _, ok := memIdx[o.Member]; !ok {
			memIdx[o.Member] = len(members)
			members = append(members, o.Member)
		}
	}
	R, A := len(rounds), len(members)
	alpha := make([]float64, A)
	pace := make([]float64, R)
	nr := make([]int, R)
	na := make([]int, A)
	for _, o := range m.Obs {
		nr[roundIdx[o.Round]]++
		na[memIdx[o.Member]]++
	}
	var sigma2, tau2 float64
	raw := make([]float64, A)
	for iter := 0; iter < 100; iter++ {
		clear(pace)
		for i, o := range m.Obs {
			pace[roundIdx[o.Round]] += y[i] - alpha[memIdx[o.Member]]
		}
		for r := range pace {
			pace[r] /= float64(nr[r])
		}
		clear(raw)
		for i, o := range m.Obs {
			raw[memIdx[o.Member]] += y[i] - pace[roundIdx[o.Round]]
		}
		for a := range raw {
			raw[a] /= float64(na[a])
		}
		var ss float64
		for i, o := range m.Obs {
			e := y[i] - pace[roundIdx[o.Round]] - raw[memIdx[o.Member]]
			ss += e * e
		}
		sigma2 = max(ss/float64(max(n-A-R+1, 1)), 0.01)
		// Between-member variance: the spread of member averages beyond
		// what their own noise explains.
		var mean, v, noise float64
		for a := range raw {
			mean += raw[a]
		}
		mean /= float64(A)
		for a := range raw {
			v += (raw[a] - mean) * (raw[a] - mean)
			noise += sigma2 / float64(na[a])
		}
		if A > 1 {
			v /= float64(A - 1)
		}
		tau2 = max(v-noise/float64(A), 0.0025)
		for a := range alpha {
			alpha[a] = raw[a] * tau2 / (tau2 + sigma2/float64(na[a]))
		}
	}
	m.WithinSD, m.BetweenSD, m.Pooling = math.Sqrt(sigma2), math.Sqrt(tau2), sigma2/tau2
	for a, code := range members {
		keep := tau2 / (tau2 + sigma2/float64(na[a]))
		m.Members[code] = MemberEffect{Effect: alpha[a], Raw: raw[a], N: na[a], Keep: keep, Var: tau2 * (1 - keep)}
	}
	var mean, v, noise float64
	for r, d := range rounds {
		rd := Round{Protocol: d, Pace: pace[r], N: nr[r]}
		for _, o := range m.Obs {
			if o.Round == d {
				for _, c := range o.Candidates {
					if !slices.Contains(rd.Candidates, c) {
						rd.Candidates = append(rd.Candidates, c)
					}
				}
			}
		}
		sort.Strings(rd.Candidates)
		m.Rounds = append(m.Rounds, rd)
		mean += pace[r]
		noise += sigma2 / float64(nr[r])
	}
	mean /= float64(R)
	for r := range pace {
		v += (pace[r] - mean) * (pace[r] - mean)
	}
	// With one round there is no spread to measure: a stated floor of 0.5
	// (a factor of about 1.6 either way) stands in.
	// The spread of the paces is not reduced by their own noise (the
	// method-of-moments estimate is often negative with five rounds, which
	// would make every round alike): a conservative choice.
	between := 0.25 * sigma2
	if R > 1 {
		between = max(v/float64(R-1), 0.01*sigma2)
	}
	_ = noise
	m.PaceMean, m.PaceSD = mean, math.Sqrt(between*(1+1/float64(R)))
	sort.Slice(m.Rounds, func(i, j int) bool { return m.Rounds[i].Protocol.Before(m.Rounds[j].Protocol) })
	var ss float64
	m.resid = make([]float64, n)
	for i, o := range m.Obs {
		e := y[i] - pace[roundIdx[o.Round]] - alpha[memIdx[o.Member]]
		ss += e * e
		m.resid[i] = e
	}
	return -float64(n)/2*math.Log(max(ss/float64(n), 1e-12)) + jac
}
