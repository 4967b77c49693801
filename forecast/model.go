// Package forecast simulates accession timetables by Monte Carlo from the
// history of past accessions, and backtests itself against that history.
//
// The model. An accession runs invitation → protocol signature → each
// member's ratification → the candidate's deposit of its instrument, which
// follows the last ratification. Everything is drawn from what was known
// before the forecast date:
//   - invitation → protocol signature: the observed durations of past rounds;
//   - the pace of the accession: each run draws one past enlargement round
//     and takes its duration from protocol signature to joining, T (rounds,
//     not accessions, so that the seven protocols of 2003 count once);
//   - each member's place in that pace: its lag from protocol signature to
//     its ratification (on the basis the dataset has: deposit, else its last
//     known step) as a share of its accession's T. With probability n/(n+K)
//     the run takes one of that member's own n past shares, otherwise a share
//     of any member in any past accession. K (Shrink, default 2) is the weight
//     of the alliance-wide evidence, counted in observations: a member with no
//     history gets the pooled shares, a member with much history mostly its
//     own (a bootstrap form of empirical-Bayes shrinkage). Its ratification
//     falls at protocol + share × T × f, where f, drawn once per run, is a
//     log-normal factor of spread PaceSigma, drawn from a table of 4,096 of its
//     quantiles (a smoothed bootstrap: without it
//     the forecast would be spikes at the few durations of past rounds, and
//     its median would jump between them with the seed);
//   - last ratification → joining: the observed gaps (Hungary deposited for
//     Sweden on the day Sweden joined: a gap of 0).
//
// Shares come only from accessions whose every ratification is dated, so the
// pace and the shares describe the same accessions. Scenarios constrain the
// draw: a fixed invitation or protocol date, a member that withholds until a
// date (with a probability), a gate before which no invitation happens.
//
// Runs are split into fixed chunks, each with its own random stream derived
// from the seed and the chunk's index, and chunk results are combined in
// chunk order: a forecast with a given seed is exactly the same whatever the
// number of workers.
package forecast

import (
	"math/rand/v2"
	"slices"

	"alliance"
	"alliance/accession"
)

// Shrink is the default weight, in observations, of the alliance-wide
// shares against a member's own history.
const Shrink = 2.0

// Model holds what the simulation draws from, learnt from history known
// before a date.
type Model struct {
	AsOf                 alliance.Date
	InvitationToProtocol []int                // days, per past round
	Paces                []int                // days from protocol to joining, per past round
	MemberShares         map[string][]float64 // member -> lag as a share of its accession's pace
	PooledShares         []float64
	LastToJoined         []int // days from the last ratification to joining
	Shrink               float64
	// Accessions are the past accessions the model learnt from.
	Accessions []string
}

// Learn builds a model from the accessions in stages, using only what was
// known before asOf: an accession counts once it had joined before asOf.
func Learn(stages []accession.Stages, asOf alliance.Date) *Model {
	m := &Model{AsOf: asOf, MemberShares: map[string][]float64{}, Shrink: Shrink}
	rounds := map[alliance.Date]bool{}
	for _, s := range stages {
		if s.ProtocolToJoined == nil || !s.Joined.Before(asOf) {
			continue
		}
		m.Accessions = append(m.Accessions, s.Candidate)
		if !rounds[s.ProtocolSigned] {
			rounds[s.ProtocolSigned] = true
			m.Paces = append(m.Paces, *s.ProtocolToJoined)
			if s.InvitationToProtocol != nil {
				m.InvitationToProtocol = append(m.InvitationToProtocol, *s.InvitationToProtocol)
			}
		}
		if s.LastRatifiedToJoined == nil || *s.ProtocolToJoined <= 0 {
			continue // not every ratification is dated: no shares from it
		}
		m.LastToJoined = append(m.LastToJoined, *s.LastRatifiedToJoined)
		for _, r := range s.Ratified {
			share := float64(max(*r.Days, 0)) / float64(*s.ProtocolToJoined)
			m.MemberShares[r.Code] = append(m.MemberShares[r.Code], share)
			m.PooledShares = append(m.PooledShares, share)
		}
	}
	slices.Sort(m.Paces)
	slices.Sort(m.PooledShares)
	return m
}

func draw(r *rand.Rand, xs []int) int { return xs[r.IntN(len(xs))] }
