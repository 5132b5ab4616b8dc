-- The search index of the public register (Art. 20; DESIGN.md §6), as in
-- migrations/sqlite/003_search.sql.  tsv holds the tokens of dipreg's own
-- tokenizer (tok_tsvector_at), never PostgreSQL's parser: the three fields
-- with a gap of one position between them, as FTS5 keeps its columns.

CREATE TABLE search_docs (
  key         BIGINT PRIMARY KEY,
  app_id      BIGINT NOT NULL UNIQUE,
  industry    TEXT NOT NULL DEFAULT '',
  cert_no     TEXT NOT NULL DEFAULT '',
  reg_no      TEXT NOT NULL DEFAULT '',
  fingerprint TEXT NOT NULL DEFAULT '',
  name        TEXT NOT NULL,
  holder      TEXT NOT NULL,
  body        TEXT NOT NULL,
  tsv         TSVECTOR NOT NULL
);
CREATE INDEX search_docs_tsv ON search_docs USING gin (tsv);
CREATE INDEX search_docs_cert_no ON search_docs(cert_no) WHERE cert_no <> '';
CREATE INDEX search_docs_reg_no ON search_docs(reg_no) WHERE reg_no <> '';
CREATE INDEX search_docs_fingerprint ON search_docs(fingerprint) WHERE fingerprint <> '';

CREATE TABLE search_holders (
  app_id BIGINT NOT NULL,
  key    BIGINT NOT NULL,
  name   TEXT NOT NULL,
  code   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX search_holders_app ON search_holders(app_id);
CREATE INDEX search_holders_name ON search_holders(name, key);
CREATE INDEX search_holders_code ON search_holders(code, key);

CREATE TABLE search_stats (
  dim   BIGINT NOT NULL,
  value BIGINT NOT NULL,
  n     BIGINT NOT NULL,
  PRIMARY KEY (dim, value)
);
