-- The statistics' covering index without drafts, in order of submission.
-- No count reads a draft, yet each submission moved its entry from the
-- drafts' part of the index to the submitted part, and keyed by industry
-- first both ends landed on a page of their own: about 37 of the 105
-- pages a commit of 26 submissions wrote (bench P3).  Without drafts, and
-- keyed by the submission time and then the application (times are whole
-- seconds, and thousands of submissions can share one), new entries go to
-- the end of their state's part, as do the moves of the examinations that
-- follow in the same order.  The counts say "state <> 0" (STATS_NOT_DRAFT
-- in store.h), which lets SQLite plan a partial index.
DROP INDEX applications_stats;
CREATE INDEX applications_stats
  ON applications(state, submitted_at, id, industry, reg_day, closed_at, close_reason)
  WHERE state <> 0;
