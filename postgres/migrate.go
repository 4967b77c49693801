package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"alliance"
)

//go:embed migrations/*.sql
var migrations embed.FS

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
