// Package sqlite stores the ledger in one SQLite file through the pure-Go
// driver modernc.org/sqlite (no cgo). Writes use WAL with synchronous=FULL, so
// an acknowledged append survives the process being killed; concurrent
// writers wait on SQLite's lock and then give up with ECONFLICT.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"alliance"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is an alliance.Store on a SQLite file.
type Store struct {
	db       *sql.DB
	path     string
	readOnly bool
	keyOf    KeyFunc
}

var _ alliance.Store = (*Store)(nil)

// BusyTimeout is how long a writer waits for another process's lock.
const BusyTimeout = 10 * time.Second

// KeyFunc reads the identity of the fact an entry's body records and the
// sequence number it retracts; the ledger provides it (ledger.KeyOf). The
// store uses it to index entries stored before it kept that index.
type KeyFunc func(body []byte) (key string, retracts int64, err error)

// Options are the optional settings of OpenWith.
type Options struct {
	// KeyOf fills the index of standing facts for entries stored by an older
	// binary. Without it, those entries are not in the index and only the
	// ledger's own check (in the same transaction) prevents their duplicates.
	KeyOf KeyFunc
}

// Open opens (creating if needed) the database at path and brings its schema
// up to date. A file that is not a SQLite database is ECORRUPT; it is not
// touched.
func Open(ctx context.Context, path string) (*Store, error) {
	return OpenWith(ctx, path, Options{})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, path string, opt Options) (*Store, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, alliance.Errorf(alliance.EINVALID, "cannot create the folder for database %s: %v", path, err)
		}
	}
	dsn := fmt.Sprintf("file:%s?_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_txlock=immediate",
		path, BusyTimeout.Milliseconds())
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{db: db, path: path, keyOf: opt.KeyOf}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.fillFacts(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// OpenReadOnly opens an existing alliance ledger without writing anything:
// no schema, no journal mode change, no file created beside it. It works on
// read-only media. A missing file is ENOTFOUND; a file that is not an
// alliance ledger (another program's database, an empty file, an older or
// newer schema this binary cannot read) is ECORRUPT, and is not touched.
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); err != nil {
		return nil, alliance.Errorf(alliance.ENOTFOUND, "no database at %s", path)
	}
	// mode=ro reads the write-ahead log too, but needs its shared-memory
	// file and creates it when missing. Without a log (the last writer
	// closed cleanly) the file is complete as it lies, and immutable=1 reads
	// it without creating anything; so does the fallback on read-only media.
	modes := []string{"mode=ro", "mode=ro&immutable=1"}
	if _, err := os.Stat(path + "-wal"); err != nil {
		modes = modes[1:]
	}
	var last error
	for _, mode := range modes {
		dsn := fmt.Sprintf("file:%s?%s&_pragma=busy_timeout(%d)&_pragma=query_only(1)", path, mode, BusyTimeout.Milliseconds())
		db, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		s := &Store{db: db, path: path, readOnly: true}
		if err := s.checkLedger(ctx); err != nil {
			db.Close()
			last = err
			if alliance.ErrorCode(err) == alliance.ECORRUPT {
				return nil, err
			}
			continue
		}
		return s, nil
	}
	return nil, last
}

// checkLedger makes sure the database is an alliance ledger this binary reads.
func (s *Store) checkLedger(ctx context.Context) error {
	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return s.mapErr("read schema version", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	var cols []string
	rows, err := s.db.QueryContext(ctx, "SELECT name FROM pragma_table_info('entries') ORDER BY cid")
	if err != nil {
		return s.mapErr("read schema", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return s.mapErr("read schema", err)
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		return s.mapErr("read schema", err)
	}
	switch {
	case version == 0 || !slices.Equal(cols, []string{"seq", "body", "hash"}):
		return alliance.Errorf(alliance.ECORRUPT, "%s is not an alliance ledger (no entries table of the ledger's shape, schema version %d): it was left untouched", s.path, version)
	case version > len(names):
		return alliance.Errorf(alliance.ECORRUPT, "%s has schema version %d, newer than this binary knows (%d): use a newer alliance", s.path, version, len(names))
	}
	return nil
}

func checkPath(path string) error {
	// The driver reads the path as a URI: "?" and "#" would cut it short.
	if strings.ContainsAny(path, "?#") {
		return alliance.Errorf(alliance.EINVALID, "database path %q contains ? or #, which SQLite's file URI cannot hold: choose another name", path)
	}
	return nil
}

// migrate applies the migrations this database lacks, in one write
// transaction that reads the schema version under the lock, so that
// processes opening a new database at the same time each see the schema
// either absent or complete.
func (s *Store) migrate(ctx context.Context) (err error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	slices.Sort(names)
	var version int
	// A cheap check outside the lock first: most opens find the schema current.
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return s.mapErr("read schema version", err)
	}
	if version == len(names) {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the write lock
	if err != nil {
		return s.mapErr("begin migration", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return s.mapErr("read schema version", err)
	}
	if version > len(names) {
		return alliance.Errorf(alliance.EINVALID, "database %s has schema version %d, newer than this binary knows (%d): use a newer alliance", s.path, version, len(names))
	}
	for i := version; i < len(names); i++ {
		b, err := migrations.ReadFile(names[i])
		if err != nil {
			return fmt.Errorf("read migration %s: %w", names[i], err)
		}
		if _, err := tx.ExecContext(ctx, string(b)); err != nil {
			return s.mapErr("migrate "+filepath.Base(names[i]), err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(names))); err != nil {
		return s.mapErr("set schema version", err)
	}
	if err := tx.Commit(); err != nil {
		return s.mapErr("commit migration", err)
	}
	return nil
}

// fillFacts indexes the standing facts of entries stored before the index
// existed. It runs only when the index is empty and the ledger is not.
func (s *Store) fillFacts(ctx context.Context) (err error) {
	if s.keyOf == nil {
		return nil
	}
	var need bool
	if err := s.db.QueryRowContext(ctx, "SELECT NOT EXISTS (SELECT 1 FROM facts) AND EXISTS (SELECT 1 FROM entries)").Scan(&need); err != nil {
		return s.mapErr("check fact index", err)
	}
	if !need {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.mapErr("begin fact index", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	rows, err := tx.QueryContext(ctx, "SELECT seq, body FROM entries ORDER BY seq")
	if err != nil {
		return s.mapErr("read entries", err)
	}
	var es []rowEntry
	for rows.Next() {
		var seq int64
		var body []byte
		if err := rows.Scan(&seq, &body); err != nil {
			rows.Close()
			return s.mapErr("read entry", err)
		}
		es = append(es, rowEntry{seq, body})
	}
	rows.Close()
	for _, e := range es {
		key, retracts, err := s.keyOf(e.Body)
		if err != nil {
			// A broken entry is verify's to report; the index skips it.
			continue
		}
		if err := indexFact(ctx, tx, e.Seq, key, retracts, true); err != nil {
			return s.mapErr("fill fact index", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return s.mapErr("commit fact index", err)
	}
	return nil
}

// rowEntry is a stored row as fillFacts reads it.
type rowEntry struct {
	Seq  int64
	Body []byte
}

// indexFact keeps the index of standing facts for one appended entry. With
// lenient, a second copy of a fact (stored by an older binary) is skipped.
func indexFact(ctx context.Context, tx *sql.Tx, seq int64, key string, retracts int64, lenient bool) error {
	if retracts > 0 {
		if _, err := tx.ExecContext(ctx, "DELETE FROM facts WHERE seq = ?", retracts); err != nil {
			return err
		}
	}
	if key == "" {
		return nil
	}
	q := "INSERT INTO facts (key, seq) VALUES (?, ?)"
	if lenient {
		q = "INSERT OR IGNORE INTO facts (key, seq) VALUES (?, ?)"
	}
	_, err := tx.ExecContext(ctx, q, key, seq)
	return err
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Entries returns every entry in sequence order.
func (s *Store) Entries(ctx context.Context) ([]alliance.Entry, error) {
	return s.EntriesAfter(ctx, 0)
}

// Append implements alliance.Store.
func (s *Store) Append(ctx context.Context, build func(head alliance.Entry) ([]alliance.Entry, error)) (err error) {
	if s.readOnly {
		return alliance.Errorf(alliance.EINVALID, "database %s was opened read-only", s.path)
	}
	tx, err := s.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: takes the write lock now
	if err != nil {
		return s.mapErr("begin append", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	var head alliance.Entry
	err = tx.QueryRowContext(ctx, "SELECT seq, body, hash FROM entries ORDER BY seq DESC LIMIT 1").Scan(&head.Seq, &head.Body, &head.Hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return s.mapErr("read head", err)
	}
	entries, err := build(head)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return tx.Commit()
	}
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO entries (seq, body, hash) VALUES (?, ?, ?)")
	if err != nil {
		return s.mapErr("prepare append", err)
	}
	defer stmt.Close()
	for i, e := range entries {
		if e.Seq != head.Seq+int64(i)+1 {
			return alliance.Errorf(alliance.EINTERNAL, "append: entry %d does not continue the sequence at %d", e.Seq, head.Seq+int64(i)+1)
		}
		if _, err := stmt.ExecContext(ctx, e.Seq, e.Body, e.Hash); err != nil {
			return s.mapErr(fmt.Sprintf("append event %d", e.Seq), err)
		}
		if err := indexFact(ctx, tx, e.Seq, e.Key, e.Retracts, false); err != nil {
			if isConstraint(err) {
				return fmt.Errorf("append event %d: %w", e.Seq, alliance.ErrDuplicate)
			}
			return s.mapErr(fmt.Sprintf("index event %d", e.Seq), err)
		}
	}
	if err := tx.Commit(); err != nil {
		return s.mapErr("commit append", err)
	}
	return nil
}

// EntriesAfter implements alliance.Store.
func (s *Store) EntriesAfter(ctx context.Context, seq int64) ([]alliance.Entry, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT seq, body, hash FROM entries WHERE seq > ? ORDER BY seq", seq)
	if err != nil {
		return nil, s.mapErr("read entries", err)
	}
	defer rows.Close()
	var out []alliance.Entry
	for rows.Next() {
		var e alliance.Entry
		if err := rows.Scan(&e.Seq, &e.Body, &e.Hash); err != nil {
			return nil, s.mapErr("read entry", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.mapErr("read entries", err)
	}
	return out, nil
}

// WatchInterval is how often Watch looks for other processes' appends.
const WatchInterval = 200 * time.Millisecond

// Watch implements alliance.Store. SQLite has no notifications between
// processes: Watch holds one connection and reads PRAGMA data_version, which
// changes when another connection commits, every WatchInterval; the check
// reads no table.
func (s *Store) Watch(ctx context.Context) <-chan struct{} {
	ch := make(chan struct{}, 1)
	go func() {
		defer close(ch)
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return
		}
		defer conn.Close()
		var last int64 = -1
		t := time.NewTicker(WatchInterval)
		defer t.Stop()
		for {
			var v int64
			if err := conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
				if ctx.Err() != nil {
					return
				}
			} else if v != last {
				if last >= 0 {
					select {
					case ch <- struct{}{}:
					default: // a signal is already pending
					}
				}
				last = v
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return ch
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

func isConstraint(err error) bool {
	var se *sqlite3.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3lib.SQLITE_CONSTRAINT
}

// mapErr turns driver errors into domain errors by SQLite's result code,
// never by message text.
func (s *Store) mapErr(op string, err error) error {
	var se *sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3lib.SQLITE_NOTADB, sqlite3lib.SQLITE_CORRUPT:
			return alliance.Errorf(alliance.ECORRUPT, "%s is not a readable alliance database (%s): it was left untouched", s.path, strings.ToLower(sqlite3.ErrorCodeString[se.Code()&0xff]))
		case sqlite3lib.SQLITE_BUSY, sqlite3lib.SQLITE_LOCKED:
			return alliance.Errorf(alliance.ECONFLICT, "database %s is busy: another process kept it locked for more than %s; try again", s.path, BusyTimeout)
		case sqlite3lib.SQLITE_READONLY, sqlite3lib.SQLITE_CANTOPEN, sqlite3lib.SQLITE_PERM:
			return alliance.Errorf(alliance.EINVALID, "cannot write database %s: %v", s.path, err)
		case sqlite3lib.SQLITE_CONSTRAINT:
			return alliance.Errorf(alliance.ECONFLICT, "%s: %v", op, err)
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}
