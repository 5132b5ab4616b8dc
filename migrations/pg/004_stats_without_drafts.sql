-- As migrations/sqlite/005: the statistics' covering index without drafts,
-- in order of submission, so that a submission adds one entry at the end
-- of its state's part instead of moving one between two scattered pages.
DROP INDEX applications_stats;
CREATE INDEX applications_stats
  ON applications(state, submitted_at, id, industry, reg_day, closed_at, close_reason)
  WHERE state <> 0;
