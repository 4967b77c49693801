package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"alliance"
)

// runExercises is the contract of alliance.ExerciseStore, for stores that
// keep exercises.
func runExercises(t *testing.T, open Opener) {
	ctx := context.Background()
	xs := func(tb testing.TB, name string) alliance.ExerciseStore {
		s, ok := open(tb, name).(alliance.ExerciseStore)
		if !ok {
			tb.Skip("the store keeps no exercises")
		}
		return s
	}
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	first := func(id string) alliance.Entry {
		return alliance.Entry{Seq: 1, Body: []byte(`{"exercise":"` + id + `"}`), Hash: []byte("hash-1-" + id)}
	}
	create := func(tb testing.TB, s alliance.ExerciseStore, id string, hashes ...string) error {
		var seats []alliance.Seat
		for i, h := range hashes {
			seats = append(seats, alliance.Seat{Exercise: id, Name: fmt.Sprintf("seat%d", i), Hash: []byte(h)})
		}
		return s.CreateExercise(ctx, alliance.ExerciseInfo{ID: id, Name: "Scenario " + id, Scenario: []byte("name: " + id), Created: now, Expires: now.Add(time.Hour)}, seats, first(id))
	}
	code := alliance.ErrorCode

	t.Run("ExerciseCreateAndRead", func(t *testing.T) {
		s := xs(t, "x-create")
		if err := create(t, s, "xa", "h-chair", "h-pl"); err != nil {
			t.Fatal(err)
		}
		x, err := s.Exercise(ctx, "xa")
		if err != nil {
			t.Fatal(err)
		}
		if x.Name != "Scenario xa" || string(x.Scenario) != "name: xa" || !x.Expires.Equal(now.Add(time.Hour)) || !x.Created.Equal(now) {
			t.Errorf("read back %+v", x)
		}
		if _, err := s.Exercise(ctx, "nosuch"); code(err) != alliance.ENOTFOUND {
			t.Errorf("unknown exercise: %v, want ENOTFOUND", err)
		}
		if err := create(t, s, "xa", "h-other"); code(err) != alliance.ECONFLICT {
			t.Errorf("an id used twice: %v, want ECONFLICT", err)
		}
		// A secret hash already used refuses the whole exercise.
		if err := create(t, s, "xb", "h-new", "h-pl"); code(err) != alliance.ECONFLICT {
			t.Errorf("a seat hash used twice: %v, want ECONFLICT", err)
		}
		if _, err := s.Exercise(ctx, "xb"); code(err) != alliance.ENOTFOUND {
			t.Errorf("a refused exercise was partly stored: %v", err)
		}
		if _, err := s.SeatByHash(ctx, []byte("h-new")); code(err) != alliance.ENOTFOUND {
			t.Errorf("a refused exercise's seat was stored: %v", err)
		}
	})

	t.Run("ExerciseSeats", func(t *testing.T) {
		s := xs(t, "x-seats")
		if err := create(t, s, "xs", "h-chair", "h-pl"); err != nil {
			t.Fatal(err)
		}
		st, err := s.SeatByHash(ctx, []byte("h-pl"))
		if err != nil || st.Exercise != "xs" || st.Name != "seat1" || st.Revoked != nil {
			t.Fatalf("seat by hash = %+v, %v", st, err)
		}
		if _, err := s.SeatByHash(ctx, []byte("h-none")); code(err) != alliance.ENOTFOUND {
			t.Errorf("unknown hash: %v, want ENOTFOUND", err)
		}
		if err := s.SetSeatSecret(ctx, "xs", "seat1", nil, now); err != nil {
			t.Fatal(err)
		}
		if st, err := s.SeatByHash(ctx, []byte("h-pl")); err != nil || st.Revoked == nil || !st.Revoked.Equal(now) {
			t.Errorf("after revoke: %+v, %v; want revoked at %s", st, err, now)
		}
		if err := s.SetSeatSecret(ctx, "xs", "seat1", []byte("h-pl-2"), now); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SeatByHash(ctx, []byte("h-pl")); code(err) != alliance.ENOTFOUND {
			t.Errorf("the old secret after reissue: %v, want ENOTFOUND", err)
		}
		if st, err := s.SeatByHash(ctx, []byte("h-pl-2")); err != nil || st.Revoked != nil || st.Name != "seat1" {
			t.Errorf("the new secret: %+v, %v", st, err)
		}
		if err := s.SetSeatSecret(ctx, "xs", "seat9", nil, now); code(err) != alliance.ENOTFOUND {
			t.Errorf("unknown seat: %v, want ENOTFOUND", err)
		}
	})

	t.Run("ExerciseAppendAllOrNothing", func(t *testing.T) {
		s := xs(t, "x-append")
		if err := create(t, s, "xp", "h-1"); err != nil {
			t.Fatal(err)
		}
		if err := create(t, s, "xq", "h-2"); err != nil {
			t.Fatal(err)
		}
		err := s.AppendExercise(ctx, "xp", func(head alliance.Entry) ([]alliance.Entry, error) {
			if head.Seq != 1 || !bytes.Equal(head.Hash, first("xp").Hash) {
				t.Errorf("head = %d %q, want the first entry", head.Seq, head.Hash)
			}
			return entries(head, 3), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		if err := s.AppendExercise(ctx, "xp", func(h alliance.Entry) ([]alliance.Entry, error) { return nil, boom }); !errors.Is(err, boom) {
			t.Errorf("build's error: %v, want it as is", err)
		}
		bad := func(h alliance.Entry) ([]alliance.Entry, error) {
			es := entries(h, 2)
			es[1].Seq++ // a gap
			return es, nil
		}
		if err := s.AppendExercise(ctx, "xp", bad); err == nil {
			t.Errorf("a gap in the sequence was stored")
		}
		es, err := s.ExerciseEntries(ctx, "xp", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 4 || es[3].Seq != 4 {
			t.Fatalf("entries = %d (last %d), want 4: a refused append stored something", len(es), es[len(es)-1].Seq)
		}
		if es, _ := s.ExerciseEntries(ctx, "xp", 2); len(es) != 2 || es[0].Seq != 3 {
			t.Errorf("entries after 2 = %d from %d, want 2 from 3", len(es), es[0].Seq)
		}
		// Another exercise's log is its own.
		if es, _ := s.ExerciseEntries(ctx, "xq", 0); len(es) != 1 {
			t.Errorf("the other exercise has %d entries, want 1", len(es))
		}
		if err := s.AppendExercise(ctx, "nosuch", func(h alliance.Entry) ([]alliance.Entry, error) { return entries(h, 1), nil }); code(err) != alliance.ENOTFOUND {
			t.Errorf("append to an unknown exercise: %v, want ENOTFOUND", err)
		}
	})

	t.Run("ExerciseConcurrentAppendsFromTwoHandles", func(t *testing.T) {
		a, b := xs(t, "x-race"), xs(t, "x-race")
		if err := create(t, a, "xr", "h-r"); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for _, s := range []alliance.ExerciseStore{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 20 {
					errs <- s.AppendExercise(ctx, "xr", func(h alliance.Entry) ([]alliance.Entry, error) { return entries(h, 1), nil })
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		es, err := b.ExerciseEntries(ctx, "xr", 0)
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range es {
			if e.Seq != int64(i+1) {
				t.Fatalf("entry %d has seq %d: the log has a gap or a duplicate", i+1, e.Seq)
			}
		}
		if len(es) != 41 {
			t.Fatalf("entries = %d, want 41", len(es))
		}
	})

	t.Run("ExerciseWatchSeesAnotherHandlesAppend", func(t *testing.T) {
		a, b := xs(t, "x-watch"), xs(t, "x-watch")
		if err := create(t, a, "xw", "h-w"); err != nil {
			t.Fatal(err)
		}
		wctx, cancel := context.WithCancel(ctx)
		ch := a.WatchExercises(wctx)
		select {
		case <-ch:
		case <-time.After(300 * time.Millisecond):
		}
		if err := b.AppendExercise(ctx, "xw", func(h alliance.Entry) ([]alliance.Entry, error) { return entries(h, 1), nil }); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ch:
		case <-time.After(3 * time.Second):
			t.Fatal("no signal within 3 s of another handle's exercise append")
		}
		cancel()
		for range ch {
		}
	})
}
