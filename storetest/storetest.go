// Package storetest is the contract suite every alliance.Store must pass.
// Run it from each store's tests with a constructor for a fresh store.
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

// Opener opens a store. Calling it twice with the same name must open the
// same underlying database (two handles, as two processes would have).
type Opener func(tb testing.TB, name string) alliance.Store

// entries builds n entries continuing head, with a fake (but chained) hash.
func entries(head alliance.Entry, n int) []alliance.Entry {
	out := make([]alliance.Entry, n)
	for i := range out {
		seq := head.Seq + int64(i) + 1
		out[i] = alliance.Entry{Seq: seq, Body: []byte(fmt.Sprintf(`{"seq":%d}`, seq)), Hash: []byte(fmt.Sprintf("hash-%d", seq))}
	}
	return out
}

// Run runs the contract suite.
func Run(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("EmptyStore", func(t *testing.T) {
		s := open(t, "empty")
		es, err := s.Entries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 0 {
			t.Fatalf("entries = %d, want 0", len(es))
		}
		err = s.Append(ctx, func(head alliance.Entry) ([]alliance.Entry, error) {
			if head.Seq != 0 || head.Hash != nil {
				t.Errorf("head of an empty store = %+v, want the zero Entry", head)
			}
			return nil, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("AppendAndReadBackInOrder", func(t *testing.T) {
		s := open(t, "order")
		for _, n := range []int{3, 1, 5} {
			if err := s.Append(ctx, func(h alliance.Entry) ([]alliance.Entry, error) { return entries(h, n), nil }); err != nil {
				t.Fatal(err)
			}
		}
		es, err := s.Entries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(es), 9; got != want {
			t.Fatalf("entries = %d, want %d", got, want)
		}
		for i, e := range es {
			if e.Seq != int64(i+1) || !bytes.Equal(e.Body, []byte(fmt.Sprintf(`{"seq":%d}`, i+1))) {
				t.Fatalf("entry %d = %d %q", i, e.Seq, e.Body)
			}
		}
		// A second handle sees the same entries.
		if es2, err := open(t, "order").Entries(ctx); err != nil || len(es2) != 9 {
			t.Fatalf("second handle: %d entries, %v", len(es2), err)
		}
	})

	t.Run("BuildErrorStoresNothing", func(t *testing.T) {
		s := open(t, "builderr")
		boom := errors.New("boom")
		err := s.Append(ctx, func(h alliance.Entry) ([]alliance.Entry, error) { return nil, boom })
		if !errors.Is(err, boom) {
			t.Fatalf("Append = %v, want the build error", err)
		}
		if es, _ := s.Entries(ctx); len(es) != 0 {
			t.Fatalf("entries = %d after a failed build, want 0", len(es))
		}
	})

	t.Run("BrokenSequenceStoresNothing", func(t *testing.T) {
		s := open(t, "brokenseq")
		err := s.Append(ctx, func(h alliance.Entry) ([]alliance.Entry, error) {
			es := entries(h, 3)
			es[2].Seq = 7
			return es, nil
		})
		if err == nil {
			t.Fatal("Append accepted a sequence with a hole")
		}
		if es, _ := s.Entries(ctx); len(es) != 0 {
			t.Fatalf("entries = %d after a refused batch, want 0 (all or nothing)", len(es))
		}
	})

	t.Run("ConcurrentWritersKeepOneSequence", func(t *testing.T) {
		const writers, batches = 4, 10
		var wg sync.WaitGroup
		errs := make(chan error, writers*batches)
		for w := 0; w < writers; w++ {
			s := open(t, "concurrent") // one handle each, as separate processes
			wg.Add(1)
			go func() {
				defer wg.Done()
				for b := 0; b < batches; b++ {
					errs <- s.Append(ctx, func(h alliance.Entry) ([]alliance.Entry, error) { return entries(h, 2), nil })
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("concurrent Append: %v", err)
			}
		}
		es, err := open(t, "concurrent").Entries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(es), writers*batches*2; got != want {
			t.Fatalf("entries = %d, want %d", got, want)
		}
		for i, e := range es {
			if e.Seq != int64(i+1) {
				t.Fatalf("entry %d has seq %d: the sequence forked", i, e.Seq)
			}
		}
	})

	t.Run("CancelledContext", func(t *testing.T) {
		s := open(t, "cancel")
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := s.Append(cctx, func(h alliance.Entry) ([]alliance.Entry, error) { return entries(h, 1), nil }); err == nil {
			t.Error("Append with a cancelled context succeeded")
		}
		if es, _ := s.Entries(ctx); len(es) != 0 {
			t.Errorf("entries = %d after a cancelled append, want 0", len(es))
		}
	})

	t.Run("KeysAreUniqueWhileTheyStand", func(t *testing.T) {
		s := open(t, "keys")
		keyed := func(key string, retracts int64) func(h alliance.Entry) ([]alliance.Entry, error) {
			return func(h alliance.Entry) ([]alliance.Entry, error) {
				es := entries(h, 1)
				es[0].Key, es[0].Retracts = key, retracts
				return es, nil
			}
		}
		if err := s.Append(ctx, keyed("fact-a", 0)); err != nil {
			t.Fatal(err)
		}
		err := s.Append(ctx, keyed("fact-a", 0))
		if !errors.Is(err, alliance.ErrDuplicate) {
			t.Fatalf("second copy of a fact: %v, want ErrDuplicate", err)
		}
		if es, _ := s.Entries(ctx); len(es) != 1 {
			t.Fatalf("entries = %d after a refused duplicate, want 1", len(es))
		}
		// Retracting entry 1 frees its key; an entry with no key is never a duplicate.
		if err := s.Append(ctx, keyed("", 1)); err != nil {
			t.Fatal(err)
		}
		if err := s.Append(ctx, keyed("fact-a", 0)); err != nil {
			t.Fatalf("the fact again after its retraction: %v", err)
		}
	})

	t.Run("EntriesAfter", func(t *testing.T) {
		s := open(t, "after")
		if err := s.Append(ctx, func(h alliance.Entry) ([]alliance.Entry, error) { return entries(h, 5), nil }); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ after, want int64 }{{0, 5}, {3, 2}, {5, 0}, {9, 0}} {
			es, err := s.EntriesAfter(ctx, tc.after)
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(es)) != tc.want || (len(es) > 0 && es[0].Seq != tc.after+1) {
				t.Errorf("EntriesAfter(%d) = %d entries, want %d from %d", tc.after, len(es), tc.want, tc.after+1)
			}
		}
	})

	t.Run("WatchSeesAnotherHandlesAppend", func(t *testing.T) {
		a, b := open(t, "watch"), open(t, "watch")
		wctx, cancel := context.WithCancel(ctx)
		ch := a.Watch(wctx)
		// Drain a signal that may come at once, then append through b.
		select {
		case <-ch:
		case <-time.After(300 * time.Millisecond):
		}
		if err := b.Append(ctx, func(h alliance.Entry) ([]alliance.Entry, error) { return entries(h, 1), nil }); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ch:
		case <-time.After(3 * time.Second):
			t.Fatal("no signal within 3 s of another handle's append")
		}
		cancel()
		for range ch { // closed when the context ends
		}
	})
	runExercises(t, open)
}
