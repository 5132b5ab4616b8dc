-- dipreg schema, SQLite.  Applied once, in a transaction, by store_sqlite.c.
-- Times are UTC seconds (dip_time); civil days are days since 1970-01-01
-- in the registry's zone (dip_day).

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE accounts (
  id           INTEGER PRIMARY KEY,
  login        TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  kind         INTEGER NOT NULL,
  id_number    TEXT NOT NULL,
  roles        INTEGER NOT NULL,
  pw_hash      TEXT NOT NULL,
  email        TEXT NOT NULL DEFAULT '',
  phone        TEXT NOT NULL DEFAULT '',
  disabled     INTEGER NOT NULL DEFAULT 0,
  created_at   INTEGER NOT NULL
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  csrf       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  api_token  INTEGER NOT NULL DEFAULT 0,
  label      TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE login_failures (
  key TEXT NOT NULL,
  at  INTEGER NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at);

CREATE TABLE agencies (
  agent_id     INTEGER NOT NULL REFERENCES accounts(id),
  principal_id INTEGER NOT NULL REFERENCES accounts(id),
  poa_sha256   TEXT NOT NULL,
  confirmed_at INTEGER NOT NULL DEFAULT 0,
  revoked_at   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (agent_id, principal_id)
) WITHOUT ROWID;

CREATE TABLE applications (
  id              INTEGER PRIMARY KEY,
  version         INTEGER NOT NULL,
  state           INTEGER NOT NULL,
  created_by      INTEGER NOT NULL REFERENCES accounts(id),
  agent_id        INTEGER NOT NULL DEFAULT 0,
  content         TEXT NOT NULL,
  name            TEXT NOT NULL DEFAULT '',
  industry        TEXT NOT NULL DEFAULT '',
  fingerprint     TEXT NOT NULL DEFAULT '',
  reg_no          TEXT NOT NULL DEFAULT '',
  cert_no         TEXT NOT NULL DEFAULT '',
  cert_version    INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  submitted_at    INTEGER NOT NULL DEFAULT 0,
  published_at    INTEGER NOT NULL DEFAULT 0,
  registered_at   INTEGER NOT NULL DEFAULT 0,
  closed_at       INTEGER NOT NULL DEFAULT 0,
  reg_day         INTEGER NOT NULL DEFAULT 0,
  valid_from      INTEGER NOT NULL DEFAULT 0,
  valid_until     INTEGER NOT NULL DEFAULT 0,
  corrections     INTEGER NOT NULL DEFAULT 0,
  flags           INTEGER NOT NULL DEFAULT 0,
  related_id      INTEGER NOT NULL DEFAULT 0,
  refusal         INTEGER NOT NULL DEFAULT 0,
  close_reason    INTEGER NOT NULL DEFAULT 0,
  withdraw_reason TEXT
);
CREATE INDEX applications_state ON applications(state, id);
CREATE INDEX applications_fingerprint ON applications(fingerprint) WHERE fingerprint <> '';
CREATE INDEX applications_reg_no ON applications(reg_no) WHERE reg_no <> '';
CREATE INDEX applications_agent ON applications(agent_id) WHERE agent_id <> 0;

CREATE TABLE parties (
  app_id       INTEGER NOT NULL REFERENCES applications(id),
  ord          INTEGER NOT NULL,
  account_id   INTEGER NOT NULL REFERENCES accounts(id),
  name         TEXT NOT NULL,
  kind         INTEGER NOT NULL,
  id_number    TEXT NOT NULL,
  confirmed_at INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (app_id, ord)
) WITHOUT ROWID;
CREATE INDEX parties_account ON parties(account_id, app_id);

CREATE TABLE objections (
  id                  INTEGER PRIMARY KEY,
  app_id              INTEGER NOT NULL REFERENCES applications(id),
  version             INTEGER NOT NULL,
  state               INTEGER NOT NULL,
  objector_id         INTEGER NOT NULL DEFAULT 0,
  objector_name       TEXT NOT NULL,
  objector_contact    TEXT NOT NULL,
  token_hash          TEXT NOT NULL DEFAULT '',
  grounds             TEXT NOT NULL,
  evidence            TEXT,
  answer              TEXT,
  answer_evidence     TEXT,
  supplement          TEXT,
  supplement_evidence TEXT,
  decision            TEXT,
  filed_at            INTEGER NOT NULL,
  decided_at          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX objections_app ON objections(app_id);

CREATE TABLE requests (
  id              INTEGER PRIMARY KEY,
  app_id          INTEGER NOT NULL REFERENCES applications(id),
  version         INTEGER NOT NULL,
  kind            INTEGER NOT NULL,
  state           INTEGER NOT NULL,
  filed_by        INTEGER NOT NULL,
  counterparty_id INTEGER NOT NULL DEFAULT 0,
  unilateral      INTEGER NOT NULL DEFAULT 0,
  payload         TEXT NOT NULL,
  filed_at        INTEGER NOT NULL,
  decided_at      INTEGER NOT NULL DEFAULT 0,
  act_day         INTEGER NOT NULL DEFAULT 0,
  late            INTEGER NOT NULL DEFAULT 0,
  decision        TEXT
);
CREATE INDEX requests_app ON requests(app_id);

CREATE TABLE events (
  id          INTEGER PRIMARY KEY,
  app_id      INTEGER NOT NULL,
  ref_id      INTEGER NOT NULL DEFAULT 0,
  at          INTEGER NOT NULL,
  actor_id    INTEGER NOT NULL DEFAULT 0,
  actor_role  INTEGER NOT NULL,
  action      TEXT NOT NULL,
  from_state  INTEGER NOT NULL,
  to_state    INTEGER NOT NULL,
  reason      TEXT,
  dl_kind     INTEGER NOT NULL DEFAULT -1,
  dl_due      INTEGER NOT NULL DEFAULT 0,
  detail      TEXT
);
CREATE INDEX events_app ON events(app_id, id);

CREATE TABLE deadlines (
  id          INTEGER PRIMARY KEY,
  app_id      INTEGER NOT NULL,
  ref_id      INTEGER NOT NULL DEFAULT 0,
  kind        INTEGER NOT NULL,
  opened_at   INTEGER NOT NULL,
  due_at      INTEGER NOT NULL,
  closed_at   INTEGER NOT NULL DEFAULT 0,
  binds_party INTEGER NOT NULL
);
CREATE INDEX deadlines_open ON deadlines(due_at) WHERE closed_at = 0;
CREATE INDEX deadlines_app ON deadlines(app_id) WHERE closed_at = 0;

CREATE TABLE messages (
  id           INTEGER PRIMARY KEY,
  account_id   INTEGER NOT NULL DEFAULT 0,
  objection_id INTEGER NOT NULL DEFAULT 0,
  app_id       INTEGER NOT NULL DEFAULT 0,
  kind         TEXT NOT NULL,
  subject      TEXT NOT NULL,
  body         TEXT NOT NULL,
  delivered_at INTEGER NOT NULL,
  read_at      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_account ON messages(account_id, id);
CREATE INDEX messages_objection ON messages(objection_id, id) WHERE objection_id <> 0;

CREATE TABLE uploads (
  sha256     TEXT NOT NULL,
  owner_id   INTEGER NOT NULL,
  size       INTEGER NOT NULL,
  mime       TEXT NOT NULL,
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (sha256, owner_id)
) WITHOUT ROWID;

CREATE TABLE upload_links (
  sha256 TEXT NOT NULL,
  app_id INTEGER NOT NULL,
  role   TEXT NOT NULL,
  PRIMARY KEY (sha256, app_id, role)
) WITHOUT ROWID;

CREATE TABLE deposits (
  id           INTEGER PRIMARY KEY,
  account_id   INTEGER NOT NULL,
  fingerprint  TEXT NOT NULL,
  files        INTEGER NOT NULL,
  bytes        INTEGER NOT NULL,
  description  TEXT NOT NULL DEFAULT '',
  ledger_index INTEGER NOT NULL,
  created_at   INTEGER NOT NULL
);
CREATE INDEX deposits_fingerprint ON deposits(fingerprint);

CREATE TABLE certificates (
  id           INTEGER PRIMARY KEY,
  app_id       INTEGER NOT NULL REFERENCES applications(id),
  cert_no      TEXT NOT NULL,
  reg_no       TEXT NOT NULL,
  version      INTEGER NOT NULL,
  status       INTEGER NOT NULL,
  issued_at    INTEGER NOT NULL,
  valid_from   INTEGER NOT NULL,
  valid_until  INTEGER NOT NULL,
  status_at    INTEGER NOT NULL,
  doc          TEXT NOT NULL,
  ledger_index INTEGER NOT NULL DEFAULT -1,
  UNIQUE (cert_no, version)
);
CREATE INDEX certificates_app ON certificates(app_id, version);

CREATE TABLE audit (
  id       INTEGER PRIMARY KEY,
  at       INTEGER NOT NULL,
  actor_id INTEGER NOT NULL,
  action   TEXT NOT NULL,
  object   TEXT NOT NULL,
  detail   TEXT NOT NULL DEFAULT '',
  addr     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_object ON audit(object, id);
CREATE INDEX audit_actor ON audit(actor_id, id);

CREATE TABLE ledger_entries (
  idx   INTEGER PRIMARY KEY,
  entry BLOB NOT NULL
);

CREATE TABLE ledger_tiles (
  level  INTEGER NOT NULL,
  idx    INTEGER NOT NULL,
  width  INTEGER NOT NULL,
  hashes BLOB NOT NULL,
  PRIMARY KEY (level, idx, width)
) WITHOUT ROWID;

CREATE TABLE checkpoints (
  size       INTEGER PRIMARY KEY,
  root       BLOB NOT NULL,
  note       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
