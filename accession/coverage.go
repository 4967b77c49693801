package accession

import (
	"sort"

	"alliance"
)

// Coverage is how far the dataset dates the members' ratifications of one
// accession: who has a dated step of any kind, who has a dated deposit, and
// who has neither. The members counted are the ratifiers StatusOf counts: the
// members on the eve of joining, or on the history's last date while the
// accession is pending.
type Coverage struct {
	Org            alliance.Org  `json:"org"`
	Candidate      string        `json:"candidate"`
	ProtocolSigned alliance.Date `json:"protocol_signed"`
	Joined         alliance.Date `json:"joined"`
	Members        int           `json:"members"`
	// Dated lists the members with at least one dated ratification step.
	Dated []string `json:"dated"`
	// Deposited lists the members whose deposit (or notification) is dated.
	Deposited []string `json:"deposited"`
	// NoStep lists the members with no dated step at all.
	NoStep []string `json:"no_step"`
	// NoDeposit lists the members whose deposit is not dated (NoStep included).
	NoDeposit []string `json:"no_deposit"`
}

// CoverageOf returns the coverage of every accession of org with a dated
// protocol (NATO) or treaty (EU) signature, in signature order, then by
// candidate.
func CoverageOf(h alliance.History, states alliance.States, org alliance.Org) []Coverage {
	last := h.Last()
	var out []Coverage
	for _, cand := range signedCandidates(h, org) {
		st := StatusOf(h, states, org, cand, last)
		c := Coverage{Org: org, Candidate: cand, ProtocolSigned: st.ProtocolSigned, Joined: st.Joined,
			Dated: []string{}, Deposited: []string{}, NoStep: []string{}, NoDeposit: []string{}}
		for _, r := range st.Ratified {
			c.Dated = append(c.Dated, r.Code)
			if r.Basis == alliance.StepDeposit {
				c.Deposited = append(c.Deposited, r.Code)
			} else {
				c.NoDeposit = append(c.NoDeposit, r.Code)
			}
		}
		for _, p := range st.PendingDetail {
			if len(p.Steps) > 0 {
				c.Dated = append(c.Dated, p.Code)
			} else {
				c.NoStep = append(c.NoStep, p.Code)
			}
			c.NoDeposit = append(c.NoDeposit, p.Code)
		}
		c.NoStep = append(c.NoStep, st.Undated...)
		c.NoDeposit = append(c.NoDeposit, st.Undated...)
		c.Members = len(c.Dated) + len(c.NoStep)
		for _, l := range [][]string{c.Dated, c.Deposited, c.NoStep, c.NoDeposit} {
			sort.Strings(l)
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if c := out[i].ProtocolSigned.Compare(out[j].ProtocolSigned); c != 0 {
			return c < 0
		}
		return out[i].Candidate < out[j].Candidate
	})
	return out
}
