-- As migrations/sqlite/008: which checkpoints the quorum of witnesses has
-- cosigned, and the deposits by their place in the log.
ALTER TABLE checkpoints ADD COLUMN witnessed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX checkpoints_witnessed ON checkpoints(size) WHERE witnessed <> 0;
CREATE INDEX deposits_ledger ON deposits(ledger_index);
