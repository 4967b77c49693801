package alliance

import (
	"slices"
	"time"
)

// Origin says where an event in the ledger came from.
type Origin string

// The origins of events.
const (
	FromDataset  Origin = "dataset"  // the curated dataset embedded in the binary
	FromUser     Origin = "user"     // recorded by a user with `alliance record`
	FromScenario Origin = "scenario" // a hypothetical overlay; never stored
)

// Record is an event as the ledger holds it: with its sequence number, the
// time it was recorded, its origin and its chained hash. Scenario records
// have sequence number 0 and no hash.
type Record struct {
	Seq      int64
	Recorded time.Time
	Origin   Origin
	Hash     []byte
	// Recorder names who recorded a user's entry (a person's key comment or
	// an API token's name); empty for the dataset.
	Recorder string
	// Signer is the ed25519 public key that signed the entry and Sig its
	// signature over the entry's encoding without Sig. Entries recorded by
	// users carry both; dataset entries are checked against the release
	// embedded in the binary instead.
	Signer []byte
	Sig    []byte
	Event
}

// History is a list of records sorted by event date, ties kept in sequence
// order. It is the input of every query; the zero History is empty.
type History struct {
	recs []*Record
	// members are the records that change a membership (entry into force,
	// joining, withdrawal), in the same order: the only ones a Snapshot
	// folds, so that a replay costs the membership changes up to its date,
	// not the whole history.
	members []*Record
	// checkpoints[i] is the fold of members[:(i+1)*checkpointEvery], every
	// withdrawal applied; Replay starts from the last one whose records all
	// precede its date.
	checkpoints []map[Org]map[string]Date
}

// checkpointEvery is how many membership changes a checkpoint spans: a
// replay folds fewer than this many records after its checkpoint.
const checkpointEvery = 4096

// NewHistory returns the history of recs, sorted by date (stable).
func NewHistory(recs []*Record) History {
	s := slices.Clone(recs)
	slices.SortStableFunc(s, func(a, b *Record) int { return a.Date.Compare(b.Date) })
	var m []*Record
	for _, r := range s {
		switch r.Type {
		case TreatyInForce, Joined, Withdrew:
			m = append(m, r)
		}
	}
	h := History{recs: s, members: m}
	if len(m) >= checkpointEvery {
		fold := &Snapshot{members: map[Org]map[string]Date{}} // At zero: every withdrawal applies
		for i, r := range m {
			fold.apply(&r.Event)
			if (i+1)%checkpointEvery == 0 {
				h.checkpoints = append(h.checkpoints, fold.copyMembers())
			}
		}
	}
	return h
}

// membersUntil returns the membership-changing records dated on or before d.
func (h History) membersUntil(d Date) []*Record {
	i, _ := slices.BinarySearchFunc(h.members, d, func(r *Record, d Date) int {
		if r.Date.After(d) {
			return 1
		}
		return -1
	})
	return h.members[:i]
}

// Records returns every record in date order. The caller must not modify them.
func (h History) Records() []*Record { return h.recs }

// Len returns the number of records.
func (h History) Len() int { return len(h.recs) }

// Until returns the records dated on or before d, in date order.
func (h History) Until(d Date) []*Record {
	i, _ := slices.BinarySearchFunc(h.recs, d, func(r *Record, d Date) int {
		if r.Date.After(d) {
			return 1
		}
		return -1
	})
	return h.recs[:i]
}

// With returns a new history with the hypothetical events of a scenario laid
// over the facts. h itself is not changed and nothing is stored.
func (h History) With(overlay []Event) History {
	if len(overlay) == 0 {
		return h
	}
	recs := slices.Clone(h.recs)
	for _, e := range overlay {
		recs = append(recs, &Record{Origin: FromScenario, Event: e})
	}
	return NewHistory(recs)
}

// Last returns the date of the latest event, or the zero date.
func (h History) Last() Date {
	if len(h.recs) == 0 {
		return Date{}
	}
	return h.recs[len(h.recs)-1].Date
}

// Filter selects events. Nil fields do not filter.
type Filter struct {
	Org   *Org
	State *string // the event names this state among its states or as candidate
	Type  *EventType
	From  *Date // on or after
	To    *Date // on or before
}

// Filter returns the records that match f, in date order.
func (h History) Filter(f Filter) []*Record {
	var out []*Record
	for _, r := range h.recs {
		switch {
		case f.Org != nil && r.Org != *f.Org,
			f.State != nil && !r.Concerns(*f.State),
			f.Type != nil && r.Type != *f.Type,
			f.From != nil && r.Date.Before(*f.From),
			f.To != nil && r.Date.After(*f.To):
			continue
		}
		out = append(out, r)
	}
	return out
}

// Standing returns the records that stand: without retractions and without
// the entries they retract.
func Standing(recs []*Record) []*Record {
	retracted := map[int64]bool{}
	for _, r := range recs {
		if r.Type == Retraction {
			retracted[r.Retracts] = true
		}
	}
	out := make([]*Record, 0, len(recs))
	for _, r := range recs {
		if r.Type != Retraction && !retracted[r.Seq] {
			out = append(out, r)
		}
	}
	return out
}
