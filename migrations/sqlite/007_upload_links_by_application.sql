-- Links of uploads to applications keyed by the application first.  Keyed
-- by the file's hash, each of a submission's three or four links went to a
-- page of its own somewhere in the table: 14 of the 66 pages a commit of 26
-- submissions wrote (bench P3).  Keyed by the application, an
-- application's links share a page, as do those of applications filed
-- together.  Who may read a file is asked from the reader's applications
-- (parties_account, applications_agent), never by the hash alone.
CREATE TABLE upload_links_by_app (
  app_id INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  role   TEXT NOT NULL,
  PRIMARY KEY (app_id, sha256, role)
) WITHOUT ROWID;
INSERT INTO upload_links_by_app(app_id, sha256, role)
  SELECT app_id, sha256, role FROM upload_links ORDER BY app_id, sha256, role;
DROP TABLE upload_links;
ALTER TABLE upload_links_by_app RENAME TO upload_links;
