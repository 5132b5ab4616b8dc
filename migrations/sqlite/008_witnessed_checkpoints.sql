-- Receipts on witnessed checkpoints.  A checkpoint is witnessed once the
-- quorum of the log's witnesses has cosigned it; a receipt is then built on
-- the latest witnessed checkpoint that holds its entry, and the depositors
-- whose entries it newly covers are told (svc_log_cosign).  Checkpoints
-- cosigned before this migration count from the next cosignature on.
ALTER TABLE checkpoints ADD COLUMN witnessed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX checkpoints_witnessed ON checkpoints(size) WHERE witnessed <> 0;
CREATE INDEX deposits_ledger ON deposits(ledger_index);
