// Package ledger keeps the append-only, hash-chained list of events: it
// encodes them canonically, appends them to a store, loads them back into a
// History and verifies the chain. Scenario overlays are applied to the
// History it returns (alliance.History.With) and never reach the store.
package ledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"alliance"
)

// Ledger is the factual chain of events held in a store.
type Ledger struct {
	store alliance.Store
	now   func() time.Time
}

// New returns a ledger over store. now stamps the recording time of appended
// events; nil means time.Now.
func New(store alliance.Store, now func() time.Time) *Ledger {
	if now == nil {
		now = time.Now
	}
	return &Ledger{store: store, now: now}
}

// Load reads and decodes every stored entry, checking the hash chain as it
// goes; a break is ECORRUPT naming the first entry that differs.
func (l *Ledger) Load(ctx context.Context) ([]*alliance.Record, error) {
	entries, err := l.store.Entries(ctx)
	if err != nil {
		return nil, fmt.Errorf("load ledger: %w", err)
	}
	return decodeChain(entries)
}

// Verification is the result of checking the chain.
type Verification struct {
	Entries int    `json:"entries"`
	Head    string `json:"head"` // hex hash of the last entry
}

// Verify recomputes the hash chain over every stored entry. It returns
// ECORRUPT naming the first entry (by sequence number) whose hash, sequence
// or encoding does not match.
func (l *Ledger) Verify(ctx context.Context) (Verification, error) {
	recs, err := l.Load(ctx)
	if err != nil {
		return Verification{}, err
	}
	v := Verification{Entries: len(recs)}
	if n := len(recs); n > 0 {
		v.Head = fmt.Sprintf("%x", recs[n-1].Hash)
	}
	return v, nil
}

func decodeChain(entries []alliance.Entry) ([]*alliance.Record, error) {
	return continueChain(0, nil, entries)
}

// errStale reports that the store grew between reading it and appending.
var errStale = errors.New("ledger changed during append")

// Append records events with the given origin at the end of the chain and
// returns the stored records. The events are not checked here: callers check
// them against the dataset rules first. Scenario events are refused.
func (l *Ledger) Append(ctx context.Context, origin alliance.Origin, events []alliance.Event) ([]*alliance.Record, error) {
	if origin == alliance.FromScenario {
		return nil, alliance.Errorf(alliance.EINVALID, "scenario events are hypotheses and are never written to the factual chain")
	}
	recs, err := l.append(ctx, origin, events, -1, nil)
	if err != nil {
		return nil, fmt.Errorf("append %d events: %w", len(events), err)
	}
	return recs, nil
}

// append chains events after the store's head, in one transaction. With
// expect >= 0 it appends only if the chain still ends at sequence expect, and
// returns errStale otherwise. A non-nil signer signs each entry.
func (l *Ledger) append(ctx context.Context, origin alliance.Origin, events []alliance.Event, expect int64, signer *Signer) ([]*alliance.Record, error) {
	var out []*alliance.Record
	err := l.store.Append(ctx, func(head alliance.Entry) ([]alliance.Entry, error) {
		if expect >= 0 && head.Seq != expect {
			return nil, errStale
		}
		out = out[:0]
		recorded := l.now().UTC()
		entries := make([]alliance.Entry, len(events))
		prev, seq := head.Hash, head.Seq
		for i := range events {
			seq++
			r := &alliance.Record{Seq: seq, Recorded: recorded, Origin: origin, Event: events[i]}
			signer.sign(r)
			body := Encode(r)
			r.Hash = Chain(prev, body)
			entries[i] = alliance.Entry{Seq: seq, Body: body, Hash: r.Hash, Key: r.Key(), Retracts: r.Retracts}
			prev = r.Hash
			out = append(out, r)
		}
		return entries, nil
	})
	return out, err
}

// Effective returns the records that stand: without retractions and without
// the entries they retract (alliance.Standing).
func Effective(recs []*alliance.Record) []*alliance.Record { return alliance.Standing(recs) }

// Sync brings the ledger in line with a release of the dataset and returns
// the full, verified list of records and how many entries it appended. It
// appends the dataset's events the ledger does not hold (by
// alliance.Event.Key), and retracts the entries a previous release loaded
// that this release no longer has (a corrected date, a removed event). A
// user's own events are never retracted, and an event the ledger already
// holds is not added twice.
func (l *Ledger) Sync(ctx context.Context, dataset []alliance.Event) (recs []*alliance.Record, added int, err error) {
	for attempt := 0; attempt < 5; attempt++ {
		recs, err = l.Load(ctx)
		if err != nil {
			return nil, 0, err
		}
		// A dataset entry stands while the release holds the same event,
		// content and all: a corrected source, title or note retracts the
		// old entry and adds the new one.
		want := make(map[string]bool, len(dataset))
		for i := range dataset {
			want[Content(&dataset[i])] = true
		}
		have := map[string]bool{} // keys of the facts that stand
		loaded := map[string]bool{}
		var todo []alliance.Event
		for _, r := range Effective(recs) {
			if r.Origin == alliance.FromDataset {
				// Only the dataset's own entries are compared by content; a
				// user's entry of the same fact shares its key.
				c := Content(&r.Event)
				if !want[c] {
					todo = append(todo, alliance.Event{Date: r.Date, Type: alliance.Retraction, Org: r.Org, States: r.States,
						Title: "retracted by a release of the dataset: " + r.Title, Source: r.Source, Retracts: r.Seq})
					continue
				}
				loaded[c] = true
			}
			have[r.Key()] = true
		}
		for _, e := range dataset {
			if !have[e.Key()] && !loaded[Content(&e)] {
				todo = append(todo, e)
				have[e.Key()] = true
			}
		}
		if len(todo) == 0 {
			return recs, 0, nil
		}
		var lastSeq int64
		if n := len(recs); n > 0 {
			lastSeq = recs[n-1].Seq
		}
		added, err := l.append(ctx, alliance.FromDataset, todo, lastSeq, nil)
		if errors.Is(err, errStale) || errors.Is(err, alliance.ErrDuplicate) {
			continue // another process appended first: look again
		} else if err != nil {
			return nil, 0, fmt.Errorf("sync dataset: %w", err)
		}
		return append(recs, added...), len(added), nil
	}
	return nil, 0, alliance.Errorf(alliance.ECONFLICT, "the database kept changing while the dataset was being loaded; try again")
}

// Follow watches the store for entries appended by any process after recs
// (the chain as the caller loaded it) and calls apply with the whole chain
// and the new records, in order, each time it grows. Each new entry must
// extend the chain: a sequence or hash that does not is reported to onErr
// (ECORRUPT) and not applied, and Follow keeps watching. A value on poke
// makes it look at once (after this process appended, say). It returns when
// ctx ends.
func (l *Ledger) Follow(ctx context.Context, recs []*alliance.Record, apply func(all, added []*alliance.Record), onErr func(error), poke <-chan struct{}) {
	ch := l.store.Watch(ctx)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-poke:
		}
		var last int64
		var prev []byte
		if n := len(recs); n > 0 {
			last, prev = recs[n-1].Seq, recs[n-1].Hash
		}
		entries, err := l.store.EntriesAfter(ctx, last)
		if err != nil {
			if ctx.Err() == nil {
				onErr(fmt.Errorf("follow ledger after entry %d: %w", last, err))
			}
			continue
		}
		if len(entries) == 0 {
			continue
		}
		added, err := continueChain(last, prev, entries)
		if err != nil {
			onErr(err)
			continue
		}
		recs = append(slices.Clip(recs), added...)
		apply(recs, added)
	}
}

// continueChain decodes entries that must follow entry last with hash prev.
// The sequence and the hash chain are checked in order (cheap); decoding,
// the expensive part, runs on every core for long chains. The error is the
// one of the first entry that fails, as a one-by-one check would give.
func continueChain(last int64, prev []byte, entries []alliance.Entry) ([]*alliance.Record, error) {
	var chainErr error
	n := len(entries)
	for i, e := range entries {
		want := last + int64(i) + 1
		if e.Seq != want {
			chainErr, n = alliance.Errorf(alliance.ECORRUPT, "event %d: sequence breaks: expected event %d here", e.Seq, want), i
			break
		}
		if h := Chain(prev, e.Body); !bytes.Equal(h, e.Hash) {
			chainErr, n = alliance.Errorf(alliance.ECORRUPT, "event %d: hash does not match its content and the previous hash: the event or its hash was changed", e.Seq), i
			break
		}
		prev = e.Hash
	}
	out := make([]*alliance.Record, n)
	errs := make([]error, n)
	decode := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			e := entries[i]
			r, err := Decode(e.Body)
			switch {
			case err != nil:
				errs[i] = alliance.Errorf(alliance.ECORRUPT, "event %d: %s", e.Seq, alliance.ErrorMessage(err))
			case r.Seq != e.Seq:
				errs[i] = alliance.Errorf(alliance.ECORRUPT, "event %d: its content says it is event %d", e.Seq, r.Seq)
			default:
				r.Hash = e.Hash
				out[i] = r
			}
		}
	}
	if workers := runtime.GOMAXPROCS(0); n < 20_000 || workers == 1 {
		decode(0, n)
	} else {
		var wg sync.WaitGroup
		step := (n + workers - 1) / workers
		for lo := 0; lo < n; lo += step {
			wg.Add(1)
			go func() { defer wg.Done(); decode(lo, min(lo+step, n)) }()
		}
		wg.Wait()
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	if chainErr != nil {
		return nil, chainErr
	}
	return out, nil
}
