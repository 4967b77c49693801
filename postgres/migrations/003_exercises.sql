-- Council exercises: each has its own hash-chained log, apart from the
-- ledger of facts. Seats keep only the SHA-256 of their secrets.
CREATE TABLE exercises (
	id       text PRIMARY KEY,
	name     text NOT NULL,
	scenario bytea NOT NULL,
	created  timestamptz NOT NULL,
	expires  timestamptz NOT NULL
);
CREATE TABLE exercise_seats (
	exercise text NOT NULL REFERENCES exercises (id),
	seat     text NOT NULL,
	hash     bytea UNIQUE,
	revoked  timestamptz,
	PRIMARY KEY (exercise, seat)
);
CREATE TABLE exercise_entries (
	exercise text NOT NULL REFERENCES exercises (id),
	seq      bigint NOT NULL,
	body     bytea NOT NULL,
	hash     bytea NOT NULL,
	PRIMARY KEY (exercise, seq)
);
CREATE FUNCTION exercise_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'an exercise log is append-only (% refused)', TG_OP USING ERRCODE = 'AL001'; END $$;
CREATE TRIGGER exercise_entries_no_change BEFORE UPDATE OR DELETE ON exercise_entries
FOR EACH ROW EXECUTE FUNCTION exercise_entries_append_only();
