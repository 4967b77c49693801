package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"alliance"
)

var _ alliance.ExerciseStore = (*Store)(nil)

// CreateExercise implements alliance.ExerciseStore.
func (s *Store) CreateExercise(ctx context.Context, x alliance.ExerciseInfo, seats []alliance.Seat, first alliance.Entry) (err error) {
	if s.readOnly {
		return alliance.Errorf(alliance.EINVALID, "database %s was opened read-only", s.path)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.mapErr("begin create exercise", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if _, err := tx.ExecContext(ctx, "INSERT INTO exercises (id, name, scenario, created, expires) VALUES (?, ?, ?, ?, ?)",
		x.ID, x.Name, x.Scenario, x.Created.UTC().Format(time.RFC3339Nano), x.Expires.UTC().Format(time.RFC3339Nano)); err != nil {
		return s.mapErr("create exercise "+x.ID, err)
	}
	for _, st := range seats {
		if _, err := tx.ExecContext(ctx, "INSERT INTO exercise_seats (exercise, seat, hash) VALUES (?, ?, ?)", x.ID, st.Name, st.Hash); err != nil {
			return s.mapErr("create seat "+st.Name, err)
		}
	}
	if first.Seq != 1 {
		return alliance.Errorf(alliance.EINTERNAL, "create exercise: the first entry is %d, not 1", first.Seq)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO exercise_entries (exercise, seq, body, hash) VALUES (?, ?, ?, ?)", x.ID, first.Seq, first.Body, first.Hash); err != nil {
		return s.mapErr("append exercise entry 1", err)
	}
	if err := tx.Commit(); err != nil {
		return s.mapErr("commit create exercise", err)
	}
	return nil
}

// Exercise implements alliance.ExerciseStore.
func (s *Store) Exercise(ctx context.Context, id string) (alliance.ExerciseInfo, error) {
	x := alliance.ExerciseInfo{ID: id}
	var created, expires string
	err := s.db.QueryRowContext(ctx, "SELECT name, scenario, created, expires FROM exercises WHERE id = ?", id).Scan(&x.Name, &x.Scenario, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return x, alliance.Errorf(alliance.ENOTFOUND, "There is no exercise %q.", clipID(id))
	} else if err != nil {
		return x, s.mapErr("read exercise", err)
	}
	if x.Created, err = time.Parse(time.RFC3339Nano, created); err == nil {
		x.Expires, err = time.Parse(time.RFC3339Nano, expires)
	}
	if err != nil {
		return x, alliance.Errorf(alliance.ECORRUPT, "exercise %s: bad time in the database: %v", id, err)
	}
	return x, nil
}

func clipID(id string) string {
	if len(id) > 40 {
		return id[:40] + "…"
	}
	return id
}

// SeatByHash implements alliance.ExerciseStore.
func (s *Store) SeatByHash(ctx context.Context, hash []byte) (alliance.Seat, error) {
	var st alliance.Seat
	var revoked sql.NullString
	err := s.db.QueryRowContext(ctx, "SELECT exercise, seat, hash, revoked FROM exercise_seats WHERE hash = ?", hash).Scan(&st.Exercise, &st.Name, &st.Hash, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return st, alliance.Errorf(alliance.ENOTFOUND, "no such seat")
	} else if err != nil {
		return st, s.mapErr("read seat", err)
	}
	if revoked.Valid {
		t, err := time.Parse(time.RFC3339Nano, revoked.String)
		if err != nil {
			return st, alliance.Errorf(alliance.ECORRUPT, "seat %s/%s: bad time in the database: %v", st.Exercise, st.Name, err)
		}
		st.Revoked = &t
	}
	return st, nil
}

// SetSeatSecret implements alliance.ExerciseStore.
func (s *Store) SetSeatSecret(ctx context.Context, exercise, seat string, hash []byte, at time.Time) error {
	var res sql.Result
	var err error
	if hash == nil {
		res, err = s.db.ExecContext(ctx, "UPDATE exercise_seats SET revoked = ? WHERE exercise = ? AND seat = ?", at.UTC().Format(time.RFC3339Nano), exercise, seat)
	} else {
		res, err = s.db.ExecContext(ctx, "UPDATE exercise_seats SET hash = ?, revoked = NULL WHERE exercise = ? AND seat = ?", hash, exercise, seat)
	}
	if err != nil {
		return s.mapErr("set seat secret", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return alliance.Errorf(alliance.ENOTFOUND, "exercise %s has no seat %q", exercise, seat)
	}
	return nil
}

// AppendExercise implements alliance.ExerciseStore.
func (s *Store) AppendExercise(ctx context.Context, id string, build func(head alliance.Entry) ([]alliance.Entry, error)) (err error) {
	if s.readOnly {
		return alliance.Errorf(alliance.EINVALID, "database %s was opened read-only", s.path)
	}
	tx, err := s.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: takes the write lock now
	if err != nil {
		return s.mapErr("begin exercise append", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	var head alliance.Entry
	err = tx.QueryRowContext(ctx, "SELECT seq, body, hash FROM exercise_entries WHERE exercise = ? ORDER BY seq DESC LIMIT 1", id).Scan(&head.Seq, &head.Body, &head.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return alliance.Errorf(alliance.ENOTFOUND, "There is no exercise %q.", clipID(id))
	} else if err != nil {
		return s.mapErr("read exercise head", err)
	}
	entries, err := build(head)
	if err != nil {
		return err
	}
	for i, e := range entries {
		if e.Seq != head.Seq+int64(i)+1 {
			return alliance.Errorf(alliance.EINTERNAL, "exercise append: entry %d does not continue the sequence at %d", e.Seq, head.Seq+int64(i)+1)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO exercise_entries (exercise, seq, body, hash) VALUES (?, ?, ?, ?)", id, e.Seq, e.Body, e.Hash); err != nil {
			return s.mapErr(fmt.Sprintf("append exercise entry %d", e.Seq), err)
		}
	}
	if err := tx.Commit(); err != nil {
		return s.mapErr("commit exercise append", err)
	}
	return nil
}

// ExerciseEntries implements alliance.ExerciseStore.
func (s *Store) ExerciseEntries(ctx context.Context, id string, after int64) ([]alliance.Entry, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT seq, body, hash FROM exercise_entries WHERE exercise = ? AND seq > ? ORDER BY seq", id, after)
	if err != nil {
		return nil, s.mapErr("read exercise entries", err)
	}
	defer rows.Close()
	var out []alliance.Entry
	for rows.Next() {
		var e alliance.Entry
		if err := rows.Scan(&e.Seq, &e.Body, &e.Hash); err != nil {
			return nil, s.mapErr("read exercise entry", err)
		}
		out = append(out, e)
	}
	return out, s.mapErrOrNil("read exercise entries", rows.Err())
}

// WatchExercises implements alliance.ExerciseStore: the database's
// data_version moves on any commit, ledger or exercise.
func (s *Store) WatchExercises(ctx context.Context) <-chan struct{} { return s.Watch(ctx) }
