package exercise

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"alliance"
	"alliance/auth"
)

// The kinds of action in an exercise log.
const (
	KindCreated   = "created"   // the exercise is set up: scenario, seats
	KindClock     = "clock"     // control starts, pauses or advances the clock
	KindInject    = "inject"    // an inject reaches the Council (due, or fired by control)
	KindArticle4  = "article4"  // a delegation requests consultations under Article 4
	KindConvene   = "convene"   // the chair convenes the consultations requested
	KindTable     = "table"     // the chair tables a draft under silence or to a consensus round
	KindBreak     = "break"     // a delegation breaks silence or consensus, with a reason
	KindAgree     = "agree"     // a delegation agrees, optionally with a statement (footnote)
	KindClose     = "close"     // the chair closes a consensus round
	KindConcluded = "concluded" // a procedure ends: agreed or broken
	KindSeat      = "seat"      // control reissues or revokes a seat's secret
	KindEnd       = "end"       // control ends the exercise; every secret expires
)

// The seats that are not delegations, and the server's own.
const (
	SeatChair    = "chair"
	SeatControl  = "control"
	SeatObserver = "observer"
	SeatServer   = "server" // actions the rules take by themselves: injects due, deadlines
)

// Action is one entry of an exercise log: who did what, when on the wall
// clock (At, the server's time) and on the exercise clock (Clock).
type Action struct {
	Seq      int64     `json:"seq"`
	Exercise string    `json:"exercise"`
	At       time.Time `json:"at"`
	Clock    time.Time `json:"clock"`
	Seat     string    `json:"seat"`
	Scripted bool      `json:"scripted,omitempty"` // a scenario's scripted position, played by the server
	Position int       `json:"position,omitempty"` // which one (1 for the first of the scenario's positions)
	Kind     string    `json:"kind"`

	Procedure string     `json:"procedure,omitempty"` // the procedure acted on, or created (p + seq)
	Inject    string     `json:"inject,omitempty"`
	Draft     string     `json:"draft,omitempty"` // the scenario draft tabled, if any
	Decision  string     `json:"decision,omitempty"`
	Rule      string     `json:"rule,omitempty"` // silence or consensus
	Title     string     `json:"title,omitempty"`
	Text      string     `json:"text,omitempty"`   // a draft's text, a request's or a footnote's
	Reason    string     `json:"reason,omitempty"` // a break's reason; a conclusion's
	Deadline  *time.Time `json:"deadline,omitempty"`
	// Clock actions.
	Op      string `json:"op,omitempty"` // start, pause, advance; reissue, revoke
	Minutes int    `json:"minutes,omitempty"`
	// A table action for an Article 5 invocation: the verdict every seat is
	// shown, and whether the chair acknowledged a verdict that the place is
	// not covered.
	Verdict      *VerdictNote `json:"verdict,omitempty"`
	Acknowledged bool         `json:"acknowledged,omitempty"`
	// A conclusion.
	Status   string   `json:"status,omitempty"`
	BrokenBy []string `json:"broken_by,omitempty"`
	// The created action.
	Scenario     string   `json:"scenario,omitempty"`
	ScenarioHash string   `json:"scenario_sha256,omitempty"`
	Date         string   `json:"date,omitempty"`
	Delegations  []string `json:"delegations,omitempty"`
	Speed        float64  `json:"speed,omitempty"`
	Seats        []string `json:"seats,omitempty"` // a seat action's seat
}

// VerdictNote is the Article 5/6 verdict shown with an invocation draft.
type VerdictNote struct {
	Verdict string `json:"verdict"`
	Clause  string `json:"clause"`
	Reason  string `json:"reason"`
	Place   string `json:"place"`
	Date    string `json:"date"`
	Covered bool   `json:"covered"`
}

// signed is an entry's body: the action, the public key of the server that
// wrote it, and its signature over SHA-256(previous hash || action).
type signed struct {
	Action json.RawMessage `json:"action"`
	Signer []byte          `json:"signer"`
	Sig    []byte          `json:"sig"`
}

// seal makes the stored entry of a, chained to prev (the previous entry's
// hash; nil for the first) and signed with key.
func seal(a Action, prev []byte, key auth.Key) (alliance.Entry, error) {
	body, err := json.Marshal(a)
	if err != nil {
		return alliance.Entry{}, fmt.Errorf("encode action %d: %w", a.Seq, err)
	}
	d := digest(prev, body)
	s := signed{Action: body, Signer: key.Public(), Sig: ed25519.Sign(key.Private, d[:])}
	b, err := json.Marshal(s)
	if err != nil {
		return alliance.Entry{}, fmt.Errorf("encode entry %d: %w", a.Seq, err)
	}
	h := sha256.Sum256(append(bytes.Clone(prev), b...))
	return alliance.Entry{Seq: a.Seq, Body: b, Hash: h[:]}, nil
}

func digest(prev, action []byte) [32]byte {
	return sha256.Sum256(append(bytes.Clone(prev), action...))
}

// Open checks the chain of entries of exercise id and decodes their
// actions: each entry's hash must be SHA-256(previous hash || body), the
// sequence must run 1, 2, 3…, each signature must verify with the key the
// entry names, and, when trusted is not nil, that key must be in it. Any
// failure is ECORRUPT naming the entry.
func Open(id string, entries []alliance.Entry, trusted auth.Keyring) ([]Action, error) {
	return openAfter(id, nil, 0, entries, trusted)
}

// openAfter is Open for the entries that follow entry seq, whose hash is
// prev.
func openAfter(id string, prev []byte, seq int64, entries []alliance.Entry, trusted auth.Keyring) ([]Action, error) {
	out := make([]Action, 0, len(entries))
	for i, e := range entries {
		bad := func(format string, args ...any) error {
			return alliance.Errorf(alliance.ECORRUPT, "exercise %s, entry %d: %s", id, e.Seq, fmt.Sprintf(format, args...))
		}
		if e.Seq != seq+int64(i+1) {
			return nil, bad("out of sequence: want entry %d", seq+int64(i+1))
		}
		h := sha256.Sum256(append(bytes.Clone(prev), e.Body...))
		if !bytes.Equal(h[:], e.Hash) {
			return nil, bad("its hash does not match its content: the log was changed after it was written")
		}
		var s signed
		if err := json.Unmarshal(e.Body, &s); err != nil {
			return nil, bad("cannot be decoded: %v", err)
		}
		var a Action
		dec := json.NewDecoder(bytes.NewReader(s.Action))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&a); err != nil {
			return nil, bad("the action cannot be decoded: %v", err)
		}
		if a.Seq != e.Seq || a.Exercise != id {
			return nil, bad("the action says exercise %s entry %d", a.Exercise, a.Seq)
		}
		d := digest(prev, s.Action)
		if len(s.Signer) != ed25519.PublicKeySize || len(s.Sig) != ed25519.SignatureSize || !ed25519.Verify(s.Signer, d[:], s.Sig) {
			return nil, bad("its signature does not match its content")
		}
		if trusted != nil {
			if _, ok := trusted[base64.StdEncoding.EncodeToString(s.Signer)]; !ok {
				return nil, bad("it is signed by key %s, which is not in the keyring", base64.StdEncoding.EncodeToString(s.Signer))
			}
		}
		out = append(out, a)
		prev = e.Hash
	}
	return out, nil
}
