package main

import (
	"context"
	"strings"

	"alliance"
	"alliance/ledger"
	"alliance/postgres"
	"alliance/sqlite"
)

// isPostgres says whether a --db value or ALLIANCE_DB names a PostgreSQL
// database rather than a SQLite file.
func isPostgres(path string) bool {
	return strings.HasPrefix(path, "postgres://") || strings.HasPrefix(path, "postgresql://")
}

// openStore opens the store a --db value names: a postgres:// or
// postgresql:// URL opens PostgreSQL (several instances may share it),
// anything else is a SQLite file. readOnly opens without writing anything
// and refuses a database that is not an alliance ledger. It also returns
// where the store is, to print: the file's path, or the URL without its
// password.
func (a *App) openStore(ctx context.Context, path string, readOnly bool) (alliance.Store, string, error) {
	if isPostgres(path) {
		var st *postgres.Store
		var err error
		if readOnly {
			st, err = postgres.OpenReadOnly(ctx, path)
		} else {
			st, err = postgres.Open(ctx, path, postgres.Options{KeyOf: ledger.KeyOf})
		}
		if err != nil {
			return nil, "", err
		}
		return st, st.Where(), nil
	}
	var st *sqlite.Store
	var err error
	if readOnly {
		st, err = sqlite.OpenReadOnly(ctx, path)
	} else {
		st, err = sqlite.OpenWith(ctx, path, sqlite.Options{KeyOf: ledger.KeyOf})
	}
	if err != nil {
		return nil, "", err
	}
	return st, st.Path(), nil
}
