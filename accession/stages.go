package accession

import (
	"sort"

	"alliance"
)

// Stages is one accession's timeline: the date of each stage and each
// member's ratification (on its basis), from the whole record.
type Stages struct {
	Org       alliance.Org  `json:"org"`
	Candidate string        `json:"candidate"`
	Applied   alliance.Date `json:"applied"`
	Invited   alliance.Date `json:"invited"`
	// CandidateStatus and NegotiationsOpened are EU steps (null for NATO).
	CandidateStatus    alliance.Date `json:"candidate_status"`
	NegotiationsOpened alliance.Date `json:"negotiations_opened"`
	// ProtocolSigned is the accession protocol (NATO) or treaty (EU).
	ProtocolSigned alliance.Date `json:"protocol_signed"`
	LastRatified   alliance.Date `json:"last_ratified"` // the latest dated ratification
	LastRatifier   string        `json:"last_ratifier"`
	Joined         alliance.Date `json:"joined"`
	// Ratified holds each member's ratification date and basis.
	Ratified []Ratified `json:"ratified"`
	// Undated counts members that ratified on a date the dataset lacks.
	Undated int `json:"undated"`
	// Days between stages; nil where either end is unknown.
	ApplicationToInvitation *int `json:"days_application_to_invitation"`
	InvitationToProtocol    *int `json:"days_invitation_to_protocol"`
	ProtocolToLastRatified  *int `json:"days_protocol_to_last_ratification"`
	LastRatifiedToJoined    *int `json:"days_last_ratification_to_joined"`
	ProtocolToJoined        *int `json:"days_protocol_to_joined"`
}

func days(from, to alliance.Date) *int {
	if from.IsZero() || to.IsZero() {
		return nil
	}
	d := to.DaysSince(from)
	return &d
}

// AllStages returns the timeline of every accession to org with a signed
// protocol, in order of protocol signature, as the whole record has it.
func AllStages(h alliance.History, states alliance.States, org alliance.Org) []Stages {
	last := h.Last()
	var out []Stages
	for _, c := range signedCandidates(h, org) {
		st := StatusOf(h, states, org, c, last)
		s := Stages{Org: org, Candidate: c, Applied: st.Applied, Invited: st.Invited,
			CandidateStatus: st.CandidateStatus, NegotiationsOpened: st.NegotiationsOpened, ProtocolSigned: st.ProtocolSigned, Joined: st.Joined, Ratified: st.Ratified, Undated: len(st.Undated)}
		for _, r := range st.Ratified {
			if !r.Date.Before(s.LastRatified) {
				s.LastRatified, s.LastRatifier = r.Date, r.Code
			}
		}
		s.ApplicationToInvitation = days(s.Applied, s.Invited)
		s.InvitationToProtocol = days(s.Invited, s.ProtocolSigned)
		if s.Undated == 0 && st.Stage == StageMember {
			// The last ratification is known only when every member's is.
			s.ProtocolToLastRatified = days(s.ProtocolSigned, s.LastRatified)
			s.LastRatifiedToJoined = days(s.LastRatified, s.Joined)
		} else {
			s.LastRatified, s.LastRatifier = alliance.Date{}, ""
		}
		s.ProtocolToJoined = days(s.ProtocolSigned, s.Joined)
		out = append(out, s)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ProtocolSigned.Before(out[j].ProtocolSigned) })
	return out
}
