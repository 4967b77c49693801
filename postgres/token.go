package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"alliance"
)

var _ alliance.TokenStore = (*Store)(nil)

// CreateToken implements alliance.TokenStore.
func (s *Store) CreateToken(ctx context.Context, t alliance.Token) error {
	_, err := s.pool.Exec(ctx, "INSERT INTO tokens (name, role, hash, created) VALUES ($1, $2, $3, $4)",
		t.Name, string(t.Role), t.Hash, t.Created.UTC())
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" { // unique_violation
		return alliance.Errorf(alliance.ECONFLICT, "a token named %q already exists: revoke it or choose another name", t.Name)
	} else if err != nil {
		return s.mapErr("create token", err)
	}
	return nil
}

// TokenByHash implements alliance.TokenStore.
func (s *Store) TokenByHash(ctx context.Context, hash []byte) (alliance.Token, error) {
	rows, err := s.pool.Query(ctx, "SELECT name, role, hash, created, revoked FROM tokens WHERE hash = $1", hash)
	if err != nil {
		return alliance.Token{}, s.mapErr("read token", err)
	}
	t, err := pgx.CollectExactlyOneRow(rows, scanToken)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, alliance.Errorf(alliance.ENOTFOUND, "no such token")
	} else if err != nil {
		return t, s.mapErr("read token", err)
	}
	return t, nil
}

// Tokens implements alliance.TokenStore.
func (s *Store) Tokens(ctx context.Context) ([]alliance.Token, error) {
	rows, err := s.pool.Query(ctx, "SELECT name, role, hash, created, revoked FROM tokens ORDER BY name")
	if err != nil {
		return nil, s.mapErr("list tokens", err)
	}
	out, err := pgx.CollectRows(rows, scanToken)
	if err != nil {
		return nil, s.mapErr("list tokens", err)
	}
	return out, nil
}

// RevokeToken implements alliance.TokenStore.
func (s *Store) RevokeToken(ctx context.Context, name string, at time.Time) error {
	tag, err := s.pool.Exec(ctx, "UPDATE tokens SET revoked = COALESCE(revoked, $1) WHERE name = $2", at.UTC(), name)
	if err != nil {
		return s.mapErr("revoke token", err)
	}
	if tag.RowsAffected() == 0 {
		return alliance.Errorf(alliance.ENOTFOUND, "no token named %q", name)
	}
	return nil
}

func scanToken(row pgx.CollectableRow) (alliance.Token, error) {
	var t alliance.Token
	var role string
	if err := row.Scan(&t.Name, &role, &t.Hash, &t.Created, &t.Revoked); err != nil {
		return t, err
	}
	t.Role = alliance.Role(role)
	return t, nil
}
