-- The ledger: one row per event, append-only. body is the canonical encoding
-- (ledger.Encode) and hash chains it to the previous row.
CREATE TABLE entries (
	seq  INTEGER PRIMARY KEY,
	body BLOB NOT NULL,
	hash BLOB NOT NULL
);
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
