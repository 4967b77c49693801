package rules

import (
	"fmt"
	"slices"
	"strings"

	"alliance"
)

// The decision rules.
const (
	RuleConsensus = "consensus" // North Atlantic Council: adopted unless a member objects
	RuleSilence   = "silence"   // consensus by silence procedure: adopted at the deadline unless silence is broken
	RuleUnanimity = "unanimity" // EU Council: no vote against; abstentions do not prevent adoption (Art. 238(4) TFEU)
	RuleQMV       = "qmv"       // EU Council qualified majority (Art. 16(4) TEU, Art. 238(3) TFEU)
)

// Ballot is how each member acts on a question: "yes", "no" or "abstain";
// a member missing from the map votes yes (or, under consensus, stays silent).
type Ballot map[string]string

// Stance is a member's latest sourced public position on a question.
type StanceOf struct {
	Code   string          `json:"code"`
	Stance string          `json:"stance"` // support, oppose, conditional or "" (none recorded)
	Date   alliance.Date   `json:"date"`
	Title  string          `json:"title,omitempty"`
	Source alliance.Source `json:"source,omitzero"`
}

// Decision is the outcome of a decision rule over the members on a date.
type Decision struct {
	Rule    string        `json:"rule"`
	Org     alliance.Org  `json:"org"`
	At      alliance.Date `json:"at"`
	Members int           `json:"members"`
	Adopted bool          `json:"adopted"`
	Reason  string        `json:"reason"`
	Yes     []string      `json:"yes"`
	No      []string      `json:"no"`
	Abstain []string      `json:"abstain"`
	// QMV only: the two thresholds and the blocking-minority rule.
	StatesShare     float64 `json:"states_share,omitempty"`
	PopulationShare float64 `json:"population_share,omitempty"`
	// VetoPlayers are the members who can block alone under consensus or
	// unanimity, with their recorded positions on the question, if any.
	VetoPlayers []StanceOf `json:"veto_players,omitempty"`
	// Recorded are the members whose vote came from their recorded position
	// on the question (an oppose is a no), not from the ballot's hypotheses.
	Recorded []string `json:"recorded,omitempty"`
	// Blocking are the members whose vote alone prevents adoption under
	// consensus or unanimity.
	Blocking []string `json:"blocking"`
}

// Decide applies rule to the members of org on date at. population (QMV
// only) gives each member's population. question names the question whose
// recorded positions count (e.g. invite_ukraine), "" for none: with a
// question, each member's latest recorded position decides its vote by
// default (an oppose is a no, so it breaks consensus), and the ballot's
// entries are hypotheses laid on top of them.
func (e *Engine) Decide(rule string, org alliance.Org, at alliance.Date, ballot Ballot, population map[string]int64, question string) (Decision, error) {
	snap := alliance.Replay(e.History, at)
	var members []string
	for _, m := range snap.Members(org, e.States) {
		members = append(members, m.Code)
	}
	d := Decision{Rule: rule, Org: org, At: at, Members: len(members), Yes: []string{}, No: []string{}, Abstain: []string{}, Blocking: []string{}}
	if question != "" {
		votes := Ballot{}
		for _, st := range e.stances(members, question, at) {
			if _, hypothesis := ballot[st.Code]; st.Stance == "oppose" && !hypothesis {
				votes[st.Code] = "no"
				d.Recorded = append(d.Recorded, st.Code)
			}
		}
		for k, v := range ballot {
			votes[k] = v
		}
		ballot = votes
	}
	if len(members) == 0 {
		return d, alliance.Errorf(alliance.EINVALID, "%s had no members on %s", org, at)
	}
	for code, v := range ballot {
		if !slices.Contains(members, code) {
			return d, alliance.Errorf(alliance.EINVALID, "%s is not a member of %s on %s and has no vote", e.States.Name(code), org, at)
		}
		if v != "yes" && v != "no" && v != "abstain" {
			return d, alliance.Errorf(alliance.EINVALID, "vote %q for %s: want yes, no or abstain", v, code)
		}
	}
	for _, m := range members {
		switch ballot[m] {
		case "no":
			d.No = append(d.No, m)
		case "abstain":
			d.Abstain = append(d.Abstain, m)
		default:
			d.Yes = append(d.Yes, m)
		}
	}
	switch rule {
	case RuleConsensus, RuleSilence:
		if org != alliance.NATO {
			return d, alliance.Errorf(alliance.EINVALID, "%s is the North Atlantic Council's rule; for the EU use unanimity or qmv", rule)
		}
		objectors := append(slices.Clone(d.No), d.Abstain...)
		slices.Sort(objectors)
		d.Adopted = len(objectors) == 0
		d.Blocking = append(d.Blocking, objectors...)
		switch {
		case d.Adopted && rule == RuleSilence:
			d.Reason = fmt.Sprintf("No member broke silence before the deadline: the text is adopted by consensus of all %d Allies.", len(members))
		case d.Adopted:
			d.Reason = fmt.Sprintf("No member objected: the decision is taken by consensus of all %d Allies.", len(members))
		case rule == RuleSilence:
			d.Reason = fmt.Sprintf("%s broke silence, so the text is not adopted at the deadline; under consensus one member is enough.", e.list(objectors))
		default:
			d.Reason = fmt.Sprintf("%s objected%s; consensus needs every Ally, so one objection is enough to block.", e.list(objectors), e.recordedNote(d.Recorded, objectors, question))
		}
		d.VetoPlayers = e.stances(members, question, at)
	case RuleUnanimity:
		if org != alliance.EU {
			return d, alliance.Errorf(alliance.EINVALID, "unanimity is the EU Council's rule; for NATO use consensus or silence")
		}
		d.Adopted = len(d.No) == 0
		d.Blocking = append(d.Blocking, d.No...)
		if d.Adopted {
			d.Reason = fmt.Sprintf("No member voted against (%d abstained, which does not prevent unanimity under Art. 238(4) TFEU).", len(d.Abstain))
		} else {
			d.Reason = fmt.Sprintf("%s voted against%s; unanimity fails with a single vote against.", e.list(d.No), e.recordedNote(d.Recorded, d.No, question))
		}
		d.VetoPlayers = e.stances(members, question, at)
	case RuleQMV:
		if org != alliance.EU {
			return d, alliance.Errorf(alliance.EINVALID, "qmv is the EU Council's rule")
		}
		var total, yesPop int64
		for _, m := range members {
			p, ok := population[m]
			if !ok {
				return d, alliance.Errorf(alliance.EINVALID, "no population figure for %s: qmv needs every member's", e.States.Name(m))
			}
			total += p
			if ballot[m] != "no" && ballot[m] != "abstain" {
				yesPop += p
			}
		}
		d.StatesShare = float64(len(d.Yes)) / float64(len(members))
		d.PopulationShare = float64(yesPop) / float64(total)
		notYes := len(d.No) + len(d.Abstain)
		statesOK := d.StatesShare >= 0.55
		popOK := d.PopulationShare >= 0.65
		switch {
		case statesOK && popOK:
			d.Adopted = true
			d.Reason = fmt.Sprintf("%d of %d members (%.1f%%, at least 55%% needed) representing %.1f%% of the population (at least 65%% needed) voted yes.", len(d.Yes), len(members), 100*d.StatesShare, 100*d.PopulationShare)
		case statesOK && notYes < 4:
			d.Adopted = true
			d.Reason = fmt.Sprintf("Only %.1f%% of the population voted yes, but a blocking minority must include at least four members and only %d did not vote yes, so the qualified majority is deemed attained (Art. 16(4) TEU).", 100*d.PopulationShare, notYes)
		case !statesOK:
			d.Reason = fmt.Sprintf("Only %d of %d members (%.1f%%) voted yes; a qualified majority needs at least 55%% of the members.", len(d.Yes), len(members), 100*d.StatesShare)
		default:
			d.Reason = fmt.Sprintf("The yes side represents %.1f%% of the population, short of 65%%, and the %d members not voting yes form a blocking minority (at least four members, more than 35%% of the population).", 100*d.PopulationShare, notYes)
		}
	default:
		return d, alliance.Errorf(alliance.EINVALID, "unknown rule %q: want consensus, silence, unanimity or qmv", rule)
	}
	return d, nil
}

// recordedNote says which of the objections came from recorded positions.
func (e *Engine) recordedNote(recorded, objectors []string, question string) string {
	switch {
	case len(recorded) == 0:
		return ""
	case len(recorded) == len(objectors):
		return " by their recorded positions on " + question
	}
	return fmt.Sprintf(" (%s by the recorded position%s on %s, the others as a hypothesis)", e.list(recorded), map[bool]string{true: "", false: "s"}[len(recorded) == 1], question)
}

// stances lists every member with its latest recorded position on question.
func (e *Engine) stances(members []string, question string, at alliance.Date) []StanceOf {
	out := make([]StanceOf, len(members))
	for i, m := range members {
		out[i] = StanceOf{Code: m}
	}
	if question == "" {
		return out
	}
	for _, r := range e.History.Until(at) {
		if r.Type != alliance.Position || r.Stance == nil || r.Stance.Question != question {
			continue
		}
		for i := range out {
			if slices.Contains(r.States, out[i].Code) {
				out[i] = StanceOf{Code: out[i].Code, Stance: r.Stance.Stance, Date: r.Date, Title: r.Title, Source: r.Source}
			}
		}
	}
	return out
}

func (e *Engine) list(codes []string) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = e.name(c)
	}
	if len(names) == 1 {
		return upperFirst(names[0])
	}
	return upperFirst(strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1])
}
