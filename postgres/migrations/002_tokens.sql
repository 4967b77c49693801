-- API tokens: only the SHA-256 of each token is kept, never the token.
CREATE TABLE tokens (
	name    text PRIMARY KEY,
	role    text NOT NULL CHECK (role IN ('editor', 'reader')),
	hash    bytea NOT NULL UNIQUE,
	created timestamptz NOT NULL,
	revoked timestamptz
);
