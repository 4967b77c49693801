package rules

import (
	"fmt"
	"slices"
	"strings"

	"alliance"
	"alliance/geo"
)

// Target says what was attacked.
type Target string

// The targets of an attack that Article 6 distinguishes.
const (
	Territory Target = "territory" // the territory of a Party
	Forces    Target = "forces"    // forces, vessels or aircraft of a Party
)

// ParseTarget returns the target named s or an EINVALID error.
func ParseTarget(s string) (Target, error) {
	switch Target(s) {
	case Territory, Forces:
		return Target(s), nil
	}
	return "", alliance.Errorf(alliance.EINVALID, "unknown target %q: want territory or forces", s)
}

// The verdicts.
const (
	Covered    = "covered"
	NotCovered = "not_covered"
	Disputed   = "disputed"
)

// Dispute is a place or sea area where the application of Article 5 is
// disputed (data/rules/disputed.yaml).
type Dispute struct {
	Feature string   `json:"feature,omitempty"` // a border feature id, or
	Sea     string   `json:"sea,omitempty"`     // a sea area id
	Targets []string `json:"targets"`
	Clause  string   `json:"clause"`
	Reason  string   `json:"reason"`
	Source  alliance.Source
}

// Verdict is the answer to "does Article 5 cover this attack?".
type Verdict struct {
	Verdict    string `json:"verdict"`
	Clause     string `json:"clause"`
	ClauseText string `json:"clause_text"`
	// TextVersion says which wording of Article 6 was in force on the date
	// and decided the verdict.
	TextVersion string            `json:"text_version,omitempty"`
	Reason      string            `json:"reason"`
	Party       string            `json:"party"`
	PartyName   string            `json:"party_name"`
	Target      Target            `json:"target"`
	Date        alliance.Date     `json:"date"`
	Place       geo.Place         `json:"place"`
	Obligated   []string          `json:"obligated"`
	Sources     []alliance.Source `json:"sources"`
}

// Query is an attack to judge.
type Query struct {
	Place  geo.Place
	Date   alliance.Date
	Target Target
	Party  string // whose territory or forces; for territory, "" means the state that holds the place
}

// atlanticIslands are the border features that are islands in the North
// Atlantic area north of the Tropic of Cancer, for Art. 6(1)'s island clause.
var atlanticIslands = []string{"Azores", "Madeira", "Canary Islands", "Bermuda", "Faroe Islands", "Iceland", "Svalbard", "Jan Mayen"}

// Engine judges attacks against the history and the disputes.
type Engine struct {
	History  alliance.History
	States   alliance.States
	Disputes []Dispute
	// Names names states missing from States (country-coder's names); may be nil.
	Names func(code string) string
	// OnAccession reads security agreements' words on accession
	// (data/rules/on-accession.yaml); may be nil.
	OnAccession []AccessionReading
}

// name returns a state's name as a sentence uses it: "the United States".
func (e *Engine) name(code string) string {
	n := e.States.Name(code)
	if n == code && e.Names != nil {
		if m := e.Names(code); m != "" {
			n = m
		}
	}
	for _, p := range []string{"United ", "Netherlands", "Russian Federation", "Syrian Arab Republic", "Czech Republic", "German Democratic Republic", "Federal Republic", "Soviet Union"} {
		if strings.HasPrefix(n, p) {
			return "the " + n
		}
	}
	return n
}

// Article5 judges an attack by the wording of Article 6 in force on the
// attack's date: the 1949 text before 1952-02-18, the text as amended by the
// 1951 protocol after. It returns EINVALID for a query that cannot be
// judged (no party for forces; a territory target at sea beyond the
// territorial sea; a party that does not hold the place).
func (e *Engine) Article5(q Query) (Verdict, error) {
	p := q.Place
	v := Verdict{Party: q.Party, Target: q.Target, Date: q.Date, Place: p, Obligated: []string{}, Sources: []alliance.Source{}, TextVersion: Article6Version(q.Date)}
	where := e.describe(p)
	old := q.Date.Before(AmendedInForce) // the 1949 wording decides
	territoryClause, forcesClause := "Art. 6(1)", "Art. 6(2)"
	if old {
		territoryClause, forcesClause = article6of1949.Clause, article6of1949.Clause
	}
	text := func(clause string) Article {
		if strings.HasPrefix(clause, "Art. 6") {
			return Article6(strings.TrimSuffix(clause, " (1949)"), q.Date)
		}
		return Articles[clause]
	}
	switch q.Target {
	case Territory:
		if p.Kind == "sea" && !p.TerritorialSea {
			return v, alliance.Errorf(alliance.EINVALID, "%s is at sea beyond any territorial sea: there is no territory to attack there; for a ship or aircraft, ask about an attack on forces and name the Party whose forces they are", where)
		}
		if p.State == "" && p.Override != nil && p.Override.Occupation && !q.Date.Before(InForce) {
			v.Party, v.PartyName = q.Party, e.States.Name(q.Party)
			v.Clause = forcesClause
			v.ClauseText = text(forcesClause).Text
			v.Sources = append(v.Sources, text(forcesClause).Source, p.Override.Source)
			if p.Override.Declaration != "" && !q.Date.Before(p.Override.DeclarationFrom) {
				v.Verdict = Disputed
				v.Reason = fmt.Sprintf("%s was no Party's territory but an area where occupation forces of Parties were stationed: an attack on their forces there is covered (%s), and %s But the Treaty does not cover it as territory.", upperFirst(where), forcesClause, strings.TrimSuffix(lowerFirst(p.Override.Declaration), ".")+".")
				return v, nil
			}
			v.Verdict = NotCovered
			v.Reason = fmt.Sprintf("%s was no Party's territory, so Article 6 does not cover an attack on it as territory; occupation forces of Parties were stationed there, and an attack on them is covered (%s: ask with --target forces --party CODE).", upperFirst(where), forcesClause)
			return v, nil
		}
		if p.State == "" {
			return v, alliance.Errorf(alliance.EINVALID, "%s is not the territory of any state in the border data", where)
		}
		if q.Party == "" {
			v.Party = p.State
		} else if q.Party != p.State {
			return v, alliance.Errorf(alliance.EINVALID, "%s is the territory of %s, not of %s; for an attack on %s's forces there, ask about an attack on forces", where, e.name(p.State), e.name(q.Party), e.name(q.Party))
		}
	case Forces:
		if q.Party == "" {
			return v, alliance.Errorf(alliance.EINVALID, "an attack on forces needs the Party whose forces they are")
		}
	default:
		return v, alliance.Errorf(alliance.EINVALID, "unknown target %q: want territory or forces", q.Target)
	}
	v.PartyName = strings.TrimPrefix(e.name(v.Party), "the ")
	party := e.name(v.Party)
	set := func(verdict, clause, reason string, src ...alliance.Source) (Verdict, error) {
		v.Verdict, v.Clause, v.Reason = verdict, clause, reason
		a, ok := Articles[clause]
		if strings.HasPrefix(clause, "Art. 6") {
			a, ok = text(clause), true
		}
		v.ClauseText = a.Text
		if ok {
			v.Sources = append(v.Sources, a.Source)
		}
		v.Sources = append(v.Sources, src...)
		if p.Override != nil {
			v.Sources = append(v.Sources, p.Override.Source)
			if p.DeFacto != "" && p.Override.DeFactoSource != nil {
				v.Sources = append(v.Sources, *p.Override.DeFactoSource)
			}
		}
		return v, nil
	}
	if q.Date.Before(InForce) {
		return set(NotCovered, "Art. 11", fmt.Sprintf("The North Atlantic Treaty entered into force on %s; on %s there was no alliance to invoke.", InForce, q.Date))
	}
	snap := alliance.Replay(e.History, q.Date)
	if !snap.IsMember(alliance.NATO, v.Party) {
		return set(NotCovered, "Art. 5", fmt.Sprintf("%s was not a Party to the North Atlantic Treaty on %s%s, so Article 5 does not protect its %s.",
			upperFirst(party), q.Date, e.joinedNote(v.Party, q.Date), map[Target]string{Territory: "territory", Forces: "forces"}[q.Target]))
	}
	for _, m := range snap.Members(alliance.NATO, e.States) {
		v.Obligated = append(v.Obligated, m.Code)
	}
	covered := func(clause, reason string, src ...alliance.Source) (Verdict, error) {
		return set(Covered, clause, reason, src...)
	}
	notCovered := func(clause, reason string) (Verdict, error) {
		v.Obligated = []string{}
		return set(NotCovered, clause, reason)
	}

	// Disputes first: where commentators disagree, say so.
	for _, d := range e.Disputes {
		if !slices.Contains(d.Targets, string(q.Target)) {
			continue
		}
		onFeature := d.Feature != "" && d.Feature == p.Feature && (p.Kind == "land" || p.TerritorialSea)
		onSea := d.Sea != "" && p.Kind == "sea" && p.Sea != nil && p.Sea.ID == d.Sea && !e.qualifyingTerritory(snap, p, q.Date)
		if onFeature || onSea {
			v.Obligated = []string{}
			return set(Disputed, d.Clause, d.Reason, d.Source)
		}
	}

	// The territory itself.
	if q.Target == Territory {
		if clause, why, ok := e.territoryClause(p, q.Date); ok {
			return covered(territoryClause, fmt.Sprintf("An armed attack on %s is an attack on %s %s, which Article 6 brings within Article 5.", where, why, clause))
		}
		listed := "a Party's territory only in Europe or North America, the territory of Turkey" + algeriaNote(q.Date) + " and islands in the North Atlantic north of the Tropic of Cancer"
		if old {
			listed = "a Party's territory only in Europe or North America" + algeriaNote(q.Date) + " and islands in the North Atlantic north of the Tropic of Cancer (the 1949 wording, before Turkey was named)"
		}
		return notCovered(territoryClause, fmt.Sprintf("%s is %s territory in %s; Article 6 covers %s, so Article 5 does not apply.",
			upperFirst(where), possessive(party), continentName(p), listed))
	}

	// Forces, vessels or aircraft.
	if e.qualifyingTerritory(snap, p, q.Date) {
		_, why, _ := e.territoryClause(p, q.Date)
		if old {
			return covered(forcesClause, fmt.Sprintf("Forces, vessels or aircraft of %s at %s are on %s: an attack on them there is an armed attack on that territory, which the 1949 wording of Article 6 brings within Article 5.", party, where, why))
		}
		return covered(forcesClause, fmt.Sprintf("Forces, vessels or aircraft of %s at %s are in or over %s, which Article 6 brings within Article 5.", party, where, why))
	}
	if p.Override != nil && p.Override.Occupation && (p.Kind == "land" || p.TerritorialSea) {
		if old {
			return covered(forcesClause, fmt.Sprintf("Forces of %s at %s are occupation forces of a Party in Europe, which the 1949 wording of Article 6 (\"on the occupation forces of any Party in Europe\") brings within Article 5.", party, where))
		}
		return covered(forcesClause, fmt.Sprintf("Forces, vessels or aircraft of %s at %s are in an area in Europe where occupation forces of the Parties were stationed when the Treaty entered into force, which Article 6 brings within Article 5.", party, where))
	}
	if p.Kind == "sea" && p.Sea != nil {
		s := p.Sea
		atlantic := s.ID == "north_atlantic" || s.PartOf == "north_atlantic"
		switch {
		case s.ID == "mediterranean" && old:
			v.Obligated = []string{}
			return set(Disputed, forcesClause, fmt.Sprintf("On %s the 1949 wording of Article 6 covered vessels or aircraft of %s only \"in this area\", the North Atlantic area north of the Tropic of Cancer, which it does not define, and named no sea: the Mediterranean Sea was named only by the 1951 protocol, in force from %s. The US Senate Foreign Relations Committee read \"area\" as \"the general region, rather than merely the North Atlantic Ocean in a narrow sense\", and described the protocol as adding the forces, vessels and aircraft of the Parties \"in the Eastern Mediterranean\"; the text alone does not settle it.", q.Date, party, AmendedInForce), senateReport1952)
		case s.ID == "mediterranean":
			return covered(forcesClause, fmt.Sprintf("Forces, vessels or aircraft of %s in or over the Mediterranean Sea are covered by Article 6 wherever in that sea they are.", party))
		case atlantic && p.NorthOfTropic && old:
			return covered(forcesClause, fmt.Sprintf("Vessels or aircraft of %s in the %s, north of the Tropic of Cancer, are \"vessels or aircraft in this area\", the North Atlantic area that the 1949 wording of Article 6 names.", party, s.Name))
		case atlantic && p.NorthOfTropic:
			return covered(forcesClause, fmt.Sprintf("Forces, vessels or aircraft of %s in or over the %s, north of the Tropic of Cancer, are in the North Atlantic area that Article 6 names.", party, s.Name))
		case atlantic:
			return notCovered(forcesClause, fmt.Sprintf("Forces, vessels or aircraft of %s in the %s south of the Tropic of Cancer (%.2f°N) are outside the North Atlantic area that Article 6 names.", party, s.Name, geo.TropicOfCancer))
		}
	}
	if old {
		return notCovered(forcesClause, fmt.Sprintf("Forces, vessels or aircraft of %s at %s are neither on a Party's territory that Article 6 covers, nor occupation forces in Europe, nor vessels or aircraft in the North Atlantic area north of the Tropic of Cancer (the 1949 wording), so Article 5 does not apply.", party, where))
	}
	return notCovered(forcesClause, fmt.Sprintf("Forces, vessels or aircraft of %s at %s are neither in or over a Party's territory that Article 6 covers nor in the Mediterranean Sea or the North Atlantic area north of the Tropic of Cancer, so Article 5 does not apply.", party, where))
}

// territoryClause says whether the place is territory that Art. 6(1) names,
// and which part of the clause names it.
func (e *Engine) territoryClause(p geo.Place, d alliance.Date) (clause, why string, ok bool) {
	name := e.name(p.State)
	switch {
	case p.State == "TR" && !d.Before(AmendedInForce):
		return "(\"the territory of Turkey\")", "the territory of Turkey", true
	case p.State == "FR" && p.Override != nil && strings.HasPrefix(p.Override.Territory, "Algerian departments"):
		if d.Before(AmendedInForce) {
			return "(\"the Algerian departments of France\")", "the Algerian departments of France", true
		}
		return "(\"the Algerian Departments of France\")", "the Algerian departments of France", true
	case slices.Contains(atlanticIslands, p.Territory) || slices.Contains(atlanticIslands, e.States.Name(p.State)) && p.Territory == "":
		why := fmt.Sprintf("%s, an island state in the North Atlantic north of the Tropic of Cancer", name)
		if p.Territory != "" {
			why = fmt.Sprintf("the %s, islands under the jurisdiction of %s in the North Atlantic north of the Tropic of Cancer", p.Territory, name)
			if !strings.HasSuffix(p.Territory, "s") || p.Territory == "Svalbard" {
				why = fmt.Sprintf("%s, islands under the jurisdiction of %s in the North Atlantic north of the Tropic of Cancer", p.Territory, name)
			}
		}
		if d.Before(AmendedInForce) {
			return "(\"the islands under the jurisdiction of any Party in the North Atlantic area north of the Tropic of Cancer\")", why, p.NorthOfTropic
		}
		return "(\"the Islands under the jurisdiction of any of the Parties in the North Atlantic area north of the Tropic of Cancer\")", why, p.NorthOfTropic
	case p.InGroup("150"):
		return "(\"the territory of any of the Parties in Europe\")", fmt.Sprintf("the territory of %s in Europe", name), true
	case p.InGroup("021"):
		return "(\"the territory of any of the Parties in ... North America\")", fmt.Sprintf("the territory of %s in North America", name), true
	}
	return "", "", false
}

// qualifyingTerritory reports whether the place is land or territorial sea
// of a Party on the snapshot's date, of a kind that Art. 6(1) names.
func (e *Engine) qualifyingTerritory(snap *alliance.Snapshot, p geo.Place, d alliance.Date) bool {
	if p.State == "" || !(p.Kind == "land" || p.TerritorialSea) || !snap.IsMember(alliance.NATO, p.State) {
		return false
	}
	_, _, ok := e.territoryClause(p, d)
	return ok
}

// describe names the place in a few words a reader recognises.
func (e *Engine) describe(p geo.Place) string {
	var s string
	switch {
	case p.Name != "":
		s = p.Name
	default:
		s = fmt.Sprintf("%.4f, %.4f", p.Lat, p.Lon)
	}
	var parts []string
	state := ""
	if p.State != "" && (p.Kind == "land" || p.TerritorialSea) {
		state = strings.TrimPrefix(e.name(p.State), "the ")
	}
	if p.Territory != "" && p.Territory != state && p.Territory != p.Name {
		parts = append(parts, p.Territory)
	}
	if state != "" && state != p.Name && !strings.Contains(p.Territory, state) {
		parts = append(parts, state)
	}
	if p.Kind == "sea" {
		switch {
		case p.TerritorialSea:
			parts = append([]string{"in the territorial sea"}, parts...)
		case p.Sea != nil:
			parts = append(parts, "at sea in the "+p.Sea.Name)
		default:
			parts = append(parts, "at sea")
		}
	}
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	return s
}

func (e *Engine) joinedNote(code string, at alliance.Date) string {
	for _, r := range e.History.Records() {
		if r.Org == alliance.NATO && (r.Type == alliance.Joined || r.Type == alliance.TreatyInForce) && slices.Contains(r.States, code) {
			if r.Date.After(at) {
				return fmt.Sprintf(" (it joined on %s)", r.Date)
			}
		}
	}
	return ""
}

func continentName(p geo.Place) string {
	if p.Continent == "" {
		return "an unknown region"
	}
	return p.Continent
}

func algeriaNote(d alliance.Date) string {
	if d.Before(alliance.MustDate("1962-07-03")) {
		return ", the Algerian departments of France"
	}
	return ""
}

func possessive(name string) string {
	if strings.HasSuffix(name, "s") {
		return name + "'"
	}
	return name + "'s"
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
