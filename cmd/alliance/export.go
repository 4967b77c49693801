package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"alliance"
)

func (a *App) export(ctx context.Context, args []string) error {
	f := newFlags(a, "export", "events|memberships|ratifications [--format csv|json]",
		"Writes a tidy table to standard output, one row per observation:\n"+
			"  events         every event with its source, origin, sequence number and hash\n"+
			"  memberships    one row per membership spell (org, state, ISO and COW codes, joined, left)\n"+
			"  ratifications  one row per dated ratification step, with days after protocol signature")
	format := f.String("format", "csv", "csv or json")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return alliance.Errorf(alliance.EINVALID, "export needs a table: events, memberships or ratifications")
	}
	if *format != "csv" && *format != "json" {
		return alliance.Errorf(alliance.EINVALID, "--format %q: want csv or json", *format)
	}
	w, err := a.open(ctx, *f.db, true)
	if err != nil {
		return err
	}
	defer w.Close()
	var header []string
	var rows [][]string
	var jsonRows any
	switch pos[0] {
	case "events":
		header = []string{"seq", "date", "type", "org", "states", "candidate", "step", "title", "source_url", "source_title", "note", "origin", "recorded", "hash"}
		evs := make([]eventJSON, 0, w.history.Len())
		for _, r := range w.history.Records() {
			e := toEventJSON(r)
			evs = append(evs, e)
			rows = append(rows, []string{strconv.FormatInt(e.Seq, 10), e.Date.String(), e.Type, e.Org, strings.Join(e.States, " "),
				e.Candidate, e.Step, e.Title, e.Source.URL, e.Source.Title, e.Note, e.Origin, e.Recorded, e.Hash})
		}
		jsonRows = evs
	case "memberships":
		header = []string{"org", "code", "name", "cow", "joined", "left"}
		spells := membershipSpells(w.history, w.states)
		for _, s := range spells {
			rows = append(rows, []string{string(s.Org), s.Code, s.Name, cowString(s.COW), s.Joined.String(), s.Left.String()})
		}
		jsonRows = spells
	case "ratifications":
		header = []string{"org", "candidate", "member", "step", "date", "protocol_signed", "days_after_protocol", "seq", "source_url"}
		rats := ratificationRows(w.history)
		for _, r := range rats {
			days := ""
			if r.Days != nil {
				days = strconv.Itoa(*r.Days)
			}
			rows = append(rows, []string{string(r.Org), r.Candidate, r.Member, string(r.Step), r.Date.String(), r.ProtocolSigned.String(), days, strconv.FormatInt(r.Seq, 10), r.SourceURL})
		}
		jsonRows = rats
	default:
		return alliance.Errorf(alliance.EINVALID, "unknown table %q: want events, memberships or ratifications", pos[0])
	}
	if *format == "json" {
		return a.printJSON(jsonRows)
	}
	cw := csv.NewWriter(a.Stdout)
	cw.Write(header)
	cw.WriteAll(rows)
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

func cowString(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// spell is one continuous membership of a state in an organisation.
type spell struct {
	Org    alliance.Org  `json:"org"`
	Code   string        `json:"code"`
	Name   string        `json:"name"`
	COW    int           `json:"cow,omitempty"`
	Joined alliance.Date `json:"joined"`
	Left   alliance.Date `json:"left"`
}

func membershipSpells(h alliance.History, states alliance.States) []spell {
	var out []spell
	open := map[string]int{} // org|code -> index in out
	for _, r := range h.Records() {
		for _, c := range r.States {
			k := string(r.Org) + "|" + c
			switch r.Type {
			case alliance.TreatyInForce, alliance.Joined:
				if _, ok := open[k]; !ok {
					st := states[c]
					open[k] = len(out)
					out = append(out, spell{Org: r.Org, Code: c, Name: st.Name, COW: st.COW, Joined: r.Date})
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

// ratRow is one dated step of a member's ratification.
type ratRow struct {
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

func ratificationRows(h alliance.History) []ratRow {
	protocol := map[string]alliance.Date{}
	for _, r := range h.Records() {
		if r.Type == alliance.ProtocolSigned {
			for _, c := range r.States {
				protocol[string(r.Org)+"|"+c] = r.Date
			}
		}
	}
	var out []ratRow
	for _, r := range h.Records() {
		if r.Type != alliance.Ratification {
			continue
		}
		row := ratRow{Org: r.Org, Candidate: r.Candidate, Member: r.States[0], Step: r.Step, Date: r.Date, Seq: r.Seq, SourceURL: r.Source.URL}
		if p, ok := protocol[string(r.Org)+"|"+r.Candidate]; ok {
			row.ProtocolSigned = p
			d := r.Date.DaysSince(p)
			row.Days = &d
		}
		out = append(out, row)
	}
	return out
}
