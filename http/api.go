package http

import (
	"context"
	"encoding/json"
	"fmt"
	nethttp "net/http"
	"slices"
	"strconv"
	"strings"

	"alliance"
	"alliance/accession"
	"alliance/claims"
	"alliance/forecast"
	"alliance/gazetteer"
	"alliance/geo"
	"alliance/rules"
	"alliance/third_party/isocodes"
	"alliance/tidy"
)

func (s *Server) routes() {
	api := func(path, route string, h handler) { s.handle("GET /api/v1/"+path, route, s.cachedJSON(h)) }
	api("states", "states", s.apiStates)
	api("members", "members", s.apiMembers)
	api("accession/{code}", "accession", s.apiAccession)
	api("lags", "lags", s.apiLags)
	api("stages", "stages", s.apiStages)
	api("history", "history", s.apiHistory)
	api("article5", "article5", s.apiArticle5)
	api("protection/{code}", "protection", s.apiProtection)
	api("backtest", "backtest", s.apiBacktest)
	api("polls/{code}", "polls", s.apiPolls)
	api("border", "border", s.apiBorder)
	api("decide", "decide", s.apiDecide)
	api("export/{table}", "export", s.apiExport)
	api("map", "map", s.apiMap)
	api("claims", "claims", s.apiClaims)
	api("places", "places", s.apiPlaces)
	s.handle("GET /api/v1/timetable/{code}", "timetable", s.apiTimetable) // streams progress; cached inside
	s.handle("GET /api/v1/openapi.json", "openapi", s.apiOpenAPI)
	s.handle("GET /api/v1/head", "head", s.apiHead)
	s.handle("GET /api/v1/events/stream", "stream", s.apiStream)
	s.handle("POST /api/v1/events", "record", s.apiRecord)
	s.handle("GET /api/v1/", "notfound", func(w nethttp.ResponseWriter, r *nethttp.Request) error {
		return alliance.Errorf(alliance.ENOTFOUND, "no such endpoint %s: see /api/v1/openapi.json", r.URL.Path)
	})
	s.handle("GET /healthz", "healthz", func(w nethttp.ResponseWriter, r *nethttp.Request) error {
		w.Header().Set("Content-Type", "application/json")
		return json.NewEncoder(w).Encode(map[string]any{"status": "ok", "events": s.svc.History.Len(), "entries": s.svc.Entries, "head": s.svc.Version, "version": s.svc.Version})
	})
	metricsH := s.metricsHandler()
	s.handle("GET /metrics", "metrics", func(w nethttp.ResponseWriter, r *nethttp.Request) error {
		metricsH.ServeHTTP(w, r)
		return nil
	})
	s.exerciseRoutes()
	s.pageRoutes()
}

// query reads and checks a request's query parameters: unknown names and
// repeated values are EINVALID.
type query struct {
	r   *nethttp.Request
	err error
	// strict refuses a date parameter given empty (?at=): the API's rule.
	// Pages are lenient, because a form's cleared date field means the
	// default (today).
	strict bool
}

func params(r *nethttp.Request, allowed ...string) (*query, error) {
	for k, v := range r.URL.Query() {
		if !slices.Contains(allowed, k) {
			return nil, alliance.Errorf(alliance.EINVALID, "unknown query parameter %q: want one of %s", k, strings.Join(allowed, ", "))
		}
		if len(v) > 1 {
			return nil, alliance.Errorf(alliance.EINVALID, "query parameter %q given %d times", k, len(v))
		}
	}
	return &query{r: r, strict: true}, nil
}

func (q *query) str(name string) string { return q.r.URL.Query().Get(name) }

// date reads an optional date parameter: absent means def; in the API,
// present and empty (?at=) is EINVALID, never silently today.
func (q *query) date(name string, def alliance.Date) alliance.Date {
	v := q.str(name)
	if q.err != nil {
		return def
	}
	if v == "" {
		if q.strict && q.r.URL.Query().Has(name) {
			q.err = alliance.Errorf(alliance.EINVALID, "%s is empty: give a date YYYY-MM-DD, or leave %s out", name, name)
		}
		return def
	}
	d, err := alliance.ParseDate(v)
	if err != nil {
		q.err = alliance.Errorf(alliance.EINVALID, "%s: %s", name, alliance.ErrorMessage(err))
	}
	return d
}

func (q *query) org(name string, def alliance.Org) alliance.Org {
	v := q.str(name)
	if v == "" || q.err != nil {
		return def
	}
	o, err := alliance.ParseOrg(v)
	if err != nil {
		q.err = alliance.Errorf(alliance.EINVALID, "%s: %s", name, alliance.ErrorMessage(err))
	}
	return o
}

func (q *query) number(name string, def, lo, hi float64) float64 {
	v := q.str(name)
	if v == "" || q.err != nil {
		return def
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || x != x || x < lo || x > hi {
		ftoa := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
		q.err = alliance.Errorf(alliance.EINVALID, "%s: %q is not a number from %s to %s", name, v, ftoa(lo), ftoa(hi))
	}
	return x
}

func (s *Server) code(name, v string) (string, error) {
	c, ok := s.svc.States.Normalize(v)
	if !ok {
		if n, real := isocodes.Name(c); real {
			return "", alliance.Errorf(alliance.EINVALID, "%s: %s is a real ISO code but not in this dataset (%s)", name, c, n)
		}
		return "", alliance.Errorf(alliance.EINVALID, "%s: unknown state code %q: want an ISO 3166-1 alpha-2 code such as SE", name, v)
	}
	return c, nil
}

func (q *query) state(s *Server, name string) string {
	v := q.str(name)
	if v == "" || q.err != nil {
		return ""
	}
	c, err := s.code(name, v)
	if err != nil {
		q.err = err
	}
	return c
}

func (q *query) states(s *Server, name string) []string {
	var out []string
	for _, v := range strings.Split(q.str(name), ",") {
		if v = strings.TrimSpace(v); v == "" || q.err != nil {
			continue
		}
		c, err := s.code(name, v)
		if err != nil {
			q.err = err
		}
		out = append(out, c)
	}
	return out
}

func (s *Server) today() alliance.Date { return alliance.DateOf(s.svc.Now()) }

func (s *Server) apiStates(w nethttp.ResponseWriter, r *nethttp.Request) error {
	if _, err := params(r); err != nil {
		return err
	}
	return s.writeJSON(w, r, s.svc.States.Sorted())
}

func (s *Server) apiMembers(w nethttp.ResponseWriter, r *nethttp.Request) error {
	q, err := params(r, "org", "at")
	if err != nil {
		return err
	}
	org, at := q.org("org", alliance.NATO), q.date("at", s.today())
	if q.err != nil {
		return q.err
	}
	return s.writeJSON(w, r, alliance.Replay(s.svc.History, at).Members(org, s.svc.States))
}

func (s *Server) apiAccession(w nethttp.ResponseWriter, r *nethttp.Request) error {
	q, err := params(r, "org", "at")
	if err != nil {
		return err
	}
	code, err := s.code("code", r.PathValue("code"))
	if err != nil {
		return err
	}
	org, at := q.org("org", alliance.NATO), q.date("at", s.today())
	if q.err != nil {
		return q.err
	}
	return s.writeJSON(w, r, accession.StatusOf(s.svc.History, s.svc.States, org, code, at))
}

func (s *Server) apiLags(w nethttp.ResponseWriter, r *nethttp.Request) error {
	q, err := params(r, "org", "candidate", "basis")
	if err != nil {
		return err
	}
	org, cand := q.org("org", alliance.NATO), q.state(s, "candidate")
	if q.err != nil {
		return q.err
	}
	// Like with like: the deposit by default; best mixes each member's best step.
	var basis alliance.Step = alliance.StepDeposit
	if v := q.str("basis"); v == "best" {
		basis = ""
	} else if v != "" {
		if basis, err = alliance.ParseStep(v); err != nil {
			return alliance.Errorf(alliance.EINVALID, "basis %q: want deposit, parliament, head_of_state, procedure_completed or best", v)
		}
	}
	out := []accession.Lag{}
	for _, l := range accession.LagsOn(s.svc.History, s.svc.States, org, basis) {
		if cand == "" || l.Candidate == cand {
			out = append(out, l)
		}
	}
	return s.writeJSON(w, r, out)
}

func (s *Server) apiStages(w nethttp.ResponseWriter, r *nethttp.Request) error {
	q, err := params(r, "org")
	if err != nil {
		return err
	}
	org := q.org("org", alliance.NATO)
	if q.err != nil {
		return q.err
	}
	out := accession.AllStages(s.svc.History, s.svc.States, org)
	if out == nil {
		out = []accession.Stages{}
	}
	return s.writeJSON(w, r, out)
}

func (s *Server) filter(q *query) alliance.Filter {
	var f alliance.Filter
	if v := q.str("org"); v != "" {
		o, err := alliance.ParseEventOrg(strings.ToUpper(v))
		if err != nil && q.err == nil {
			q.err = alliance.Errorf(alliance.EINVALID, "org: %s", alliance.ErrorMessage(err))
		}
		f.Org = &o
	}
	if c := q.state(s, "state"); c != "" {
		f.State = &c
	}
	if v := q.str("type"); v != "" {
		t, err := alliance.ParseEventType(v)
		if err != nil && q.err == nil {
			q.err = alliance.Errorf(alliance.EINVALID, "type: %s", alliance.ErrorMessage(err))
		}
		f.Type = &t
	}
	if d := q.date("from", alliance.Date{}); !d.IsZero() {
		f.From = &d
	}
	if d := q.date("to", alliance.Date{}); !d.IsZero() {
		f.To = &d
	}
	if f.From != nil && f.To != nil && f.From.After(*f.To) && q.err == nil {
		q.err = alliance.Errorf(alliance.EINVALID, "from %s is after to %s: no day can be in that range", *f.From, *f.To)
	}
	return f
}

func (s *Server) events(f alliance.Filter) []tidy.Event { return tidy.Events(s.svc.History.Filter(f)) }

func (s *Server) apiHistory(w nethttp.ResponseWriter, r *nethttp.Request) error {
	q, err := params(r, "org", "state", "type", "from", "to")
	if err != nil {
		return err
	}
	f := s.filter(q)
	if q.err != nil {
		return q.err
	}
	return s.writeJSON(w, r, s.events(f))
}

// place resolves lat/lon or place= into a located place on date.
func (s *Server) place(q *query, date alliance.Date) (geo.Place, error) {
	name := q.str("place")
	latS, lonS := q.str("lat"), q.str("lon")
	var lat, lon float64
	switch {
	case name != "" && (latS != "" || lonS != ""):
		return geo.Place{}, alliance.Errorf(alliance.EINVALID, "give either place or lat and lon, not both")
	case name != "":
		return s.locatePlace(name, date)
	case latS == "" || lonS == "":
		return geo.Place{}, alliance.Errorf(alliance.EINVALID, "give lat and lon (decimal degrees), or place")
	default:
		lat, lon = q.number("lat", 0, -90, 90), q.number("lon", 0, -180, 180)
		if q.err != nil {
			return geo.Place{}, q.err
		}
	}
	p, err := s.svc.Index.Locate(lat, lon, date)
	p.Name = name
	return p, err
}

func (s *Server) apiArticle5(w nethttp.ResponseWriter, r *nethttp.Request) error {
	q, err := params(r, "lat", "lon", "place", "date", "target", "party")
	if err != nil {
		return err
	}
	v, err := s.article5(q)
	if err != nil {
		return err
	}
	if name := q.str("place"); name != "" {
		// Say which place the name was taken to mean (which Hamilton, found as which spelling).
		if g, err := s.gazetteer(); err == nil {
			if gp, err := g.Resolve(name); err == nil {
				return s.writeJSON(w, r, struct {
					rules.Verdict
					Match gazetteer.Place `json:"place_match"`
				}{v, gp})
			}
		}
	}
	return s.writeJSON(w, r, v)
}

func (s *Server) article5(q *query) (rules.Verdict, error) {
	date := q.date("date", s.today())
	target := rules.Territory
	if t := q.str("target"); t != "" {
		tt, err := rules.ParseTarget(t)
		if err != nil {
			return rules.Verdict{}, err
		}
		target = tt
	}
	party := q.state(s, "party")
	if q.err != nil {
		return rules.Verdict{}, q.err
	}
	if date.Year < 1949 {
		return rules.Verdict{}, alliance.Errorf(alliance.EINVALID, "date %s is before 1949: the North Atlantic Treaty was signed on 1949-04-04", date)
	}
	p, err := s.place(q, date)
	if err != nil {
		return rules.Verdict{}, err
	}
	return s.svc.Rules.Article5(rules.Query{Place: p, Date: date, Target: target, Party: party})
}

func (s *Server) apiProtection(w nethttp.ResponseWriter, r *nethttp.Request) error {
	q, err := params(r, "at", "as_member")
	if err != nil {
		return err
	}
	code, err := s.code("code", r.PathValue("code"))
	if err != nil {
		return err
	}
	at, as := q.date("at", s.today()), q.date("as_member", alliance.Date{})
	if q.err != nil {
		return q.err
	}
	if as.IsZero() {
		return s.writeJSON(w, r, s.svc.Rules.Protection(code, at))
	}
	now, then := s.svc.Rules.ProtectionAsMember(code, at, as)
	return s.writeJSON(w, r, map[string]rules.Profile{"now": now, "as_member": then})
}

// scenario reads the forecast scenario parameters.
func (s *Server) scenario(q *query) (forecast.Scenario, error) {
	var sc forecast.Scenario
	sc.Invited, sc.Protocol = q.date("invited", alliance.Date{}), q.date("protocol", alliance.Date{})
	switch v := q.str("no_holdouts"); v {
	case "", "0", "false":
	case "1", "true", "on":
		sc.NoHoldouts = true
	default:
		return sc, alliance.Errorf(alliance.EINVALID, "no_holdouts %q: want true or false", v)
	}
	if v := q.str("withhold"); v != "" && q.err == nil {
		for _, item := range strings.Split(v, ",") {
			parts := strings.Split(item, ":")
			if len(parts) < 2 || len(parts) > 3 {
				return sc, alliance.Errorf(alliance.EINVALID, "withhold %q: want CODE:DATE or CODE:DATE:PROBABILITY", item)
			}
			wh := forecast.Withhold{Probability: 1}
			var err error
			if wh.Member, err = s.code("withhold", parts[0]); err != nil {
				return sc, err
			}
			if wh.Until, err = alliance.ParseDate(parts[1]); err != nil {
				return sc, alliance.Errorf(alliance.EINVALID, "withhold: %s", alliance.ErrorMessage(err))
			}
			if len(parts) == 3 {
				if wh.Probability, err = strconv.ParseFloat(parts[2], 64); err != nil || wh.Probability < 0 || wh.Probability > 1 {
					return sc, alliance.Errorf(alliance.EINVALID, "withhold %q: probability must be between 0 and 1", item)
				}
			}
			sc.Withholds = append(sc.Withholds, wh)
		}
	}
	if v := q.str("gate"); v != "" && q.err == nil {
		from, to, _ := strings.Cut(v, ":")
		g := &forecast.Gate{Name: "gate"}
		var err error
		if g.From, err = alliance.ParseDate(from); err != nil {
			return sc, alliance.Errorf(alliance.EINVALID, "gate: %s", alliance.ErrorMessage(err))
		}
		if to != "" {
			if g.To, err = alliance.ParseDate(to); err != nil {
				return sc, alliance.Errorf(alliance.EINVALID, "gate: %s", alliance.ErrorMessage(err))
			}
		}
		sc.Gate = g
	}
	return sc, q.err
}

func (s *Server) timetable(ctx context.Context, q *query, code string, progress func(done, total int)) (*forecast.Result, error) {
	sc, err := s.scenario(q)
	if err != nil {
		return nil, err
	}
	runs := int(q.number("runs", 100_000, 1, forecast.MaxRuns))
	seed := uint64(q.number("seed", 1, 0, 1<<53))
	at := q.date("at", s.today())
	if q.err != nil {
		return nil, q.err
	}
	// Bad input is refused before the gate: only real forecasts wait or count.
	leave, err := s.forecasts.enter(ctx, clientFrom(ctx))
	if err != nil {
		return nil, err
	}
	defer leave()
	return forecast.Timetable(ctx, s.svc.History, s.svc.States, code, at, sc, forecast.Options{Runs: runs, Seed: seed, Progress: progress})
}

// apiTimetable answers with JSON, or, for Accept: text/event-stream, with
// progress events and then a "result" event.
func (s *Server) apiTimetable(w nethttp.ResponseWriter, r *nethttp.Request) error {
	q, err := params(r, "invited", "protocol", "withhold", "gate", "runs", "seed", "at", "no_holdouts")
	if err != nil {
		return err
	}
	code, err := s.code("code", r.PathValue("code"))
	if err != nil {
		return err
	}
	stream := strings.Contains(r.Header.Get("Accept"), "text/event-stream")
	if !stream {
		if s.fromCache(w, r) {
			return nil
		}
		res, err := s.timetable(r.Context(), q, code, nil)
		if err != nil {
			return err
		}
		return s.writeJSON(w, r, res)
	}
	fl, ok := w.(nethttp.Flusher)
	if !ok {
		return alliance.Errorf(alliance.EINTERNAL, "streaming is not supported here")
	}
	started := false
	begin := func() {
		if !started {
			w.Header().Set("Content-Type", "text/event-stream")
			w.Header().Set("Cache-Control", "no-store")
			started = true
		}
	}
	res, err := s.timetable(r.Context(), q, code, func(done, total int) {
		begin()
		fmt.Fprintf(w, "event: progress\ndata: {\"done\":%d,\"total\":%d}\n\n", done, total)
		fl.Flush()
	})
	if err != nil && !started {
		return err
	}
	begin()
	if err != nil {
		b, _ := json.Marshal(map[string]any{"error": map[string]string{"code": alliance.ErrorCode(err), "message": alliance.ErrorMessage(err)}})
		fmt.Fprintf(w, "event: error\ndata: %s\n\n", b)
		return nil
	}
	b, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("encode forecast: %w", err)
	}
	fmt.Fprintf(w, "event: result\ndata: %s\n\n", b)
	fl.Flush()
	return nil
}

func (s *Server) apiBacktest(w nethttp.ResponseWriter, r *nethttp.Request) error {
	q, err := params(r, "runs", "seed")
	if err != nil {
		return err
	}
	runs := int(q.number("runs", 20_000, 1, forecast.MaxBacktestRuns))
	seed := uint64(q.number("seed", 1, 0, 1<<53))
	if q.err != nil {
		return q.err
	}
	bt, err := forecast.RunBacktest(r.Context(), s.svc.History, s.svc.States, forecast.Options{Runs: runs, Seed: seed})
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, bt)
}

func (s *Server) polls(code string, org alliance.Org) []tidy.Event {
	t := alliance.Poll
	return s.events(alliance.Filter{Org: &org, State: &code, Type: &t})
}

func (s *Server) apiPolls(w nethttp.ResponseWriter, r *nethttp.Request) error {
	q, err := params(r, "org")
	if err != nil {
		return err
	}
	code, err := s.code("code", r.PathValue("code"))
	if err != nil {
		return err
	}
	org := q.org("org", alliance.NATO)
	if q.err != nil {
		return q.err
	}
	return s.writeJSON(w, r, s.polls(code, org))
}

func (s *Server) border(q *query) (rules.BorderReport, float64, error) {
	with := q.state(s, "with")
	if with == "" && q.err == nil {
		with = "RU"
	}
	at := q.date("at", s.today())
	joins := q.states(s, "join")
	if q.err != nil {
		return rules.BorderReport{}, 0, q.err
	}
	if err := s.svc.Rules.CheckNeighbour(with, at, joins); err != nil {
		return rules.BorderReport{}, 0, err
	}
	return s.svc.Rules.NATOBorder(s.svc.Borders, with, at, joins), s.svc.Rules.NATOBorder(s.svc.Borders, with, at.AddDays(-1), nil).Km, nil
}

func (s *Server) apiBorder(w nethttp.ResponseWriter, r *nethttp.Request) error {
	q, err := params(r, "with", "at", "join")
	if err != nil {
		return err
	}
	rep, before, err := s.border(q)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, struct {
		rules.BorderReport
		DayBefore float64 `json:"km_day_before"`
	}{rep, before})
}

func (s *Server) apiDecide(w nethttp.ResponseWriter, r *nethttp.Request) error {
	q, err := params(r, "rule", "org", "at", "no", "abstain", "assume", "question")
	if err != nil {
		return err
	}
	rule := q.str("rule")
	if rule == "" {
		rule = rules.RuleConsensus
	}
	def := alliance.EU
	if rule == rules.RuleConsensus || rule == rules.RuleSilence {
		def = alliance.NATO
	}
	org, at := q.org("org", def), q.date("at", s.today())
	ballot := rules.Ballot{}
	for _, c := range q.states(s, "no") {
		ballot[c] = "no"
	}
	for _, c := range q.states(s, "abstain") {
		ballot[c] = "abstain"
	}
	for _, item := range strings.Split(q.str("assume"), ",") {
		if item = strings.TrimSpace(item); item == "" || q.err != nil {
			continue
		}
		c, st, _ := strings.Cut(item, ":")
		vote, known := map[string]string{"support": "yes", "yes": "yes", "oppose": "no", "no": "no", "abstain": "abstain"}[strings.ToLower(st)]
		code, err := s.code("assume", c)
		if err != nil {
			q.err = err
		} else if !known {
			q.err = alliance.Errorf(alliance.EINVALID, "assume %q: want CODE:STANCE with STANCE support, oppose or abstain", item)
		}
		ballot[code] = vote
	}
	if q.err != nil {
		return q.err
	}
	d, err := s.svc.Rules.Decide(rule, org, at, ballot, s.svc.Populations, q.str("question"))
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, d)
}

func (s *Server) apiExport(w nethttp.ResponseWriter, r *nethttp.Request) error {
	q, err := params(r, "format")
	if err != nil {
		return err
	}
	table := r.PathValue("table")
	format := q.str("format")
	if format == "" {
		format = "json"
	}
	if format != "json" && format != "csv" {
		return alliance.Errorf(alliance.EINVALID, "format %q: want csv or json", format)
	}
	header, rows, v, err := tidy.Table(s.svc.History, s.svc.States, table)
	if err != nil {
		return err
	}
	if format == "json" {
		return s.writeJSON(w, r, v)
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="alliance-%s.csv"`, table))
	return s.writeBody(w, r, "text/csv; charset=utf-8", tidy.CSV(header, rows), true)
}

func (s *Server) apiMap(w nethttp.ResponseWriter, r *nethttp.Request) error {
	q, err := params(r, "at")
	if err != nil {
		return err
	}
	at := q.date("at", s.today())
	if q.err != nil {
		return q.err
	}
	return s.writeJSON(w, r, s.mapState(at))
}

// ClaimResult is a checked claim with the events its value comes from.
type ClaimResult struct {
	claims.Result
	Events []tidy.Event `json:"events"`
}

func (s *Server) checkedClaims() []ClaimResult {
	if s.svc.Claims == nil {
		return []ClaimResult{}
	}
	rs := s.svc.Claims.Check(s.svc.ClaimList)
	out := make([]ClaimResult, len(rs))
	for i, r := range rs {
		out[i] = ClaimResult{Result: r, Events: tidy.Events(r.Events)}
	}
	return out
}

func (s *Server) apiClaims(w nethttp.ResponseWriter, r *nethttp.Request) error {
	if _, err := params(r); err != nil {
		return err
	}
	return s.writeJSON(w, r, s.checkedClaims())
}
