package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Watch's timings: how long it waits before reconnecting after a lost
// connection (doubling up to the maximum), and how often an idle connection
// is checked, so that one cut silently (no reset from the peer) is noticed.
const (
	watchMinBackoff = 100 * time.Millisecond
	watchMaxBackoff = 5 * time.Second
)

// watchIdleCheck is a variable for the tests.
var watchIdleCheck = 30 * time.Second

// Watch implements alliance.Store with LISTEN on one connection of its own
// (not one of the pool's): every Append NOTIFYs in its transaction, so the
// signal comes as soon as the append commits, from any instance. When the
// connection is lost, Watch reconnects with backoff and then signals once,
// since appends made meanwhile were not announced to it. The channel is
// closed when ctx ends or the store is closed.
func (s *Store) Watch(ctx context.Context) <-chan struct{} { return s.watch(ctx, Channel) }

// WatchExercises implements alliance.ExerciseStore as Watch does, on the
// channel the exercises' appends announce themselves on.
func (s *Store) WatchExercises(ctx context.Context) <-chan struct{} {
	return s.watch(ctx, ExerciseChannel)
}

func (s *Store) watch(ctx context.Context, channel string) <-chan struct{} {
	ch := make(chan struct{}, 1)
	idle := watchIdleCheck
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(s.life, cancel)
	s.watches.Add(1)
	go func() {
		defer s.watches.Done()
		defer close(ch)
		defer stop()
		defer cancel()
		signal := func() {
			select {
			case ch <- struct{}{}:
			default: // a signal is already pending
			}
		}
		backoff := watchMinBackoff
		for first := true; ; first = false {
			s.listen(ctx, channel, idle, !first, signal, func() { backoff = watchMinBackoff })
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, watchMaxBackoff)
		}
	}()
	return ch
}

// listen connects, LISTENs and signals each notification until the
// connection fails or ctx ends, checking the connection after each idle
// period. With again, it signals once as soon as it listens; listening
// calls ok.
func (s *Store) listen(ctx context.Context, channel string, idle time.Duration, again bool, signal, ok func()) {
	cfg := s.conn.Copy()
	cfg.RuntimeParams["application_name"] = "alliance watch"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		conn.Close(cctx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		return
	}
	ok()
	if again {
		signal()
	}
	for {
		wctx, cancel := context.WithTimeout(ctx, idle)
		_, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			signal()
		case ctx.Err() != nil:
			return
		case wctx.Err() != nil:
			// Idle for a while: make sure the connection still works. A
			// timed-out wait leaves it usable (pgx only sets a deadline).
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				return
			}
		default:
			return
		}
	}
}
