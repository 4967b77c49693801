package http

import (
	"bytes"
	"encoding/json"
	"fmt"
	nethttp "net/http"
	"net/http/httptest"
	"sort"
	"strings"
)

// apiExamples is a request that works for each path of the OpenAPI
// document; the API page shows it with the answer the server gives it.
var apiExamples = map[string]string{
	"/api/v1/states":            "/api/v1/states",
	"/api/v1/members":           "/api/v1/members?at=2023-04-04",
	"/api/v1/accession/{code}":  "/api/v1/accession/SE?at=2023-06-01",
	"/api/v1/lags":              "/api/v1/lags?candidate=FI",
	"/api/v1/stages":            "/api/v1/stages",
	"/api/v1/history":           "/api/v1/history?state=UA&type=applied",
	"/api/v1/article5":          "/api/v1/article5?place=Narva&date=2023-04-04",
	"/api/v1/places":            "/api/v1/places?q=Hamilton&limit=3",
	"/api/v1/protection/{code}": "/api/v1/protection/UA?as_member=2030-01-01",
	"/api/v1/timetable/{code}":  "/api/v1/timetable/UA?invited=2027-07-07&runs=2000",
	"/api/v1/backtest":          "/api/v1/backtest?runs=2000",
	"/api/v1/polls/{code}":      "/api/v1/polls/UA",
	"/api/v1/border":            "/api/v1/border?with=RU&at=2023-04-04",
	"/api/v1/decide":            "/api/v1/decide?rule=qmv&no=DE,FR,IT",
	"/api/v1/export/{table}":    "/api/v1/export/memberships?format=csv",
	"/api/v1/claims":            "/api/v1/claims",
	"/api/v1/map":               "/api/v1/map?at=1999-03-12",
	"/api/v1/head":              "/api/v1/head",
}

// apiGroups orders the endpoints on the page by what people ask.
var apiGroups = []struct {
	Title string
	Paths []string
}{
	{"Membership", []string{"/api/v1/members", "/api/v1/map", "/api/v1/states"}},
	{"Accessions", []string{"/api/v1/accession/{code}", "/api/v1/lags", "/api/v1/stages", "/api/v1/timetable/{code}", "/api/v1/backtest"}},
	{"Article 5", []string{"/api/v1/article5", "/api/v1/places", "/api/v1/protection/{code}"}},
	{"Decisions, borders, opinion", []string{"/api/v1/decide", "/api/v1/border", "/api/v1/polls/{code}"}},
	{"Events, data, the op-ed", []string{"/api/v1/history", "/api/v1/export/{table}", "/api/v1/claims"}},
	{"Live and writing", []string{"/api/v1/head", "/api/v1/events/stream", "/api/v1/events"}},
	{"Council exercises (each route needs a seat's secret)", []string{"/api/v1/exercises/{id}", "/api/v1/exercises/{id}/procedures", "/api/v1/exercises/{id}/procedures/{pid}",
		"/api/v1/exercises/{id}/procedures/{pid}/{act}", "/api/v1/exercises/{id}/clock", "/api/v1/exercises/{id}/injects/{inject}/fire", "/api/v1/exercises/{id}/seats/{seat}/{op}",
		"/api/v1/exercises/{id}/end", "/api/v1/exercises/{id}/log", "/api/v1/exercises/{id}/report", "/api/v1/exercises/{id}/stream"}},
}

// apiParam is a parameter as the page lists it.
type apiParam struct {
	Name, In, Description, Type string
	Required                    bool
}

// apiEndpoint is one path of the OpenAPI document with a worked example.
type apiEndpoint struct {
	Path, Method, Summary, Anchor string
	Params                        []apiParam
	Example                       string
	Status                        int
	Answer                        string
	Truncated                     bool
}

type apiSection struct {
	Title     string
	Endpoints []apiEndpoint
}

// apiDoc builds the reference from the OpenAPI document the server serves,
// running each example against the server itself; it is built once.
func (s *Server) apiDoc() []apiSection {
	s.apiDocs.once.Do(func() {
		paths := OpenAPI()["paths"].(obj)
		listed := map[string]bool{}
		for _, g := range apiGroups {
			sec := apiSection{Title: g.Title}
			for _, p := range g.Paths {
				if _, ok := paths[p]; ok {
					sec.Endpoints = append(sec.Endpoints, s.apiEndpoint(p, paths[p].(obj)))
					listed[p] = true
				}
			}
			s.apiDocs.sections = append(s.apiDocs.sections, sec)
		}
		var rest []string
		for p := range paths {
			if !listed[p] {
				rest = append(rest, p)
			}
		}
		sort.Strings(rest)
		if len(rest) > 0 {
			sec := apiSection{Title: "Other"}
			for _, p := range rest {
				sec.Endpoints = append(sec.Endpoints, s.apiEndpoint(p, paths[p].(obj)))
			}
			s.apiDocs.sections = append(s.apiDocs.sections, sec)
		}
	})
	return s.apiDocs.sections
}

func (s *Server) apiEndpoint(path string, op obj) apiEndpoint {
	method := "GET"
	get, ok := op["get"].(obj)
	if !ok {
		method, get = "POST", op["post"].(obj)
	}
	e := apiEndpoint{Path: path, Method: method, Summary: fmt.Sprint(get["summary"]), Anchor: strings.Trim(strings.NewReplacer("/api/v1/", "", "/", "-", "{", "", "}", "").Replace(path), "-")}
	params, _ := get["parameters"].([]obj)
	for _, p := range params {
		e.Params = append(e.Params, apiParam{Name: fmt.Sprint(p["name"]), In: fmt.Sprint(p["in"]), Description: fmt.Sprint(p["description"]),
			Type: schemaType(p["schema"].(obj)), Required: p["required"] == true})
	}
	e.Example = apiExamples[path]
	if e.Example == "" {
		return e
	}
	rec := httptest.NewRecorder()
	s.mux.ServeHTTP(rec, httptest.NewRequest("GET", e.Example, nil))
	e.Status = rec.Code
	body := rec.Body.Bytes()
	var pretty bytes.Buffer
	if json.Indent(&pretty, body, "", "  ") == nil {
		body = pretty.Bytes()
	}
	lines := strings.Split(strings.TrimRight(string(body), "\n"), "\n")
	if len(lines) > 40 {
		lines, e.Truncated = lines[:40], true
	}
	e.Answer = strings.Join(lines, "\n")
	return e
}

// schemaType says in a few words what values a parameter takes.
func schemaType(sc obj) string {
	if vs, ok := sc["enum"].([]string); ok {
		var lower []string
		for _, v := range vs {
			if strings.ToLower(v) != v || !contains(vs, strings.ToUpper(v)) {
				lower = append(lower, v)
			}
		}
		return "one of " + strings.Join(lower, ", ")
	}
	if f, ok := sc["format"]; ok && f == "date" {
		return "date (YYYY-MM-DD)"
	}
	return fmt.Sprint(sc["type"])
}

func contains(vs []string, v string) bool {
	for _, x := range vs {
		if x == v {
			return true
		}
	}
	return false
}

func (s *Server) pageAPI(w nethttp.ResponseWriter, r *nethttp.Request) error {
	if _, err := s.pageQuery(r); err != nil {
		return err
	}
	return s.render(w, r, 200, "api", "API reference", map[string]any{"Sections": s.apiDoc(), "Version": s.svc.Version[:12]})
}
