package http

import (
	"context"
	"net"
	nethttp "net/http"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"alliance"
)

// Options bound what any client can make the server spend.
type Options struct {
	// CacheBytes bounds the answer cache by the bytes it holds.
	CacheBytes int
	// ForecastSlots forecasts run at once (default: the number of cores);
	// ForecastQueue more may wait up to ForecastWait for a slot; past that a
	// forecast is refused with 429 and Retry-After.
	ForecastSlots, ForecastQueue int
	ForecastWait                 time.Duration
	// ForecastPerMinute and ForecastBurst limit each client (by address)
	// on the expensive endpoints.
	ForecastPerMinute float64
	ForecastBurst     int
	// WritesPerMinute and WriteBurst limit each token's writes.
	WritesPerMinute float64
	WriteBurst      int
	// MaxBodyBytes bounds a request body.
	MaxBodyBytes int64
	// AllowedHosts, when set, are the only Host headers answered.
	AllowedHosts []string
}

// DefaultOptions are the limits `alliance serve` starts with.
func DefaultOptions() Options {
	return Options{
		CacheBytes:        64 << 20,
		ForecastSlots:     runtime.GOMAXPROCS(0),
		ForecastQueue:     2 * runtime.GOMAXPROCS(0),
		ForecastWait:      10 * time.Second,
		ForecastPerMinute: 30,
		ForecastBurst:     10,
		WritesPerMinute:   60,
		WriteBurst:        30,
		MaxBodyBytes:      1 << 20,
	}
}

func (o *Options) defaults() {
	d := DefaultOptions()
	if o.CacheBytes <= 0 {
		o.CacheBytes = d.CacheBytes
	}
	if o.ForecastSlots <= 0 {
		o.ForecastSlots = d.ForecastSlots
	}
	if o.ForecastQueue < 0 {
		o.ForecastQueue = 0
	}
	if o.ForecastWait <= 0 {
		o.ForecastWait = d.ForecastWait
	}
	if o.ForecastPerMinute <= 0 {
		o.ForecastPerMinute = d.ForecastPerMinute
	}
	if o.ForecastBurst <= 0 {
		o.ForecastBurst = d.ForecastBurst
	}
	if o.WritesPerMinute <= 0 {
		o.WritesPerMinute = d.WritesPerMinute
	}
	if o.WriteBurst <= 0 {
		o.WriteBurst = d.WriteBurst
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = d.MaxBodyBytes
	}
}

// gate admits at most a fixed number of expensive computations at once,
// with a short queue, and a rate per client.
type gate struct {
	slots   chan struct{}
	waiting atomic.Int64
	queue   int64
	wait    time.Duration
	clients *limiter
}

func newGate(o Options) *gate {
	return &gate{
		slots:   make(chan struct{}, o.ForecastSlots),
		queue:   int64(o.ForecastQueue),
		wait:    o.ForecastWait,
		clients: newLimiter(o.ForecastPerMinute, o.ForecastBurst),
	}
}

// busy is the error for a refused expensive request.
func busy(format string) error {
	return alliance.Errorf(alliance.EBUSY, "%s", format)
}

// enter waits for a slot for r's client; the caller calls the returned
// function when done. It refuses with EBUSY when the client is over its
// rate, the queue is full or no slot frees up in time.
func (g *gate) enter(ctx context.Context, client string) (func(), error) {
	if !g.clients.allow(client) {
		return nil, busy("Too many forecasts from your address; try again in a minute.")
	}
	select {
	case g.slots <- struct{}{}:
		return func() { <-g.slots }, nil
	default:
	}
	if g.waiting.Add(1) > g.queue {
		g.waiting.Add(-1)
		return nil, busy("The server is busy with other forecasts; try again in a few seconds.")
	}
	defer g.waiting.Add(-1)
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return func() { <-g.slots }, nil
	case <-t.C:
		return nil, busy("The server is busy with other forecasts; try again in a few seconds.")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

type clientKey struct{}

// clientFrom returns the client address hygiene put in ctx.
func clientFrom(ctx context.Context) string {
	c, _ := ctx.Value(clientKey{}).(string)
	return c
}

// clientOf is the client's address (without port): the unit of rate limits.
// Behind a reverse proxy all clients share the proxy's address; the limits
// then apply to the proxy as a whole.
func clientOf(r *nethttp.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// cspPages is the Content-Security-Policy of the HTML pages: everything from
// this server only, never framed. Inline styles stay allowed for the SVG
// charts, which carry style attributes.
const cspPages = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// hygiene refuses requests for unknown hosts and with malformed paths,
// bounds bodies and sets the headers every answer carries.
func (s *Server) hygiene(next nethttp.Handler) nethttp.Handler {
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		if !strings.HasPrefix(r.URL.Path, "/api/") && r.URL.Path != "/metrics" && r.URL.Path != "/healthz" {
			h.Set("Content-Security-Policy", cspPages)
			h.Set("X-Frame-Options", "DENY")
		}
		if len(s.opt.AllowedHosts) > 0 {
			host := r.Host
			if hh, _, err := net.SplitHostPort(host); err == nil {
				host = hh
			}
			if !slices.Contains(s.opt.AllowedHosts, strings.ToLower(host)) {
				s.Error(w, r, alliance.Errorf(alliance.EINVALID, "This server does not answer for host %q.", r.Host))
				return
			}
		}
		if p, err := url.PathUnescape(r.URL.EscapedPath()); err != nil || !utf8.ValidString(p) || strings.ContainsRune(p, 0) {
			s.Error(w, r, alliance.Errorf(alliance.EINVALID, "The address has a malformed escape or is not UTF-8."))
			return
		}
		if r.Body != nil {
			r.Body = nethttp.MaxBytesReader(w, r.Body, s.opt.MaxBodyBytes)
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientKey{}, clientOf(r))))
	})
}
