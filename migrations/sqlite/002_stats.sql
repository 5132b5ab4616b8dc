-- Statistics (service/stats.c, store stats_* operations).  They count
-- every application by a few small columns; a covering index lets SQLite
-- read those without the application's content, which sits before them in
-- the row.  Renewals are the only acts counted from the archive.
CREATE INDEX applications_stats
  ON applications(state, industry, submitted_at, reg_day, closed_at, close_reason);
CREATE INDEX events_renew ON events(app_id, at) WHERE action = 'renew';
