package http

import (
	"context"
	"log/slog"
	nethttp "net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
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

// metrics are the server's Prometheus metrics, in a registry of its own
// (not the global one), so that several servers in one process (tests) do
// not collide.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alliance_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "alliance_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5},
		}, []string{"route"}),
	}
	start := time.Now()
	m.reg.MustRegister(m.requests, m.duration,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "alliance_uptime_seconds", Help: "Seconds since the server started."},
			func() float64 { return time.Since(start).Seconds() }),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}

// register adds the server's own gauges (cache size, forecasts running).
func (s *Server) registerGauges() {
	s.metrics.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "alliance_cache_bytes", Help: "Bytes held by the answer cache (its weight)."},
			func() float64 { return float64(s.cache.WeightedSize()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "alliance_forecasts_running", Help: "Forecasts running now."},
			func() float64 { return float64(len(s.forecasts.slots)) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "alliance_forecasts_waiting", Help: "Forecasts waiting for a slot."},
			func() float64 { return float64(s.forecasts.waiting.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "alliance_streams_open", Help: "Open event streams."},
			func() float64 { return float64(s.hub.count()) }),
	)
}

// metricsHandler serves the registry in the Prometheus exposition format.
func (s *Server) metricsHandler() nethttp.Handler {
	return promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})
}
