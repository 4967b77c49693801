package forecast

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"

	"alliance"
)

// Withhold is a member that withholds its ratification until a date, with a
// probability (1 when certain).
type Withhold struct {
	Member      string        `json:"member"`
	Until       alliance.Date `json:"until"`
	Probability float64       `json:"probability"`
}

// Gate is a condition before which no invitation happens ("not before a
// ceasefire"): a fixed date, or a date uniform between From and To.
type Gate struct {
	From alliance.Date `json:"from"`
	To   alliance.Date `json:"to"` // zero: a fixed date, From
	Name string        `json:"name,omitempty"`
}

// Scenario is what the user assumes on top of the facts.
type Scenario struct {
	Invited   alliance.Date `json:"invited"`  // fixed invitation date (zero: the candidate's own, if any)
	Protocol  alliance.Date `json:"protocol"` // fixed protocol signature date
	Withholds []Withhold    `json:"withholds"`
	Gate      *Gate         `json:"gate,omitempty"`
}

// Options control a run.
type Options struct {
	Runs     int
	Seed     uint64
	Workers  int                   // 0: GOMAXPROCS
	Progress func(done, total int) // called after each chunk; may be nil
}

// PaceSigma is the spread (log scale) of the factor that smooths the drawn
// pace: 0.1 is about ±10%.
const PaceSigma = 0.1

// jitterBits sets the size of the table the smoothing factor is drawn from.
const jitterBits = 12

// jitters are the log-normal factor's quantiles at (k+½)/4096: drawing an
// entry uniformly draws the factor (to within 1/4096 in probability).
var jitters = func() [1 << jitterBits]float64 {
	var t [1 << jitterBits]float64
	for k := range t {
		p := (float64(k) + 0.5) / float64(len(t))
		t[k] = math.Exp(PaceSigma * math.Sqrt2 * math.Erfinv(2*p-1))
	}
	return t
}()

// chunkRuns is the number of runs per chunk: the unit of work and of
// random streams. It is fixed so that results do not depend on Workers.
const chunkRuns = 4096

// horizon bounds the simulated calendar, in days after the start.
const horizon = 100 * 366

// Percentiles of a milestone's date.
type Percentiles struct {
	P10 alliance.Date `json:"p10"`
	P50 alliance.Date `json:"p50"`
	P90 alliance.Date `json:"p90"`
}

// LastRatifier is a member's probability of being the last to ratify.
type LastRatifier struct {
	Code        string  `json:"code"`
	Probability float64 `json:"probability"`
}

// Result is a simulated timetable.
type Result struct {
	Candidate    string                 `json:"candidate"`
	AsOf         alliance.Date          `json:"as_of"`
	Runs         int                    `json:"runs"`
	Seed         uint64                 `json:"seed"`
	Milestones   map[string]Percentiles `json:"milestones"`
	LastToRatify []LastRatifier         `json:"last_to_ratify"`
	Ratifiers    []string               `json:"ratifiers"`
	Learnt       []string               `json:"learnt_from"` // past accessions the model used
	Scenario     Scenario               `json:"scenario"`
	// Histogram of the joining date: runs per day after AsOf (for charts).
	JoinedDays []int64 `json:"-"`
}

// Milestone names.
const (
	MInvited   = "invited"
	MProtocol  = "protocol_signed"
	MLastRatif = "last_ratification"
	MJoined    = "joined"
)

var milestones = []string{MInvited, MProtocol, MLastRatif, MJoined}

// hists are counts of runs per day offset, per milestone. Counts add up in
// any order, so each worker keeps its own. (uint32 keeps a worker's four
// histograms in cache; a worker would need 4 billion runs to overflow one.)
type hists [4][]uint32

func newHists() *hists {
	var h hists
	for i := range h {
		h[i] = make([]uint32, horizon+1)
	}
	return &h
}

// Simulate runs the Monte Carlo. start is the first day anything can happen
// (the forecast date); ratifiers are the members that must ratify; known
// holds ratifications already deposited (they are fixed). It returns
// EINVALID when the model has nothing to draw from or the scenario leaves
// the invitation undetermined.
func Simulate(ctx context.Context, m *Model, cand string, start alliance.Date, ratifiers []string, known map[string]alliance.Date, sc Scenario, opt Options) (*Result, error) {
	if opt.Runs <= 0 {
		return nil, alliance.Errorf(alliance.EINVALID, "runs must be positive")
	}
	if len(m.Paces) == 0 || len(m.PooledShares) == 0 || len(m.LastToJoined) == 0 {
		return nil, alliance.Errorf(alliance.EINVALID, "no completed accession with every ratification dated before %s to learn from", m.AsOf)
	}
	if sc.Protocol.IsZero() && sc.Invited.IsZero() {
		return nil, alliance.Errorf(alliance.EINVALID, "%s has not been invited and the model does not forecast invitations, which are political decisions: give an invitation date or a protocol signature date, or a date before which no invitation happens", cand)
	}
	if sc.Protocol.IsZero() && len(m.InvitationToProtocol) == 0 {
		return nil, alliance.Errorf(alliance.EINVALID, "no past accession gives a duration from invitation to protocol before %s", m.AsOf)
	}
	for _, w := range sc.Withholds {
		if w.Probability < 0 || w.Probability > 1 {
			return nil, alliance.Errorf(alliance.EINVALID, "withhold probability %g for %s: want 0 to 1", w.Probability, w.Member)
		}
	}
	if sc.Gate != nil && !sc.Gate.To.IsZero() && sc.Gate.To.Before(sc.Gate.From) {
		return nil, alliance.Errorf(alliance.EINVALID, "gate: %s is before %s", sc.Gate.To, sc.Gate.From)
	}
	off := func(d alliance.Date) int { return d.DaysSince(start) }
	// What each ratifier draws from, looked up once rather than in every run.
	rats := make([]ratifier, len(ratifiers))
	for i, mem := range ratifiers {
		r := &rats[i]
		own := m.MemberShares[mem]
		mix := append(append([]float64{}, own...), m.PooledShares...)
		// Lags are share × pace; with a handful of paces they are tabled
		// once here instead of multiplied in every run.
		r.stride = len(mix)
		r.lag = make([]int32, len(m.Paces)*len(mix))
		for pi, pace := range m.Paces {
			for j, sh := range mix {
				r.lag[pi*len(mix)+j] = int32(sh*float64(pace) + 0.5)
			}
		}
		r.nOwn = uint64(len(own))
		if n := float64(len(own)); n > 0 {
			r.pOwn = uint32(n / (n + m.Shrink) * (1 << 32))
		}
		if k, ok := known[mem]; ok {
			r.known, r.isKnown = off(k), true
		}
		for _, w := range sc.Withholds {
			if w.Member == mem {
				r.until, r.pWithhold = off(w.Until), w.Probability
			}
		}
	}
	nChunks := (opt.Runs + chunkRuns - 1) / chunkRuns
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// Shares of being last are fractions (ties share): they are summed per
	// chunk, then over chunks in chunk order, for bit-identical results.
	lastShares := make([][]float64, nChunks)
	workerHists := make([]*hists, workers)
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for w := 0; w < workers; w++ {
		wg.Add(1)
		h := newHists()
		workerHists[w] = h
		go func() {
			defer wg.Done()
			for ci := range next {
				n := min(chunkRuns, opt.Runs-ci*chunkRuns)
				lastShares[ci] = runChunk(m, rats, sc, off, opt.Seed, ci, n, h)
				if opt.Progress != nil {
					mu.Lock()
					done++
					opt.Progress(done, nChunks)
					mu.Unlock()
				}
			}
		}()
	}
	var err error
feed:
	for ci := 0; ci < nChunks; ci++ {
		select {
		case next <- ci:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	var total [4][]int64
	for i := range total {
		total[i] = make([]int64, horizon+1)
	}
	for _, h := range workerHists {
		for i := range h {
			for d, v := range h[i] {
				total[i][d] += int64(v)
			}
		}
	}
	last := make([]float64, len(ratifiers))
	for _, c := range lastShares {
		for i, v := range c {
			last[i] += v
		}
	}
	res := &Result{Candidate: cand, AsOf: start, Runs: opt.Runs, Seed: opt.Seed, Milestones: map[string]Percentiles{},
		Ratifiers: ratifiers, Learnt: m.Accessions, Scenario: sc, JoinedDays: total[3]}
	for i, name := range milestones {
		res.Milestones[name] = Percentiles{
			P10: start.AddDays(quantile(total[i], opt.Runs, 0.10)),
			P50: start.AddDays(quantile(total[i], opt.Runs, 0.50)),
			P90: start.AddDays(quantile(total[i], opt.Runs, 0.90)),
		}
	}
	for i, c := range ratifiers {
		if p := last[i] / float64(opt.Runs); p > 0 {
			res.LastToRatify = append(res.LastToRatify, LastRatifier{Code: c, Probability: p})
		}
	}
	sort.SliceStable(res.LastToRatify, func(i, j int) bool { return res.LastToRatify[i].Probability > res.LastToRatify[j].Probability })
	return res, nil
}

// ratifier is what one member's ratification is drawn from.
type ratifier struct {
	// lag holds, for each pace of m.Paces in turn, the lags in days that
	// its own past shares and then the pooled shares give at that pace.
	lag       []int32
	stride    int    // lags per pace
	nOwn      uint64 // how many of each pace's lags are its own
	pOwn      uint32 // probability of drawing from its own, n/(n+K), in units of 2^-32
	known     int    // its ratification day, if already made
	isKnown   bool
	until     int     // withholds until this day ...
	pWithhold float64 // ... with this probability
}

// runChunk simulates n runs with the chunk's own random stream, counting
// milestones into h, and returns each ratifier's share of being last.
//
// The members whose lag is simply drawn ("free": the common case) are kept
// apart from those with a known date or a withholding: for the free ones the
// inner loop only draws, looks up and keeps the longest lag, and the pace's
// smoothing factor is applied once to that longest lag (it scales every free
// lag alike, so it does not change which is longest).
func runChunk(m *Model, rats []ratifier, sc Scenario, off func(alliance.Date) int, seed uint64, ci, n int, h *hists) []float64 {
	r := rand.New(rand.NewPCG(seed, uint64(ci)))
	shares := make([]float64, len(rats))
	var free, fixed []int
	for i := range rats {
		if rats[i].isKnown || rats[i].pWithhold > 0 {
			fixed = append(fixed, i)
		} else {
			free = append(free, i)
		}
	}
	raw := make([]int32, len(free))
	days := make([]int, len(fixed))
	// The free members' tables side by side, so that the inner loop reads
	// three small arrays instead of a struct per member.
	fOwn := make([]uint32, len(free))
	fN := make([]uint64, len(free))
	fLag := make([][]int32, len(free))
	fStride := make([]int, len(free))
	for j, i := range free {
		fOwn[j], fN[j], fLag[j], fStride[j] = rats[i].pOwn, rats[i].nOwn, rats[i].lag, rats[i].stride
	}
	nPooled := uint64(len(m.PooledShares))
	var scInvited, scProtocol, gateFrom, gateDays int
	if !sc.Invited.IsZero() {
		scInvited = off(sc.Invited)
	}
	if !sc.Protocol.IsZero() {
		scProtocol = off(sc.Protocol)
	}
	if g := sc.Gate; g != nil {
		gateFrom = off(g.From)
		if !g.To.IsZero() {
			gateDays = g.To.DaysSince(g.From) + 1
		}
	}
	for range n {
		var invited, protocol int
		switch {
		case !sc.Protocol.IsZero():
			protocol = scProtocol
			invited = protocol
			if !sc.Invited.IsZero() {
				invited = scInvited
			}
		default:
			invited = scInvited
			if sc.Gate != nil {
				gd := gateFrom
				if gateDays > 0 {
					gd += r.IntN(gateDays)
				}
				invited = max(invited, gd)
			}
			protocol = invited + draw(r, m.InvitationToProtocol)
		}
		pace := r.IntN(len(m.Paces))
		// Smoothed bootstrap: the drawn pace is scaled by a log-normal
		// factor, so that the forecast is a continuous distribution rather
		// than spikes at the few durations of past rounds. The factor is
		// drawn from a table of the distribution's quantiles.
		jitter := jitters[r.Uint64()>>(64-jitterBits)]
		var maxRaw int32 = -1
		for j := range raw {
			// One 64-bit draw per member: its high half decides own or
			// pooled history, its low half picks the share (Lemire's
			// multiply-shift; the bias is below 2^-25 for these lengths).
			// The choice is made without a branch: a coin-flip branch would
			// be mispredicted half the time.
			x := r.Uint64()
			var own uint64
			if uint32(x>>32) < fOwn[j] {
				own = 1
			}
			lo := x & 0xffffffff
			k := own*(lo*fN[j]>>32) + (1-own)*(fN[j]+lo*nPooled>>32)
			v := fLag[j][pace*fStride[j]+int(k)]
			raw[j] = v
			maxRaw = max(maxRaw, v)
		}
		last := -1
		if len(free) > 0 {
			last = protocol + int(float64(maxRaw)*jitter+0.5)
		}
		for j, i := range fixed {
			ra := &rats[i]
			d := ra.known
			if !ra.isKnown {
				x := r.Uint64()
				k := uint64(0)
				if uint32(x>>32) < ra.pOwn {
					k = (x & 0xffffffff) * ra.nOwn >> 32
				} else {
					k = ra.nOwn + (x&0xffffffff)*nPooled>>32
				}
				d = protocol + int(float64(ra.lag[pace*ra.stride+int(k)])*jitter+0.5)
				if r.Float64() < ra.pWithhold {
					d = max(d, ra.until)
				}
			}
			days[j] = d
			last = max(last, d)
		}
		// Ties share the credit of being last: free members whose lag is
		// the longest (when that is the last day) and fixed members on the
		// last day.
		ties := 0
		freeLast := len(free) > 0 && protocol+int(float64(maxRaw)*jitter+0.5) == last
		if freeLast {
			for _, v := range raw {
				if v == maxRaw {
					ties++
				}
			}
		}
		for _, d := range days {
			if d == last {
				ties++
			}
		}
		if freeLast {
			for j, v := range raw {
				if v == maxRaw {
					shares[free[j]] += 1 / float64(ties)
				}
			}
		}
		for j, d := range days {
			if d == last {
				shares[fixed[j]] += 1 / float64(ties)
			}
		}
		if len(rats) == 0 {
			last = protocol
		}
		joined := last + draw(r, m.LastToJoined)
		for i, v := range [4]int{invited, protocol, last, joined} {
			h[i][min(max(v, 0), horizon)]++
		}
	}
	return shares
}

// quantile returns the smallest day offset at which the cumulative count
// reaches q of runs.
func quantile(hist []int64, runs int, q float64) int {
	need := int64(q*float64(runs) + 0.5)
	if need < 1 {
		need = 1
	}
	var cum int64
	for d, v := range hist {
		cum += v
		if cum >= need {
			return d
		}
	}
	return len(hist) - 1
}
