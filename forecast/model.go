// Package forecast simulates accession timetables by Monte Carlo from the
// history of past accessions, and evaluates itself against that history.
//
// The model. An accession runs invitation → protocol signature → each
// member's ratification → the candidate's deposit of its instrument, which
// follows the last ratification. Everything is learnt from the events dated
// on or before the forecast date, and only from them.
//
// Ratification lags. A member's lag is the days from protocol signature to
// its ratification, on the basis the dataset has (deposit where known, else
// the last known step). On the scale y = log(1 + days) it is modelled as
//
//	y = round pace + member tendency + basis offset + noise
//
// a hierarchical log-normal: the round pace (one per enlargement round, the
// accessions whose protocols were signed the same day) is shared by every
// member in that round; the member tendency is how much faster or slower
// than the round that member usually is; the noise is what is left. The
// member tendencies are shrunk towards zero by a factor the data choose:
// the variance between members (τ²) and the variance within a member (σ²)
// are estimated by the method of moments, and a member with n past lags
// keeps τ²/(τ²+σ²/n) of its own average (an empirical-Bayes estimate; the
// fixed n/(n+2) of earlier versions is the special case σ²/τ² = 2). Basis
// offsets put every lag on the deposit's scale: the average difference, in
// y, between a member's deposit and its earlier step of the same accession,
// where the dataset dates both; a lag whose basis has no such pair is used
// as it is, and the offsets are reported.
//
// A new round's pace is drawn from the normal distribution of past rounds'
// paces, widened for having seen only R of them. On a forecast date inside
// an accession the pace is updated with what has happened in that round so
// far: members already ratified give their lags, members still pending say
// their lag is longer than the time elapsed (a censored observation). The
// pace's posterior is computed on a grid; each pending member's lag is then
// drawn from its distribution conditional on exceeding the time elapsed
// (inverse-CDF sampling from the truncated normal, not clipping).
//
// Strategic hold-outs are a separate regime. A member whose latest recorded
// public position on inviting the candidate is "oppose" or "conditional"
// holds its ratification until a condition is met with probability π (a
// split-population or "cure" model), and the model gives no date for those
// runs: they are reported as a share, not as a long tail. π starts from a
// stated prior (1/2 for oppose, 1/4 for conditional, worth 2 and 4
// observations) and is updated with past members that had such a position
// when a protocol was signed (did they ratify among the slowest tenth?).
// A --withhold scenario for that member replaces it.
//
// Invitation → protocol and last ratification → joining are log-normal in
// log(1 + days), fitted to past rounds, and drawn conditional on the time
// already elapsed as well.
//
// Runs are split into fixed chunks, each with its own random stream derived
// from the seed and the chunk's index, and chunk results are combined in
// chunk order: a forecast with a given seed is exactly the same whatever the
// number of workers.
package forecast

import (
	"math"
	"slices"
	"strings"

	"alliance"
	"alliance/accession"
)

// Obs is one member's ratification lag in one past round, as used for
// fitting: a distinct act (the same member ratifying two protocols of the
// same round on the same day counts once).
type Obs struct {
	Round      alliance.Date `json:"round"` // the round's protocol signature
	Candidates []string      `json:"candidates"`
	Member     string        `json:"member"`
	Basis      alliance.Step `json:"basis"`
	Days       int           `json:"days"`
}

// scale is the Box-Cox transform of 1 + days the lags are normal on:
// λ = 0 is the log (a log-normal), λ = 1 days themselves; the fit chooses
// among a few by likelihood.
type scale float64

// scales are the transforms the fit chooses from.
var scales = []scale{0, 0.25, 0.5, 0.75, 1}

// y returns days on the scale.
func (s scale) y(d float64) float64 {
	x := 1 + d
	if s == 0 {
		return math.Log(x)
	}
	return (math.Pow(x, float64(s)) - 1) / float64(s)
}

// days returns the whole days of y (0 at least, horizon at most).
func (s scale) days(y float64) int {
	var x float64
	if s == 0 {
		if y > 11 {
			return horizon
		}
		x = math.Exp(y)
	} else {
		b := 1 + float64(s)*y
		if b <= 0 {
			return 0
		}
		switch s { // math.Pow is slow; the common scales need none
		case 1:
			x = b
		case 0.5:
			x = b * b
		default:
			x = math.Pow(b, 1/float64(s))
		}
	}
	d := x - 1
	if d > horizon {
		return horizon
	}
	return max(int(d+0.5), 0)
}

// pair is one member's deposit and an earlier step of the same accession,
// both dated: days after protocol.
type pair struct {
	step          alliance.Step
	deposit, days int
}

// LogNormal is a duration in days: 0 with probability Zero (the same
// day, as when Hungary deposited for Sweden on the day Sweden joined),
// otherwise log(1 + days) is normal (a hurdle model).
type LogNormal struct {
	Zero  float64 `json:"p_same_day"`
	Mu    float64 `json:"mu"`
	Sigma float64 `json:"sigma"`
	N     int     `json:"n"`
}

// fitLogNormal fits a LogNormal to durations in days: the share of zeros
// (with one pseudo-observation each way, so that two zeros out of three do
// not become certainty) and the normal to the others, its spread widened
// for their few number (the predictive of a new one) and at least floor.
func fitLogNormal(days []int, floor float64) LogNormal {
	if len(days) == 0 {
		return LogNormal{}
	}
	var s, ss float64
	var zeros, n int
	for _, d := range days {
		if d <= 0 {
			zeros++
			continue
		}
		y := math.Log1p(float64(d))
		s += y
		ss += y * y
		n++
	}
	ln := LogNormal{N: len(days)}
	if zeros > 0 {
		ln.Zero = (float64(zeros) + 1) / (float64(len(days)) + 2)
	}
	if n == 0 {
		ln.Mu, ln.Sigma = math.Log(2), 1 // no positive gap seen: about a day, widely
		return ln
	}
	fn := float64(n)
	ln.Mu = s / fn
	v := floor * floor
	if n > 1 {
		v = max(v, (ss-fn*ln.Mu*ln.Mu)/(fn-1))
	}
	ln.Sigma = math.Sqrt(v * (1 + 1/fn))
	return ln
}

// MemberEffect is a member's tendency, shrunk.
type MemberEffect struct {
	Effect float64 `json:"effect"` // shrunk tendency, log scale
	Raw    float64 `json:"raw"`    // its own average before shrinkage
	N      int     `json:"n"`
	Keep   float64 `json:"keep"` // share of its own average kept: τ²/(τ²+σ²/n)
	Var    float64 `json:"var"`  // posterior variance of the tendency
}

// Round is a past round's pace, as fitted.
type Round struct {
	Protocol   alliance.Date `json:"protocol"`
	Candidates []string      `json:"candidates"`
	Pace       float64       `json:"pace"` // log scale
	N          int           `json:"n"`
}

// Model holds what the simulation draws from, learnt from history known on
// a date.
type Model struct {
	AsOf alliance.Date `json:"as_of"`
	// Obs are the lags the model was fitted to.
	Obs     []Obs                   `json:"-"`
	Rounds  []Round                 `json:"rounds"`
	Members map[string]MemberEffect `json:"members"`
	// PaceMean and PaceSD describe the pace of a new round (log scale); the
	// SD includes the uncertainty of having seen only len(Rounds) rounds.
	PaceMean float64 `json:"pace_mean"`
	PaceSD   float64 `json:"pace_sd"`
	// BetweenSD (τ) and WithinSD (σ) are the spread of member tendencies and
	// of a member's lags around its tendency; Pooling is σ²/τ², the weight in
	// observations of the alliance-wide evidence against a member's own.
	BetweenSD float64 `json:"between_members_sd"`
	WithinSD  float64 `json:"within_member_sd"`
	Pooling   float64 `json:"pooling"`
	// Basis holds the offsets that put a lag of each basis on the deposit's
	// scale, and BasisPairs how many pairs each was estimated from.
	Basis      map[alliance.Step]float64 `json:"basis_offsets"`
	BasisPairs map[alliance.Step]int     `json:"basis_pairs"`
	// InvitationToProtocol and LastToJoined are the two outer stages.
	InvitationToProtocol LogNormal `json:"invitation_to_protocol"`
	LastToJoined         LogNormal `json:"last_ratification_to_joined"`
	// Cure holds the hold-out probabilities by stance, and CureEvidence the
	// past objections they were updated with.
	Cure         map[string]float64 `json:"holdout_probability"`
	CureEvidence int                `json:"holdout_evidence"`
	// Accessions are the past accessions the model learnt from.
	Accessions []string `json:"learnt_from"`
	// Scale is the Box-Cox λ of 1 + days on which lags are normal (0: log).
	Scale scale `json:"scale_lambda"`
	pairs []pair
	ll    float64
	resid []float64
	noise *noise
	// roundInfo holds, per past round, its ratifiers and the days from
	// protocol to each candidate's joining: what the scale is chosen on.
	roundInfo map[alliance.Date]*roundInfo
	// ScaleScores holds, per scale tried, the mean CRPS in days of the
	// protocol-to-joining times of past rounds, each left out in turn.
	ScaleScores map[string]float64 `json:"scale_scores,omitempty"`
}

type roundInfo struct {
	members []string
	joined  []int
}

// Priors of the hold-out (cure) probability, in pseudo-observations
// (held, not held), by stance.
var curePrior = map[string][2]float64{"oppose": {1, 1}, "conditional": {1, 3}}

// question returns the position question about inviting cand, as the
// dataset names it (invite_ukraine).
func question(states alliance.States, cand string) string {
	return "invite_" + strings.ReplaceAll(strings.ToLower(states.Name(cand)), " ", "_")
}

// Known returns the history as it was known on d: the facts dated on or
// before d, and every scenario event (hypotheses about the future stay).
func Known(h alliance.History, d alliance.Date) alliance.History {
	var recs []*alliance.Record
	for _, r := range h.Records() {
		if !r.Date.After(d) || r.Origin == alliance.FromScenario {
			recs = append(recs, r)
		}
	}
	return alliance.NewHistory(recs)
}

// Learn builds a model from the history known on asOf (the caller filters
// it with Known): only accessions completed by then count.
func Learn(h alliance.History, states alliance.States, asOf alliance.Date) *Model {
	stages := accession.AllStages(h, states, alliance.NATO)
	return learn(h, states, stages, asOf, func(s accession.Stages) bool {
		return !s.Joined.IsZero() && !s.Joined.After(asOf)
	})
}

// learn fits the model to the accessions use accepts.
func learn(h alliance.History, states alliance.States, stages []accession.Stages, asOf alliance.Date, use func(accession.Stages) bool) *Model {
	m := &Model{AsOf: asOf, roundInfo: map[alliance.Date]*roundInfo{}, Members: map[string]MemberEffect{}, Basis: map[alliance.Step]float64{}, BasisPairs: map[alliance.Step]int{}, Cure: map[string]float64{}}
	var invProt, lastJoined []int
	seenRound := map[alliance.Date]bool{}
	type key struct {
		round  alliance.Date
		member string
		days   int
	}
	obsAt := map[key]int{}
	cureCounts := map[string][2]float64{}
	for k, v := range curePrior {
		cureCounts[k] = v
	}
	for _, s := range stages {
		if !use(s) || s.ProtocolSigned.IsZero() {
			continue
		}
		m.Accessions = append(m.Accessions, s.Candidate)
		if !seenRound[s.ProtocolSigned] {
			seenRound[s.ProtocolSigned] = true
			if s.InvitationToProtocol != nil {
				invProt = append(invProt, *s.InvitationToProtocol)
			}
		}
		if s.LastRatifiedToJoined != nil {
			lastJoined = append(lastJoined, *s.LastRatifiedToJoined)
		}
		atProtocol := alliance.Replay(h, s.ProtocolSigned)
		ri := m.roundInfo[s.ProtocolSigned]
		if ri == nil {
			ri = &roundInfo{}
			for _, mem := range atProtocol.Members(alliance.NATO, states) {
				ri.members = append(ri.members, mem.Code)
			}
			m.roundInfo[s.ProtocolSigned] = ri
		}
		if s.ProtocolToJoined != nil {
			ri.joined = append(ri.joined, *s.ProtocolToJoined)
		}
		for _, r := range s.Ratified {
			// A member that joined after the protocol was signed ratified
			// by joining: its "lag" is its own accession, not a pace.
			if !atProtocol.IsMember(alliance.NATO, r.Code) || r.Days == nil {
				continue
			}
			k := key{s.ProtocolSigned, r.Code, *r.Days}
			if i, ok := obsAt[k]; ok {
				m.Obs[i].Candidates = append(m.Obs[i].Candidates, s.Candidate)
			} else {
				obsAt[k] = len(m.Obs)
				m.Obs = append(m.Obs, Obs{Round: s.ProtocolSigned, Candidates: []string{s.Candidate}, Member: r.Code, Basis: r.Basis, Days: *r.Days})
			}
			// Like with like: where both a step and the deposit are dated,
			// their difference measures the step's offset.
			var dep alliance.Date
			for _, st := range r.Steps {
				if st.Step == alliance.StepDeposit {
					dep = st.Date
				}
			}
			if !dep.IsZero() {
				for _, st := range r.Steps {
					if st.Step != alliance.StepDeposit && !st.Date.After(dep) {
						m.pairs = append(m.pairs, pair{st.Step, max(dep.DaysSince(s.ProtocolSigned), 0), max(st.Date.DaysSince(s.ProtocolSigned), 0)})
					}
				}
			}
		}
		// Past objections: did a member with a standing objection when the
		// protocol was signed hold out? It counts as having held out when
		// its lag was among the slowest tenth of its accession's (Türkiye,
		// which ratified Sweden's protocol just before Hungary, counts).
		q := question(states, s.Candidate)
		var lags []int
		lagOf := map[string]int{}
		for _, r := range s.Ratified {
			if r.Days != nil {
				lags = append(lags, *r.Days)
				lagOf[r.Code] = *r.Days
			}
		}
		slices.Sort(lags)
		for code, stance := range objections(h, q, s.ProtocolSigned) {
			c, ok := cureCounts[stance]
			lag, dated := lagOf[code]
			if !ok || !dated {
				continue
			}
			if lag >= lags[len(lags)*9/10] {
				c[0]++
			} else {
				c[1]++
			}
			cureCounts[stance] = c
			m.CureEvidence++
		}
	}
	for k, c := range cureCounts {
		m.Cure[k] = c[0] / (c[0] + c[1])
	}
	m.InvitationToProtocol = fitLogNormal(invProt, 0.5)
	m.LastToJoined = fitLogNormal(lastJoined, 0.5)
	m.fit()
	return m
}

// objections returns the members whose latest position on q, on date d, is
// oppose or conditional, with that stance.
func objections(h alliance.History, q string, d alliance.Date) map[string]string {
	latest := map[string]string{}
	for _, r := range h.Until(d) {
		if r.Type != alliance.Position || r.Stance == nil || r.Stance.Question != q {
			continue
		}
		for _, s := range r.States {
			latest[s] = r.Stance.Stance
		}
	}
	out := map[string]string{}
	for s, st := range latest {
		if st == "oppose" || st == "conditional" {
			out[s] = st
		}
	}
	return out
}

// offset returns the offset that puts a lag of basis b on the deposit's scale.
func (m *Model) offset(b alliance.Step) float64 { return m.Basis[b] }

// member returns what a member's lag is drawn from in a new round: its
// tendency and the spread around pace + tendency (noise and the tendency's
// own uncertainty). A member with no history has tendency 0 and the
// between-member spread.
func (m *Model) member(code string) (mean, sd float64) {
	e, ok := m.Members[code]
	if !ok {
		return 0, math.Sqrt(m.WithinSD*m.WithinSD + m.BetweenSD*m.BetweenSD)
	}
	return e.Effect, math.Sqrt(m.WithinSD*m.WithinSD + e.Var)
}

// ready reports whether the model has something to draw lags from.
func (m *Model) ready() bool { return len(m.Obs) > 0 && len(m.Rounds) > 0 }
