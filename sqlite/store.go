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
	db   *sql.DB
	path string
}

var _ alliance.Store = (*Store)(nil)

// BusyTimeout is how long a writer waits for another process's lock.
const BusyTimeout = 10 * time.Second

// Open opens (creating if needed) the database at path and brings its schema
// up to date. A file that is not a SQLite database is ECORRUPT; it is not
// touched.
func Open(ctx context.Context, path string) (*Store, error) {
	// The driver reads the path as a URI: "?" and "#" would cut it short.
	if strings.ContainsAny(path, "?#") {
		return nil, alliance.Errorf(alliance.EINVALID, "database path %q contains ? or #, which SQLite's file URI cannot hold: choose another name", path)
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
	s := &Store{db: db, path: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return s.mapErr("read schema version", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	slices.Sort(names)
	if version > len(names) {
		return alliance.Errorf(alliance.EINVALID, "database %s has schema version %d, newer than this binary knows (%d): use a newer alliance", s.path, version, len(names))
	}
	for i := version; i < len(names); i++ {
		b, err := migrations.ReadFile(names[i])
		if err != nil {
			return fmt.Errorf("read migration %s: %w", names[i], err)
		}
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return s.mapErr("begin migration", err)
		}
		if _, err := tx.ExecContext(ctx, string(b)); err != nil {
			tx.Rollback()
			return s.mapErr("migrate "+filepath.Base(names[i]), err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", i+1)); err != nil {
			tx.Rollback()
			return s.mapErr("set schema version", err)
		}
		if err := tx.Commit(); err != nil {
			return s.mapErr("commit migration", err)
		}
	}
	return nil
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Entries returns every entry in sequence order.
func (s *Store) Entries(ctx context.Context) ([]alliance.Entry, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT seq, body, hash FROM entries ORDER BY seq")
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

// Append implements alliance.Store.
func (s *Store) Append(ctx context.Context, build func(head alliance.Entry) ([]alliance.Entry, error)) (err error) {
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
	}
	if err := tx.Commit(); err != nil {
		return s.mapErr("commit append", err)
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

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
