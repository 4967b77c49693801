package chart

import (
	"fmt"
	"sort"
	"strings"

	"alliance"
	"alliance/accession"
	"alliance/forecast"
)

// MAP draws days to join NATO per accession, coloured by whether the
// candidate went through the Membership Action Plan.
func MAP(paths []accession.MAPPath) []byte {
	var bars []Bar
	for _, p := range paths {
		if p.Days == nil {
			continue
		}
		g, from := "without a MAP (from application)", "application"
		if p.WithMAP {
			g, from = "with a MAP (from MAP entry)", "MAP entry"
		}
		bars = append(bars, Bar{Label: fmt.Sprintf("%s %d", p.Name, p.Joined.Year), Value: float64(*p.Days), Group: g,
			Note: fmt.Sprintf("%s: %d days from %s (%s) to joining (%s)", p.Name, *p.Days, from, p.Start, p.Joined)})
	}
	return Bars("Days to join NATO, with and without a Membership Action Plan", "Each bar is an accession with a dated MAP entry or application.", "days to joining", bars)
}

// Forecast draws the distribution of a forecast's joining date by month
// (by quarter past ten years) with its p10, median and p90.
func Forecast(res *forecast.Result, name string) []byte {
	h := res.JoinedDays
	first, last := -1, -1
	for d, v := range h {
		if v > 0 {
			if first < 0 {
				first = d
			}
			last = d
		}
	}
	if first < 0 {
		return Histogram("No forecast", "", "share of runs", nil, nil)
	}
	dFirst, dLast := res.AsOf.AddDays(first), res.AsOf.AddDays(last)
	months := (dLast.Year-dFirst.Year)*12 + int(dLast.Month-dFirst.Month) + 1
	per := 1
	if months > 120 {
		per = 3
	}
	key := func(d alliance.Date) int { return ((d.Year-dFirst.Year)*12 + int(d.Month-dFirst.Month)) / per }
	bins := make([]Bin, key(dLast)+1)
	for i := range bins {
		m := int(dFirst.Month) - 1 + i*per
		bins[i].Label = fmt.Sprintf("%d-%02d", dFirst.Year+m/12, m%12+1)
	}
	for d := first; d <= last; d++ {
		bins[key(res.AsOf.AddDays(d))].Value += float64(h[d]) / float64(res.Runs)
	}
	p := res.Milestones[forecast.MJoined]
	at := func(d alliance.Date) float64 { return float64(key(d)) + float64(d.Day-1)/31/float64(per) }
	title := fmt.Sprintf("When could %s join NATO? Forecast of the joining date", name)
	desc := fmt.Sprintf("%d simulated accessions as of %s: p10 %s, median %s, p90 %s.", res.Runs, res.AsOf, p.P10, p.P50, p.P90)
	return Histogram(title, desc, "share of runs", bins, []Marker{
		{Label: "p10 " + p.P10.String(), At: at(p.P10)}, {Label: "median " + p.P50.String(), At: at(p.P50)}, {Label: "p90 " + p.P90.String(), At: at(p.P90)},
	})
}

// Pollster gives the short name of the organisation that published a poll
// ("International Republican Institute (IRI), fieldwork by Rating" is IRI),
// so that one pollster's polls form one line.
func Pollster(s string) string {
	if i := strings.Index(s, ","); i > 0 {
		s = s[:i]
	}
	for _, k := range []struct{ has, name string }{
		{"IRI", "IRI"}, {"International Republican", "IRI"}, {"KIIS", "KIIS"}, {"Kyiv International", "KIIS"},
		{"Razumkov", "DIF / Razumkov"}, {"DIF", "DIF / Razumkov"}, {"Democratic Initiatives", "DIF / Razumkov"},
		{"SOCIS", "SOCIS"}, {"Rating", "Rating"}, {"Gorshenin", "Gorshenin Institute"}, {"eupinions", "eupinions"},
	} {
		if strings.Contains(s, k.has) {
			return k.name
		}
	}
	return s
}

// PollDate is the last day of a poll's fieldwork where known, else the
// day it was published.
func PollDate(r *alliance.Record) alliance.Date {
	if r.Survey != nil && !r.Survey.FieldworkTo.IsZero() {
		return r.Survey.FieldworkTo
	}
	return r.Date
}

// Polls draws poll records over time, one line per pollster.
func Polls(recs []*alliance.Record, title string) []byte {
	by := map[string]*Series{}
	var names []string
	for _, r := range recs {
		if r.Survey == nil {
			continue
		}
		name := Pollster(r.Survey.Pollster)
		s := by[name]
		if s == nil {
			s = &Series{Name: name}
			by[name] = s
			names = append(names, name)
		}
		d := PollDate(r)
		s.Points = append(s.Points, Point{Date: d, Value: r.Survey.Share,
			Label: fmt.Sprintf("%s, %s: %g%% — %s", name, d, r.Survey.Share, r.Survey.Question)})
	}
	sort.Strings(names)
	series := make([]Series, 0, len(names))
	for _, n := range names {
		series = append(series, *by[n])
	}
	return TimeSeries(title, fmt.Sprintf("%d polls from the alliance dataset; each point's question is in its tooltip.", len(recs)), "% in favour", series, 100)
}
