// Package tidy turns the history into tidy tables for research, one row per
// observation, the same for the CLI's export and the API's: events,
// membership spells and ratification steps, as CSV rows or JSON values.
package tidy

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"alliance"
)

// Event is an event as exports and the API write it.
type Event struct {
	Seq       int64            `json:"seq"`
	Date      alliance.Date    `json:"date"`
	Type      string           `json:"type"`
	Org       string           `json:"org"`
	States    []string         `json:"states"`
	Candidate string           `json:"candidate,omitempty"`
	Step      string           `json:"step,omitempty"`
	Title     string           `json:"title"`
	Source    alliance.Source  `json:"source"`
	Note      string           `json:"note,omitempty"`
	Origin    string           `json:"origin"`
	Recorder  string           `json:"recorder,omitempty"` // who recorded a user's entry
	Signer    string           `json:"signer,omitempty"`   // the ed25519 key that signed it (base64)
	Recorded  string           `json:"recorded,omitempty"`
	Hash      string           `json:"hash,omitempty"`
	Terms     *alliance.Terms  `json:"terms,omitempty"`
	Stance    *alliance.Stance `json:"stance,omitempty"`
	Survey    *alliance.Survey `json:"survey,omitempty"`
}

// EventOf returns the record as an Event.
func EventOf(r *alliance.Record) Event {
	e := Event{Seq: r.Seq, Date: r.Date, Type: string(r.Type), Org: string(r.Org), States: r.States,
		Candidate: r.Candidate, Step: string(r.Step), Title: r.Title, Source: r.Source, Note: r.Note,
		Origin: string(r.Origin), Recorder: r.Recorder, Terms: r.Terms, Stance: r.Stance, Survey: r.Survey}
	if len(r.Signer) > 0 {
		e.Signer = base64.StdEncoding.EncodeToString(r.Signer)
	}
	if e.States == nil {
		e.States = []string{}
	}
	if !r.Recorded.IsZero() {
		e.Recorded = r.Recorded.UTC().Format("2006-01-02T15:04:05Z")
	}
	if len(r.Hash) > 0 {
		e.Hash = fmt.Sprintf("%x", r.Hash)
	}
	return e
}

// Events returns the records as Events.
func Events(recs []*alliance.Record) []Event {
	out := make([]Event, len(recs))
	for i, r := range recs {
		out[i] = EventOf(r)
	}
	return out
}

// Spell is one continuous membership of a state in an organisation.
type Spell struct {
	Org    alliance.Org  `json:"org"`
	Code   string        `json:"code"`
	Name   string        `json:"name"`
	COW    int           `json:"cow,omitempty"`
	Joined alliance.Date `json:"joined"`
	Left   alliance.Date `json:"left"` // the last day of membership; null while a member
}

// Spells returns every membership spell, NATO first, then by code.
func Spells(h alliance.History, states alliance.States) []Spell {
	var out []Spell
	open := map[string]int{} // org|code -> index in out
	for _, r := range h.Records() {
		for _, c := range r.States {
			k := string(r.Org) + "|" + c
			switch r.Type {
			case alliance.TreatyInForce, alliance.Joined:
				if _, ok := open[k]; !ok {
					st := states[c]
					open[k] = len(out)
					out = append(out, Spell{Org: r.Org, Code: c, Name: st.Name, COW: st.COW, Joined: r.Date})
				}
			case alliance.Withdrew:
				if i, ok := open[k]; ok {
					out[i].Left = r.Date
					delete(open, k)
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Org != out[j].Org {
			return out[i].Org > out[j].Org // NATO first
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// Ratification is one dated step of a member's ratification.
type Ratification struct {
	Org            alliance.Org  `json:"org"`
	Candidate      string        `json:"candidate"`
	Member         string        `json:"member"`
	Step           alliance.Step `json:"step"`
	Date           alliance.Date `json:"date"`
	ProtocolSigned alliance.Date `json:"protocol_signed"`
	Days           *int          `json:"days_after_protocol"`
	Seq            int64         `json:"seq"`
	SourceURL      string        `json:"source_url"`
}

// Ratifications returns every dated ratification step, in date order.
func Ratifications(h alliance.History) []Ratification {
	protocol := map[string]alliance.Date{}
	for _, r := range h.Records() {
		if r.Type == alliance.ProtocolSigned {
			for _, c := range r.States {
				protocol[string(r.Org)+"|"+c] = r.Date
			}
		}
	}
	out := []Ratification{}
	for _, r := range h.Records() {
		if r.Type != alliance.Ratification {
			continue
		}
		row := Ratification{Org: r.Org, Candidate: r.Candidate, Member: r.States[0], Step: r.Step, Date: r.Date, Seq: r.Seq, SourceURL: r.Source.URL}
		if p, ok := protocol[string(r.Org)+"|"+r.Candidate]; ok {
			row.ProtocolSigned = p
			d := r.Date.DaysSince(p)
			row.Days = &d
		}
		out = append(out, row)
	}
	return out
}

// Tables lists the table names.
var Tables = []string{"events", "memberships", "ratifications"}

// Table returns the named table as a CSV header and rows, and as a value to
// write as JSON. An unknown name is EINVALID.
func Table(h alliance.History, states alliance.States, name string) (header []string, rows [][]string, v any, err error) {
	switch name {
	case "events":
		header = []string{"seq", "date", "type", "org", "states", "candidate", "step", "title", "source_url", "source_title", "note", "origin", "recorded", "hash"}
		evs := Events(h.Records())
		for _, e := range evs {
			rows = append(rows, []string{strconv.FormatInt(e.Seq, 10), e.Date.String(), e.Type, e.Org, strings.Join(e.States, " "),
				e.Candidate, e.Step, e.Title, e.Source.URL, e.Source.Title, e.Note, e.Origin, e.Recorded, e.Hash})
		}
		return header, rows, evs, nil
	case "memberships":
		header = []string{"org", "code", "name", "cow", "joined", "left"}
		spells := Spells(h, states)
		for _, s := range spells {
			cow := ""
			if s.COW != 0 {
				cow = strconv.Itoa(s.COW)
			}
			rows = append(rows, []string{string(s.Org), s.Code, s.Name, cow, s.Joined.String(), s.Left.String()})
		}
		return header, rows, spells, nil
	case "ratifications":
		header = []string{"org", "candidate", "member", "step", "date", "protocol_signed", "days_after_protocol", "seq", "source_url"}
		rats := Ratifications(h)
		for _, r := range rats {
			days := ""
			if r.Days != nil {
				days = strconv.Itoa(*r.Days)
			}
			rows = append(rows, []string{string(r.Org), r.Candidate, r.Member, string(r.Step), r.Date.String(), r.ProtocolSigned.String(), days, strconv.FormatInt(r.Seq, 10), r.SourceURL})
		}
		return header, rows, rats, nil
	}
	return nil, nil, nil, alliance.Errorf(alliance.EINVALID, "unknown table %q: want events, memberships or ratifications", name)
}

// CSV encodes a header and rows as CSV.
func CSV(header []string, rows [][]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(header)
	w.WriteAll(rows) // writes to memory: no error but the caller's
	return b.Bytes()
}
