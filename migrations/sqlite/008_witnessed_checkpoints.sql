-- Receipts on witnessed checkpoints.  A checkpoint is witnessed once the
-- quorum of the log's witnesses has cosigned it; a receipt is then built on
-- the latest witnessed checkpoint that holds its entry, and the depositors
-- whose entries it newly covers are told (svc_log_cosign).
ALTER TABLE checkpoints ADD COLUMN witnessed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX checkpoints_witnessed ON checkpoints(size) WHERE witnessed <> 0;
CREATE INDEX deposits_ledger ON deposits(ledger_index);
-- Before this, which checkpoints met the quorum was not kept.  The latest
-- one that carries a line besides the log's own signature counts as
-- witnessed, so that the first cosignature after the upgrade tells only
-- the depositors since then, not every depositor the registry ever had.
UPDATE checkpoints SET witnessed = 1 WHERE size = (SELECT max(size) FROM checkpoints
  WHERE note LIKE '%' || char(10) || '— %' || char(10) || '— %');
