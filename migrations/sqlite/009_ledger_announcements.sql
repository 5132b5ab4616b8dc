-- The log's entries that GET /api/announcements and the Atom feed list:
-- every entry but the deposits, which are receipts for their depositors.
-- The list used to walk the log back entry by entry past every deposit,
-- so a registry whose newest entries were deposits answered in minutes
-- (3M deposits at the end of the 1M bench registry's log: 56 s).  Each
-- append says whether its entry is one of these (store.h).
CREATE TABLE ledger_announcements (
  idx INTEGER PRIMARY KEY
);

INSERT INTO ledger_announcements(idx)
  SELECT idx FROM ledger_entries
  WHERE json_valid(CAST(entry AS TEXT))
    AND json_extract(CAST(entry AS TEXT), '$.type') IS NOT 'deposit';
