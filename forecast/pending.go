package forecast

import (
	"fmt"
	"math"
	"sort"
)

// pendingForecasts gives each pending member's chance of ratifying within
// 30, 90 and 365 days of the forecast date, when the protocol is signed,
// averaging its conditional distribution over the pace's posterior.
func (p *plan) pendingForecasts(m *Model, sit Situation) []PendingForecast {
	out := []PendingForecast{}
	if !p.hasProtocol || p.protocol > 0 {
		return out
	}
	for _, s := range p.slow {
		out = append(out, p.pendingOne(m, sit, s.idx, s.mean, s.sd, s.minLag, s.pHold))
	}
	for j, i := range p.freeIdx {
		out = append(out, p.pendingOne(m, sit, i, p.freeMean[j], p.freeSD[j], 0, 0))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

func (p *plan) pendingOne(m *Model, sit Situation, idx int, mean, sd float64, minLag int, pHold float64) PendingForecast {
	pf := PendingForecast{Code: sit.Ratifiers[idx], Since: p.sc.Protocol, Days: -p.protocol, By: map[string]float64{}}
	// P(lag ≤ L | lag ≥ minLag) for lag = elapsed + k.
	by := func(k int) float64 {
		var s float64
		const step = 8 // every 8th of the pace's quantiles is enough here
		for i := step / 2; i < len(p.pace); i += step {
			pace := p.pace[i]
			mu := mean + pace
			z0 := math.Inf(-1)
			if minLag > 0 {
				z0 = (m.Scale.y(float64(minLag)-0.5) - mu) / sd
			}
			z1 := (m.Scale.y(float64(-p.protocol+k)+0.5) - mu) / sd
			c0 := m.noise.cdf(z0)
			s0 := 1 - c0
			if s0 <= 1e-12 {
				// Far in the tail: the exact conditional survival.
				s += 1 - math.Exp(m.noise.logSf(z1)-m.noise.logSf(z0))
				continue
			}
			s += max(0, m.noise.cdf(z1)-c0) / s0
		}
		return (1 - pHold) * s / float64(len(p.pace)/step)
	}
	for _, k := range []int{30, 90, 365} {
		pf.By[fmt.Sprintf("%dd", k)] = by(k)
	}
	// The median: the first day by which the chance reaches one half.
	if by(horizon) >= 0.5 {
		lo, hi := 0, horizon
		for lo < hi {
			mid := (lo + hi) / 2
			if by(mid) >= 0.5 {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		pf.Median = sit.Start.AddDays(lo)
	}
	return pf
}
