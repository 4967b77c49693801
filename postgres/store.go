// Package postgres stores the ledger in a PostgreSQL database through pgx, so
// that several server instances share one ledger. Appends from every
// instance take one advisory lock inside their transaction, so the chain
// never forks; the primary key on the sequence number and an insert trigger
// that demands the next number hold even for a client that skips the lock.
// Appends announce themselves with NOTIFY, and Watch LISTENs.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"alliance"
)

// Store is an alliance.Store on a PostgreSQL database.
type Store struct {
	pool     *pgxpool.Pool
	conn     *pgx.ConnConfig // for Watch's own connections
	where    string
	readOnly bool
	keyOf    KeyFunc

	// life ends when the store is closed, and with it every Watch.
	life    context.Context
	end     context.CancelFunc
	watches sync.WaitGroup
}

var _ alliance.Store = (*Store)(nil)

// LockTimeout is how long an append waits for another instance's append
// (or a migration) before it gives up with ECONFLICT.
const LockTimeout = 10 * time.Second

// idleTimeout bounds how long an append's transaction may sit idle while it
// holds the append lock (its build runs between two statements): an
// instance that freezes there is cut off, and the others can append again.
// It is a variable for the tests.
var idleTimeout = time.Minute

// Channel is the LISTEN/NOTIFY channel on which every append is announced;
// the payload is the new head's sequence number.
const Channel = "alliance_entries"

// The advisory locks, in PostgreSQL's two-key form: the class is "alli" in
// ASCII, so that other applications' locks in the same database are unlikely
// to collide with them.
const (
	lockClass   = 0x616c6c69
	lockMigrate = 1
	lockAppend  = 2
)

// KeyFunc reads the identity of the fact an entry's body records and the
// sequence number it retracts; the ledger provides it (ledger.KeyOf).
type KeyFunc func(body []byte) (key string, retracts int64, err error)

// Options are the optional settings of Open.
type Options struct {
	// KeyOf rebuilds the index of standing facts when it is empty and the
	// ledger is not (entries copied in by other means). Without it, such
	// entries are not indexed and only the ledger's own check (in the same
	// transaction) prevents their duplicates.
	KeyOf KeyFunc
}

// Open connects to the database named by dsn (a postgres:// URL or
// key=value string, as libpq reads them) and brings its schema up to date.
// A server that cannot be reached is EINVALID, naming host, user and
// database but never the password; a database that does not exist is
// ENOTFOUND; one that holds tables of another program under the ledger's
// names is ECORRUPT, and is not changed.
func Open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	s, err := connect(ctx, dsn, false)
	if err != nil {
		return nil, err
	}
	s.keyOf = opt.KeyOf
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.fillFacts(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// OpenReadOnly connects to an existing alliance ledger without writing
// anything: every transaction is read-only (default_transaction_read_only)
// and no migration runs. A database that is not an alliance ledger (no
// ledger tables, another program's tables, a schema newer than this binary)
// is ECORRUPT, and is not touched.
func OpenReadOnly(ctx context.Context, dsn string) (*Store, error) {
	s, err := connect(ctx, dsn, true)
	if err != nil {
		return nil, err
	}
	if err := s.checkLedger(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// connect makes the pool and checks that the server answers.
func connect(ctx context.Context, dsn string, readOnly bool) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// The parser's own message may quote the string, password included.
		return nil, alliance.Errorf(alliance.EINVALID, "cannot read the PostgreSQL address %s: want postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE", Redact(dsn))
	}
	rt := cfg.ConnConfig.RuntimeParams
	if rt["application_name"] == "" {
		rt["application_name"] = "alliance"
	}
	if readOnly {
		rt["default_transaction_read_only"] = "on"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, alliance.Errorf(alliance.EINVALID, "cannot use the PostgreSQL address %s", Redact(dsn))
	}
	life, end := context.WithCancel(context.Background())
	s := &Store{pool: pool, conn: cfg.ConnConfig, where: describe(cfg.ConnConfig), readOnly: readOnly, life: life, end: end}
	// The pool connects lazily: connect once now, so that a wrong address
	// fails here with a clear message rather than in the first query.
	if err := pool.Ping(ctx); err != nil {
		s.Close()
		if ctx.Err() != nil {
			return nil, fmt.Errorf("connect to %s: %w", s.where, err)
		}
		return nil, s.connectErr(err)
	}
	return s, nil
}

// Where names the database: its URL without the password.
func (s *Store) Where() string { return s.where }

// Entries implements alliance.Store.
func (s *Store) Entries(ctx context.Context) ([]alliance.Entry, error) {
	return s.EntriesAfter(ctx, 0)
}

// EntriesAfter implements alliance.Store. One statement reads one snapshot:
// the entries returned are a prefix of the ledger as some commit left it.
func (s *Store) EntriesAfter(ctx context.Context, seq int64) ([]alliance.Entry, error) {
	rows, err := s.pool.Query(ctx, "SELECT seq, body, hash FROM entries WHERE seq > $1 ORDER BY seq", seq)
	if err != nil {
		return nil, s.mapErr("read entries", err)
	}
	var out []alliance.Entry
	var e alliance.Entry
	_, err = pgx.ForEachRow(rows, []any{&e.Seq, &e.Body, &e.Hash}, func() error {
		out = append(out, e)
		e = alliance.Entry{} // the next row's bytes must not share this one's
		return nil
	})
	if err != nil {
		return nil, s.mapErr("read entries", err)
	}
	return out, nil
}

// Append implements alliance.Store. The transaction runs at READ COMMITTED
// and takes the append lock first: the head read after it is then the last
// committed by any instance (a REPEATABLE READ snapshot would be taken by
// the lock statement itself, before the lock is granted, and would miss the
// commit it waited for).
func (s *Store) Append(ctx context.Context, build func(head alliance.Entry) ([]alliance.Entry, error)) (err error) {
	if s.readOnly {
		return alliance.Errorf(alliance.EINVALID, "database %s was opened read-only", s.where)
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return s.mapErr("begin append", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback(context.Background())
		}
	}()
	// synchronous_commit is forced on: an acknowledged append is on disk
	// whatever the server's default.
	if _, err := tx.Exec(ctx, fmt.Sprintf("SET LOCAL lock_timeout = %d; SET LOCAL idle_in_transaction_session_timeout = %d; SET LOCAL synchronous_commit = on; SELECT pg_advisory_xact_lock(%d, %d)",
		LockTimeout.Milliseconds(), idleTimeout.Milliseconds(), lockClass, lockAppend)); err != nil {
		return s.mapErr("lock for append", err)
	}
	var head alliance.Entry
	err = tx.QueryRow(ctx, "SELECT seq, body, hash FROM entries ORDER BY seq DESC LIMIT 1").Scan(&head.Seq, &head.Body, &head.Hash)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return s.mapErr("read head", err)
	}
	entries, err := build(head)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return s.mapErr("commit append", tx.Commit(ctx))
	}
	for i, e := range entries {
		if e.Seq != head.Seq+int64(i)+1 {
			return alliance.Errorf(alliance.EINTERNAL, "append: entry %d does not continue the sequence at %d", e.Seq, head.Seq+int64(i)+1)
		}
	}
	// One round trip for the whole batch; its results are read in order,
	// so a failure names its entry.
	type step struct {
		seq   int64
		facts bool // the statement indexes a fact: a unique violation is a duplicate
	}
	var batch pgx.Batch
	var steps []step
	for _, e := range entries {
		batch.Queue("INSERT INTO entries (seq, body, hash) VALUES ($1, $2, $3)", e.Seq, e.Body, e.Hash)
		steps = append(steps, step{e.Seq, false})
		if e.Retracts > 0 {
			batch.Queue("DELETE FROM facts WHERE seq = $1", e.Retracts)
			steps = append(steps, step{e.Seq, true})
		}
		if e.Key != "" {
			batch.Queue("INSERT INTO facts (key, seq) VALUES ($1, $2)", e.Key, e.Seq)
			steps = append(steps, step{e.Seq, true})
		}
	}
	last := entries[len(entries)-1].Seq
	batch.Queue("SELECT pg_notify($1, $2)", Channel, strconv.FormatInt(last, 10))
	steps = append(steps, step{last, false})
	res := tx.SendBatch(ctx, &batch)
	for _, st := range steps {
		if _, err := res.Exec(); err != nil {
			res.Close()
			var pe *pgconn.PgError
			if st.facts && errors.As(err, &pe) && pe.Code == "23505" { // unique_violation
				return fmt.Errorf("append event %d: %w", st.seq, alliance.ErrDuplicate)
			}
			return s.mapErr(fmt.Sprintf("append event %d", st.seq), err)
		}
	}
	if err := res.Close(); err != nil {
		return s.mapErr("append", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return s.mapErr("commit append", err)
	}
	return nil
}

// Close closes the pool and ends every Watch of this store.
func (s *Store) Close() error {
	s.end()
	s.watches.Wait()
	s.pool.Close()
	return nil
}
