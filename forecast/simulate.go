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
	// NoHoldouts switches off the hold-out regime: every recorded
	// objection is assumed lifted.
	NoHoldouts bool `json:"no_holdouts,omitempty"`
}

// Options control a run.
type Options struct {
	Runs     int
	Seed     uint64
	Workers  int                   // 0: GOMAXPROCS
	Progress func(done, total int) // called after each chunk; may be nil
	// NoPending skips each pending member's chances (Result.Pending).
	NoPending bool
}

// Done is a ratification already made on the forecast date.
type Done struct {
	Date  alliance.Date `json:"date"`
	Basis alliance.Step `json:"basis"`
}

// Holdout is a member with a standing public objection, which holds its
// ratification until a condition is met with Probability.
type Holdout struct {
	Code        string        `json:"code"`
	Stance      string        `json:"stance"`
	Probability float64       `json:"probability"`
	Replaced    bool          `json:"replaced_by_withhold,omitempty"` // a --withhold scenario replaces it
	Since       alliance.Date `json:"since,omitempty"`
}

// Situation is what is known of the accession on the forecast date.
type Situation struct {
	Candidate string
	Start     alliance.Date // the forecast date: the first day anything can happen
	Ratifiers []string      // the members that must ratify
	Done      map[string]Done
	Holdouts  []Holdout
	// Unknown are members whose ratification the record does not date
	// (data/GAPS.md): they are drawn afresh, not conditioned on waiting.
	Unknown map[string]bool
	// Late are members that joined after the protocol was signed (Finland
	// for Sweden's): they ratified by joining, which says nothing of the
	// round's pace.
	Late map[string]bool
}

// zBits sets the size of the table of the noise's quantiles free members'
// draws come from.
const zBits = 14

// paceBits sets the size of the table of the pace's quantiles.
const paceBits = 12

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

// PendingForecast is a member still to ratify on the forecast date.
type PendingForecast struct {
	Code  string        `json:"code"`
	Since alliance.Date `json:"since"` // the protocol signature
	Days  int           `json:"days_pending"`
	// By gives its probability of ratifying within 30, 90 and 365 days of
	// the forecast date (a hold-out's share that waits for a condition
	// never does).
	By     map[string]float64 `json:"probability_by"`
	Median alliance.Date      `json:"median,omitempty"` // zero when more likely never dated
}

// Result is a simulated timetable.
type Result struct {
	Candidate string        `json:"candidate"`
	AsOf      alliance.Date `json:"as_of"`
	Runs      int           `json:"runs"`
	Seed      uint64        `json:"seed"`
	// Milestones hold the percentiles of each milestone over the runs in
	// which no hold-out waits for its condition (all runs if none does).
	Milestones   map[string]Percentiles `json:"milestones"`
	LastToRatify []LastRatifier         `json:"last_to_ratify"`
	Ratifiers    []string               `json:"ratifiers"`
	Done         map[string]Done        `json:"ratified"`
	Pending      []PendingForecast      `json:"pending"`
	// Held is the share of runs in which at least one member holds out
	// until a condition the model does not date; Holdouts lists them.
	Held     float64   `json:"held"`
	Holdouts []Holdout `json:"holdouts"`
	Learnt   []string  `json:"learnt_from"` // past accessions the model used
	Scenario Scenario  `json:"scenario"`
	Model    *Model    `json:"model"`
	// Histogram of the joining date over the dated runs: runs per day after
	// AsOf (for charts and scores).
	JoinedDays []int64 `json:"-"`
	Dated      int     `json:"dated_runs"`
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
// any order, so each worker keeps its own.
type hists [4][]uint32

func newHists() *hists {
	var h hists
	for i := range h {
		h[i] = make([]uint32, horizon+1)
	}
	return &h
}

// chunkOut is what one chunk returns.
type chunkOut struct {
	shares []float64
	held   int
}

// Simulate runs the Monte Carlo for the situation under the scenario. It
// returns EINVALID when the model has nothing to draw from or the scenario
// leaves the invitation undetermined.
func Simulate(ctx context.Context, m *Model, sit Situation, sc Scenario, opt Options) (*Result, error) {
	cand, start := sit.Candidate, sit.Start
	if opt.Runs <= 0 {
		return nil, alliance.Errorf(alliance.EINVALID, "runs must be positive")
	}
	if !m.ready() {
		return nil, alliance.Errorf(alliance.EINVALID, "no completed accession with dated ratifications on or before %s to learn from", m.AsOf)
	}
	if sc.Protocol.IsZero() && sc.Invited.IsZero() && sc.Gate == nil {
		return nil, alliance.Errorf(alliance.EINVALID, "%s has not been invited and the model does not forecast invitations, which are political decisions: give an invitation date or a protocol signature date, or a date before which no invitation happens", cand)
	}
	if sc.Protocol.IsZero() && m.InvitationToProtocol.N == 0 {
		return nil, alliance.Errorf(alliance.EINVALID, "no past accession gives a duration from invitation to protocol on or before %s", m.AsOf)
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
	p := prepare(m, sit, sc, off)
	nChunks := (opt.Runs + chunkRuns - 1) / chunkRuns
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	outs := make([]chunkOut, nChunks)
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
				outs[ci] = p.runChunk(opt.Seed, ci, n, h)
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
	last := make([]float64, len(sit.Ratifiers))
	held := 0
	for _, c := range outs {
		for i, v := range c.shares {
			last[i] += v
		}
		held += c.held
	}
	dated := opt.Runs - held
	res := &Result{Candidate: cand, AsOf: start, Runs: opt.Runs, Seed: opt.Seed, Milestones: map[string]Percentiles{},
		Ratifiers: sit.Ratifiers, Done: sit.Done, Pending: []PendingForecast{}, Learnt: m.Accessions, Scenario: sc, Model: m,
		JoinedDays: total[3], Dated: dated, Held: float64(held) / float64(opt.Runs), Holdouts: p.holdouts}
	if !opt.NoPending {
		res.Pending = p.pendingForecasts(m, sit)
	}
	if res.Done == nil {
		res.Done = map[string]Done{}
	}
	if res.Holdouts == nil {
		res.Holdouts = []Holdout{}
	}
	for i, name := range milestones {
		n := opt.Runs
		if i >= 2 {
			n = dated
		}
		if n == 0 {
			continue
		}
		res.Milestones[name] = Percentiles{
			P10: start.AddDays(quantile(total[i], n, 0.10)),
			P50: start.AddDays(quantile(total[i], n, 0.50)),
			P90: start.AddDays(quantile(total[i], n, 0.90)),
		}
	}
	// Dates already fixed are what they are, even before the forecast date
	// (the histograms start at it).
	if !sc.Protocol.IsZero() {
		res.Milestones[MProtocol] = Percentiles{sc.Protocol, sc.Protocol, sc.Protocol}
		inv := sc.Protocol
		if !sc.Invited.IsZero() {
			inv = sc.Invited
		}
		res.Milestones[MInvited] = Percentiles{inv, inv, inv}
	} else if !sc.Invited.IsZero() && sc.Gate == nil {
		res.Milestones[MInvited] = Percentiles{sc.Invited, sc.Invited, sc.Invited}
	}
	if len(p.freeIdx) == 0 && len(p.slow) == 0 && len(p.doneDay) > 0 {
		// Every member has ratified: the last ratification is a fact.
		var d alliance.Date
		for _, dn := range sit.Done {
			if dn.Date.After(d) {
				d = dn.Date
			}
		}
		res.Milestones[MLastRatif] = Percentiles{d, d, d}
	}
	for i, c := range sit.Ratifiers {
		if pr := last[i] / float64(opt.Runs); pr > 0 {
			res.LastToRatify = append(res.LastToRatify, LastRatifier{Code: c, Probability: pr})
		}
	}
	sort.SliceStable(res.LastToRatify, func(i, j int) bool { return res.LastToRatify[i].Probability > res.LastToRatify[j].Probability })
	return res, nil
}

// plan is a simulation prepared: each member's part looked up once.
type plan struct {
	m          *Model
	sc         Scenario
	nRatifiers int
	// invited, protocol: fixed offsets (when set), and the gate.
	hasInvited, hasProtocol bool
	invited, protocol       int
	gateFrom, gateDays      int
	hasGate                 bool
	// pace holds the quantiles of the round's pace (posterior when the
	// protocol is signed and the round has evidence).
	pace []float64
	// free members: drawn from the normal table, no truncation.
	freeIdx  []int
	freeMean []float64
	freeSD   []float64
	// other pending members: truncated, withheld or holding out.
	slow []slowMember
	// done members: fixed offsets.
	doneIdx  []int
	doneDay  []int
	holdouts []Holdout
	// the outer stages
	invToProt, lastToJoined stage
}

type slowMember struct {
	idx       int
	mean, sd  float64
	minLag    int // the lag is at least this (0: no truncation)
	until     int
	pWithhold float64
	pHold     float64
}

func prepare(m *Model, sit Situation, sc Scenario, off func(alliance.Date) int) *plan {
	p := &plan{m: m, sc: sc, nRatifiers: len(sit.Ratifiers),
		invToProt: newStage(m.InvitationToProtocol), lastToJoined: newStage(m.LastToJoined)}
	if !sc.Invited.IsZero() {
		p.hasInvited, p.invited = true, off(sc.Invited)
	}
	if !sc.Protocol.IsZero() {
		p.hasProtocol, p.protocol = true, off(sc.Protocol)
	}
	if g := sc.Gate; g != nil {
		p.hasGate, p.gateFrom = true, off(g.From)
		if !g.To.IsZero() {
			p.gateDays = g.To.DaysSince(g.From) + 1
		}
	}
	// Members pending on a signed protocol have waited this long.
	minLag := 0
	if p.hasProtocol && p.protocol <= 0 {
		minLag = -p.protocol + 1
	}
	hold := map[string]Holdout{}
	for _, h := range sit.Holdouts {
		hold[h.Code] = h
	}
	var evDone []evidence
	var evPending []evidence
	for i, code := range sit.Ratifiers {
		if d, ok := sit.Done[code]; ok {
			p.doneIdx = append(p.doneIdx, i)
			p.doneDay = append(p.doneDay, off(d.Date))
			if p.hasProtocol && !sit.Late[code] {
				mean, sd := m.member(code)
				lag := d.Date.DaysSince(sc.Protocol)
				if lag >= 0 {
					evDone = append(evDone, evidence{mean: mean - m.offset(d.Basis), sd: sd, lag: lag})
				}
			}
			continue
		}
		mean, sd := m.member(code)
		s := slowMember{idx: i, mean: mean, sd: sd, minLag: minLag}
		if sit.Unknown[code] {
			s.minLag = 0
		}
		for _, w := range sc.Withholds {
			if w.Member == code {
				s.until, s.pWithhold = off(w.Until), w.Probability
			}
		}
		if h, ok := hold[code]; ok && !sc.NoHoldouts {
			if s.pWithhold > 0 {
				h.Replaced = true
			} else {
				s.pHold = h.Probability
			}
			p.holdouts = append(p.holdouts, h)
		}
		if s.minLag > 0 {
			evPending = append(evPending, evidence{mean: mean, sd: sd, lag: minLag})
		}
		if s.minLag == 0 && s.pWithhold == 0 && s.pHold == 0 {
			p.freeIdx = append(p.freeIdx, i)
			p.freeMean = append(p.freeMean, mean)
			p.freeSD = append(p.freeSD, sd)
		} else {
			p.slow = append(p.slow, s)
		}
	}
	p.pace = paceTable(m.noise, m.Scale, m.PaceMean, m.PaceSD, evDone, evPending)
	return p
}

// runChunk simulates n runs with the chunk's own random stream, counting
// milestones into h, and returns each ratifier's share of being last.
//
// The members whose lag is simply drawn ("free": every member when the
// protocol is not yet signed) are kept apart from the others: for them the
// inner loop only draws a normal from a table and keeps the longest
// log-lag; the round's pace is added once, to that longest, since it moves
// every free member alike.
func (p *plan) runChunk(seed uint64, ci, n int, h *hists) chunkOut {
	r := rand.New(rand.NewPCG(seed, uint64(ci)))
	out := chunkOut{shares: make([]float64, p.nRatifiers)}
	m := p.m
	z := m.noise.q
	slowDay := make([]int, len(p.slow))
	heldNow := make([]bool, len(p.slow))
	var lastDone, lastDoneN int = math.MinInt, 0
	for _, d := range p.doneDay {
		if d > lastDone {
			lastDone, lastDoneN = d, 1
		} else if d == lastDone {
			lastDoneN++
		}
	}
	for range n {
		var invited, protocol int
		switch {
		case p.hasProtocol:
			protocol = p.protocol
			invited = protocol
			if p.hasInvited {
				invited = p.invited
			}
		default:
			invited = p.invited
			if p.hasGate {
				gd := p.gateFrom
				if p.gateDays > 0 {
					gd += r.IntN(p.gateDays)
				}
				if !p.hasInvited {
					invited = gd
				}
				invited = max(invited, gd)
			}
			minDays := 0
			if invited <= 0 {
				// Invited, not signed by the forecast date.
				minDays = -invited + 1
			}
			protocol = invited + p.invToProt.draw(r, minDays)
		}
		pace := p.pace[r.Uint64()>>(64-paceBits)]
		maxY, arg := math.Inf(-1), -1
		for j := range p.freeMean {
			y := p.freeMean[j] + p.freeSD[j]*z[r.Uint64()>>(64-zBits)]
			if y > maxY {
				maxY, arg = y, j
			}
		}
		last := math.MinInt
		freeDay := math.MinInt
		if arg >= 0 {
			freeDay = protocol + m.Scale.days(maxY+pace)
			last = freeDay
		}
		held := false
		for j := range p.slow {
			s := &p.slow[j]
			mean := s.mean + pace
			z0 := math.Inf(-1)
			if s.minLag > 0 {
				z0 = (m.Scale.y(float64(s.minLag)-0.5) - mean) / s.sd
			}
			d := protocol + max(m.Scale.days(mean+s.sd*m.noise.above(uniform(r), z0)), s.minLag)
			if s.pWithhold > 0 && r.Float64() < s.pWithhold {
				d = max(d, s.until)
			}
			heldNow[j] = s.pHold > 0 && r.Float64() < s.pHold
			held = held || heldNow[j]
			slowDay[j] = d
			last = max(last, d)
		}
		if held {
			// The run waits for a condition the model does not date: the
			// members holding out share the credit of being last.
			out.held++
			k := 0
			for _, hn := range heldNow {
				if hn {
					k++
				}
			}
			for j, hn := range heldNow {
				if hn {
					out.shares[p.slow[j].idx] += 1 / float64(k)
				}
			}
			for i, v := range [2]int{invited, protocol} {
				h[i][min(max(v, 0), horizon)]++
			}
			continue
		}
		if arg < 0 && len(p.slow) == 0 {
			// Every member has ratified: the last is known.
			if len(p.doneDay) > 0 {
				last = lastDone
				for j, d := range p.doneDay {
					if d == last {
						out.shares[p.doneIdx[j]] += 1 / float64(lastDoneN)
					}
				}
			} else {
				last = protocol
			}
		} else {
			ties := 0
			if freeDay == last {
				ties++
			}
			for _, d := range slowDay {
				if d == last {
					ties++
				}
			}
			if freeDay == last {
				out.shares[p.freeIdx[arg]] += 1 / float64(ties)
			}
			for j, d := range slowDay {
				if d == last {
					out.shares[p.slow[j].idx] += 1 / float64(ties)
				}
			}
		}
		minGap := 0
		if last <= 0 {
			minGap = -last + 1 // every member ratified, not joined by the forecast date
		}
		joined := last + p.lastToJoined.draw(r, minGap)
		for i, v := range [4]int{invited, protocol, last, joined} {
			h[i][min(max(v, 0), horizon)]++
		}
	}
	return out
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
