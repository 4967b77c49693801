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
	"io"
	"log/slog"
	"net"
	nethttp "net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"alliance"
	"alliance/claims"
	"alliance/gazetteer"
	"alliance/geo"
	"alliance/rules"
	"alliance/third_party/worldatlas"
)

// Service is what the server answers from: the history and the engines,
// loaded once at start. Version identifies the dataset (the ledger's head
// hash); answers that depend only on it and the query carry an ETag.
type Service struct {
	History     alliance.History
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
}

// Server is the HTTP server.
type Server struct {
	svc       *Service
	mux       *nethttp.ServeMux
	log       *slog.Logger
	metrics   *metrics
	cache     sync.Map // ETag-able answers: key -> *cached
	countries []country
	pages     map[string]*template.Template

	places      *gazetteer.Gazetteer // svc.Places, or built from the embedded data
	placesErr   error
	placesReady chan struct{} // closed when places is set

	apiDocOnce  sync.Once // the API reference page, built on first request
	apiSections []apiSection
}

type cached struct {
	body        []byte
	gz          []byte
	contentType string
	etag        string
}

// NewServer returns a server over svc that logs to log.
func NewServer(svc *Service, log *slog.Logger) *Server {
	if svc.Now == nil {
		svc.Now = time.Now
	}
	s := &Server{svc: svc, mux: nethttp.NewServeMux(), log: log, metrics: newMetrics()}
	shapes, err := geo.Shapes(worldatlas.Countries110m, "countries")
	if err != nil {
		// The embedded data is part of the binary: failing here is a build error.
		panic(fmt.Sprintf("embedded map: %v", err))
	}
	s.countries = buildCountries(svc.Index, shapes)
	s.placesReady = make(chan struct{})
	go s.buildPlaces() // a few hundred milliseconds: not in the way of starting to serve
	s.pages = parsePages()
	s.routes()
	return s
}

// Handler returns the server's handler with its middleware.
func (s *Server) Handler() nethttp.Handler { return s.observe(s.mux) }

// Serve listens on addr until ctx ends, then shuts down gracefully.
// ready, if not nil, receives the address actually listened on.
func (s *Server) Serve(ctx context.Context, addr string, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return alliance.Errorf(alliance.EINVALID, "cannot listen on %s: %v", addr, err)
	}
	srv := &nethttp.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second,
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
}

// Error writes err as {"error":{"code":…,"message":…}} (or a page, for
// pages) with its status: the server's one way out for errors.
func (s *Server) Error(w nethttp.ResponseWriter, r *nethttp.Request, err error) {
	code := alliance.ErrorCode(err)
	status := statusOf[code]
	if code == alliance.EINTERNAL || code == alliance.ECORRUPT {
		s.log.Error("request failed", "path", r.URL.Path, "err", err)
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

// maxCached bounds the answer cache; past it, new answers are not kept.
const maxCached = 4096

var cachedCount atomic.Int64

func (s *Server) storeCache(r *nethttp.Request, c *cached) {
	if cachedCount.Load() >= maxCached {
		return
	}
	if _, loaded := s.cache.LoadOrStore(s.cacheKey(r), c); !loaded {
		cachedCount.Add(1)
	}
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
	if v, ok := s.cache.Load(s.cacheKey(r)); ok {
		s.serveCached(w, r, v.(*cached))
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

// gzipWriter compresses what a page handler writes.
type gzipWriter struct {
	nethttp.ResponseWriter
	zw *gzip.Writer
}

func (g *gzipWriter) Write(b []byte) (int, error) { return g.zw.Write(b) }

// withGzip compresses uncached answers (pages) for clients that accept it.
func withGzip(w nethttp.ResponseWriter, r *nethttp.Request) (nethttp.ResponseWriter, func()) {
	if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		return w, func() {}
	}
	w.Header().Set("Content-Encoding", "gzip")
	w.Header().Set("Vary", "Accept-Encoding")
	zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
	return &gzipWriter{ResponseWriter: w, zw: zw}, func() { zw.Close() }
}

var _ io.Writer = (*gzipWriter)(nil)
