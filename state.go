package alliance

import (
	"sort"
	"strings"
)

// State is a sovereign state as the dataset names it.
type State struct {
	Code string `json:"code"` // ISO 3166-1 alpha-2 (or a withdrawn code such as DD)
	Name string `json:"name"`
	COW  int    `json:"cow,omitempty"` // Correlates of War state number; 0 when unsourced
}

// States is the registry of every state code the dataset may use.
type States map[string]State

// Lookup returns the state with the given code, or an ENOTFOUND error.
func (s States) Lookup(code string) (State, error) {
	if st, ok := s[code]; ok {
		return st, nil
	}
	return State{}, Errorf(ENOTFOUND, "unknown state code %q: want an ISO 3166-1 alpha-2 code such as SE", code)
}

// Normalize reads a state code as a person types it ("se", " SE ", and UK
// for the ISO code GB) and reports whether the registry knows it.
func (s States) Normalize(code string) (string, bool) {
	c := strings.ToUpper(strings.TrimSpace(code))
	if c == "UK" {
		c = "GB" // the common name for the ISO code
	}
	_, ok := s[c]
	return c, ok
}

// Name returns the state's name, or the code itself when it is unknown.
func (s States) Name(code string) string {
	if st, ok := s[code]; ok {
		return st.Name
	}
	return code
}

// Sorted returns the states sorted by code.
func (s States) Sorted() []State {
	out := make([]State, 0, len(s))
	for _, st := range s {
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}
