package dataset

import (
	"bytes"
	"io/fs"

	"go.yaml.in/yaml/v3"

	"alliance"
	"alliance/claims"
)

type claimYAML struct {
	ID    string `yaml:"id"`
	Quote string `yaml:"quote"`
	Query struct {
		Kind     string   `yaml:"kind"`
		State    string   `yaml:"state"`
		States   []string `yaml:"states"`
		Org      string   `yaml:"org"`
		Date     string   `yaml:"date"`
		With     string   `yaml:"with"`
		Type     string   `yaml:"type"`
		Contains string   `yaml:"contains"`
		Year     int      `yaml:"year"`
		From     string   `yaml:"from"`
		To       string   `yaml:"to"`
		Scope    string   `yaml:"scope"`
		Needs    string   `yaml:"needs"`
		// FieldworkFrom and FieldworkTo: when the sentence says a poll was conducted.
		FieldworkFrom string `yaml:"fieldwork_from"`
		FieldworkTo   string `yaml:"fieldwork_to"`
	} `yaml:"query"`
	Expect  claims.Expect `yaml:"expect"`
	Explain string        `yaml:"explain"`
}

// LoadClaims reads data/claims/kuleba-2023.yaml strictly: unknown fields,
// bad dates and unknown state codes are EINVALID with the line.
func LoadClaims(fsys fs.FS, states alliance.States) ([]claims.Claim, error) {
	const name = "claims/kuleba-2023.yaml"
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, alliance.Errorf(alliance.EINVALID, "read data/%s: %v", name, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var raw []claimYAML
	if err := dec.Decode(&raw); err != nil {
		return nil, alliance.Errorf(alliance.EINVALID, "data/%s: %v", name, err)
	}
	out := make([]claims.Claim, 0, len(raw))
	seen := map[string]bool{}
	for _, r := range raw {
		where := "data/" + name + ": claim " + r.ID
		if r.ID == "" || r.Quote == "" || r.Query.Kind == "" {
			return nil, alliance.Errorf(alliance.EINVALID, "%s: id, quote and query.kind are required", where)
		}
		if seen[r.ID] {
			return nil, alliance.Errorf(alliance.EINVALID, "%s: id given twice", where)
		}
		seen[r.ID] = true
		q := claims.Query{Kind: r.Query.Kind, State: r.Query.State, States: r.Query.States, Org: alliance.Org(r.Query.Org),
			With: r.Query.With, Type: r.Query.Type, Contains: r.Query.Contains, Year: r.Query.Year, Scope: r.Query.Scope, Needs: r.Query.Needs}
		for _, d := range []struct {
			s   string
			dst *alliance.Date
		}{{r.Query.Date, &q.Date}, {r.Query.From, &q.From}, {r.Query.To, &q.To}, {r.Query.FieldworkFrom, &q.FieldworkFrom}, {r.Query.FieldworkTo, &q.FieldworkTo}} {
			if d.s == "" {
				continue
			}
			v, err := alliance.ParseDate(d.s)
			if err != nil {
				return nil, alliance.Errorf(alliance.EINVALID, "%s: %s", where, alliance.ErrorMessage(err))
			}
			*d.dst = v
		}
		if q.FieldworkFrom.IsZero() != q.FieldworkTo.IsZero() || !q.FieldworkTo.IsZero() && q.FieldworkTo.Before(q.FieldworkFrom) {
			return nil, alliance.Errorf(alliance.EINVALID, "%s: query.fieldwork_from and fieldwork_to go together, from no later than to", where)
		}
		for _, c := range append(append([]string{}, r.Query.States...), r.Query.State, r.Query.With) {
			if _, ok := states[c]; c != "" && !ok {
				return nil, alliance.Errorf(alliance.EINVALID, "%s: unknown state code %q", where, c)
			}
		}
		out = append(out, claims.Claim{ID: r.ID, Quote: r.Quote, Query: q, Expect: r.Expect, Explain: r.Explain})
	}
	return out, nil
}
