-- Statistics (service/stats.c, store stats_* operations): the same indexes
-- as on SQLite, so that both backends plan the counts alike.
CREATE INDEX applications_stats
  ON applications(state, industry, submitted_at, reg_day, closed_at, close_reason);
CREATE INDEX events_renew ON events(app_id, at) WHERE action = 'renew';
