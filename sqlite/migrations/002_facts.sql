-- The facts that stand, by identity (alliance.Event.Key): a unique key that
-- makes a second copy of a fact fail inside the append's own transaction.
-- It is an index of the ledger, not part of it: a retraction removes the row
-- of the entry it withdraws. Rows for entries stored before this migration
-- are filled in by the store when it opens (it knows how to read them).
CREATE TABLE facts (
	key TEXT PRIMARY KEY,
	seq INTEGER NOT NULL UNIQUE REFERENCES entries(seq)
);
-- INSERT OR REPLACE deletes the row it replaces without firing the delete
-- trigger: refuse any insert that does not extend the sequence.
CREATE TRIGGER entries_append_only BEFORE INSERT ON entries
WHEN NEW.seq <= COALESCE((SELECT MAX(seq) FROM entries), 0)
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
