package http

import (
	"context"
	"fmt"
	"log/slog"
	nethttp "net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

type routeKey struct{}

type routeHolder struct{ route string }

func setRoute(r *nethttp.Request, route string) {
	if h, ok := r.Context().Value(routeKey{}).(*routeHolder); ok {
		h.route = route
	}
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	nethttp.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = nethttp.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush lets server-sent events through.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(nethttp.Flusher); ok {
		f.Flush()
	}
}

// observe records metrics and logs each request (at debug level).
func (s *Server) observe(next nethttp.Handler) nethttp.Handler {
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		start := time.Now()
		h := &routeHolder{route: "other"}
		r = r.WithContext(context.WithValue(r.Context(), routeKey{}, h))
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = nethttp.StatusOK
		}
		d := time.Since(start)
		s.metrics.observe(h.route, sw.status, d)
		if s.log.Enabled(r.Context(), slog.LevelDebug) {
			s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "ms", float64(d.Microseconds())/1000)
		}
	})
}

// buckets are the upper bounds, in seconds, of the latency histogram.
var buckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5}

type series struct {
	count  map[int]int64 // by status
	hist   []int64       // per bucket, cumulative at export
	sum    float64
	number int64
}

// metrics are Prometheus-style counters and latency histograms per route.
type metrics struct {
	mu     sync.Mutex
	routes map[string]*series
	start  time.Time
}

func newMetrics() *metrics { return &metrics{routes: map[string]*series{}, start: time.Now()} }

func (m *metrics) observe(route string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.routes[route]
	if s == nil {
		s = &series{count: map[int]int64{}, hist: make([]int64, len(buckets))}
		m.routes[route] = s
	}
	s.count[status]++
	sec := d.Seconds()
	for i, b := range buckets {
		if sec <= b {
			s.hist[i]++
			break
		}
	}
	s.sum += sec
	s.number++
}

// write writes the metrics in the Prometheus text exposition format.
func (m *metrics) write(w *strings.Builder) {
	m.mu.Lock()
	defer m.mu.Unlock()
	routes := make([]string, 0, len(m.routes))
	for r := range m.routes {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	fmt.Fprintln(w, "# HELP alliance_http_requests_total HTTP requests by route and status.")
	fmt.Fprintln(w, "# TYPE alliance_http_requests_total counter")
	for _, r := range routes {
		codes := make([]int, 0)
		for c := range m.routes[r].count {
			codes = append(codes, c)
		}
		sort.Ints(codes)
		for _, c := range codes {
			fmt.Fprintf(w, "alliance_http_requests_total{route=%q,code=\"%d\"} %d\n", r, c, m.routes[r].count[c])
		}
	}
	fmt.Fprintln(w, "# HELP alliance_http_request_duration_seconds HTTP request latency by route.")
	fmt.Fprintln(w, "# TYPE alliance_http_request_duration_seconds histogram")
	for _, r := range routes {
		s := m.routes[r]
		var cum int64
		for i, b := range buckets {
			cum += s.hist[i]
			fmt.Fprintf(w, "alliance_http_request_duration_seconds_bucket{route=%q,le=\"%g\"} %d\n", r, b, cum)
		}
		fmt.Fprintf(w, "alliance_http_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", r, s.number)
		fmt.Fprintf(w, "alliance_http_request_duration_seconds_sum{route=%q} %g\n", r, s.sum)
		fmt.Fprintf(w, "alliance_http_request_duration_seconds_count{route=%q} %d\n", r, s.number)
	}
	fmt.Fprintln(w, "# HELP alliance_uptime_seconds Seconds since the server started.")
	fmt.Fprintln(w, "# TYPE alliance_uptime_seconds gauge")
	fmt.Fprintf(w, "alliance_uptime_seconds %g\n", time.Since(m.start).Seconds())
}
