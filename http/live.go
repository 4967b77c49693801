package http

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	nethttp "net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"alliance"
	"alliance/tidy"
)

// Live is a server whose answers follow the ledger: Update swaps in a server
// over the new history (requests in flight finish on the old one) and sends
// the new entries to every open event stream. Caches are keyed by the head,
// so answers move to the new head at once.
type Live struct {
	cur atomic.Pointer[Server]
}

// NewLive returns a live server over svc.
func NewLive(svc *Service, log *slog.Logger, opt Options) *Live {
	l := &Live{}
	l.cur.Store(NewServerWith(svc, log, opt))
	return l
}

// Update serves svc from now on and streams added (the records appended
// since the last update, in sequence order).
func (l *Live) Update(svc *Service, added []*alliance.Record) {
	old := l.cur.Load()
	l.cur.Store(old.with(svc))
	old.hub.publish(added)
	old.log.Info("ledger moved", "entries", svc.Entries, "head", short(svc.Version), "added", len(added))
}

// Entries returns the number of entries of the ledger served now.
func (l *Live) Entries() int64 { return l.cur.Load().svc.Entries }

// Current returns the server answering now.
func (l *Live) Current() *Server { return l.cur.Load() }

// Handler dispatches each request to the server current when it arrives.
func (l *Live) Handler() nethttp.Handler {
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		l.cur.Load().Handler().ServeHTTP(w, r)
	})
}

// Serve listens on addr until ctx ends, then shuts down gracefully.
func (l *Live) Serve(ctx context.Context, addr string, ready func(net.Addr)) error {
	return l.cur.Load().serve(ctx, addr, l.Handler(), ready)
}

func short(v string) string {
	if len(v) > 12 {
		return v[:12]
	}
	return v
}

// Stream limits: how many entries a slow reader may fall behind before it
// is dropped, how many streams the server holds, how often it sends a
// heartbeat, and how many entries a resumed stream replays at most.
const (
	streamBuffer    = 256
	maxStreams      = 10_000
	heartbeat       = 15 * time.Second
	maxReplay       = 10_000
	streamWriteWait = 10 * time.Second
)

// hub fans new entries out to the open event streams.
type hub struct {
	mu     sync.Mutex
	subs   map[*sub]struct{}
	closed bool
}

type sub struct {
	ch      chan *alliance.Record // nil for a stream that takes no entries (an exercise's)
	dropped chan struct{}         // closed when the reader fell too far behind, or the server stops
}

func newHub() *hub { return &hub{subs: map[*sub]struct{}{}} }

func (h *hub) subscribe() (*sub, error) { return h.join(true) }

// join counts a stream against the server's limit; with entries, the
// stream also takes the ledger's new entries.
func (h *hub) join(entries bool) (*sub, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, alliance.Errorf(alliance.EBUSY, "The server is shutting down.")
	}
	if len(h.subs) >= maxStreams {
		return nil, alliance.Errorf(alliance.EBUSY, "Too many open event streams; try again later.")
	}
	s := &sub{dropped: make(chan struct{})}
	if entries {
		s.ch = make(chan *alliance.Record, streamBuffer)
	}
	h.subs[s] = struct{}{}
	return s, nil
}

func (h *hub) unsubscribe(s *sub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; ok {
		delete(h.subs, s)
		close(s.dropped)
	}
}

// publish sends recs to every stream; a stream whose buffer is full is
// dropped (its reader reconnects with Last-Event-ID and resumes), so a slow
// reader never makes the server buffer without bound.
func (h *hub) publish(recs []*alliance.Record) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		if s.ch == nil {
			continue
		}
	send:
		for _, r := range recs {
			select {
			case s.ch <- r:
			default:
				delete(h.subs, s)
				close(s.dropped)
				break send
			}
		}
	}
}

func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for s := range h.subs {
		delete(h.subs, s)
		close(s.dropped)
	}
}

// apiHead answers the ledger's head, for witnesses.
func (s *Server) apiHead(w nethttp.ResponseWriter, r *nethttp.Request) error {
	if _, err := params(r); err != nil {
		return err
	}
	return s.writeBody(w, r, "application/json", fmt.Appendf(nil, "{\"entries\":%d,\"head\":%q,\"events\":%d}\n", s.svc.Entries, s.svc.Version, s.svc.History.Len()), false)
}

// apiStream is GET /api/v1/events/stream: Server-Sent Events of the entries
// appended from now on, each `id: SEQ` and `data: EVENT-JSON`; with a
// Last-Event-ID header (or ?since=SEQ) it first replays the standing events
// recorded after that entry.
func (s *Server) apiStream(w nethttp.ResponseWriter, r *nethttp.Request) error {
	q, err := params(r, "since")
	if err != nil {
		return err
	}
	since := int64(-1)
	if v := r.Header.Get("Last-Event-ID"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return alliance.Errorf(alliance.EINVALID, "Last-Event-ID %q is not an entry number.", v)
		}
		since = n
	} else if q.str("since") != "" {
		since = int64(q.number("since", 0, 0, 1<<53))
		if q.err != nil {
			return q.err
		}
	}
	sb, err := s.hub.subscribe()
	if err != nil {
		return err
	}
	defer s.hub.unsubscribe(sb)
	rc := nethttp.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(nethttp.StatusOK)
	write := func(format string, args ...any) error {
		rc.SetWriteDeadline(time.Now().Add(streamWriteWait))
		if _, err := fmt.Fprintf(w, format, args...); err != nil {
			return err
		}
		return rc.Flush()
	}
	send := func(rec *alliance.Record) error {
		b, err := json.Marshal(tidy.Events([]*alliance.Record{rec})[0])
		if err != nil {
			return err
		}
		return write("id: %d\nevent: entry\ndata: %s\n\n", rec.Seq, b)
	}
	last := since
	if since >= 0 {
		var replay []*alliance.Record
		for _, rec := range s.svc.History.Records() {
			if rec.Seq > since {
				replay = append(replay, rec)
			}
		}
		slices.SortFunc(replay, func(a, b *alliance.Record) int { return cmp.Compare(a.Seq, b.Seq) })
		if len(replay) > maxReplay {
			replay = replay[len(replay)-maxReplay:]
		}
		for _, rec := range replay {
			if err := send(rec); err != nil {
				return nil
			}
			last = rec.Seq
		}
	}
	if err := write("retry: 3000\n: connected at entry %d\n\n", s.svc.Entries); err != nil {
		return nil
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-sb.dropped:
			return nil
		case <-tick.C:
			if write(": heartbeat\n\n") != nil {
				return nil
			}
		case rec := <-sb.ch:
			if rec.Seq <= last {
				continue // already replayed
			}
			if send(rec) != nil {
				return nil
			}
			last = rec.Seq
		}
	}
}
