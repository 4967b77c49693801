package forecast

import (
	"math"
	"math/rand/v2"
	"slices"
)

// evidence is one member's lag in the round under way: observed (done) or
// known to be at least lag (pending).
type evidence struct {
	mean, sd float64
	lag      int
}

// paceTable returns quantiles of the round's pace given the prior
// N(mean, sd) and the round's evidence, computed on a grid: a done member's
// lag of L days says y lies in [log(L+½), log(L+1½)) (whole days), a pending
// member's that y ≥ log(L+½).
func paceTable(nz *noise, sc scale, mean, sd float64, done, pending []evidence) []float64 {
	const n = 3001
	lo, hi := mean-8*sd, mean+8*sd
	for _, e := range append(slices.Clone(done), pending...) {
		y := sc.y(float64(e.lag)) - e.mean
		lo, hi = min(lo, y-8*e.sd), max(hi, y+8*e.sd)
	}
	step := (hi - lo) / (n - 1)
	logp := make([]float64, n)
	best := math.Inf(-1)
	for k := range logp {
		x := lo + float64(k)*step
		z := (x - mean) / sd
		lp := -z * z / 2
		for _, e := range done {
			a, b := math.Inf(-1), sc.y(float64(e.lag)+0.5)
			if e.lag > 0 {
				a = sc.y(float64(e.lag) - 0.5)
			}
			pr := nz.cdf((b-x-e.mean)/e.sd) - nz.cdf((a-x-e.mean)/e.sd)
			lp += math.Log(max(pr, 1e-300))
		}
		for _, e := range pending {
			c := sc.y(float64(e.lag) - 0.5)
			lp += nz.logSf((c - x - e.mean) / e.sd)
		}
		logp[k] = lp
		best = max(best, lp)
	}
	cdf := make([]float64, n)
	var s float64
	for k, lp := range logp {
		s += math.Exp(lp - best)
		cdf[k] = s
	}
	t := make([]float64, 1<<paceBits)
	j := 0
	for k := range t {
		q := (float64(k) + 0.5) / float64(len(t)) * s
		for j < n-1 && cdf[j] < q {
			j++
		}
		// Linear interpolation inside the grid cell.
		prev := 0.0
		if j > 0 {
			prev = cdf[j-1]
		}
		frac := 0.5
		if cdf[j] > prev {
			frac = (q - prev) / (cdf[j] - prev)
		}
		t[k] = lo + (float64(j)-1+frac)*step
	}
	return t
}

func normCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// logNormSurv returns log(1 - Φ(z)), accurate far in the tail.
func logNormSurv(z float64) float64 {
	if z < 5 {
		return math.Log(0.5 * math.Erfc(z/math.Sqrt2))
	}
	// Mills ratio for the far tail.
	return -z*z/2 - math.Log(z*math.Sqrt(2*math.Pi)) + math.Log(1-1/(z*z))
}

// truncNormal draws a standard normal conditional on exceeding z0, by
// inverse CDF from the upper tail: Z = Φc⁻¹(u·Φc(z0)).
func truncNormal(u, z0 float64) float64 {
	if z0 < -8 {
		return math.Sqrt2 * math.Erfinv(2*u-1)
	}
	q := 0.5 * math.Erfc(z0/math.Sqrt2)
	if q <= 0 {
		return z0 // beyond float precision: the bound itself
	}
	return max(math.Sqrt2*math.Erfcinv(2*u*q), z0)
}

// uniform returns a float in (0, 1).
func uniform(r *rand.Rand) float64 { return (float64(r.Uint64()>>11) + 0.5) / (1 << 53) }

// drawDays draws days from a LogNormal (of log(1+days)), at least minDays.
func drawDays(r *rand.Rand, ln LogNormal, minDays int) int {
	if minDays <= 0 && ln.Zero > 0 && r.Float64() < ln.Zero {
		return 0
	}
	// A positive duration, at least minDays (and at least one day).
	z0 := (math.Log(float64(max(minDays, 1))+0.5) - ln.Mu) / ln.Sigma
	return max(scale(0).days(ln.Mu+ln.Sigma*truncNormal(uniform(r), z0)), minDays, 1)
}

// stageBits sets the size of the tables of an outer stage's quantiles.
const stageBits = 12

// stage is an outer stage's duration with a table of the quantiles of its
// positive part, so that the common draw (nothing elapsed yet) costs a
// table look-up, not an inverse error function and an exponential.
type stage struct {
	ln  LogNormal
	tab []int32
}

func newStage(ln LogNormal) stage {
	st := stage{ln: ln, tab: make([]int32, 1<<stageBits)}
	if ln.Sigma <= 0 {
		return st
	}
	z0 := (math.Log(1.5) - ln.Mu) / ln.Sigma
	for k := range st.tab {
		u := (float64(k) + 0.5) / float64(len(st.tab))
		st.tab[k] = int32(max(scale(0).days(ln.Mu+ln.Sigma*truncNormal(u, z0)), 1))
	}
	return st
}

// draw draws the duration, at least minDays: from the table when at most a
// day has elapsed, else by inverse CDF from the truncated distribution.
func (st *stage) draw(r *rand.Rand, minDays int) int {
	if minDays > 1 {
		return drawDays(r, st.ln, minDays)
	}
	if minDays <= 0 && st.ln.Zero > 0 && r.Float64() < st.ln.Zero {
		return 0
	}
	return int(st.tab[r.Uint64()>>(64-stageBits)])
}
