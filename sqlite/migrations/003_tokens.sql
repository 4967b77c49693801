-- API tokens: only the SHA-256 of each token is kept, never the token.
CREATE TABLE tokens (
	name    TEXT PRIMARY KEY,
	role    TEXT NOT NULL CHECK (role IN ('editor', 'reader')),
	hash    BLOB NOT NULL UNIQUE,
	created TEXT NOT NULL,
	revoked TEXT
);
