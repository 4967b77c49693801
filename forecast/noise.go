package forecast

import (
	"math"
	"math/rand/v2"
	"slices"
)

// noise is the distribution of a member's lag around pace + tendency, in
// units of its spread: the model's own standardized residuals, smoothed
// by a normal kernel (a smoothed bootstrap), so that the shape of the
// upper tail, which decides the last ratification, is the data's and not
// the normal's. The kernel's width and the shrinkage of the residuals keep
// the variance at 1 (Jones's variance-preserving smoothing).
type noise struct {
	r []float64 // shrunk residuals, sorted
	h float64   // kernel width
	// Beyond the largest residual the tail is exponential, of mean beta
	// (the mean excess of the top tenth of residuals over their smallest):
	// how long a member that has already waited longer than anyone before
	// keeps waiting is then learnt from the slowest, not from the kernel.
	rMax, sfMax, beta float64
	cdfT              []float64 // CDF on the grid zLo + k·zStep
	q                 []float64 // quantiles at (k+½)/len(q)
}

const (
	zLo, zHi = -12.0, 12.0
	zStep    = 0.005
)

// newNoise builds the distribution from residuals (any scale); with fewer
// than 10 it is the standard normal.
func newNoise(res []float64) *noise {
	nz := newResiduals(res)
	n := int((zHi-zLo)/zStep) + 1
	nz.cdfT = make([]float64, n)
	for k := range nz.cdfT {
		nz.cdfT[k] = nz.cdfExact(zLo + float64(k)*zStep)
	}
	nz.q = make([]float64, 1<<zBits)
	j := 0
	for k := range nz.q {
		u := (float64(k) + 0.5) / float64(len(nz.q))
		for j < n-1 && nz.cdfT[j] < u {
			j++
		}
		nz.q[k] = nz.interp(j, u)
	}
	return nz
}

// draw draws from the smoothed residuals: a residual plus kernel noise.
func (nz *noise) draw(r *rand.Rand) float64 {
	if nz.r == nil {
		return r.NormFloat64()
	}
	z := nz.r[r.IntN(len(nz.r))] + nz.h*r.NormFloat64()
	if z > nz.rMax {
		// The tail beyond the largest residual is exponential.
		z = nz.rMax + nz.beta*r.ExpFloat64()
	}
	return z
}

// newResiduals standardizes and shrinks the residuals, without tables.
func newResiduals(res []float64) *noise {
	nz := &noise{}
	if len(res) >= 10 {
		var mean, v float64
		for _, x := range res {
			mean += x
		}
		mean /= float64(len(res))
		for _, x := range res {
			v += (x - mean) * (x - mean)
		}
		sd := math.Sqrt(v / float64(len(res)))
		h := 1.06 * math.Pow(float64(len(res)), -0.2) // Silverman's rule, unit variance
		shrink := 1 / math.Sqrt(1+h*h)
		for _, x := range res {
			nz.r = append(nz.r, (x-mean)/sd*shrink)
		}
		nz.h = h * shrink
		slices.Sort(nz.r)
		top := nz.r[len(nz.r)*9/10:]
		var ex float64
		for _, x := range top {
			ex += x - top[0]
		}
		nz.beta = max(ex/float64(len(top)), nz.h)
		nz.rMax = nz.r[len(nz.r)-1]
		nz.sfMax = 1 - nz.kde(nz.rMax)
	}
	return nz
}

// interp returns z where the CDF crosses u, between grid points j-1 and j.
func (nz *noise) interp(j int, u float64) float64 {
	if j == 0 {
		return zLo
	}
	a, b := nz.cdfT[j-1], nz.cdfT[j]
	f := 0.5
	if b > a {
		f = (u - a) / (b - a)
	}
	return zLo + (float64(j-1)+f)*zStep
}

func (nz *noise) cdfExact(z float64) float64 {
	if nz.r == nil {
		return normCDF(z)
	}
	if z > nz.rMax {
		return 1 - nz.sfMax*math.Exp(-(z-nz.rMax)/nz.beta)
	}
	return nz.kde(z)
}

func (nz *noise) kde(z float64) float64 {
	var s float64
	for _, x := range nz.r {
		s += normCDF((z - x) / nz.h)
	}
	return s / float64(len(nz.r))
}

// cdf returns P(e ≤ z).
func (nz *noise) cdf(z float64) float64 {
	if z <= zLo {
		return 0
	}
	if z >= zHi {
		return 1
	}
	x := (z - zLo) / zStep
	k := int(x)
	if k >= len(nz.cdfT)-1 {
		return 1
	}
	f := x - float64(k)
	return nz.cdfT[k]*(1-f) + nz.cdfT[k+1]*f
}

// logSf returns log P(e > z), accurate in the far upper tail, where only
// the largest residuals' kernels count.
func (nz *noise) logSf(z float64) float64 {
	if s := 1 - nz.cdf(z); s > 1e-9 {
		return math.Log(s)
	}
	if nz.r == nil {
		return logNormSurv(z)
	}
	return math.Log(nz.sfMax) - (z-nz.rMax)/nz.beta
}

// above draws e conditional on e > z0 (z0 = -Inf: unconditional), by
// inverse CDF: u is uniform in (0, 1).
func (nz *noise) above(u, z0 float64) float64 {
	if nz.r != nil && z0 >= nz.rMax {
		// Memoryless beyond the largest residual.
		return z0 - nz.beta*math.Log(u)
	}
	p0 := 0.0
	if z0 > zLo {
		p0 = nz.cdf(z0)
	}
	if p0 < 1-1e-6 {
		v := p0 + u*(1-p0)
		x := v*float64(len(nz.q)) - 0.5
		k := int(x)
		var z float64
		switch {
		case k < 0:
			z = nz.q[0]
		case k >= len(nz.q)-1:
			// Past the table: invert the CDF on its grid.
			j, _ := slices.BinarySearch(nz.cdfT, v)
			z = nz.interp(min(j, len(nz.cdfT)-1), v)
		default:
			f := x - float64(k)
			z = nz.q[k]*(1-f) + nz.q[k+1]*f
		}
		return max(z, z0)
	}
	if nz.r == nil {
		return truncNormal(u, z0)
	}
	return nz.rMax - nz.beta*math.Log(u)
}
