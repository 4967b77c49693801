package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	"alliance"
	"alliance/chart"
	"alliance/tidy"
)

func (a *App) polls(ctx context.Context, args []string) error {
	f := newFlags(a, "polls", "CODE [--org NATO|EU] [--json] [--svg FILE]",
		"Lists the polls in the dataset on a state's public support (for NATO membership by default),\n"+
			"each with pollster, fieldwork, question, share and source; --svg draws them over time, one\n"+
			"line per pollster. Questions differ between pollsters: read them before comparing lines.\n"+
			"Example: alliance polls UA --svg ua-polls.svg").withJSON()
	orgS := f.String("org", "NATO", "NATO or EU")
	svgS := f.String("svg", "", "write a chart to this SVG file")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return alliance.Errorf(alliance.EINVALID, "polls needs one state code, e.g. `alliance polls UA`")
	}
	org, err := alliance.ParseOrg(*orgS)
	if err != nil {
		return err
	}
	w, err := a.open(ctx, *f.db, true)
	if err != nil {
		return err
	}
	defer w.Close()
	code, err := stateCode(w.states, pos[0])
	if err != nil {
		return err
	}
	typ := alliance.Poll
	recs := w.history.Filter(alliance.Filter{Org: &org, State: &code, Type: &typ})
	if *svgS != "" {
		byPollster := map[string]*chart.Series{}
		var names []string
		for _, r := range recs {
			name := pollsterName(r.Survey.Pollster)
			s := byPollster[name]
			if s == nil {
				s = &chart.Series{Name: name}
				byPollster[name] = s
				names = append(names, name)
			}
			s.Points = append(s.Points, chart.Point{Date: pollDate(r), Value: r.Survey.Share,
				Label: fmt.Sprintf("%s, %s: %g%% — %s", name, pollDate(r), r.Survey.Share, r.Survey.Question)})
		}
		sort.Strings(names)
		var series []chart.Series
		for _, n := range names {
			series = append(series, *byPollster[n])
		}
		title := fmt.Sprintf("Support in %s for joining %s, by pollster", w.states.Name(code), org)
		svg := chart.TimeSeries(title, fmt.Sprintf("%d polls from the alliance dataset; each point's question is in its tooltip.", len(recs)), "% in favour", series, 100)
		if err := os.WriteFile(*svgS, svg, 0o644); err != nil {
			return alliance.Errorf(alliance.EINVALID, "cannot write %s: %v", *svgS, err)
		}
	}
	if *f.json {
		return a.printJSON(tidy.Events(recs))
	}
	for _, r := range recs {
		s := r.Survey
		fmt.Fprintf(a.Stdout, "%s  %5.1f%%  %s\n", pollDate(r), s.Share, s.Pollster)
		fmt.Fprintf(a.Stdout, "          %q — %s", s.Question, s.Population)
		if s.Sample > 0 {
			fmt.Fprintf(a.Stdout, ", n=%d", s.Sample)
		}
		fmt.Fprintln(a.Stdout)
		if len(s.Regions) > 0 {
			var rs []string
			for k, v := range s.Regions {
				rs = append(rs, fmt.Sprintf("%s %g%%", k, v))
			}
			sort.Strings(rs)
			fmt.Fprintf(a.Stdout, "          by region: %s\n", strings.Join(rs, ", "))
		}
		fmt.Fprintf(a.Stdout, "          source: %s\n", r.Source.URL)
	}
	fmt.Fprintf(a.Stdout, "%d polls\n", len(recs))
	if *svgS != "" {
		fmt.Fprintf(a.Stdout, "Chart written to %s\n", *svgS)
	}
	return nil
}

// pollDate is the last day of fieldwork where known, else the publication date.
func pollDate(r *alliance.Record) alliance.Date {
	if !r.Survey.FieldworkTo.IsZero() {
		return r.Survey.FieldworkTo
	}
	return r.Date
}

// pollsterName gives the short name of the organisation that published a
// poll ("International Republican Institute (IRI), fieldwork by Rating" is
// IRI), so that one pollster's polls form one line.
func pollsterName(s string) string {
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
