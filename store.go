package alliance

import (
	"context"
	"errors"
)

// ErrDuplicate is wrapped by a store's Append when an entry records a fact
// that already stands.
var ErrDuplicate = errors.New("the fact is already recorded")

// Entry is one stored event of the ledger as bytes: its canonical encoding
// (which includes its sequence number, recording time and origin) and its
// chained hash, SHA-256(previous entry's hash || Body). The ledger package
// makes and checks entries; a store only keeps them.
type Entry struct {
	Seq  int64
	Body []byte
	Hash []byte
	// Key is the identity of the fact the entry records (Event.Key); empty
	// for an entry that records none. Retracts is the sequence number of the
	// entry this one withdraws, or 0. Stores use both to keep a unique index
	// of the facts that stand; neither is part of the hash chain.
	Key      string
	Retracts int64
}

// Store keeps the ledger's entries durably, in sequence order, append-only.
type Store interface {
	// Entries returns every entry in sequence order. A database that cannot
	// be read returns ECORRUPT.
	Entries(ctx context.Context) ([]Entry, error)

	// Append runs build inside one exclusive write transaction, passing the
	// last stored entry (the zero Entry when the store is empty), and stores
	// the entries build returns, which must continue the sequence. Either all
	// of them are stored durably before Append returns nil, or none is. When
	// another process holds the write lock, Append waits for it up to a
	// timeout, then returns ECONFLICT. An entry whose Key is the Key of an
	// entry that stands (stored, and not withdrawn by a Retracts) is refused
	// with an error wrapping ErrDuplicate, and nothing is stored. An error
	// from build is returned as is.
	Append(ctx context.Context, build func(head Entry) ([]Entry, error)) error

	// EntriesAfter returns the entries with a sequence number greater than
	// seq, in order: what another process appended since seq was read.
	EntriesAfter(ctx context.Context, seq int64) ([]Entry, error)

	// Watch returns a channel that receives a value soon (within about a
	// second) after any process appends to the store, until ctx ends, when
	// it is closed. Signals are coalesced: one value may stand for several
	// appends, and a value may come when nothing changed, so the receiver
	// reads EntriesAfter its last sequence number.
	Watch(ctx context.Context) <-chan struct{}

	// Close releases the store.
	Close() error
}
