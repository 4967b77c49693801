// Package http serves alliance's JSON API under /api/v1/ and its web pages,
// thin over the engines. Templates and assets are embedded; nothing is
// fetched from elsewhere at run time.
package http

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	nethttp "net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzhttp"
	"github.com/maypok86/otter/v2"

	"alliance"
	"alliance/claims"
	"alliance/exercise"
	"alliance/gazetteer"
	"alliance/geo"
	"alliance/rules"
	"alliance/third_party/worldatlas"
)

// Service is what the server answers from: the history and the engines,
// loaded once at start. Version identifies the dataset (the ledger's head
// hash); answers that depend only on it and the query carry an ETag.
type Service struct {
	History alliance.History
	// Entries and Version are the ledger's head: its number of entries and
	// the hash of the last one.
	Entries     int64
	States      alliance.States
	Index       *geo.Index
	Rules       *rules.Engine
	Borders     []rules.Border
	Populations map[string]int64
	Places      *gazetteer.Gazetteer // built by NewServer when nil
	Claims      *claims.Model
	ClaimList   []claims.Claim
	Version     string
	Now         func() time.Time
	// Tokens and Recorder make the server writable: POST /api/v1/events
	// with an editor's token. Without them it only reads.
	Tokens   alliance.TokenStore
	Recorder Recorder
	// Exercises runs Council exercises (nil: none); shared by every
	// version of a live server.
	Exercises *exercise.Manager
}

// Moved returns a copy of svc over the chain all (every record, in sequence
// order): its standing history, head, and the engines that read the history.
func (svc *Service) Moved(all []*alliance.Record) *Service {
	n := *svc
	n.History = alliance.NewHistory(alliance.Standing(all))
	if k := len(all); k > 0 {
		n.Entries, n.Version = all[k-1].Seq, hex.EncodeToString(all[k-1].Hash)
	}
	if svc.Rules != nil {
		e := *svc.Rules
		e.History = n.History
		n.Rules = &e
	}
	if svc.Claims != nil {
		c := *svc.Claims
		c.History = n.History
		n.Claims = &c
	}
	return &n
}

// Server is the HTTP server.
type Server struct {
	svc       *Service
	mux       *nethttp.ServeMux
	log       *slog.Logger
	metrics   *metrics
	opt       Options
	cache     *otter.Cache[string, *cached]      // ETag-able answers, bounded by bytes
	xviews    *otter.Cache[string, *encodedView] // exercise views streams share, bounded by bytes
	forecasts *gate
	writes    *limiter
	hub       *hub
	handler   nethttp.Handler
	countries []country
	pages     map[string]*template.Template

	places  *placesHolder // shared by every version of a live server
	apiDocs *apiDocHolder // per version: its examples are real answers
}

// placesHolder holds the gazetteer, built in the background.
type placesHolder struct {
	g     *gazetteer.Gazetteer // svc.Places, or built from the embedded data
	err   error
	ready chan struct{} // closed when g is set
}

// apiDocHolder holds the API reference page, built on first request.
type apiDocHolder struct {
	once     sync.Once
	sections []apiSection
}

type cached struct {
	body        []byte
	gz          []byte
	contentType string
	etag        string
}

// NewServer returns a server over svc that logs to log, with the default
// limits.
func NewServer(svc *Service, log *slog.Logger) *Server {
	return NewServerWith(svc, log, DefaultOptions())
}

// NewServerWith returns a server over svc with the limits in opt (zero
// fields take their defaults).
func NewServerWith(svc *Service, log *slog.Logger, opt Options) *Server {
	s := &Server{log: log, metrics: newMetrics(), opt: opt, hub: newHub()}
	s.opt.defaults()
	s.cache = otter.Must(&otter.Options[string, *cached]{
		MaximumWeight: uint64(s.opt.CacheBytes),
		Weigher: func(key string, c *cached) uint32 {
			return uint32(min(len(key)+len(c.body)+len(c.gz)+len(c.etag)+128, 1<<31))
		},
	})
	s.xviews = otter.Must(&otter.Options[string, *encodedView]{
		MaximumWeight: 16 << 20,
		Weigher:       func(key string, v *encodedView) uint32 { return uint32(min(len(key)+len(v.body)+64, 1<<31)) },
	})
	s.forecasts = newGate(s.opt)
	s.writes = newLimiter(s.opt.WritesPerMinute, s.opt.WriteBurst)
	s.registerGauges()
	shapes, err := geo.Shapes(worldatlas.Countries110m, "countries")
	if err != nil {
		// The embedded data is part of the binary: failing here is a build error.
		panic(fmt.Sprintf("embedded map: %v", err))
	}
	s.countries = buildCountries(svc.Index, shapes)
	s.places = &placesHolder{ready: make(chan struct{})}
	go s.places.build(svc) // a few hundred milliseconds: not in the way of starting to serve
	s.pages = parsePages()
	return s.with(svc)
}

// with returns a server over svc that shares s's limits, cache, metrics,
// stream hub and static data: what a live server swaps in when the ledger
// grows. s itself is not changed.
func (s *Server) with(svc *Service) *Server {
	if svc.Now == nil {
		svc.Now = time.Now
	}
	n := *s
	n.svc = svc
	n.apiDocs = &apiDocHolder{}
	n.mux = nethttp.NewServeMux()
	n.routes()
	gz, err := gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.CompressionLevel(gzip.BestSpeed),
		gzhttp.ExceptContentTypes([]string{"text/event-stream"}))
	if err != nil {
		panic(fmt.Sprintf("gzip wrapper: %v", err)) // constant options: a build error
	}
	n.handler = n.observe(n.hygiene(gz(n.mux)))
	return &n
}

// Handler returns the server's handler with its middleware: metrics and
// logs, then hygiene (hosts, paths, body limits, security headers), then
// compression. Answers already compressed (the cache keeps them so),
// partial answers (Range) and event streams pass through uncompressed.
func (s *Server) Handler() nethttp.Handler { return s.handler }

// Serve listens on addr until ctx ends, then shuts down gracefully.
// ready, if not nil, receives the address actually listened on.
func (s *Server) Serve(ctx context.Context, addr string, ready func(net.Addr)) error {
	return s.serve(ctx, addr, s.Handler(), ready)
}

func (s *Server) serve(ctx context.Context, addr string, h nethttp.Handler, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return alliance.Errorf(alliance.EINVALID, "cannot listen on %s: %v", addr, err)
	}
	// WriteTimeout cuts clients that do not read; streams extend their own
	// deadline as they write (see stream.go).
	srv := &nethttp.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: WriteTimeout, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	if ready != nil {
		ready(ln.Addr())
	}
	s.log.Info("serving", "addr", ln.Addr().String(), "version", s.svc.Version[:12])
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down")
	s.hub.close() // streams end, so that Shutdown does not wait for them
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// handler is a handler that returns an error; Error writes it.
type handler func(w nethttp.ResponseWriter, r *nethttp.Request) error

func (s *Server) handle(pattern, route string, h handler) {
	s.mux.Handle(pattern, nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		setRoute(r, route)
		if err := h(w, r); err != nil {
			s.Error(w, r, err)
		}
	}))
}

// statusOf maps error codes to HTTP statuses: the one table.
var statusOf = map[string]int{
	alliance.EINVALID:      nethttp.StatusBadRequest,
	alliance.ENOTFOUND:     nethttp.StatusNotFound,
	alliance.ECONFLICT:     nethttp.StatusConflict,
	alliance.EUNAUTHORIZED: nethttp.StatusUnauthorized,
	alliance.EFORBIDDEN:    nethttp.StatusForbidden,
	alliance.ECORRUPT:      nethttp.StatusInternalServerError,
	alliance.EINTERNAL:     nethttp.StatusInternalServerError,
	alliance.EBUSY:         nethttp.StatusTooManyRequests,
}

// WriteTimeout is how long the server gives itself to write an answer.
const WriteTimeout = 60 * time.Second

// Error writes err as {"error":{"code":…,"message":…}} (or a page, for
// pages) with its status: the server's one way out for errors.
func (s *Server) Error(w nethttp.ResponseWriter, r *nethttp.Request, err error) {
	code := alliance.ErrorCode(err)
	status := statusOf[code]
	if code == alliance.EINTERNAL || code == alliance.ECORRUPT {
		s.log.Error("request failed", "path", r.URL.Path, "err", err)
	}
	if code == alliance.EBUSY {
		w.Header().Set("Retry-After", "5")
	}
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		s.errorPage(w, r, status, alliance.ErrorMessage(err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": alliance.ErrorMessage(err)}})
}

// writeJSON writes v; when cacheable (the answer depends only on the dataset
// version and the query) it is encoded once, gzipped once, and served with an
// ETag thereafter.
func (s *Server) writeJSON(w nethttp.ResponseWriter, r *nethttp.Request, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	return s.writeBody(w, r, "application/json", buf.Bytes(), true)
}

// cacheKey identifies an answer: the dataset version, the path and the
// query with its parameters sorted.
func (s *Server) cacheKey(r *nethttp.Request) string {
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(s.svc.Version)
	b.WriteByte(' ')
	b.WriteString(r.URL.Path)
	for _, k := range keys {
		b.WriteString("&" + k + "=" + strings.Join(q[k], ","))
	}
	return b.String()
}

func (s *Server) writeBody(w nethttp.ResponseWriter, r *nethttp.Request, ctype string, body []byte, cacheable bool) error {
	if !cacheable {
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Cache-Control", "no-store")
		_, err := w.Write(body)
		return err
	}
	h := sha256.Sum256(append([]byte(s.svc.Version+"\x00"+s.cacheKey(r)+"\x00"), body...))
	c := &cached{body: body, contentType: ctype, etag: `"` + hex.EncodeToString(h[:12]) + `"`}
	if len(body) > 1024 {
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
		zw.Write(body)
		zw.Close()
		c.gz = gz.Bytes()
	}
	s.storeCache(r, c)
	s.serveCached(w, r, c)
	return nil
}

// storeCache keeps an answer; the cache evicts the least valuable answers
// past its byte budget.
func (s *Server) storeCache(r *nethttp.Request, c *cached) {
	s.cache.Set(s.cacheKey(r), c)
}

func (s *Server) serveCached(w nethttp.ResponseWriter, r *nethttp.Request, c *cached) {
	h := w.Header()
	h.Set("Content-Type", c.contentType)
	h.Set("ETag", c.etag)
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Encoding")
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, c.etag) {
		w.WriteHeader(nethttp.StatusNotModified)
		return
	}
	if c.gz != nil && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		h.Set("Content-Length", strconv.Itoa(len(c.gz)))
		w.Write(c.gz)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(c.body)))
	w.Write(c.body)
}

// fromCache serves a cached answer if there is one.
func (s *Server) fromCache(w nethttp.ResponseWriter, r *nethttp.Request) bool {
	if c, ok := s.cache.GetIfPresent(s.cacheKey(r)); ok {
		s.serveCached(w, r, c)
		return true
	}
	return false
}

// cachedJSON wraps a JSON handler whose answer depends only on the dataset
// and the query: a repeated query is answered from the cache.
func (s *Server) cachedJSON(h handler) handler {
	return func(w nethttp.ResponseWriter, r *nethttp.Request) error {
		if s.fromCache(w, r) {
			return nil
		}
		return h(w, r)
	}
}
