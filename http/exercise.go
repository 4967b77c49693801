package http

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	nethttp "net/http"
	"time"

	"alliance"
	"alliance/auth"
	"alliance/exercise"
)

// exerciseRoutes registers the Council exercise API and pages. Every route
// needs a seat's secret ("Authorization: Bearer SECRET"); what a seat may
// do is the exercise package's rule, not the transport's.
func (s *Server) exerciseRoutes() {
	x := func(method, path, route string, h func(w nethttp.ResponseWriter, r *nethttp.Request, id, seat string) error) {
		s.handle(method+" /api/v1/exercises/{id}"+path, route, func(w nethttp.ResponseWriter, r *nethttp.Request) error {
			if s.svc.Exercises == nil {
				return alliance.Errorf(alliance.ENOTFOUND, "This server runs no exercises.")
			}
			id := r.PathValue("id")
			seat, err := s.svc.Exercises.Authenticate(r.Context(), id, auth.BearerToken(r.Header.Get("Authorization")))
			if err != nil {
				if alliance.ErrorCode(err) == alliance.EUNAUTHORIZED {
					w.Header().Set("WWW-Authenticate", `Bearer realm="alliance exercise"`)
				}
				return err
			}
			if method == "POST" && !s.writes.allow("exercise:"+id+":"+seat) {
				return alliance.Errorf(alliance.EBUSY, "Too many actions from this seat; wait a moment.")
			}
			w.Header().Set("Cache-Control", "no-store")
			return h(w, r, id, seat)
		})
	}
	x("GET", "", "exercise", s.apiExercise)
	x("GET", "/procedures/{pid}", "exercise_procedure", s.apiExerciseProcedure)
	x("POST", "/procedures", "exercise_procedures", s.apiExerciseOpen)
	x("POST", "/procedures/{pid}/{act}", "exercise_act", s.apiExerciseAct)
	x("POST", "/clock", "exercise_clock", s.apiExerciseClock)
	x("POST", "/injects/{inject}/fire", "exercise_fire", s.apiExerciseFire)
	x("POST", "/seats/{seat}/{op}", "exercise_seat", s.apiExerciseSeat)
	x("POST", "/end", "exercise_end", s.apiExerciseEnd)
	x("GET", "/log", "exercise_log", s.apiExerciseLog)
	x("GET", "/report", "exercise_report", s.apiExerciseReport)
	x("GET", "/stream", "exercise_stream", s.apiExerciseStream)
	s.handle("GET /exercises/{id}", "page_exercise", s.pageExercise)
	s.handle("GET /exercises/{id}/report", "page_exercise_report", s.pageExercise)
}

// decodeBody reads a JSON object strictly into v: unknown fields and
// trailing data are EINVALID.
func decodeBody(r *nethttp.Request, v any) error {
	b, err := readBody(r, "")
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		b = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return alliance.Errorf(alliance.EINVALID, "The body is not the JSON object expected: %s.", alliance.Clip(err.Error()))
	}
	if dec.More() {
		return alliance.Errorf(alliance.EINVALID, "The body holds more than one JSON value.")
	}
	return nil
}

func writeJSONStatus(w nethttp.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode answer: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}

func (s *Server) apiExercise(w nethttp.ResponseWriter, r *nethttp.Request, id, seat string) error {
	v, err := s.svc.Exercises.View(r.Context(), id, seat)
	if err != nil {
		return err
	}
	return writeJSONStatus(w, 200, v)
}

func (s *Server) apiExerciseProcedure(w nethttp.ResponseWriter, r *nethttp.Request, id, seat string) error {
	p, err := s.svc.Exercises.Procedure(r.Context(), id, seat, r.PathValue("pid"))
	if err != nil {
		return err
	}
	return writeJSONStatus(w, 200, p)
}

// apiExerciseOpen is POST …/procedures: a draft the chair tables (kind
// silence or consensus) or a delegation's Article 4 request (kind article4).
func (s *Server) apiExerciseOpen(w nethttp.ResponseWriter, r *nethttp.Request, id, seat string) error {
	var req exercise.TableRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	var pid string
	var err error
	switch req.Kind {
	case exercise.ProcArticle4:
		if req.Draft != "" || req.Decision != "" || req.Title != "" || req.DeadlineMinutes != 0 || req.Acknowledge {
			return alliance.Errorf(alliance.EINVALID, "An Article 4 request takes only text and inject.")
		}
		pid, err = s.svc.Exercises.Request(r.Context(), id, seat, req.Text, req.Inject)
	case exercise.ProcSilence, exercise.ProcConsensus, "":
		if req.Kind == "" && req.Draft == "" {
			return alliance.Errorf(alliance.EINVALID, "Give kind: silence, consensus or article4.")
		}
		pid, err = s.svc.Exercises.Table(r.Context(), id, seat, req)
	default:
		return alliance.Errorf(alliance.EINVALID, "kind %q: want silence, consensus or article4.", alliance.Clip(req.Kind))
	}
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/exercises/"+id+"/procedures/"+pid)
	return writeJSONStatus(w, nethttp.StatusCreated, map[string]string{"id": pid})
}

func (s *Server) apiExerciseAct(w nethttp.ResponseWriter, r *nethttp.Request, id, seat string) error {
	var req struct {
		Reason   string `json:"reason,omitempty"`
		Footnote string `json:"footnote,omitempty"`
	}
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	pid, act := r.PathValue("pid"), r.PathValue("act")
	m := s.svc.Exercises
	var err error
	switch act {
	case "break":
		err = m.Break(r.Context(), id, seat, pid, req.Reason)
	case "agree":
		err = m.Agree(r.Context(), id, seat, pid, req.Footnote)
	case "convene":
		err = m.Convene(r.Context(), id, seat, pid)
	case "close":
		err = m.Close(r.Context(), id, seat, pid)
	default:
		return alliance.Errorf(alliance.ENOTFOUND, "There is no action %q on a procedure: want break, agree, convene or close.", alliance.Clip(act))
	}
	if err != nil {
		return err
	}
	p, err := m.Procedure(r.Context(), id, seat, pid)
	if err != nil {
		return err
	}
	return writeJSONStatus(w, 200, p)
}

func (s *Server) apiExerciseClock(w nethttp.ResponseWriter, r *nethttp.Request, id, seat string) error {
	var req struct {
		Action         string `json:"action,omitempty"`
		AdvanceMinutes int    `json:"advance_minutes,omitempty"`
	}
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	op := req.Action
	if req.AdvanceMinutes != 0 {
		if op != "" && op != "advance" {
			return alliance.Errorf(alliance.EINVALID, "Give action (start or pause) or advance_minutes, not both.")
		}
		op = "advance"
	}
	if err := s.svc.Exercises.Clock(r.Context(), id, seat, op, req.AdvanceMinutes); err != nil {
		return err
	}
	v, err := s.svc.Exercises.View(r.Context(), id, seat)
	if err != nil {
		return err
	}
	return writeJSONStatus(w, 200, map[string]any{"clock": v.Clock, "running": v.Running, "speed": v.Speed})
}

func (s *Server) apiExerciseFire(w nethttp.ResponseWriter, r *nethttp.Request, id, seat string) error {
	if err := s.svc.Exercises.Fire(r.Context(), id, seat, r.PathValue("inject")); err != nil {
		return err
	}
	return writeJSONStatus(w, 200, map[string]string{"fired": r.PathValue("inject")})
}

func (s *Server) apiExerciseSeat(w nethttp.ResponseWriter, r *nethttp.Request, id, seat string) error {
	target, op := r.PathValue("seat"), r.PathValue("op")
	switch op {
	case "reissue":
		secret, err := s.svc.Exercises.Reissue(r.Context(), id, seat, target)
		if err != nil {
			return err
		}
		return writeJSONStatus(w, 200, map[string]string{"seat": target, "secret": secret, "link": "/exercises/" + id + "#" + secret})
	case "revoke":
		if err := s.svc.Exercises.Revoke(r.Context(), id, seat, target); err != nil {
			return err
		}
		return writeJSONStatus(w, 200, map[string]string{"seat": target, "revoked": "yes"})
	}
	return alliance.Errorf(alliance.ENOTFOUND, "There is no seat action %q: want reissue or revoke.", alliance.Clip(op))
}

func (s *Server) apiExerciseEnd(w nethttp.ResponseWriter, r *nethttp.Request, id, seat string) error {
	if err := s.svc.Exercises.End(r.Context(), id, seat); err != nil {
		return err
	}
	return writeJSONStatus(w, 200, map[string]string{"ended": id})
}

func (s *Server) apiExerciseLog(w nethttp.ResponseWriter, r *nethttp.Request, id, seat string) error {
	if seat == exercise.SeatObserver {
		return alliance.Errorf(alliance.EFORBIDDEN, "Observers follow the public record on the observer page; the full log is for the seats and the organisers.")
	}
	as, err := s.svc.Exercises.Log(r.Context(), id, nil)
	if err != nil {
		return err
	}
	switch f := r.URL.Query().Get("format"); f {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="exercise-`+id+`.csv"`)
		return exercise.WriteCSV(w, as)
	case "", "json":
		return writeJSONStatus(w, 200, as)
	default:
		return alliance.Errorf(alliance.EINVALID, "format %q: want json or csv", alliance.Clip(f))
	}
}

func (s *Server) apiExerciseReport(w nethttp.ResponseWriter, r *nethttp.Request, id, seat string) error {
	if seat == exercise.SeatObserver {
		return alliance.Errorf(alliance.EFORBIDDEN, "The after-action report is for the seats and the organisers.")
	}
	rep, err := s.svc.Exercises.Report(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSONStatus(w, 200, rep)
}

// apiExerciseStream sends the seat's view of the exercise as server-sent
// events ("state"), at once and whenever it moves; the rules' own actions
// (deadlines, injects due) are taken at least every second while anyone
// watches. A page reads it with fetch (the secret goes in the header, never
// in the URL).
func (s *Server) apiExerciseStream(w nethttp.ResponseWriter, r *nethttp.Request, id, seat string) error {
	fl, ok := w.(nethttp.Flusher)
	if !ok {
		return alliance.Errorf(alliance.EINTERNAL, "streaming is not supported here")
	}
	// Counts against the server's stream limit; takes no ledger entries,
	// which nothing here would read (a full buffer would drop the stream).
	sub, err := s.hub.join(false)
	if err != nil {
		return err
	}
	defer s.hub.unsubscribe(sub)
	rc := nethttp.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(200)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	beat := time.NewTicker(heartbeat)
	defer beat.Stop()
	last := exercise.Stamp{Entries: -1}
	for {
		stamp, ch, err := s.svc.Exercises.Stamp(r.Context(), id, seat)
		if err != nil {
			fmt.Fprintf(w, "event: error\ndata: %q\n\n", alliance.ErrorMessage(err))
			fl.Flush()
			return nil
		}
		ended := false
		if stamp != last {
			b, end, err := s.exerciseView(r, id, seat, stamp)
			if err != nil {
				fmt.Fprintf(w, "event: error\ndata: %q\n\n", alliance.ErrorMessage(err))
				fl.Flush()
				return nil
			}
			rc.SetWriteDeadline(time.Now().Add(streamWriteWait))
			if _, err := fmt.Fprintf(w, "id: %d\nevent: state\ndata: %s\n\n", stamp.Entries, b); err != nil {
				return nil
			}
			fl.Flush()
			last, ended = stamp, end
		}
		if ended {
			return nil
		}
		select {
		case <-r.Context().Done():
			return nil
		case <-sub.dropped:
			return nil
		case <-ch:
		case <-tick.C:
		case <-beat.C:
			rc.SetWriteDeadline(time.Now().Add(streamWriteWait))
			if _, err := io.WriteString(w, ": heartbeat\n\n"); err != nil {
				return nil
			}
			fl.Flush()
		}
	}
}

// exerciseView returns the encoded view of exercise id for seat at stamp,
// and whether the exercise has ended. Streams of one seat at one stamp share
// one encoding: the 200 observers of an exercise cost one view, not 200.
func (s *Server) exerciseView(r *nethttp.Request, id, seat string, stamp exercise.Stamp) ([]byte, bool, error) {
	// A running clock's reading is part of the view: views are shared
	// within the second they were built in.
	at := stamp.Paused.Unix()
	if stamp.Running {
		at = time.Now().Unix() // a cache bucket, not a reading of the exercise clock
	}
	key := fmt.Sprintf("%s\x00%s\x00%d\x00%t\x00%d", id, seat, stamp.Entries, stamp.Running, at)
	if c, ok := s.xviews.GetIfPresent(key); ok {
		return c.body, c.ended, nil
	}
	v, err := s.svc.Exercises.View(r.Context(), id, seat)
	if err != nil {
		return nil, false, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, false, fmt.Errorf("encode exercise view: %w", err)
	}
	s.xviews.Set(key, &encodedView{body: b, ended: v.Ended != nil})
	return b, v.Ended != nil, nil
}

// encodedView is a seat's view as a stream sends it.
type encodedView struct {
	body  []byte
	ended bool
}

// pageExercise serves the exercise page: one page for every seat, which
// reads the secret from the link's fragment (never sent to the server) and
// shows what the seat may do.
func (s *Server) pageExercise(w nethttp.ResponseWriter, r *nethttp.Request) error {
	report := r.Pattern == "GET /exercises/{id}/report"
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	return s.render(w, r, 200, "exercise", "Council exercise", map[string]any{"ID": r.PathValue("id"), "Report": report})
}
