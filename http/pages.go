package http

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	nethttp "net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"alliance"
	"alliance/accession"
	"alliance/chart"
	"alliance/forecast"
	"alliance/tidy"
)

//go:embed html/*.html
var htmlFS embed.FS

//go:embed assets
var assetsFS embed.FS

var funcs = template.FuncMap{
	"pct":   func(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) },
	"join":  strings.Join,
	"upper": strings.ToUpper,
	"deref": func(p *int) string {
		if p == nil {
			return "—"
		}
		return fmt.Sprint(*p)
	},
	"date": func(d alliance.Date) string {
		if d.IsZero() {
			return "—"
		}
		return d.String()
	},
	"verdictClass": func(v string) string { return strings.ReplaceAll(v, "_", "-") },
	"human":        func(s any) string { return strings.ReplaceAll(fmt.Sprint(s), "_", " ") },
	"get":          func(v url.Values, k string) string { return v.Get(k) },
	"thousands":    thousands,
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// parsePages parses each page with the layout. Templates are part of the
// binary: a parse error is a build error.
func parsePages() map[string]*template.Template {
	out := map[string]*template.Template{}
	names, _ := fs.Glob(htmlFS, "html/*.html")
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "html/"), ".html")
		if base == "layout" {
			continue
		}
		out[base] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(htmlFS, "html/layout.html", n))
	}
	return out
}

// page is what every page template receives.
type page struct {
	Title   string
	Nav     string
	Version string
	Head    string // the ledger's head hash, whole, for witnesses
	Entries int64
	Data    any
}

func (s *Server) render(w nethttp.ResponseWriter, r *nethttp.Request, status int, name, title string, data any) error {
	var buf bytes.Buffer
	if err := s.pages[name].Execute(&buf, page{Title: title, Nav: name, Version: short(s.svc.Version), Head: s.svc.Version, Entries: s.svc.Entries, Data: data}); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

func (s *Server) errorPage(w nethttp.ResponseWriter, r *nethttp.Request, status int, msg string) {
	if err := s.render(w, r, status, "error", "Error", map[string]any{"Status": status, "Message": msg}); err != nil {
		nethttp.Error(w, msg, status)
	}
}

func (s *Server) pageRoutes() {
	sub, _ := fs.Sub(assetsFS, "assets")
	files := nethttp.FileServerFS(sub)
	s.mux.Handle("GET /assets/", nethttp.StripPrefix("/assets/", nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		setRoute(r, "assets")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})))
	s.handle("GET /{$}", "page_map", s.pageMap)
	s.handle("GET /state/{code}", "page_state", s.pageState)
	s.handle("GET /tracker", "page_tracker", s.pageTracker)
	s.handle("GET /article5", "page_article5", s.pageArticle5)
	s.handle("GET /ukraine", "page_ukraine", s.pageUkraine)
	s.handle("GET /events", "page_events", s.pageEvents)
	s.handle("GET /claims", "page_claims", s.pageClaims)
	s.handle("GET /api", "page_api", s.pageAPI)
	s.handle("GET /", "page_notfound", func(w nethttp.ResponseWriter, r *nethttp.Request) error {
		return alliance.Errorf(alliance.ENOTFOUND, "There is no page at %s.", r.URL.Path)
	})
}

// pageQuery reads a page's query. Unlike the API, pages ignore parameters
// they do not know (links pasted from elsewhere carry tracking parameters);
// a known parameter given twice is still an error.
func (s *Server) pageQuery(r *nethttp.Request, allowed ...string) (*query, error) {
	for _, k := range allowed {
		if n := len(r.URL.Query()[k]); n > 1 {
			return nil, alliance.Errorf(alliance.EINVALID, "The parameter %q is given %d times.", k, n)
		}
	}
	return &query{r: r}, nil
}

type legendItem struct{ Label, Colour string }

func (s *Server) legend() []legendItem {
	out := make([]legendItem, 0, len(roundYears)+2)
	for i, y := range roundYears {
		label := fmt.Sprint(y)
		if i == 0 {
			label = "1949 (founders)"
		}
		out = append(out, legendItem{label, roundColours[i]})
	}
	return append(out, legendItem{"applied, invited or ratifying", "#e69f00"}, legendItem{"not a member", "#d9d9d9"})
}

func (s *Server) pageMap(w nethttp.ResponseWriter, r *nethttp.Request) error {
	q, err := s.pageQuery(r, "at")
	if err != nil {
		return err
	}
	at := q.date("at", s.today())
	if q.err != nil {
		return q.err
	}
	if at.Before(alliance.MustDate("1949-01-01")) {
		return alliance.Errorf(alliance.EINVALID, "The map starts in 1949: the North Atlantic Treaty was signed on 1949-04-04.")
	}
	m := s.mapState(at)
	var cands []string
	for c, st := range m.Candidates {
		cands = append(cands, fmt.Sprintf("%s (%s)", s.svc.States.Name(c), st))
	}
	sort.Strings(cands)
	return s.render(w, r, 200, "map", "NATO on "+at.String(), map[string]any{
		"At": at, "Today": s.today(), "Map": m, "Legend": s.legend(), "Candidates": cands,
		"SVG":     s.mapSVG(s.countries, m, func(c string) string { return "/state/" + c + "?at=" + at.String() }),
		"Members": alliance.Replay(s.svc.History, at).Members(alliance.NATO, s.svc.States),
	})
}

func (s *Server) pageState(w nethttp.ResponseWriter, r *nethttp.Request) error {
	q, err := s.pageQuery(r, "at")
	if err != nil {
		return err
	}
	code, err := s.code("state", r.PathValue("code"))
	if err != nil {
		return alliance.Errorf(alliance.ENOTFOUND, "%s", alliance.ErrorMessage(err))
	}
	at := q.date("at", s.today())
	if q.err != nil {
		return q.err
	}
	var spells []tidy.Spell
	for _, sp := range tidy.Spells(s.svc.History, s.svc.States) {
		if sp.Code == code {
			spells = append(spells, sp)
		}
	}
	st := accession.StatusOf(s.svc.History, s.svc.States, alliance.NATO, code, at)
	return s.render(w, r, 200, "state", s.svc.States.Name(code), map[string]any{
		"Code": code, "Name": s.svc.States.Name(code), "At": at, "Spells": spells, "Status": st,
		"Profile": s.svc.Rules.Protection(code, at),
		"Events":  s.events(alliance.Filter{State: &code}),
	})
}

func (s *Server) pageArticle5(w nethttp.ResponseWriter, r *nethttp.Request) error {
	q, err := s.pageQuery(r, "lat", "lon", "place", "date", "target", "party")
	if err != nil {
		return err
	}
	data := map[string]any{"Form": r.URL.Query(), "Today": s.today(), "States": s.svc.States,
		"Members": alliance.Replay(s.svc.History, s.today()).Members(alliance.NATO, s.svc.States),
		"SVG":     s.mapSVG(s.countries, s.mapState(s.today()), func(string) string { return "#" })}
	status := 200
	if q.str("lat") != "" || q.str("lon") != "" || q.str("place") != "" {
		v, err := s.article5(q)
		if err != nil {
			data["Error"] = alliance.ErrorMessage(err)
			if alliance.ErrorCode(err) != alliance.EINVALID {
				return err
			}
			status = statusOf[alliance.EINVALID]
			if name := q.str("place"); name != "" {
				data["Candidates"] = s.placeCandidates(r, name)
			}
		} else {
			data["Verdict"] = v
			if name := q.str("place"); name != "" {
				if g, err := s.gazetteer(); err == nil {
					if gp, err := g.Resolve(name); err == nil {
						data["Place"] = gp
					}
				}
			}
			// Mark the place on the map.
			x, y := (v.Place.Lon+180)*mapScale, (mapTop-v.Place.Lat)*mapScale
			svg := string(data["SVG"].(template.HTML))
			marker := fmt.Sprintf(`<g class="marker"><circle cx="%.1f" cy="%.1f" r="6" fill="none" stroke="#c00" stroke-width="2.5"/><circle cx="%.1f" cy="%.1f" r="1.8" fill="#c00"/></g></svg>`, x, y, x, y)
			data["SVG"] = template.HTML(strings.TrimSuffix(svg, "</svg>") + marker)
		}
	}
	return s.render(w, r, status, "article5", "Article 5 checker", data)
}

func (s *Server) pageUkraine(w nethttp.ResponseWriter, r *nethttp.Request) error {
	q, err := s.pageQuery(r, "invited", "protocol", "withhold", "gate", "runs", "seed", "hold_member", "hold_until", "hold_chance", "not_before", "not_after", "no_holdouts")
	if err != nil {
		return err
	}
	ua := "UA"
	var path []tidy.Event
	for _, e := range s.events(alliance.Filter{State: &ua}) {
		if e.Type != string(alliance.Poll) && e.Org != string(alliance.JDS) && e.Type != string(alliance.Position) {
			path = append(path, e)
		}
	}
	polls := s.polls("UA", alliance.NATO)
	poll := alliance.Poll
	nato := alliance.NATO
	pollSVG := chart.Polls(s.svc.History.Filter(alliance.Filter{Org: &nato, State: &ua, Type: &poll}), "Support in Ukraine for joining NATO, by pollster")
	border := s.svc.Rules.NATOBorder(s.svc.Borders, "RU", s.today(), nil)
	withUA := s.svc.Rules.NATOBorder(s.svc.Borders, "RU", s.today(), []string{"UA"})
	fin := s.svc.Rules.NATOBorder(s.svc.Borders, "RU", alliance.MustDate("2023-04-03"), nil)
	data := map[string]any{
		"Path": path, "Polls": polls, "PollSVG": template.HTML(pollSVG),
		"Profile": s.svc.Rules.Protection("UA", s.today()),
		"Border":  border, "WithUA": withUA, "BeforeFinland": fin,
		"Form": r.URL.Query(), "Today": s.today(), "MaxRuns": forecast.MaxRuns,
		"Members": alliance.Replay(s.svc.History, s.today()).Members(alliance.NATO, s.svc.States),
	}
	status := 200
	if err := formScenario(r); err != nil {
		data["Error"], status = alliance.ErrorMessage(err), statusOf[alliance.EINVALID]
	} else if q.str("invited") != "" || q.str("protocol") != "" || q.str("gate") != "" {
		if q.str("runs") == "" {
			r.URL.RawQuery += "&runs=20000"
		}
		res, err := s.timetable(r.Context(), q, "UA", nil)
		if err != nil {
			if alliance.ErrorCode(err) != alliance.EINVALID {
				return err
			}
			data["Error"], status = alliance.ErrorMessage(err), statusOf[alliance.EINVALID]
		} else {
			data["Forecast"] = res
			data["Words"] = s.forecastWords(res, "Ukraine")
			data["ForecastSVG"] = template.HTML(chart.Forecast(res, "Ukraine"))
			data["Milestones"] = []string{forecast.MInvited, forecast.MProtocol, forecast.MLastRatif, forecast.MJoined}
		}
	}
	return s.render(w, r, status, "ukraine", "Ukraine's two paths", data)
}

// formScenario turns the forecaster's form fields (a member that holds out,
// until when and how likely; no invitation before a date) into the
// scenario parameters the API takes, in r's query.
func formScenario(r *nethttp.Request) error {
	v := r.URL.Query()
	member, until, chance := v.Get("hold_member"), v.Get("hold_until"), v.Get("hold_chance")
	if member != "" || until != "" {
		if member == "" || until == "" {
			return alliance.Errorf(alliance.EINVALID, "For a member that holds out, choose both the member and the date until which it holds out.")
		}
		p := 1.0
		if chance != "" {
			pct, err := strconv.ParseFloat(chance, 64)
			if err != nil || pct < 0 || pct > 100 {
				return alliance.Errorf(alliance.EINVALID, "The chance that the member holds out is a percentage from 0 to 100, not %q.", chance)
			}
			p = pct / 100
		}
		item := fmt.Sprintf("%s:%s:%g", member, until, p)
		if w := v.Get("withhold"); w != "" {
			item = w + "," + item
		}
		v.Set("withhold", item)
	}
	if nb, na := v.Get("not_before"), v.Get("not_after"); nb != "" || na != "" {
		if nb == "" {
			return alliance.Errorf(alliance.EINVALID, "Give the date before which there is no invitation (\"not before\"); \"at the latest\" only makes it a range.")
		}
		g := nb
		if na != "" {
			g += ":" + na
		}
		v.Set("gate", g)
	}
	for _, k := range []string{"hold_member", "hold_until", "hold_chance", "not_before", "not_after"} {
		v.Del(k)
	}
	r.URL.RawQuery = v.Encode()
	return nil
}

// forecastWords says what a forecast found in sentences.
func (s *Server) forecastWords(res *forecast.Result, name string) []string {
	var out []string
	j, ok := res.Milestones[forecast.MJoined]
	if !ok {
		return nil
	}
	out = append(out, fmt.Sprintf("In 8 of 10 simulated futures %s joins between %s and %s; in half of them it has joined by %s.", name, longDate(j.P10), longDate(j.P90), longDate(j.P50)))
	if p, ok := res.Milestones[forecast.MProtocol]; ok {
		out = append(out, fmt.Sprintf("The accession protocol is signed between %s and %s in 8 of 10.", longDate(p.P10), longDate(p.P90)))
	}
	var last []string
	for i, l := range res.LastToRatify {
		if i == 4 || l.Probability < 0.02 {
			break
		}
		last = append(last, fmt.Sprintf("%s (%.0f%% of futures)", s.svc.States.Name(l.Code), 100*l.Probability))
	}
	if len(last) > 0 {
		out = append(out, "The Ally whose ratification comes last decides the date; most often that is "+strings.Join(last, ", ")+".")
	}
	out = append(out, fmt.Sprintf("These are %s simulated accessions, each taking the pace of one of %d past accessions and each Ally's pace from its own record; the invitation itself is your assumption, not a forecast.", thousands(res.Runs), len(res.Learnt)))
	return out
}

// longDate writes a date as people read it: 26 February 2028.
func longDate(d alliance.Date) string {
	if d.IsZero() {
		return "—"
	}
	return fmt.Sprintf("%d %s %d", d.Day, time.Month(d.Month), d.Year)
}

func (s *Server) pageEvents(w nethttp.ResponseWriter, r *nethttp.Request) error {
	q, err := s.pageQuery(r, "org", "state", "type", "from", "to")
	if err != nil {
		return err
	}
	f := s.filter(q)
	if q.err != nil {
		return q.err
	}
	types := make([]string, len(alliance.EventTypes))
	for i, t := range alliance.EventTypes {
		types[i] = string(t)
	}
	return s.render(w, r, 200, "events", "Events and sources", map[string]any{
		"Events": s.events(f), "Form": r.URL.Query(), "Types": types, "Query": r.URL.RawQuery,
	})
}

func (s *Server) pageClaims(w nethttp.ResponseWriter, r *nethttp.Request) error {
	if _, err := s.pageQuery(r); err != nil {
		return err
	}
	rs := s.checkedClaims()
	counts := map[string]int{}
	for _, c := range rs {
		counts[c.Verdict]++
	}
	return s.render(w, r, 200, "claims", "The op-ed's claims, checked", map[string]any{"Claims": rs, "Counts": counts,
		"MAPChart": template.HTML(chart.MAP(accession.MAPPaths(s.svc.History, s.svc.States)))})
}
