package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"alliance"
)

var _ alliance.ExerciseStore = (*Store)(nil)

// ExerciseChannel is the LISTEN/NOTIFY channel on which every exercise
// append is announced; the payload is the exercise's id.
const ExerciseChannel = "alliance_exercises"

// lockExercise is the advisory lock class of exercise appends: one lock
// per exercise, keyed by a hash of its id.
const lockExercise = 0x616c6c78 // "allx"

func clipID(id string) string {
	if len(id) > 40 {
		return id[:40] + "…"
	}
	return id
}

// CreateExercise implements alliance.ExerciseStore.
func (s *Store) CreateExercise(ctx context.Context, x alliance.ExerciseInfo, seats []alliance.Seat, first alliance.Entry) (err error) {
	if s.readOnly {
		return alliance.Errorf(alliance.EINVALID, "database %s was opened read-only", s.where)
	}
	if first.Seq != 1 {
		return alliance.Errorf(alliance.EINTERNAL, "create exercise: the first entry is %d, not 1", first.Seq)
	}
	var batch pgx.Batch
	batch.Queue("INSERT INTO exercises (id, name, scenario, created, expires) VALUES ($1, $2, $3, $4, $5)", x.ID, x.Name, x.Scenario, x.Created.UTC(), x.Expires.UTC())
	for _, st := range seats {
		batch.Queue("INSERT INTO exercise_seats (exercise, seat, hash) VALUES ($1, $2, $3)", x.ID, st.Name, st.Hash)
	}
	batch.Queue("INSERT INTO exercise_entries (exercise, seq, body, hash) VALUES ($1, $2, $3, $4)", x.ID, first.Seq, first.Body, first.Hash)
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return s.mapErr("begin create exercise", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback(context.Background())
		}
	}()
	if err := tx.SendBatch(ctx, &batch).Close(); err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" {
			return alliance.Errorf(alliance.ECONFLICT, "exercise %s or one of its secrets exists already", x.ID)
		}
		return s.mapErr("create exercise", err)
	}
	return s.mapErr("commit create exercise", tx.Commit(ctx))
}

// Exercise implements alliance.ExerciseStore.
func (s *Store) Exercise(ctx context.Context, id string) (alliance.ExerciseInfo, error) {
	x := alliance.ExerciseInfo{ID: id}
	err := s.pool.QueryRow(ctx, "SELECT name, scenario, created, expires FROM exercises WHERE id = $1", id).Scan(&x.Name, &x.Scenario, &x.Created, &x.Expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return x, alliance.Errorf(alliance.ENOTFOUND, "There is no exercise %q.", clipID(id))
	} else if err != nil {
		return x, s.mapErr("read exercise", err)
	}
	return x, nil
}

// SeatByHash implements alliance.ExerciseStore.
func (s *Store) SeatByHash(ctx context.Context, hash []byte) (alliance.Seat, error) {
	var st alliance.Seat
	err := s.pool.QueryRow(ctx, "SELECT exercise, seat, hash, revoked FROM exercise_seats WHERE hash = $1", hash).Scan(&st.Exercise, &st.Name, &st.Hash, &st.Revoked)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, alliance.Errorf(alliance.ENOTFOUND, "no such seat")
	} else if err != nil {
		return st, s.mapErr("read seat", err)
	}
	return st, nil
}

// SetSeatSecret implements alliance.ExerciseStore.
func (s *Store) SetSeatSecret(ctx context.Context, exercise, seat string, hash []byte, at time.Time) error {
	var tag pgconn.CommandTag
	var err error
	if hash == nil {
		tag, err = s.pool.Exec(ctx, "UPDATE exercise_seats SET revoked = $1 WHERE exercise = $2 AND seat = $3", at.UTC(), exercise, seat)
	} else {
		tag, err = s.pool.Exec(ctx, "UPDATE exercise_seats SET hash = $1, revoked = NULL WHERE exercise = $2 AND seat = $3", hash, exercise, seat)
	}
	if err != nil {
		return s.mapErr("set seat secret", err)
	}
	if tag.RowsAffected() == 0 {
		return alliance.Errorf(alliance.ENOTFOUND, "exercise %s has no seat %q", exercise, seat)
	}
	return nil
}

// AppendExercise implements alliance.ExerciseStore: appends to one exercise
// take its advisory lock, so instances append in turn; the head is read
// after the lock at READ COMMITTED, as Append does.
func (s *Store) AppendExercise(ctx context.Context, id string, build func(head alliance.Entry) ([]alliance.Entry, error)) (err error) {
	if s.readOnly {
		return alliance.Errorf(alliance.EINVALID, "database %s was opened read-only", s.where)
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return s.mapErr("begin exercise append", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback(context.Background())
		}
	}()
	if _, err := tx.Exec(ctx, fmt.Sprintf("SET LOCAL lock_timeout = %d; SET LOCAL idle_in_transaction_session_timeout = %d; SET LOCAL synchronous_commit = on",
		LockTimeout.Milliseconds(), idleTimeout.Milliseconds())); err != nil {
		return s.mapErr("lock for exercise append", err)
	}
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1, hashtext($2))", int32(lockExercise), id); err != nil {
		return s.mapErr("lock for exercise append", err)
	}
	var head alliance.Entry
	err = tx.QueryRow(ctx, "SELECT seq, body, hash FROM exercise_entries WHERE exercise = $1 ORDER BY seq DESC LIMIT 1", id).Scan(&head.Seq, &head.Body, &head.Hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return alliance.Errorf(alliance.ENOTFOUND, "There is no exercise %q.", clipID(id))
	} else if err != nil {
		return s.mapErr("read exercise head", err)
	}
	entries, err := build(head)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return s.mapErr("commit exercise append", tx.Commit(ctx))
	}
	var batch pgx.Batch
	for i, e := range entries {
		if e.Seq != head.Seq+int64(i)+1 {
			return alliance.Errorf(alliance.EINTERNAL, "exercise append: entry %d does not continue the sequence at %d", e.Seq, head.Seq+int64(i)+1)
		}
		batch.Queue("INSERT INTO exercise_entries (exercise, seq, body, hash) VALUES ($1, $2, $3, $4)", id, e.Seq, e.Body, e.Hash)
	}
	batch.Queue("SELECT pg_notify($1, $2)", ExerciseChannel, id)
	if err := tx.SendBatch(ctx, &batch).Close(); err != nil {
		return s.mapErr("append exercise entries", err)
	}
	return s.mapErr("commit exercise append", tx.Commit(ctx))
}

// ExerciseEntries implements alliance.ExerciseStore.
func (s *Store) ExerciseEntries(ctx context.Context, id string, after int64) ([]alliance.Entry, error) {
	rows, err := s.pool.Query(ctx, "SELECT seq, body, hash FROM exercise_entries WHERE exercise = $1 AND seq > $2 ORDER BY seq", id, after)
	if err != nil {
		return nil, s.mapErr("read exercise entries", err)
	}
	var out []alliance.Entry
	var e alliance.Entry
	_, err = pgx.ForEachRow(rows, []any{&e.Seq, &e.Body, &e.Hash}, func() error {
		out = append(out, e)
		e = alliance.Entry{}
		return nil
	})
	if err != nil {
		return nil, s.mapErr("read exercise entries", err)
	}
	return out, nil
}
