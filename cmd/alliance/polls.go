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
	org, err := alliance.ParseOrg(*orgS)
	if err != nil {
		return err
	}
	w, code, err := a.openFor(ctx, f, pos, "alliance polls UA")
	if err != nil {
		return err
	}
	defer w.Close()
	typ := alliance.Poll
	recs := w.history.Filter(alliance.Filter{Org: &org, State: &code, Type: &typ})
	if *svgS != "" {
		svg := chart.Polls(recs, fmt.Sprintf("Support in %s for joining %s, by pollster", w.states.Name(code), org))
		if err := os.WriteFile(*svgS, svg, 0o644); err != nil {
			return alliance.Errorf(alliance.EINVALID, "cannot write %s: %v", *svgS, err)
		}
	}
	if *f.json {
		return a.printJSON(tidy.Events(recs))
	}
	for _, r := range recs {
		s := r.Survey
		fmt.Fprintf(a.Stdout, "%s  %5.1f%%  %s\n", chart.PollDate(r), s.Share, s.Pollster)
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
