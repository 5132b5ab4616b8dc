-- As migrations/sqlite/008: which checkpoints the quorum of witnesses has
-- cosigned, and the deposits by their place in the log.  The latest
-- checkpoint cosigned before the upgrade counts as witnessed.
ALTER TABLE checkpoints ADD COLUMN witnessed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX checkpoints_witnessed ON checkpoints(size) WHERE witnessed <> 0;
CREATE INDEX deposits_ledger ON deposits(ledger_index);
UPDATE checkpoints SET witnessed = 1 WHERE size = (SELECT max(size) FROM checkpoints
  WHERE note LIKE '%' || chr(10) || '— %' || chr(10) || '— %');
