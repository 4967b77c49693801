package alliance

import (
	"context"
	"time"
)

// Role says what a token may do. Anonymous requests read; a reader token
// reads (it identifies the client, for its own rate limit); an editor token
// also records events.
type Role string

// The roles.
const (
	RoleReader Role = "reader"
	RoleEditor Role = "editor"
)

// Token is an API token as stored: its name, role and the SHA-256 of the
// secret, which is shown once at creation and never stored.
type Token struct {
	Name    string     `json:"name"`
	Role    Role       `json:"role"`
	Hash    []byte     `json:"-"`
	Created time.Time  `json:"created"`
	Revoked *time.Time `json:"revoked,omitempty"`
}

// TokenStore keeps API tokens. Stores that serve several instances keep
// them in the same database as the ledger, so that every instance knows
// every token.
type TokenStore interface {
	// CreateToken stores t; a name already used is ECONFLICT.
	CreateToken(ctx context.Context, t Token) error
	// TokenByHash returns the token whose secret hashes to hash, revoked or
	// not; none is ENOTFOUND.
	TokenByHash(ctx context.Context, hash []byte) (Token, error)
	// Tokens lists every token by name.
	Tokens(ctx context.Context) ([]Token, error)
	// RevokeToken marks the named token revoked at at; an unknown name is
	// ENOTFOUND.
	RevokeToken(ctx context.Context, name string, at time.Time) error
}
