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
)

// Orgs lists the organisations in a stable order.
var Orgs = []Org{NATO, EU}

// ParseOrg returns the organisation named s (case-insensitive) or an EINVALID error.
func ParseOrg(s string) (Org, error) {
	for _, o := range Orgs {
		if equalFold(string(o), s) {
			return o, nil
		}
	}
	return "", Errorf(EINVALID, "unknown organisation %q: want NATO or EU", s)
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
