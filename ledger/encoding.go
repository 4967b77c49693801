package ledger

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"alliance"
)

// Version is the newest version of the canonical encoding. Every version ever
// written stays decodable; testdata/ keeps golden files of each. Version 2
// adds an agreement's terms, version 3 a position's stance and a poll's
// survey, version 4 a retraction's target, version 5 (every field in one
// shape) the source's kind, the recorder and an ed25519 signature. Encode
// writes the oldest version that can hold the event, so the encoding of
// every earlier event is unchanged.
const Version = 5

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

// wireV2 is version 1 with the terms of an agreement. Embedding keeps the
// fields of version 1 first, in their order.
type wireV2 struct {
	wireV1
	Terms *alliance.Terms `json:"terms"`
}

// wireV3 is version 2 with a position's stance and a poll's survey.
type wireV3 struct {
	wireV1
	Terms  *alliance.Terms  `json:"terms,omitempty"`
	Stance *alliance.Stance `json:"stance,omitempty"`
	Survey *alliance.Survey `json:"survey,omitempty"`
}

// wireV4 is version 1 with the sequence number a retraction withdraws.
type wireV4 struct {
	wireV1
	Retracts int64 `json:"retracts"`
}

// wireV5 holds every field: version 4's and version 3's, the source's kind,
// who recorded the entry and its signature. Signer and Sig are standard
// base64; Sig signs the encoding of the same record with Sig empty.
type wireV5 struct {
	wireV1
	Terms    *alliance.Terms  `json:"terms,omitempty"`
	Stance   *alliance.Stance `json:"stance,omitempty"`
	Survey   *alliance.Survey `json:"survey,omitempty"`
	Retracts int64            `json:"retracts,omitempty"`
	Recorder string           `json:"recorder,omitempty"`
	Signer   string           `json:"signer,omitempty"`
	Sig      string           `json:"sig,omitempty"`
}

// needsV5 reports whether r has a field only version 5 holds.
func needsV5(r *alliance.Record) bool {
	return r.Source.Kind != "" || r.Recorder != "" || r.Signer != nil || r.Sig != nil
}

// Encode returns the canonical encoding of r (without its hash), in the
// oldest version that holds all of its fields.
func Encode(r *alliance.Record) []byte {
	w := wireV1{
		V:         1,
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
	var v any = w
	switch {
	case needsV5(r):
		w.V = 5
		v = wireV5{wireV1: w, Terms: r.Terms, Stance: r.Stance, Survey: r.Survey, Retracts: r.Retracts,
			Recorder: r.Recorder, Signer: b64(r.Signer), Sig: b64(r.Sig)}
	case r.Retracts != 0:
		w.V = 4
		v = wireV4{wireV1: w, Retracts: r.Retracts}
	case r.Stance != nil || r.Survey != nil:
		w.V = 3
		v = wireV3{wireV1: w, Terms: r.Terms, Stance: r.Stance, Survey: r.Survey}
	case r.Terms != nil:
		w.V = 2
		v = wireV2{wireV1: w, Terms: r.Terms}
	}
	b, err := json.Marshal(v)
	if err != nil {
		// Marshal of these structs of strings and numbers cannot fail.
		panic(fmt.Sprintf("encode record %d: %v", r.Seq, err))
	}
	return b
}

// Decode parses a canonical encoding. A body that does not parse, or that is
// not the canonical encoding of what it parses to, is ECORRUPT.
func Decode(body []byte) (*alliance.Record, error) {
	var ver struct {
		V int `json:"v"`
	}
	if err := json.Unmarshal(body, &ver); err != nil {
		return nil, alliance.Errorf(alliance.ECORRUPT, "entry does not decode: %v", err)
	}
	// Each version decodes into its own struct, so that a field a version
	// does not have is refused.
	var w wireV3
	var target any
	switch ver.V {
	case 1:
		target = &w.wireV1
	case 2:
		target = &wireV2{}
	case 3:
		target = &w
	case 4:
		target = &wireV4{}
	case 5:
		target = &wireV5{}
	default:
		return nil, alliance.Errorf(alliance.ECORRUPT, "entry has encoding version %d; this binary reads versions 1 to %d", ver.V, Version)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(target); err != nil {
		return nil, alliance.Errorf(alliance.ECORRUPT, "entry does not decode: %v", err)
	}
	var retracts int64
	var recorder string
	var signer, sig []byte
	switch t := target.(type) {
	case *wireV2:
		w.wireV1, w.Terms = t.wireV1, t.Terms
	case *wireV4:
		w.wireV1, retracts = t.wireV1, t.Retracts
	case *wireV5:
		w.wireV1, w.Terms, w.Stance, w.Survey, retracts, recorder = t.wireV1, t.Terms, t.Stance, t.Survey, t.Retracts, t.Recorder
		var err error
		if signer, err = unb64(t.Signer); err != nil {
			return nil, alliance.Errorf(alliance.ECORRUPT, "entry %d has a bad signer key: %v", t.Seq, err)
		}
		if sig, err = unb64(t.Sig); err != nil {
			return nil, alliance.Errorf(alliance.ECORRUPT, "entry %d has a bad signature encoding: %v", t.Seq, err)
		}
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
		Recorder: recorder,
		Signer:   signer,
		Sig:      sig,
		Event: alliance.Event{
			Date: d, Type: alliance.EventType(w.Type), Org: alliance.Org(w.Org),
			States: w.States, Candidate: w.Candidate, Step: alliance.Step(w.Step),
			Title: w.Title, Source: w.Source, Note: w.Note, Terms: w.Terms, Stance: w.Stance, Survey: w.Survey,
			Retracts: retracts,
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

func b64(b []byte) string {
	if b == nil {
		return ""
	}
	return base64.StdEncoding.EncodeToString(b)
}

func unb64(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	return base64.StdEncoding.Strict().DecodeString(s)
}
