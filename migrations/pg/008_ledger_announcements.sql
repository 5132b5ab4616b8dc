-- The log's entries that GET /api/announcements and the Atom feed list:
-- every entry but the deposits (see migrations/sqlite/009).
CREATE TABLE ledger_announcements (
  idx BIGINT PRIMARY KEY
);

INSERT INTO ledger_announcements(idx)
  SELECT idx FROM ledger_entries
  WHERE (convert_from(entry, 'UTF8')::jsonb ->> 'type') IS DISTINCT FROM 'deposit';
