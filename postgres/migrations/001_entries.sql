-- The ledger: one row per event, append-only. body is the canonical encoding
-- (ledger.Encode) and hash chains it to the previous row.
CREATE TABLE entries (
	seq  bigint PRIMARY KEY CHECK (seq > 0),
	body bytea NOT NULL,
	hash bytea NOT NULL
);

-- The append-only rule, for every client, not only this store: no UPDATE
-- (an INSERT ... ON CONFLICT DO UPDATE is one), no DELETE, no TRUNCATE, and
-- an INSERT must extend the sequence by exactly one. Refusals carry the
-- SQLSTATE AL001, which the store maps by code.
CREATE FUNCTION alliance_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the ledger is append-only (% on entries refused)', TG_OP
		USING ERRCODE = 'AL001';
END;
$$;

CREATE FUNCTION alliance_extend_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	last bigint;
BEGIN
	SELECT max(seq) INTO last FROM entries;
	IF NEW.seq <> COALESCE(last, 0) + 1 THEN
		RAISE EXCEPTION 'the ledger is append-only: entry % does not extend the sequence at %', NEW.seq, COALESCE(last, 0) + 1
			USING ERRCODE = 'AL001';
	END IF;
	RETURN NEW;
END;
$$;

CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
	FOR EACH ROW EXECUTE FUNCTION alliance_append_only();
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
	FOR EACH ROW EXECUTE FUNCTION alliance_append_only();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries
	FOR EACH STATEMENT EXECUTE FUNCTION alliance_append_only();
CREATE TRIGGER entries_append_only BEFORE INSERT ON entries
	FOR EACH ROW EXECUTE FUNCTION alliance_extend_only();

-- The facts that stand, by identity (alliance.Event.Key): a unique key that
-- makes a second copy of a fact fail inside the append's own transaction.
-- It is an index of the ledger, not part of it: a retraction removes the row
-- of the entry it withdraws.
CREATE TABLE facts (
	key text NOT NULL,
	seq bigint NOT NULL REFERENCES entries (seq),
	CONSTRAINT facts_key PRIMARY KEY (key),
	CONSTRAINT facts_seq UNIQUE (seq)
);
