package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"alliance"
)

var _ alliance.TokenStore = (*Store)(nil)

// CreateToken implements alliance.TokenStore.
func (s *Store) CreateToken(ctx context.Context, t alliance.Token) error {
	_, err := s.db.ExecContext(ctx, "INSERT INTO tokens (name, role, hash, created) VALUES (?, ?, ?, ?)",
		t.Name, string(t.Role), t.Hash, t.Created.UTC().Format(time.RFC3339))
	if isConstraint(err) {
		return alliance.Errorf(alliance.ECONFLICT, "a token named %q already exists: revoke it or choose another name", t.Name)
	}
	if err != nil {
		return s.mapErr("create token", err)
	}
	return nil
}

// TokenByHash implements alliance.TokenStore.
func (s *Store) TokenByHash(ctx context.Context, hash []byte) (alliance.Token, error) {
	row := s.db.QueryRowContext(ctx, "SELECT name, role, hash, created, revoked FROM tokens WHERE hash = ?", hash)
	t, err := scanToken(row.Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return t, alliance.Errorf(alliance.ENOTFOUND, "no such token")
	} else if err != nil {
		return t, s.mapErr("read token", err)
	}
	return t, nil
}

// Tokens implements alliance.TokenStore.
func (s *Store) Tokens(ctx context.Context) ([]alliance.Token, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT name, role, hash, created, revoked FROM tokens ORDER BY name")
	if err != nil {
		return nil, s.mapErr("list tokens", err)
	}
	defer rows.Close()
	var out []alliance.Token
	for rows.Next() {
		t, err := scanToken(rows.Scan)
		if err != nil {
			return nil, s.mapErr("read token", err)
		}
		out = append(out, t)
	}
	return out, s.mapErrOrNil("list tokens", rows.Err())
}

// RevokeToken implements alliance.TokenStore.
func (s *Store) RevokeToken(ctx context.Context, name string, at time.Time) error {
	res, err := s.db.ExecContext(ctx, "UPDATE tokens SET revoked = ? WHERE name = ? AND revoked IS NULL", at.UTC().Format(time.RFC3339), name)
	if err != nil {
		return s.mapErr("revoke token", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var exists bool
		s.db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM tokens WHERE name = ?)", name).Scan(&exists)
		if exists {
			return nil // already revoked
		}
		return alliance.Errorf(alliance.ENOTFOUND, "no token named %q", name)
	}
	return nil
}

func scanToken(scan func(...any) error) (alliance.Token, error) {
	var t alliance.Token
	var role, created string
	var revoked sql.NullString
	if err := scan(&t.Name, &role, &t.Hash, &created, &revoked); err != nil {
		return t, err
	}
	t.Role = alliance.Role(role)
	t.Created, _ = time.Parse(time.RFC3339, created)
	if revoked.Valid {
		r, _ := time.Parse(time.RFC3339, revoked.String)
		t.Revoked = &r
	}
	return t, nil
}

func (s *Store) mapErrOrNil(op string, err error) error {
	if err == nil {
		return nil
	}
	return s.mapErr(op, err)
}
