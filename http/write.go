package http

import (
	"context"
	"errors"
	"fmt"
	"io"
	nethttp "net/http"
	"time"

	"github.com/maypok86/otter/v2"
	"golang.org/x/time/rate"

	"alliance"
	"alliance/auth"
)

// Recorder records events sent through the API. The server checks who may
// write; the recorder checks the events as `alliance record` does (the same
// schema, source kinds, limits and rules), stores them signed by the
// server's key with by as their recorder, and returns what it stored.
type Recorder interface {
	Record(ctx context.Context, by string, body []byte) (Written, error)
}

// Written is the answer to a successful write: how many events were stored
// and the new head.
type Written struct {
	Stored  int    `json:"stored"`
	Entries int64  `json:"entries"`
	Head    string `json:"head"`
}

// limiter is a token bucket per key (a client address or a token's name),
// in a bounded table.
type limiter struct {
	keys  *otter.Cache[string, *rate.Limiter]
	every rate.Limit
	burst int
}

func newLimiter(perMinute float64, burst int) *limiter {
	return &limiter{
		// A key not seen for a while starts again with a full bucket,
		// which is what it would have.
		keys:  otter.Must(&otter.Options[string, *rate.Limiter]{MaximumSize: 10_000, ExpiryCalculator: otter.ExpiryAccessing[string, *rate.Limiter](10 * time.Minute)}),
		every: rate.Limit(perMinute / 60),
		burst: burst,
	}
}

func (l *limiter) allow(key string) bool {
	lim, _ := l.keys.ComputeIfAbsent(key, func() (*rate.Limiter, bool) {
		return rate.NewLimiter(l.every, l.burst), false
	})
	return lim.Allow()
}

// authorize returns the token of the request's bearer, checked: 401 without
// a valid, unrevoked token.
func (s *Server) authorize(r *nethttp.Request) (alliance.Token, error) {
	secret := auth.BearerToken(r.Header.Get("Authorization"))
	if secret == "" {
		return alliance.Token{}, alliance.Errorf(alliance.EUNAUTHORIZED, "Writing needs a token: send \"Authorization: Bearer TOKEN\".")
	}
	if s.svc.Tokens == nil {
		return alliance.Token{}, alliance.Errorf(alliance.EUNAUTHORIZED, "This server accepts no tokens.")
	}
	t, err := s.svc.Tokens.TokenByHash(r.Context(), auth.HashToken(secret))
	if alliance.ErrorCode(err) == alliance.ENOTFOUND || (err == nil && t.Revoked != nil) {
		return alliance.Token{}, alliance.Errorf(alliance.EUNAUTHORIZED, "The token is not valid (unknown or revoked).")
	} else if err != nil {
		return alliance.Token{}, err
	}
	return t, nil
}

// apiRecord is POST /api/v1/events: a JSON list of events in the format of
// the data files, recorded by an editor.
func (s *Server) apiRecord(w nethttp.ResponseWriter, r *nethttp.Request) error {
	if _, err := params(r); err != nil {
		return err
	}
	t, err := s.authorize(r)
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="alliance"`)
		return err
	}
	if t.Role != alliance.RoleEditor {
		return alliance.Errorf(alliance.EFORBIDDEN, "The token %q may read but not record events: it is a %s token.", t.Name, t.Role)
	}
	if !s.writes.allow(t.Name) {
		return alliance.Errorf(alliance.EBUSY, "Too many writes with this token; try again in a minute.")
	}
	if s.svc.Recorder == nil {
		return alliance.Errorf(alliance.EFORBIDDEN, "This server is read-only.")
	}
	body, err := readBody(r, ": send fewer events at a time")
	if err != nil {
		return err
	}
	out, err := s.svc.Recorder.Record(r.Context(), t.Name, body)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(nethttp.StatusCreated)
	_, err = fmt.Fprintf(w, "{\"stored\":%d,\"entries\":%d,\"head\":%q}\n", out.Stored, out.Entries, out.Head)
	return err
}

// readBody reads a request's body, within the server's body limit: a body
// over it is EINVALID, saying the limit and then hint.
func readBody(r *nethttp.Request, hint string) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	var tooBig *nethttp.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, alliance.Errorf(alliance.EINVALID, "The body is larger than %d bytes%s.", tooBig.Limit, hint)
	} else if err != nil {
		return nil, alliance.Errorf(alliance.EINVALID, "The body could not be read.")
	}
	return b, nil
}
