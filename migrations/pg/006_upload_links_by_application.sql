-- As migrations/sqlite/007: links of uploads keyed by the application
-- first, so that a submission's links share a page instead of landing on
-- one each; who may read a file is asked from the reader's applications.
ALTER TABLE upload_links DROP CONSTRAINT upload_links_pkey;
ALTER TABLE upload_links ADD PRIMARY KEY (app_id, sha256, role);
