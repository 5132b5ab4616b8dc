-- The search index of the public register (Art. 20; DESIGN.md §6).  The
-- service keeps it in the transaction of every act that changes a public
-- record (service/search.c); it holds only public text.  A document's key
-- packs its day, application id, status and industry (store.h), so that
-- ordering, day ranges, filters and facets read only the full-text index.

CREATE TABLE search_docs (
  key         INTEGER PRIMARY KEY,
  app_id      INTEGER NOT NULL UNIQUE,
  industry    TEXT NOT NULL DEFAULT '',
  cert_no     TEXT NOT NULL DEFAULT '',
  reg_no      TEXT NOT NULL DEFAULT '',
  fingerprint TEXT NOT NULL DEFAULT '',
  name        TEXT NOT NULL,
  holder      TEXT NOT NULL   -- holders' names, one a line
);
CREATE INDEX search_docs_cert_no ON search_docs(cert_no) WHERE cert_no <> '';
CREATE INDEX search_docs_reg_no ON search_docs(reg_no) WHERE reg_no <> '';
CREATE INDEX search_docs_fingerprint ON search_docs(fingerprint) WHERE fingerprint <> '';

-- The other public text, one item a line, apart: ranking reads the names of
-- a thousand documents, and rows without the body pack ten times as many
-- to a page.
CREATE TABLE search_bodies (
  key  INTEGER PRIMARY KEY,
  body TEXT NOT NULL
);

-- For the holder filter: a holder's exact name, or the credit code of a
-- legal person or organisation (the register shows it unmasked).
CREATE TABLE search_holders (
  app_id INTEGER NOT NULL,
  key    INTEGER NOT NULL,  -- of the document
  name   TEXT NOT NULL,
  code   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX search_holders_app ON search_holders(app_id);
CREATE INDEX search_holders_name ON search_holders(name, key);
CREATE INDEX search_holders_code ON search_holders(code, key);

-- Counts of the whole index by status, section, division, year and day
-- (enum search_dim), kept by every put and delete: the facets of the
-- unfiltered register, and the day counts that approximate large totals.
CREATE TABLE search_stats (
  dim   INTEGER NOT NULL,
  value INTEGER NOT NULL,
  n     INTEGER NOT NULL,
  PRIMARY KEY (dim, value)
) WITHOUT ROWID;

-- Contentless: the text lives in search_docs and search_bodies once.  detail=full, because
-- queries hold phrases; no column sizes, because nothing ranks by bm25().  tags holds the
-- filter words of the key (store_search_tags), which queries reach only by name.  A prefix
-- index of one character serves one-character queries (港 is 港*): without it FTS5 merges
-- the lists of every token starting with the character, 14 times slower at 100,000
-- records, for an index 38% larger (bench/search/README.md).
CREATE VIRTUAL TABLE search_fts USING fts5(name, holder, body, tags, content='', columnsize=0,
                                           prefix='1', tokenize='dipreg');
