package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"alliance"
)

// The kinds of commitment a protection profile lists.
const (
	NATOArticle5      = "nato_article5"
	EUArticle42_7     = "eu_article42_7"
	SecurityAgreement = "security_agreement"
)

// LisbonInForce is the day the Treaty of Lisbon, which put the mutual
// assistance clause (Art. 42(7) TEU) into EU law, entered into force; the
// dataset records it as an EU milestone with its source.
var LisbonInForce = alliance.MustDate("2009-12-01")

var article42_7 = Article{
	Clause: "Art. 42(7) TEU",
	Text:   "If a Member State is the victim of armed aggression on its territory, the other Member States shall have towards it an obligation of aid and assistance by all the means in their power, in accordance with Article 51 of the United Nations Charter. This shall not prejudice the specific character of the security and defence policy of certain Member States.",
	Source: alliance.Source{URL: "https://en.wikipedia.org/wiki/Sweden%E2%80%93NATO_relations", Title: "Sweden–NATO relations (Wikipedia), quoting Article 42(7) of the Treaty on European Union"},
}

// The effects an agreement's text may give the supported state's accession
// to NATO (data/rules/on-accession.yaml).
const (
	EndsOnAccession        = "ends"
	ContinuesOnAccession   = "continues"
	UnderReviewOnAccession = "under_review"
	UnclearOnAccession     = "unclear"
	NotStatedOnAccession   = "not_stated"
)

// AccessionReading is how the engine reads one security agreement's words
// on the supported state's accession to NATO, with how sure that reading is:
// "text" (the clause itself was read), "reported" (a report of the text or
// of its signatories) or "none" (no clause read).
type AccessionReading struct {
	Partner   string          `json:"partner"`
	Signed    alliance.Date   `json:"signed"`
	Effect    string          `json:"effect"`
	Certainty string          `json:"certainty"`
	Basis     string          `json:"basis"`
	Source    alliance.Source `json:"source"`
}

// G7 are the members of the Group of Seven since Russia's suspension in
// 2014, who owe what the Joint Declaration of Support for Ukraine commits to.
var G7 = []string{"CA", "FR", "DE", "IT", "JP", "GB", "US"}

// guarantors returns who owes what a security agreement commits to: its
// partner state, the G7 members among its states, or the EU itself.
func guarantors(r *alliance.Record) []string {
	switch p := r.Terms.Partner; p {
	case "G7":
		var out []string
		for _, s := range r.States {
			if slices.Contains(G7, s) {
				out = append(out, s)
			}
		}
		return out
	default:
		return []string{p}
	}
}

// supported returns the states a security agreement supports: its states
// other than those who owe it.
func supported(r *alliance.Record) []string {
	g := guarantors(r)
	var out []string
	for _, s := range r.States {
		if !slices.Contains(g, s) {
			out = append(out, s)
		}
	}
	return out
}

// Commitment is one promise that covers a state, or that it owes.
type Commitment struct {
	Kind     string        `json:"kind"`
	Name     string        `json:"name"`
	Partners []string      `json:"partners"` // who owes it
	Since    alliance.Date `json:"since"`
	Until    alliance.Date `json:"until"` // end of its term, where the term is a number of years
	Clause   string        `json:"clause,omitempty"`
	Owes     string        `json:"owes"` // what is owed, in one sentence
	Limits   string        `json:"limits,omitempty"`
	// For security agreements: their terms as the dataset records them.
	Term               string   `json:"term,omitempty"`
	Obligations        []string `json:"obligations,omitempty"`
	ConsultWithinHours int      `json:"consult_within_hours,omitempty"`
	OnAccession        string   `json:"on_accession,omitempty"`
	// AfterAccession is the engine's reading of OnAccession (ends,
	// continues, under_review, unclear, not_stated) and Certainty how sure
	// that reading is (text, reported, none).
	AfterAccession string          `json:"after_accession,omitempty"`
	Certainty      string          `json:"certainty,omitempty"`
	Basis          string          `json:"basis,omitempty"`
	Source         alliance.Source `json:"source"`
}

// Profile is every commitment that covers a state on a date, and apart from
// them the one-way commitments it owes to others.
type Profile struct {
	State      string        `json:"state"`
	Name       string        `json:"name"`
	At         alliance.Date `json:"at"`
	NATOMember bool          `json:"nato_member"`
	EUMember   bool          `json:"eu_member"`
	// Commitments protect the state: others owe them to it (mutual clauses
	// such as Article 5 protect it too).
	Commitments []Commitment `json:"commitments"`
	// Owes are the security agreements by which the state supports another
	// (Finland's agreement with Ukraine): they do not protect it.
	Owes []Commitment `json:"owes"`
	// Ended are, in a profile as a hypothetical NATO member, the agreements
	// whose text ends them on accession.
	Ended []Commitment `json:"ended,omitempty"`
	// Scenario says what hypothesis the profile is computed under, if any.
	Scenario string `json:"scenario,omitempty"`
}

// Protection returns the profile of state on date at.
func (e *Engine) Protection(state string, at alliance.Date) Profile {
	return e.protection(e.History, state, at, "")
}

// ProtectionAsMember answers "which guarantees continue to apply after the
// state joins NATO?": the profile on at, and the profile on the later of at
// and joined under the hypothesis that the state joins NATO on joined. The
// hypothesis is laid over the facts for this query only.
func (e *Engine) ProtectionAsMember(state string, at, joined alliance.Date) (now, then Profile) {
	now = e.protection(e.History, state, at, "")
	h := e.History.With([]alliance.Event{{Date: joined, Type: alliance.Joined, Org: alliance.NATO, States: []string{state},
		Title: "hypothesis: " + state + " joins NATO", Source: alliance.Source{URL: "https://example.invalid/scenario", Title: "scenario"}}})
	day := at
	if joined.After(day) {
		day = joined
	}
	then = e.protection(h, state, day, fmt.Sprintf("hypothesis: %s joins NATO on %s", e.States.Name(state), joined))
	// Each agreement's own words on accession, as far as they say anything.
	kept := then.Commitments[:0:0]
	for _, c := range then.Commitments {
		if c.Kind == SecurityAgreement && c.AfterAccession == EndsOnAccession && !c.Since.After(joined) {
			then.Ended = append(then.Ended, c)
			continue
		}
		kept = append(kept, c)
	}
	then.Commitments = kept
	return now, then
}

// reading returns the engine's reading of an agreement's words on
// accession, not_stated with certainty none where there is none.
func (e *Engine) reading(partner string, signed alliance.Date) AccessionReading {
	for _, r := range e.OnAccession {
		if r.Partner == partner && r.Signed == signed {
			return r
		}
	}
	return AccessionReading{Partner: partner, Signed: signed, Effect: NotStatedOnAccession, Certainty: "none"}
}

func (e *Engine) protection(h alliance.History, state string, at alliance.Date, scenario string) Profile {
	snap := alliance.Replay(h, at)
	p := Profile{State: state, Name: e.States.Name(state), At: at, Scenario: scenario, Commitments: []Commitment{}, Owes: []Commitment{},
		NATOMember: snap.IsMember(alliance.NATO, state), EUMember: snap.IsMember(alliance.EU, state)}
	others := func(org alliance.Org) ([]string, alliance.Date) {
		var out []string
		var joined alliance.Date
		for _, m := range snap.Members(org, e.States) {
			if m.Code == state {
				joined = m.Joined
				continue
			}
			out = append(out, m.Code)
		}
		return out, joined
	}
	if p.NATOMember {
		partners, since := others(alliance.NATO)
		a := Articles["Art. 5"]
		p.Commitments = append(p.Commitments, Commitment{Kind: NATOArticle5, Name: "North Atlantic Treaty, Article 5",
			Partners: partners, Since: since, Clause: a.Clause,
			Owes:   "An armed attack on one Party is an attack on all; each Party will assist the Party attacked by such action as it deems necessary, including the use of armed force.",
			Limits: "Article 6: attacks on a Party's territory in Europe or North America, on Turkey, on islands in the North Atlantic north of the Tropic of Cancer, and on forces, vessels or aircraft there or in the Mediterranean or the North Atlantic area north of the Tropic (the Article 5 checker answers for a place).",
			Source: a.Source})
	}
	if p.EUMember && !at.Before(LisbonInForce) {
		partners, since := others(alliance.EU)
		if since.Before(LisbonInForce) {
			since = LisbonInForce
		}
		p.Commitments = append(p.Commitments, Commitment{Kind: EUArticle42_7, Name: "Treaty on European Union, Article 42(7)",
			Partners: partners, Since: since, Clause: article42_7.Clause,
			Owes:   "If a Member State is the victim of armed aggression on its territory, the others owe it aid and assistance by all the means in their power (Article 51 of the UN Charter).",
			Limits: "Its territory; the clause does not prejudice the specific security and defence policy of certain member states.",
			Source: article42_7.Source})
	}
	for _, r := range h.Until(at) {
		if r.Type != alliance.Agreement || r.Terms == nil || !slices.Contains(r.States, state) {
			continue
		}
		t := r.Terms
		c := Commitment{Kind: SecurityAgreement, Name: r.Title, Since: r.Date, Term: t.Term,
			Obligations: t.Obligations, ConsultWithinHours: t.ConsultWithinHours, OnAccession: t.OnAccession, Source: r.Source}
		rd := e.reading(t.Partner, r.Date)
		c.AfterAccession, c.Certainty, c.Basis = rd.Effect, rd.Certainty, rd.Basis
		if years, ok := termYears(t.Term); ok {
			c.Until = alliance.Date{Year: r.Date.Year + years, Month: r.Date.Month, Day: r.Date.Day}
			if !at.Before(c.Until) {
				continue // expired
			}
		}
		c.Owes = owes(t)
		if slices.Contains(supported(r), state) {
			c.Partners = guarantors(r)
			p.Commitments = append(p.Commitments, c)
		} else {
			c.Partners = supported(r)
			p.Owes = append(p.Owes, c)
		}
	}
	return p
}

// termYears reads a term such as "10 years".
func termYears(term string) (int, bool) {
	f := strings.Fields(term)
	if len(f) == 2 && strings.HasPrefix(f[1], "year") {
		if n, err := strconv.Atoi(f[0]); err == nil && n > 0 {
			return n, true
		}
	}
	return 0, false
}

var obligationWords = map[string]string{
	"consult_24h": "consultations within 24 hours of a future attack", "military_support": "military support",
	"financial_support": "financial support", "training": "training", "intelligence": "intelligence sharing",
	"defence_industry": "defence-industrial cooperation", "cyber": "cyber defence", "sanctions": "sanctions",
	"reconstruction": "reconstruction", "eu_nato_integration_support": "support for EU and NATO integration",
	"humanitarian": "humanitarian aid", "accountability": "accountability for war crimes",
}

// owes says in one sentence what an agreement commits to, from the
// obligations the dataset records for it.
func owes(t *alliance.Terms) string {
	var ws []string
	for _, o := range t.Obligations {
		if o == "consult_24h" && t.ConsultWithinHours > 0 {
			continue
		}
		ws = append(ws, obligationWords[o])
	}
	if t.ConsultWithinHours > 0 {
		ws = append([]string{fmt.Sprintf("consultations within %d hours of a future armed attack", t.ConsultWithinHours)}, ws...)
	}
	if len(ws) == 0 {
		return "No obligation is recorded in the dataset for this agreement."
	}
	return "Commits to " + strings.Join(ws, ", ") + "."
}
