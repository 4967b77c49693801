package alliance

import (
	"context"
	"time"
)

// ExerciseInfo is a Council exercise as stored: its id, the scenario it
// plays (the scenario file's bytes, so that the exercise does not change
// when the shipped scenario does), and when its seats' secrets expire.
type ExerciseInfo struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Scenario []byte    `json:"-"`
	Created  time.Time `json:"created"`
	Expires  time.Time `json:"expires"`
}

// Seat is one seat of an exercise as stored: its name ("chair", "control",
// "observer" or a delegation's state code) and the SHA-256 of its secret.
// Revoked is set when control revoked the seat's secret.
type Seat struct {
	Exercise string     `json:"exercise"`
	Name     string     `json:"seat"`
	Hash     []byte     `json:"-"`
	Revoked  *time.Time `json:"revoked,omitempty"`
}

// ExerciseStore keeps Council exercises: their seats and their logs, apart
// from the facts ledger. A log is a sequence of Entries per exercise,
// hash-chained and signed by the exercise package; the store only keeps
// them, append-only.
type ExerciseStore interface {
	// CreateExercise stores x, its seats and the first entry of its log in
	// one transaction. An id or a secret hash already used is ECONFLICT.
	CreateExercise(ctx context.Context, x ExerciseInfo, seats []Seat, first Entry) error

	// Exercise returns the exercise id; none is ENOTFOUND.
	Exercise(ctx context.Context, id string) (ExerciseInfo, error)

	// SeatByHash returns the seat whose secret hashes to hash, revoked or
	// not; none is ENOTFOUND.
	SeatByHash(ctx context.Context, hash []byte) (Seat, error)

	// SetSeatSecret gives the named seat of exercise a new secret hash
	// (reissue), or revokes it at at when hash is nil. An unknown seat is
	// ENOTFOUND.
	SetSeatSecret(ctx context.Context, exercise, seat string, hash []byte, at time.Time) error

	// AppendExercise runs build in one exclusive write transaction with the
	// exercise's last entry (the zero Entry for none) and stores the entries
	// it returns, which must continue the exercise's sequence; all or
	// nothing. An error from build is returned as is.
	AppendExercise(ctx context.Context, id string, build func(head Entry) ([]Entry, error)) error

	// ExerciseEntries returns the exercise's entries after sequence number
	// after, in order.
	ExerciseEntries(ctx context.Context, id string, after int64) ([]Entry, error)

	// WatchExercises returns a channel that receives a value soon after any
	// process appends to any exercise log, until ctx ends; as Store.Watch,
	// signals are coalesced and may be spurious.
	WatchExercises(ctx context.Context) <-chan struct{}
}
