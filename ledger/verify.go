package ledger

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"

	"alliance"
)

// Head is a ledger's size and the hash of its last entry: saved and
// published, it lets anyone check later that the ledger still extends it.
type Head struct {
	Entries int64  `json:"entries"`
	Hash    string `json:"head"` // hex SHA-256 of the last entry; "" for an empty ledger
}

// HeadOf returns the head of a loaded chain.
func HeadOf(recs []*alliance.Record) Head {
	if len(recs) == 0 {
		return Head{}
	}
	last := recs[len(recs)-1]
	return Head{Entries: last.Seq, Hash: hex.EncodeToString(last.Hash)}
}

// VerifyOptions say what Verify checks beyond the hash chain. Nil fields
// are not checked.
type VerifyOptions struct {
	// Against is a head saved earlier: the ledger must still extend it.
	Against *Head
	// Trusted are the keys that may sign users' entries; with it, every
	// entry a user recorded must carry a valid signature by one of them.
	Trusted Keyring
	// Release is the dataset embedded in the binary: every dataset entry
	// that stands must be an event of the release, content and all, and
	// every event of the release must stand.
	Release []alliance.Event
}

// VerifyWith checks the hash chain and what opt asks for. Each failure is
// ECORRUPT naming the first entry concerned.
func (l *Ledger) VerifyWith(ctx context.Context, opt VerifyOptions) (Verification, error) {
	recs, err := l.Load(ctx)
	if err != nil {
		return Verification{}, err
	}
	h := HeadOf(recs)
	v := Verification{Entries: len(recs), Head: h.Hash}
	if a := opt.Against; a != nil {
		if err := extends(recs, *a); err != nil {
			return v, err
		}
	}
	if opt.Trusted != nil {
		for _, r := range recs {
			if r.Origin == alliance.FromDataset {
				continue
			}
			if r.Origin != alliance.FromUser {
				return v, alliance.Errorf(alliance.ECORRUPT, "event %d has origin %q, which is never stored", r.Seq, r.Origin)
			}
			if err := checkSignature(r, opt.Trusted); err != nil {
				return v, alliance.Errorf(alliance.ECORRUPT, "event %d was recorded by a user but %v", r.Seq, err)
			}
		}
	}
	if opt.Release != nil {
		if err := matchRelease(recs, opt.Release); err != nil {
			return v, err
		}
	}
	return v, nil
}

func extends(recs []*alliance.Record, a Head) error {
	switch {
	case a.Entries < 0:
		return alliance.Errorf(alliance.EINVALID, "the saved head has a negative number of entries")
	case a.Entries == 0:
		return nil
	case int64(len(recs)) < a.Entries:
		return alliance.Errorf(alliance.ECORRUPT, "the ledger has %d entries but the saved head has %d: entries were removed", len(recs), a.Entries)
	}
	if got := hex.EncodeToString(recs[a.Entries-1].Hash); got != a.Hash {
		return alliance.Errorf(alliance.ECORRUPT, "event %d has hash %s but the saved head says %s: the ledger was rewritten up to there", a.Entries, got, a.Hash)
	}
	return nil
}

func matchRelease(recs []*alliance.Record, release []alliance.Event) error {
	want := make(map[string]bool, len(release))
	for i := range release {
		want[Content(&release[i])] = true
	}
	bySeq := make(map[int64]*alliance.Record, len(recs))
	for _, r := range recs {
		bySeq[r.Seq] = r
	}
	standing := map[string]bool{}
	keys := map[string]bool{}
	for _, r := range Effective(recs) {
		keys[r.Key()] = true
		if r.Origin != alliance.FromDataset {
			continue
		}
		c := Content(&r.Event)
		if !want[c] {
			return alliance.Errorf(alliance.ECORRUPT, "event %d (%s %s) is marked as from the dataset but this release has no such event: it was forged or changed, or the database was loaded by another release", r.Seq, r.Date, r.Type)
		}
		standing[c] = true
	}
	for _, r := range recs {
		if r.Type == alliance.Retraction && r.Origin == alliance.FromDataset {
			if t := bySeq[r.Retracts]; t == nil || t.Origin != alliance.FromDataset {
				return alliance.Errorf(alliance.ECORRUPT, "event %d retracts event %d, which is not a dataset entry: a release only retracts its own", r.Seq, r.Retracts)
			}
		}
	}
	for i := range release {
		e := &release[i]
		if !standing[Content(e)] && !keys[e.Key()] {
			return alliance.Errorf(alliance.ECORRUPT, "the release's event %s %s %q does not stand in the ledger: it was removed or retracted, or the database was loaded by another release (any command other than verify loads this one)", e.Date, e.Type, e.Title)
		}
	}
	return nil
}

// Recorded is what Record did: the records it stored and the events it
// skipped because the ledger already held them.
type Recorded struct {
	Stored  []*alliance.Record
	Already []alliance.Event
}

// Record appends a person's events, signed by signer, after check accepts
// the new ones (by index into events) against the records that stand. An
// event whose fact already stands is skipped and reported, so recording a
// file twice is a no-op. The check and the append see the same head: when
// another process appends in between, Record looks again.
func (l *Ledger) Record(ctx context.Context, events []alliance.Event, signer *Signer,
	check func(standing []*alliance.Record, todo []int) error) (Recorded, error) {
	for attempt := 0; attempt < 20; attempt++ {
		recs, err := l.Load(ctx)
		if err != nil {
			return Recorded{}, err
		}
		standing := Effective(recs)
		have := make(map[string]bool, len(standing))
		for _, r := range standing {
			have[r.Key()] = true
		}
		var out Recorded
		var todo []int
		var evs []alliance.Event
		for i := range events {
			if have[events[i].Key()] {
				out.Already = append(out.Already, events[i])
				continue
			}
			todo = append(todo, i)
			evs = append(evs, events[i])
		}
		if err := check(standing, todo); err != nil {
			return Recorded{}, err
		}
		if len(evs) == 0 {
			return out, nil
		}
		var lastSeq int64
		if n := len(recs); n > 0 {
			lastSeq = recs[n-1].Seq
		}
		out.Stored, err = l.append(ctx, alliance.FromUser, evs, lastSeq, signer)
		if errors.Is(err, errStale) || errors.Is(err, alliance.ErrDuplicate) {
			continue // another process appended first: look again
		} else if err != nil {
			return Recorded{}, fmt.Errorf("record %d events: %w", len(evs), err)
		}
		return out, nil
	}
	return Recorded{}, alliance.Errorf(alliance.ECONFLICT, "the database kept changing while the events were being recorded; try again")
}
