package exercise

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"alliance"
	"alliance/auth"
	"alliance/rules"
)

// MaxLogEntries bounds an exercise's log, and so the memory and time any
// seat can make a server spend on one exercise: a day of a 32-Ally
// Council acting every few seconds fits many times over.
const MaxLogEntries = 50_000

// Manager runs the exercises of one store: it checks who acts, applies the
// rules, writes the log and tells streams when an exercise moves. Several
// managers (server instances) may share one store: the store's append is
// the arbiter, and a manager that lost a race reads what the other wrote
// and tries again. Safe for concurrent use.
type Manager struct {
	store alliance.ExerciseStore
	eng   *rules.Engine
	judge Judge
	key   auth.Key
	now   func() time.Time

	mu   sync.Mutex
	live map[string]*live
}

// Judge gives the Article 5/6 verdict for an attack at an inject's place on
// date: the command wires the gazetteer, the land data and rules.Article5.
type Judge func(in Inject, date alliance.Date) (VerdictNote, error)

// live is one exercise as this manager last read it.
type live struct {
	mu       sync.Mutex
	info     alliance.ExerciseInfo
	st       *State
	changed  chan struct{} // closed when the state moves, then replaced
	lastTick time.Time
}

// Config is what a manager needs.
type Config struct {
	Store alliance.ExerciseStore
	Rules *rules.Engine
	Judge Judge
	Key   auth.Key         // signs the log's entries
	Now   func() time.Time // the server's clock; time.Now when nil
}

// NewManager returns a manager over c.Store.
func NewManager(c Config) *Manager {
	if c.Now == nil {
		c.Now = time.Now
	}
	return &Manager{store: c.Store, eng: c.Rules, judge: c.Judge, key: c.Key, now: c.Now, live: map[string]*live{}}
}

// Credentials are the secrets of a new exercise's seats: shown once, stored
// only hashed.
type Credentials struct {
	ID          string            `json:"id"`
	Chair       string            `json:"chair"`
	Control     string            `json:"control"`
	Observer    string            `json:"observer"`
	Delegations map[string]string `json:"delegations"`
	Expires     time.Time         `json:"expires"`
}

// CreateOptions tune a new exercise.
type CreateOptions struct {
	// Lasts is how long the seats' secrets are valid (default 7 days, at
	// most 90).
	Lasts time.Duration
	// ObserverDelay holds the observers' view back by this much wall time
	// (default none, at most a day).
	ObserverDelay time.Duration
}

// Create sets up an exercise of the scenario sc (raw is its file): one seat
// for the chair, control and observers, and one per member of NATO on the
// scenario's date. It returns the secrets.
func (m *Manager) Create(ctx context.Context, sc *Scenario, raw []byte, opt CreateOptions) (Credentials, error) {
	if opt.Lasts == 0 {
		opt.Lasts = 7 * 24 * time.Hour
	}
	if opt.Lasts < time.Minute || opt.Lasts > 90*24*time.Hour {
		return Credentials{}, alliance.Errorf(alliance.EINVALID, "an exercise lasts from a minute to 90 days, not %s", opt.Lasts)
	}
	if opt.ObserverDelay < 0 || opt.ObserverDelay > 24*time.Hour {
		return Credentials{}, alliance.Errorf(alliance.EINVALID, "the observers' delay is from 0 to 24 hours, not %s", opt.ObserverDelay)
	}
	snap := alliance.Replay(m.eng.History, sc.Date)
	var members []string
	for _, s := range snap.Members(alliance.NATO, m.eng.States) {
		members = append(members, s.Code)
	}
	if len(members) == 0 {
		return Credentials{}, alliance.Errorf(alliance.EINVALID, "NATO had no members on %s: the scenario's date seats no Council", sc.Date)
	}
	for _, p := range sc.Positions {
		if !slices.Contains(members, p.State) {
			return Credentials{}, alliance.Errorf(alliance.EINVALID, "%s: a position is scripted for %s, which was not a member of NATO on %s", sc.File, m.eng.States.Name(p.State), sc.Date)
		}
	}
	for _, in := range sc.Injects {
		if in.Requester != "" && !slices.Contains(members, in.Requester) {
			return Credentials{}, alliance.Errorf(alliance.EINVALID, "%s: inject %s's requesting state %s was not a member of NATO on %s", sc.File, in.ID, in.Requester, sc.Date)
		}
	}
	for _, d := range sc.Drafts {
		if d.Decision == DecisionArticle5 {
			if _, err := m.verdict(sc, d.Inject); err != nil {
				return Credentials{}, err
			}
		}
	}
	now := m.now().UTC()
	id := newID()
	creds := Credentials{ID: id, Delegations: map[string]string{}, Expires: now.Add(opt.Lasts).Truncate(time.Second)}
	var seats []alliance.Seat
	add := func(name string) string {
		secret, hash := auth.NewToken()
		seats = append(seats, alliance.Seat{Exercise: id, Name: name, Hash: hash})
		return secret
	}
	creds.Chair, creds.Control, creds.Observer = add(SeatChair), add(SeatControl), add(SeatObserver)
	for _, c := range members {
		creds.Delegations[c] = add(c)
	}
	first := Action{Seq: 1, Exercise: id, At: now, Clock: sc.Start, Seat: SeatServer, Kind: KindCreated, Title: sc.Name,
		Scenario: sc.Slug(), ScenarioHash: hashHex(raw), Date: sc.Date.String(), Delegations: members, Speed: sc.Speed,
		Minutes: int(opt.ObserverDelay / time.Minute)}
	e, err := seal(first, nil, m.key)
	if err != nil {
		return Credentials{}, err
	}
	info := alliance.ExerciseInfo{ID: id, Name: sc.Name, Scenario: raw, Created: now, Expires: creds.Expires}
	if err := m.store.CreateExercise(ctx, info, seats, e); err != nil {
		return Credentials{}, err
	}
	return creds, nil
}

// storedScenario reads the scenario an exercise was created with.
func (m *Manager) storedScenario(info alliance.ExerciseInfo) (*Scenario, error) {
	sc, err := ParseScenario(info.Name, info.Scenario, m.eng.States)
	if err != nil {
		return nil, alliance.Errorf(alliance.ECORRUPT, "exercise %s: its stored scenario no longer reads: %s", info.ID, alliance.ErrorMessage(err))
	}
	return sc, nil
}

// checkCreation checks that a log's actions start with the creation of the
// exercise over the scenario stored with it.
func checkCreation(info alliance.ExerciseInfo, as []Action) error {
	if len(as) == 0 || as[0].Kind != KindCreated {
		return alliance.Errorf(alliance.ECORRUPT, "exercise %s: the log does not start with its creation", info.ID)
	}
	if as[0].ScenarioHash != hashHex(info.Scenario) {
		return alliance.Errorf(alliance.ECORRUPT, "exercise %s: the stored scenario is not the one the exercise was created with", info.ID)
	}
	return nil
}

func hashHex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func newID() string {
	b := make([]byte, 10)
	rand.Read(b)
	return "x" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))[:12]
}

// Role returns the role of a seat: chair, control, observer or delegation.
func Role(seat string) string {
	switch seat {
	case SeatChair, SeatControl, SeatObserver:
		return seat
	}
	return "delegation"
}

// Authenticate returns the seat a secret opens in exercise id: 401 for no
// secret, an unknown, revoked or expired one, 403 for another exercise's.
func (m *Manager) Authenticate(ctx context.Context, id, secret string) (string, error) {
	if secret == "" {
		return "", alliance.Errorf(alliance.EUNAUTHORIZED, "This needs your seat's secret: open your join link, or send \"Authorization: Bearer SECRET\".")
	}
	seat, err := m.store.SeatByHash(ctx, auth.HashToken(secret))
	if alliance.ErrorCode(err) == alliance.ENOTFOUND || err == nil && seat.Revoked != nil {
		return "", alliance.Errorf(alliance.EUNAUTHORIZED, "The secret is not valid (unknown, or revoked by control): ask control for a new join link.")
	} else if err != nil {
		return "", err
	}
	if seat.Exercise != id {
		return "", alliance.Errorf(alliance.EFORBIDDEN, "This secret is for another exercise.")
	}
	l, err := m.load(ctx, id)
	if err != nil {
		return "", err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if m.now().After(l.info.Expires) || l.st.Ended != nil {
		return "", alliance.Errorf(alliance.EUNAUTHORIZED, "The exercise has ended: its secrets have expired. Its record stays readable with `alliance exercise log %s`.", id)
	}
	return seat.Name, nil
}

// load returns the exercise id as last read, reading it on first use.
func (m *Manager) load(ctx context.Context, id string) (*live, error) {
	m.mu.Lock()
	l, ok := m.live[id]
	m.mu.Unlock()
	if ok {
		return l, nil
	}
	info, err := m.store.Exercise(ctx, id)
	if err != nil {
		return nil, err
	}
	sc, err := m.storedScenario(info)
	if err != nil {
		return nil, err
	}
	l = &live{info: info, st: newState(id, sc), changed: make(chan struct{})}
	l.mu.Lock()
	err = m.refresh(ctx, l)
	l.mu.Unlock()
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if prev, ok := m.live[id]; ok {
		return prev, nil
	}
	// Exercises whose secrets have expired are read again if anyone asks:
	// a long-running server does not keep every exercise it ever ran.
	now := m.now()
	for k, o := range m.live {
		if now.After(o.info.Expires) {
			delete(m.live, k)
		}
	}
	m.live[id] = l
	return l, nil
}

// refresh reads the entries other managers appended; l.mu is held.
func (m *Manager) refresh(ctx context.Context, l *live) error {
	es, err := m.store.ExerciseEntries(ctx, l.st.ID, l.st.Seq())
	if err != nil || len(es) == 0 {
		return err
	}
	as, err := openAfter(l.st.ID, l.st.Hash, l.st.Seq(), es, nil)
	if err != nil {
		return err
	}
	if l.st.Seq() == 0 {
		if err := checkCreation(l.info, as); err != nil {
			return err
		}
	}
	for _, a := range as {
		l.st.apply(a)
	}
	l.st.Hash = es[len(es)-1].Hash
	m.signal(l)
	return nil
}

// signal wakes the streams of l; l.mu is held.
func (m *Manager) signal(l *live) {
	close(l.changed)
	l.changed = make(chan struct{})
}

var errStale = errors.New("another server wrote first")

// do runs one act on exercise id: it reads what others wrote, lets the
// rules take the actions that are due, asks act for the seat's action (nil
// act, or act returning ok false, for none) and stores them all in one
// append. act sees the state settled to the server's clock now.
func (m *Manager) do(ctx context.Context, id string, act func(st *State, now time.Time) (Action, bool, error)) (Action, error) {
	l, err := m.load(ctx, id)
	if err != nil {
		return Action{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for attempt := 0; ; attempt++ {
		if err := m.refresh(ctx, l); err != nil {
			return Action{}, err
		}
		now := m.now().UTC()
		// Work on a copy: a failed append must leave the state as stored.
		st := l.st.clone()
		var todo []Action
		push := func(a Action) {
			a.Seq, a.Exercise, a.At = st.Seq()+1, id, now
			st.apply(a)
			todo = append(todo, a)
		}
		for {
			a, ok := st.due(now, m.eng)
			if !ok {
				break
			}
			push(a)
		}
		var mine Action
		if act != nil {
			a, ok, err := act(st, now)
			if err != nil {
				return Action{}, err
			}
			if ok {
				push(a)
				mine = todo[len(todo)-1]
				// What the act makes due at once (the last statement of a
				// consensus round concludes it).
				for {
					a, ok := st.due(now, m.eng)
					if !ok {
						break
					}
					push(a)
				}
			}
		}
		if len(todo) == 0 {
			return mine, nil
		}
		if st.Seq() > MaxLogEntries {
			return Action{}, alliance.Errorf(alliance.ECONFLICT, "The exercise's log is full (%d entries): end it and start another.", MaxLogEntries)
		}
		var entries []alliance.Entry
		prev := l.st.Hash
		for _, a := range todo {
			e, err := seal(a, prev, m.key)
			if err != nil {
				return Action{}, err
			}
			entries = append(entries, e)
			prev = e.Hash
		}
		err := m.store.AppendExercise(ctx, id, func(head alliance.Entry) ([]alliance.Entry, error) {
			if head.Seq != l.st.Seq() {
				return nil, errStale
			}
			return entries, nil
		})
		if errors.Is(err, errStale) && attempt < 8 {
			continue
		} else if errors.Is(err, errStale) {
			return Action{}, alliance.Errorf(alliance.ECONFLICT, "The exercise is busy: try again.")
		} else if err != nil {
			return Action{}, err
		}
		st.Hash = prev
		l.st = st
		m.signal(l)
		return mine, nil
	}
}

// clone copies the state deeply enough for do to change the copy.
func (s *State) clone() *State {
	c := *s
	c.Actions = slices.Clone(s.Actions)
	c.Procedures = make([]*Procedure, len(s.Procedures))
	for i, p := range s.Procedures {
		q := *p
		q.Statements = slices.Clone(p.Statements)
		q.BrokenBy = slices.Clone(p.BrokenBy)
		q.RequestedBy = slices.Clone(p.RequestedBy)
		c.Procedures[i] = &q
	}
	c.Arrived = make(map[string]time.Time, len(s.Arrived))
	for k, v := range s.Arrived {
		c.Arrived[k] = v
	}
	c.Order = slices.Clone(s.Order)
	c.done = make(map[int]bool, len(s.done))
	for k, v := range s.done {
		c.done[k] = v
	}
	return &c
}

// Settle lets the rules take what is due in exercise id (injects whose time
// has come, scripted positions, deadlines) at most every half second, and
// returns a channel closed when the exercise next moves.
func (m *Manager) Settle(ctx context.Context, id string) (<-chan struct{}, error) {
	l, err := m.load(ctx, id)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	recent := m.now().Sub(l.lastTick) < 500*time.Millisecond
	if !recent {
		l.lastTick = m.now()
	}
	l.mu.Unlock()
	if !recent {
		if _, err := m.do(ctx, id, nil); err != nil {
			return nil, err
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.changed, nil
}

// Follow reads what other servers append to any exercise this manager has
// open, as the store signals it, until ctx ends; errors go to onErr.
func (m *Manager) Follow(ctx context.Context, onErr func(error)) {
	for range m.store.WatchExercises(ctx) {
		m.mu.Lock()
		ls := make([]*live, 0, len(m.live))
		for _, l := range m.live {
			ls = append(ls, l)
		}
		m.mu.Unlock()
		for _, l := range ls {
			l.mu.Lock()
			if err := m.refresh(ctx, l); err != nil && onErr != nil {
				onErr(err)
			}
			l.mu.Unlock()
		}
	}
}

// forbid returns the EFORBIDDEN error for a seat acting out of its role.
func forbid(seat, format string, args ...any) error {
	return alliance.Errorf(alliance.EFORBIDDEN, "The %s seat may not do this: "+format, append([]any{seatName(seat)}, args...)...)
}

func seatName(seat string) string {
	if Role(seat) == "delegation" {
		return seat + " delegation's"
	}
	return seat + "'s"
}

// verdict judges Article 5 for the place of the scenario's inject id.
func (m *Manager) verdict(sc *Scenario, id string) (*VerdictNote, error) {
	in := sc.Inject(id)
	if in == nil || !in.HasPlace() {
		return nil, alliance.Errorf(alliance.EINVALID, "inject %q names no place: Article 5 cannot be judged", alliance.Clip(id))
	}
	if m.judge == nil {
		return nil, alliance.Errorf(alliance.EINTERNAL, "this server cannot judge Article 5")
	}
	v, err := m.judge(*in, sc.Date)
	if err != nil {
		return nil, alliance.Errorf(alliance.EINVALID, "%s: inject %s: %s", sc.File, id, alliance.ErrorMessage(err))
	}
	return &v, nil
}
