package ledger

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	"alliance"
)

// Version is the version of the canonical encoding written by Encode. Every
// version ever written stays decodable; testdata/ keeps a golden file of each.
const Version = 1

// wireV1 fixes the field order of encoding version 1. encoding/json writes
// struct fields in declaration order, so the encoding of a value is unique.
type wireV1 struct {
	V         int             `json:"v"`
	Seq       int64           `json:"seq"`
	Recorded  string          `json:"recorded"`
	Origin    string          `json:"origin"`
	Date      string          `json:"date"`
	Type      string          `json:"type"`
	Org       string          `json:"org"`
	States    []string        `json:"states"`
	Candidate string          `json:"candidate,omitempty"`
	Step      string          `json:"step,omitempty"`
	Title     string          `json:"title"`
	Source    alliance.Source `json:"source"`
	Note      string          `json:"note,omitempty"`
}

// Encode returns the canonical encoding of r (without its hash).
func Encode(r *alliance.Record) []byte {
	w := wireV1{
		V:         Version,
		Seq:       r.Seq,
		Recorded:  r.Recorded.UTC().Format(time.RFC3339Nano),
		Origin:    string(r.Origin),
		Date:      r.Date.String(),
		Type:      string(r.Type),
		Org:       string(r.Org),
		States:    r.States,
		Candidate: r.Candidate,
		Step:      string(r.Step),
		Title:     r.Title,
		Source:    r.Source,
		Note:      r.Note,
	}
	b, err := json.Marshal(w)
	if err != nil {
		// Marshal of this struct of strings cannot fail.
		panic(fmt.Sprintf("encode record %d: %v", r.Seq, err))
	}
	return b
}

// Decode parses a canonical encoding. A body that does not parse, or that is
// not the canonical encoding of what it parses to, is ECORRUPT.
func Decode(body []byte) (*alliance.Record, error) {
	var w wireV1
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return nil, alliance.Errorf(alliance.ECORRUPT, "entry does not decode: %v", err)
	}
	if w.V != Version {
		return nil, alliance.Errorf(alliance.ECORRUPT, "entry has encoding version %d; this binary reads version %d", w.V, Version)
	}
	rec, err := time.Parse(time.RFC3339Nano, w.Recorded)
	if err != nil {
		return nil, alliance.Errorf(alliance.ECORRUPT, "entry has a bad recording time %q", w.Recorded)
	}
	d, err := alliance.ParseDate(w.Date)
	if err != nil {
		return nil, alliance.Errorf(alliance.ECORRUPT, "entry has a bad date %q", w.Date)
	}
	r := &alliance.Record{
		Seq:      w.Seq,
		Recorded: rec,
		Origin:   alliance.Origin(w.Origin),
		Event: alliance.Event{
			Date: d, Type: alliance.EventType(w.Type), Org: alliance.Org(w.Org),
			States: w.States, Candidate: w.Candidate, Step: alliance.Step(w.Step),
			Title: w.Title, Source: w.Source, Note: w.Note,
		},
	}
	if !bytes.Equal(Encode(r), body) {
		return nil, alliance.Errorf(alliance.ECORRUPT, "entry %d is not in canonical form", w.Seq)
	}
	return r, nil
}

// Chain returns SHA-256(prev || body): the hash that links an entry to the one
// before it. The first entry's prev is nil.
func Chain(prev, body []byte) []byte {
	h := sha256.New()
	h.Write(prev)
	h.Write(body)
	return h.Sum(nil)
}
