// Package alliance is the vocabulary of the alliance model: dates, states,
// organisations, events, the errors every layer returns, and the narrow
// storage interface the ledger is written against. It imports only the
// standard library; engines, stores and interfaces live in subpackages.
package alliance

// Org names an organisation whose membership the model tracks.
type Org string

// The organisations of the model.
const (
	NATO Org = "NATO"
	EU   Org = "EU"
	// JDS is the framework of the G7 Joint Declaration of Support for Ukraine
	// (12 July 2023) and the bilateral security agreements made under it. It
	// has no members; its events are agreements with their terms.
	JDS Org = "JDS"
)

// Orgs lists the organisations with members, in a stable order.
var Orgs = []Org{NATO, EU}

// EventOrgs lists every organisation an event may belong to.
var EventOrgs = []Org{NATO, EU, JDS}

// ParseOrg returns the membership organisation named s (case-insensitive)
// or an EINVALID error.
func ParseOrg(s string) (Org, error) {
	for _, o := range Orgs {
		if equalFold(string(o), s) {
			return o, nil
		}
	}
	return "", Errorf(EINVALID, "unknown organisation %q: want NATO or EU", s)
}

// ParseEventOrg returns the organisation of an event named s or an EINVALID error.
func ParseEventOrg(s string) (Org, error) {
	for _, o := range EventOrgs {
		if string(o) == s {
			return o, nil
		}
	}
	return "", Errorf(EINVALID, "unknown organisation %q: want NATO, EU or JDS", s)
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		ca, cb := a[i], b[i]
		if 'a' <= ca && ca <= 'z' {
			ca -= 'a' - 'A'
		}
		if 'a' <= cb && cb <= 'z' {
			cb -= 'a' - 'A'
		}
		if ca != cb {
			return false
		}
	}
	return true
}
