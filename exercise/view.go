package exercise

import (
	"context"
	"encoding/hex"
	"slices"
	"time"

	"alliance"
	"alliance/auth"
)

// View is an exercise as one seat sees it at a moment.
type View struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Summary     string          `json:"summary"`
	Scenario    string          `json:"scenario"`
	Date        alliance.Date   `json:"date"`
	Seat        string          `json:"seat"`
	Role        string          `json:"role"`
	SeatName    string          `json:"seat_name"`
	Now         time.Time       `json:"now"` // the server's wall clock
	Clock       time.Time       `json:"clock"`
	Speed       float64         `json:"clock_speed"`
	Running     bool            `json:"running"`
	Started     bool            `json:"started"`
	Ended       *time.Time      `json:"ended,omitempty"`
	Expires     time.Time       `json:"expires"`
	Delegations []Delegation    `json:"delegations"`
	Injects     []InjectView    `json:"injects"`
	Drafts      []Draft         `json:"drafts,omitempty"` // the scenario's, for the chair and control
	Procedures  []*Procedure    `json:"procedures"`
	Entries     int64           `json:"entries"`
	Head        string          `json:"head"`
	Delay       int             `json:"observer_delay_minutes,omitempty"`
	Pending     []InjectPending `json:"pending_injects,omitempty"` // control only
}

// Delegation is a seat at the Council.
type Delegation struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// InjectView is an inject that has reached the Council.
type InjectView struct {
	Inject
	Arrived time.Time `json:"arrived"`
}

// InjectPending is an inject still to come, for control.
type InjectPending struct {
	ID    string    `json:"id"`
	Title string    `json:"title"`
	Due   time.Time `json:"due"`
}

// View returns exercise id as seat sees it now, after the rules have taken
// what is due (read from the store now; Watch for the cheaper view a
// stream takes). Observers see the record as it stood ObserverDelay ago.
func (m *Manager) View(ctx context.Context, id, seat string) (View, error) {
	if _, err := m.do(ctx, id, nil); err != nil {
		return View{}, err
	}
	return m.view(ctx, id, seat)
}

// Watch returns the view of exercise id for seat as the manager last read
// it (settled at most every half second) and a channel closed when it next
// moves.
func (m *Manager) Watch(ctx context.Context, id, seat string) (View, <-chan struct{}, error) {
	ch, err := m.Settle(ctx, id)
	if err != nil {
		return View{}, nil, err
	}
	v, err := m.view(ctx, id, seat)
	return v, ch, err
}

// Stamp is what a seat's view depends on, but for the running clock's
// seconds: two views with one stamp differ only in their clock and now,
// which a page moves on by itself.
type Stamp struct {
	Entries int64     // the entries the seat sees (fewer for delayed observers)
	Running bool      // whether the clock runs
	Paused  time.Time // the clock's reading while it is paused
}

// Stamp returns the stamp of exercise id's view for seat, after the rules
// have taken what is due (at most every half second), and a channel closed
// when the exercise next moves: what a stream needs to tell whether to send
// a new view, without building one.
func (m *Manager) Stamp(ctx context.Context, id, seat string) (Stamp, <-chan struct{}, error) {
	ch, err := m.Settle(ctx, id)
	if err != nil {
		return Stamp{}, nil, err
	}
	l, err := m.load(ctx, id)
	if err != nil {
		return Stamp{}, nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.st
	s := Stamp{Entries: st.Seq(), Running: st.running}
	if delay := st.delay(); seat == SeatObserver && delay > 0 {
		cut := m.now().Add(-delay)
		s.Entries = 0
		for _, a := range st.Actions {
			if a.At.After(cut) {
				break
			}
			s.Entries++
		}
		// What the delayed view shows of the clock is read at the cut.
		s.Running = true
	}
	if !s.Running {
		s.Paused = st.base
	}
	return s, ch, nil
}

// delay is how late observers see the record.
func (s *State) delay() time.Duration {
	if len(s.Actions) == 0 {
		return 0
	}
	return time.Duration(s.Actions[0].Minutes) * time.Minute
}

func (m *Manager) view(ctx context.Context, id, seat string) (View, error) {
	l, err := m.load(ctx, id)
	if err != nil {
		return View{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := m.now().UTC()
	st := l.st
	delay := st.delay()
	if seat == SeatObserver && delay > 0 {
		cut := now.Add(-delay)
		past := newState(st.ID, st.Scenario)
		for _, a := range st.Actions {
			if a.At.After(cut) {
				break
			}
			past.apply(a)
		}
		st, now = past, cut
	}
	v := View{ID: id, Name: st.Scenario.Name, Summary: st.Scenario.Summary, Scenario: st.Scenario.Slug(), Date: st.Scenario.Date, Seat: seat, Role: Role(seat),
		SeatName: m.eng.States.Name(seat), Now: m.now().UTC(), Clock: st.Clock(now), Speed: st.Scenario.Speed, Running: st.running, Started: st.started,
		Ended: st.Ended, Expires: l.info.Expires, Entries: st.Seq(), Delay: int(delay / time.Minute), Injects: []InjectView{}, Procedures: []*Procedure{}}
	if Role(seat) != "delegation" {
		v.SeatName = map[string]string{SeatChair: "Chair (Secretary General)", SeatControl: "Exercise control", SeatObserver: "Observer"}[seat]
	}
	v.Head = hex.EncodeToString(st.Hash)
	for _, c := range st.Delegations {
		v.Delegations = append(v.Delegations, Delegation{Code: c, Name: m.eng.States.Name(c)})
	}
	for _, iid := range st.Order {
		if in := st.Scenario.Inject(iid); in != nil {
			v.Injects = append(v.Injects, InjectView{Inject: *in, Arrived: st.Arrived[iid]})
		}
	}
	for _, p := range st.Procedures {
		q := *p
		q.Statements = slices.Clone(p.Statements)
		v.Procedures = append(v.Procedures, &q)
	}
	if seat == SeatChair || seat == SeatControl {
		v.Drafts = st.Scenario.Drafts
	}
	if seat == SeatControl {
		for _, in := range st.Scenario.Injects {
			if _, ok := st.Arrived[in.ID]; !ok {
				v.Pending = append(v.Pending, InjectPending{ID: in.ID, Title: in.Title, Due: st.Scenario.Start.Add(time.Duration(in.AtMinutes) * time.Minute)})
			}
		}
	}
	return v, nil
}

// Procedure returns one procedure of exercise id as it stands now.
func (m *Manager) Procedure(ctx context.Context, id, seat, pid string) (*Procedure, error) {
	v, err := m.View(ctx, id, seat)
	if err != nil {
		return nil, err
	}
	for _, p := range v.Procedures {
		if p.ID == pid {
			return p, nil
		}
	}
	return nil, alliance.Errorf(alliance.ENOTFOUND, "There is no procedure %q in exercise %s.", alliance.Clip(pid), id)
}

// Log returns the actions of exercise id's log, checked (hash chain and
// signatures; with trusted, also that the signing keys are in it).
func (m *Manager) Log(ctx context.Context, id string, trusted auth.Keyring) ([]Action, error) {
	_, as, _, err := m.read(ctx, id, trusted)
	return as, err
}

// read reads exercise id and its whole log once, and checks the log: it
// returns the actions and the last entry's hash.
func (m *Manager) read(ctx context.Context, id string, trusted auth.Keyring) (alliance.ExerciseInfo, []Action, []byte, error) {
	info, err := m.store.Exercise(ctx, id)
	if err != nil {
		return info, nil, nil, err
	}
	es, err := m.store.ExerciseEntries(ctx, id, 0)
	if err != nil {
		return info, nil, nil, err
	}
	as, err := Open(id, es, trusted)
	if err != nil {
		return info, nil, nil, err
	}
	if err := checkCreation(info, as); err != nil {
		return info, nil, nil, err
	}
	return info, as, es[len(es)-1].Hash, nil
}

// Replay rebuilds exercise id's state from its log alone, as the server
// would, without settling anything.
func (m *Manager) Replay(ctx context.Context, id string) (*State, error) {
	info, as, head, err := m.read(ctx, id, nil)
	if err != nil {
		return nil, err
	}
	sc, err := m.storedScenario(info)
	if err != nil {
		return nil, err
	}
	st := newState(id, sc)
	for _, a := range as {
		st.apply(a)
	}
	st.Hash = head
	return st, nil
}
