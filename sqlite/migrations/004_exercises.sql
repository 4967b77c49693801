-- Council exercises: each has its own hash-chained log, apart from the
-- ledger of facts. Seats keep only the SHA-256 of their secrets.
CREATE TABLE exercises (
	id       TEXT PRIMARY KEY,
	name     TEXT NOT NULL,
	scenario BLOB NOT NULL,
	created  TEXT NOT NULL,
	expires  TEXT NOT NULL
);
CREATE TABLE exercise_seats (
	exercise TEXT NOT NULL REFERENCES exercises (id),
	seat     TEXT NOT NULL,
	hash     BLOB UNIQUE,
	revoked  TEXT,
	PRIMARY KEY (exercise, seat)
);
CREATE TABLE exercise_entries (
	exercise TEXT NOT NULL REFERENCES exercises (id),
	seq      INTEGER NOT NULL,
	body     BLOB NOT NULL,
	hash     BLOB NOT NULL,
	PRIMARY KEY (exercise, seq)
);
CREATE TRIGGER exercise_entries_no_update BEFORE UPDATE ON exercise_entries
BEGIN SELECT RAISE(ABORT, 'an exercise log is append-only'); END;
CREATE TRIGGER exercise_entries_no_delete BEFORE DELETE ON exercise_entries
BEGIN SELECT RAISE(ABORT, 'an exercise log is append-only'); END;
