// Package postgres stores the ledger in a PostgreSQL database through pgx, so
// that several server instances share one ledger. Appends from every
// instance take one advisory lock inside their transaction, so the chain
// never forks; the primary key on the sequence number and an insert trigger
// that demands the next number hold even for a client that skips the lock.
// Appends announce themselves with NOTIFY, and Watch LISTENs.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"alliance"
)

//go:embed migrations/*.sql
var migrations embed.FS

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

// describe names the database for messages: the URL without any password.
func describe(c *pgx.ConnConfig) string {
	host := c.Host
	if strings.HasPrefix(host, "/") {
		host = "[" + host + "]" // a Unix socket folder
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s", c.User, host, c.Port, c.Database)
}

// Redact returns dsn with any password replaced by "xxxxx", for messages
// and logs. A string it cannot read is replaced whole.
func Redact(dsn string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		scheme, rest, _ := strings.Cut(dsn, "://")
		// The authority ends at the first "/" or "?"; its userinfo at the last "@".
		end := strings.IndexAny(rest, "/?")
		if end < 0 {
			end = len(rest)
		}
		auth, tail := rest[:end], rest[end:]
		if at := strings.LastIndex(auth, "@"); at >= 0 {
			if user, _, ok := strings.Cut(auth[:at], ":"); ok {
				auth = user + ":xxxxx" + auth[at:]
			}
		}
		if q := strings.Index(tail, "?"); q >= 0 {
			params := strings.Split(tail[q+1:], "&")
			for i, p := range params {
				if k, _, _ := strings.Cut(p, "="); strings.EqualFold(k, "password") {
					params[i] = k + "=xxxxx"
				}
			}
			tail = tail[:q+1] + strings.Join(params, "&")
		}
		return scheme + "://" + auth + tail
	}
	if !strings.Contains(dsn, "=") {
		return "(an unreadable PostgreSQL address)"
	}
	// key=value form: values may be quoted and contain spaces.
	var b strings.Builder
	for i := 0; i < len(dsn); {
		j := strings.Index(dsn[i:], "password")
		if j < 0 {
			b.WriteString(dsn[i:])
			break
		}
		j += i
		k := j + len("password")
		for k < len(dsn) && dsn[k] == ' ' {
			k++
		}
		if k >= len(dsn) || dsn[k] != '=' {
			b.WriteString(dsn[i:k])
			i = k
			continue
		}
		b.WriteString(dsn[i:j] + "password=xxxxx")
		k++
		for k < len(dsn) && dsn[k] == ' ' {
			k++
		}
		if k < len(dsn) && dsn[k] == '\'' {
			for k++; k < len(dsn) && dsn[k] != '\''; k++ {
				if dsn[k] == '\\' {
					k++
				}
			}
			k++
		} else {
			for k < len(dsn) && dsn[k] != ' ' {
				k++
			}
		}
		i = min(k, len(dsn))
	}
	return b.String()
}

// Where names the database: its URL without the password.
func (s *Store) Where() string { return s.where }

// migrationNames lists the embedded migrations in order.
func migrationNames() ([]string, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	slices.Sort(names)
	return names, nil
}

// schemaVersion reads the highest applied migration; 0 when the database
// has none.
func schemaVersion(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) (int, bool, error) {
	// The catalog is read with the statement's snapshot, not through
	// to_regclass: that consults the backend's cache, which may still hold
	// "no such table" from before the lock was granted.
	var exists bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relname = 'alliance_migrations' AND n.nspname = current_schema())`).Scan(&exists); err != nil {
		return 0, false, err
	}
	if !exists {
		return 0, false, nil
	}
	var v int
	err := q.QueryRow(ctx, "SELECT COALESCE(max(version), 0) FROM alliance_migrations").Scan(&v)
	return v, true, err
}

// migrate applies the migrations this database lacks, in one transaction
// that holds an advisory lock, so that instances starting together on a new
// database each see the schema either absent or complete. PostgreSQL's DDL
// is transactional: a failed migration leaves nothing behind.
func (s *Store) migrate(ctx context.Context) (err error) {
	names, err := migrationNames()
	if err != nil {
		return err
	}
	// A cheap check outside the lock first: most opens find the schema current.
	if v, _, err := schemaVersion(ctx, s.pool); err != nil {
		return s.mapErr("read schema version", err)
	} else if v == len(names) {
		return nil
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return s.mapErr("begin migration", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback(context.Background())
		}
	}()
	if _, err := tx.Exec(ctx, fmt.Sprintf("SET LOCAL lock_timeout = %d; SELECT pg_advisory_xact_lock(%d, %d)",
		LockTimeout.Milliseconds(), lockClass, lockMigrate)); err != nil {
		return s.mapErr("lock for migration", err)
	}
	version, exists, err := schemaVersion(ctx, tx)
	if err != nil {
		return s.mapErr("read schema version", err)
	}
	if version > len(names) {
		return alliance.Errorf(alliance.EINVALID, "database %s has schema version %d, newer than this binary knows (%d): use a newer alliance", s.where, version, len(names))
	}
	if !exists {
		if _, err := tx.Exec(ctx, `CREATE TABLE alliance_migrations (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return s.schemaErr("create the migrations table", err)
		}
	}
	for i := version; i < len(names); i++ {
		b, err := migrations.ReadFile(names[i])
		if err != nil {
			return fmt.Errorf("read migration %s: %w", names[i], err)
		}
		// Without arguments, Exec uses the simple protocol, which runs a
		// file of several statements.
		if _, err := tx.Exec(ctx, string(b)); err != nil {
			return s.schemaErr("migrate "+path.Base(names[i]), err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO alliance_migrations (version, name) VALUES ($1, $2)", i+1, path.Base(names[i])); err != nil {
			return s.mapErr("record migration", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return s.mapErr("commit migration", err)
	}
	return nil
}

// schemaErr maps a failed migration: a table or function that already
// exists under the ledger's names belongs to another program.
func (s *Store) schemaErr(op string, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code == "42P07" || pe.Code == "42723" || pe.Code == "42710") { // duplicate_table, _function, _object
		return alliance.Errorf(alliance.ECORRUPT, "%s is not an alliance ledger (it already has %s): it was left untouched", s.where, describeObject(pe))
	}
	return s.mapErr(op, err)
}

func describeObject(pe *pgconn.PgError) string {
	if pe.TableName != "" {
		return "a table " + pe.TableName
	}
	return "objects with the ledger's names"
}

// checkLedger makes sure the database is an alliance ledger this binary reads.
func (s *Store) checkLedger(ctx context.Context) error {
	names, err := migrationNames()
	if err != nil {
		return err
	}
	version, _, err := schemaVersion(ctx, s.pool)
	if err != nil {
		return s.mapErr("read schema version", err)
	}
	var cols []string
	rows, err := s.pool.Query(ctx, `SELECT attname FROM pg_attribute
		WHERE attrelid = to_regclass('entries') AND attnum > 0 AND NOT attisdropped ORDER BY attnum`)
	if err != nil {
		return s.mapErr("read schema", err)
	}
	cols, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return s.mapErr("read schema", err)
	}
	switch {
	case version == 0 || !slices.Equal(cols, []string{"seq", "body", "hash"}):
		return alliance.Errorf(alliance.ECORRUPT, "%s is not an alliance ledger (no entries table of the ledger's shape, schema version %d): it was left untouched", s.where, version)
	case version > len(names):
		return alliance.Errorf(alliance.ECORRUPT, "%s has schema version %d, newer than this binary knows (%d): use a newer alliance", s.where, version, len(names))
	}
	return nil
}

// fillFacts rebuilds the index of standing facts when it is empty and the
// ledger is not.
func (s *Store) fillFacts(ctx context.Context) (err error) {
	if s.keyOf == nil {
		return nil
	}
	var need bool
	if err := s.pool.QueryRow(ctx, "SELECT NOT EXISTS (SELECT 1 FROM facts) AND EXISTS (SELECT 1 FROM entries)").Scan(&need); err != nil {
		return s.mapErr("check fact index", err)
	}
	if !need {
		return nil
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return s.mapErr("begin fact index", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback(context.Background())
		}
	}()
	// The append lock: no entry is added while the index is built.
	if _, err := tx.Exec(ctx, fmt.Sprintf("SET LOCAL lock_timeout = %d; SELECT pg_advisory_xact_lock(%d, %d)",
		LockTimeout.Milliseconds(), lockClass, lockAppend)); err != nil {
		return s.mapErr("lock for fact index", err)
	}
	if err := tx.QueryRow(ctx, "SELECT NOT EXISTS (SELECT 1 FROM facts)").Scan(&need); err != nil {
		return s.mapErr("check fact index", err)
	}
	if !need { // another instance filled it meanwhile
		return s.mapErr("commit fact index", tx.Commit(ctx))
	}
	rows, err := tx.Query(ctx, "SELECT seq, body FROM entries ORDER BY seq")
	if err != nil {
		return s.mapErr("read entries", err)
	}
	type row struct {
		Seq  int64
		Body []byte
	}
	es, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
	if err != nil {
		return s.mapErr("read entries", err)
	}
	for _, e := range es {
		key, retracts, err := s.keyOf(e.Body)
		if err != nil {
			continue // a broken entry is verify's to report; the index skips it
		}
		if retracts > 0 {
			if _, err := tx.Exec(ctx, "DELETE FROM facts WHERE seq = $1", retracts); err != nil {
				return s.mapErr("fill fact index", err)
			}
		}
		if key != "" {
			if _, err := tx.Exec(ctx, "INSERT INTO facts (key, seq) VALUES ($1, $2) ON CONFLICT DO NOTHING", key, e.Seq); err != nil {
				return s.mapErr("fill fact index", err)
			}
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return s.mapErr("commit fact index", err)
	}
	return nil
}

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

// connectErr explains an error met while connecting.
func (s *Store) connectErr(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "3D000": // invalid_catalog_name
			return alliance.Errorf(alliance.ENOTFOUND, "no database %q on the PostgreSQL server %s (create it with `createdb`)", s.conn.Database, s.hostPort())
		case "28P01", "28000": // invalid_password, invalid_authorization_specification
			return alliance.Errorf(alliance.EINVALID, "PostgreSQL at %s refused user %q for database %q: check the user and password (%s)", s.hostPort(), s.conn.User, s.conn.Database, pe.Message)
		}
		return s.mapErr("connect", err)
	}
	return alliance.Errorf(alliance.EINVALID, "cannot connect to PostgreSQL at %s (user %q, database %q): %s; is the server running and the address right?",
		s.hostPort(), s.conn.User, s.conn.Database, rootCause(err))
}

// hostPort is the server's address as a user typed it.
func (s *Store) hostPort() string {
	return fmt.Sprintf("%s:%d", s.conn.Host, s.conn.Port)
}

// rootCause says briefly why a connection failed: "connect: connection
// refused", "lookup db.example: no such host". pgx's own text repeats the
// address, and once per attempt (sslmode=prefer tries twice).
func rootCause(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.Error()
	}
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return msg
}

// mapErr turns driver errors into domain errors by SQLSTATE, never by
// message text.
func (s *Store) mapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "40001", pe.Code == "40P01", pe.Code == "55P03": // serialization_failure, deadlock_detected, lock_not_available
			return alliance.Errorf(alliance.ECONFLICT, "database %s is busy: another instance kept the ledger locked for more than %s; try again", s.where, LockTimeout)
		case pe.Code == "25P03": // idle_in_transaction_session_timeout
			return alliance.Errorf(alliance.ECONFLICT, "database %s abandoned the append: it held the ledger's lock idle for more than %s; try again", s.where, idleTimeout)
		case pe.Code == "25006": // read_only_sql_transaction
			return alliance.Errorf(alliance.EINVALID, "cannot write database %s: it is read-only", s.where)
		case pe.Code == "42501": // insufficient_privilege
			return alliance.Errorf(alliance.EINVALID, "cannot %s in database %s: user %q lacks the privilege (%s)", op, s.where, s.conn.User, pe.Message)
		case pe.Code == "42P01", pe.Code == "42703": // undefined_table, undefined_column
			return alliance.Errorf(alliance.ECORRUPT, "%s is not a readable alliance ledger (%s): it was left untouched", s.where, pe.Message)
		case pe.Code == "AL001": // the append-only triggers
			return alliance.Errorf(alliance.ECONFLICT, "%s: %s", op, pe.Message)
		case pe.Code == "23505", pe.Code == "23503": // unique_violation, foreign_key_violation
			return alliance.Errorf(alliance.ECONFLICT, "%s: %s", op, pe.Message)
		case pe.Code == "3D000":
			return alliance.Errorf(alliance.ENOTFOUND, "database %s no longer exists", s.where)
		case strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "57P"), pe.Code == "53300":
			// connection_exception, operator_intervention (shutdown), too_many_connections
			return alliance.Errorf(alliance.EINTERNAL, "lost the connection to PostgreSQL at %s during %s: %s", s.hostPort(), op, pe.Message)
		}
		return fmt.Errorf("%s: %w", op, err)
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return alliance.Errorf(alliance.EINTERNAL, "cannot connect to PostgreSQL at %s during %s: %s", s.hostPort(), op, rootCause(err))
	}
	return fmt.Errorf("%s: %w", op, err)
}
