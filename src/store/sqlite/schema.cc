#include "store/sqlite/schema.h"

#include <array>

namespace dragnet::store::sqlite {
namespace {

constexpr std::string_view kMigration1 = R"sql(
CREATE TABLE sources (
  id    INTEGER PRIMARY KEY,
  kind  TEXT NOT NULL,
  key   TEXT NOT NULL,
  name  TEXT NOT NULL DEFAULT '',
  UNIQUE (kind, key)
);

CREATE TABLE archive_files (
  id             INTEGER PRIMARY KEY,
  path           TEXT NOT NULL UNIQUE,
  sha256         TEXT NOT NULL DEFAULT '',
  size           INTEGER NOT NULL DEFAULT 0,
  origin         TEXT NOT NULL CHECK (origin IN ('written', 'indexed')),
  records        INTEGER NOT NULL DEFAULT 0,
  registered_at  TEXT NOT NULL
);
CREATE INDEX archive_files_sha256 ON archive_files (sha256);

CREATE TABLE captures (
  id               INTEGER PRIMARY KEY,
  source_id        INTEGER REFERENCES sources (id),
  archive_file_id  INTEGER NOT NULL REFERENCES archive_files (id),
  offset           INTEGER NOT NULL,
  length           INTEGER NOT NULL,
  record_id        TEXT NOT NULL DEFAULT '',
  record_type      TEXT NOT NULL,
  uri              TEXT NOT NULL DEFAULT '',
  date             TEXT NOT NULL DEFAULT '',
  http_status      INTEGER NOT NULL DEFAULT 0,
  content_type     TEXT NOT NULL DEFAULT '',
  payload_digest   TEXT NOT NULL DEFAULT '',
  case_id          TEXT NOT NULL DEFAULT '',
  UNIQUE (archive_file_id, offset)
);
CREATE INDEX captures_uri ON captures (uri);
CREATE INDEX captures_record_id ON captures (record_id);
CREATE INDEX captures_source ON captures (source_id);

CREATE TABLE documents (
  id           INTEGER PRIMARY KEY,
  capture_id   INTEGER NOT NULL REFERENCES captures (id),
  kind         TEXT NOT NULL,
  title        TEXT NOT NULL DEFAULT '',
  language     TEXT NOT NULL DEFAULT '',
  external_id  TEXT NOT NULL DEFAULT '',
  date         TEXT NOT NULL DEFAULT '',
  UNIQUE (capture_id, kind)
);

CREATE TABLE ingested_inputs (
  key          TEXT PRIMARY KEY,
  description  TEXT NOT NULL DEFAULT '',
  at           TEXT NOT NULL
);

-- Append-only (EU Directive 2016/680 Art. 25): rows can be added, never changed or removed.
CREATE TABLE audit_log (
  id      INTEGER PRIMARY KEY,
  at      TEXT NOT NULL,
  actor   TEXT NOT NULL,
  action  TEXT NOT NULL,
  target  TEXT NOT NULL DEFAULT '',
  reason  TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql";

// Crawl jobs, their frontier and fetch failures (the crawler's resumable state).
constexpr std::string_view kMigration2 = R"sql(
CREATE TABLE crawl_jobs (
  id       TEXT PRIMARY KEY,
  created  TEXT NOT NULL,
  config   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE frontier (
  id               INTEGER PRIMARY KEY,
  job_id           TEXT NOT NULL REFERENCES crawl_jobs (id),
  url              TEXT NOT NULL,
  site             TEXT NOT NULL,
  depth            INTEGER NOT NULL DEFAULT 0,
  redirects        INTEGER NOT NULL DEFAULT 0,
  attempts         INTEGER NOT NULL DEFAULT 0,
  state            TEXT NOT NULL DEFAULT 'queued'
                   CHECK (state IN ('queued', 'in_flight', 'done', 'failed', 'skipped')),
  next_at          TEXT NOT NULL DEFAULT '',
  discovered_from  TEXT NOT NULL DEFAULT '',
  last_error       TEXT NOT NULL DEFAULT '',
  http_status      INTEGER NOT NULL DEFAULT 0,
  fetched_at       TEXT NOT NULL DEFAULT '',
  UNIQUE (job_id, url)
);
CREATE INDEX frontier_queue ON frontier (job_id, state, site, next_at, id);

CREATE TABLE fetch_errors (
  id       INTEGER PRIMARY KEY,
  job_id   TEXT NOT NULL,
  url      TEXT NOT NULL,
  kind     TEXT NOT NULL,
  message  TEXT NOT NULL DEFAULT '',
  at       TEXT NOT NULL
);
CREATE INDEX fetch_errors_job ON fetch_errors (job_id, kind);
)sql";

// Version 3: what analyzers found in documents. An analysis row per (document, analyzer) says
// which analyzer version and lexicon produced the findings, so a newer one re-analyses.
constexpr std::string_view kMigration3 = R"sql(
CREATE TABLE analyses (
  document_id   INTEGER NOT NULL REFERENCES documents (id),
  analyzer      TEXT NOT NULL,
  analyzer_key  TEXT NOT NULL,
  category      TEXT NOT NULL DEFAULT '',
  classes       TEXT NOT NULL DEFAULT '',
  analyzed_at   TEXT NOT NULL,
  PRIMARY KEY (document_id, analyzer)
);
CREATE INDEX analyses_category ON analyses (analyzer, category);

CREATE TABLE findings (
  id            INTEGER PRIMARY KEY,
  document_id   INTEGER NOT NULL REFERENCES documents (id),
  analyzer      TEXT NOT NULL,
  kind          TEXT NOT NULL,
  key           TEXT NOT NULL,
  class_id      TEXT NOT NULL DEFAULT '',
  matched       TEXT NOT NULL DEFAULT '',
  begin_offset  INTEGER NOT NULL DEFAULT 0,
  end_offset    INTEGER NOT NULL DEFAULT 0,
  value         REAL,
  confidence    REAL NOT NULL DEFAULT 0,
  detail        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX findings_document ON findings (document_id, analyzer);
CREATE INDEX findings_key ON findings (kind, key);
)sql";

// Version 4: records the parse stage reads from pages. Listings and vendors per site, with an
// observation per capture (price and stock over time); posts of channels and forums, linked to
// their earliest near-duplicate; feedback; which fields of a site profile filled per document,
// and the drift alerts raised when a profile's field stopped filling.
constexpr std::string_view kMigration4 = R"sql(
CREATE TABLE vendors (
  id           INTEGER PRIMARY KEY,
  source_id    INTEGER NOT NULL REFERENCES sources (id),
  name         TEXT NOT NULL,
  profile_url  TEXT NOT NULL DEFAULT '',
  first_seen   TEXT NOT NULL,
  last_seen    TEXT NOT NULL,
  UNIQUE (source_id, name)
);

CREATE TABLE listings (
  id          INTEGER PRIMARY KEY,
  source_id   INTEGER NOT NULL REFERENCES sources (id),
  url_key     TEXT NOT NULL,
  title       TEXT NOT NULL DEFAULT '',
  vendor_id   INTEGER REFERENCES vendors (id),
  first_seen  TEXT NOT NULL,
  last_seen   TEXT NOT NULL,
  same_as     INTEGER REFERENCES listings (id),
  UNIQUE (source_id, url_key)
);

CREATE TABLE observations (
  document_id  INTEGER PRIMARY KEY REFERENCES documents (id),
  capture_id   INTEGER NOT NULL REFERENCES captures (id),
  page_type    TEXT NOT NULL,
  listing_id   INTEGER REFERENCES listings (id),
  vendor_id    INTEGER REFERENCES vendors (id),
  observed_at  TEXT NOT NULL,
  price        TEXT NOT NULL DEFAULT '',
  stock        TEXT NOT NULL DEFAULT '',
  rating       TEXT NOT NULL DEFAULT '',
  sales        TEXT NOT NULL DEFAULT '',
  fields       TEXT NOT NULL DEFAULT '',
  profile      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX observations_listing ON observations (listing_id, observed_at);
CREATE INDEX observations_vendor ON observations (vendor_id, observed_at);

CREATE TABLE posts (
  document_id            INTEGER PRIMARY KEY REFERENCES documents (id),
  source_id              INTEGER REFERENCES sources (id),
  kind                   TEXT NOT NULL,
  external_id            TEXT NOT NULL DEFAULT '',
  author                 TEXT NOT NULL DEFAULT '',
  posted_at              TEXT NOT NULL DEFAULT '',
  duplicate_of_document  INTEGER REFERENCES documents (id)
);
CREATE INDEX posts_source ON posts (source_id, posted_at);

CREATE TABLE feedback (
  id           INTEGER PRIMARY KEY,
  document_id  INTEGER NOT NULL REFERENCES documents (id),
  listing_id   INTEGER REFERENCES listings (id),
  vendor_id    INTEGER REFERENCES vendors (id),
  position     INTEGER NOT NULL,
  rating       TEXT NOT NULL DEFAULT '',
  text         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX feedback_document ON feedback (document_id);

CREATE TABLE profile_fills (
  document_id  INTEGER NOT NULL REFERENCES documents (id),
  profile      TEXT NOT NULL,
  page_type    TEXT NOT NULL,
  field        TEXT NOT NULL,
  filled       INTEGER NOT NULL,
  PRIMARY KEY (document_id, field)
);

CREATE TABLE drift_alerts (
  id             INTEGER PRIMARY KEY,
  source_id      INTEGER NOT NULL REFERENCES sources (id),
  profile        TEXT NOT NULL,
  page_type      TEXT NOT NULL,
  field          TEXT NOT NULL,
  batch          INTEGER NOT NULL REFERENCES archive_files (id),
  previous_fill  REAL NOT NULL,
  fill           REAL NOT NULL,
  pages          INTEGER NOT NULL,
  at             TEXT NOT NULL,
  UNIQUE (source_id, profile, page_type, field, batch)
);
)sql";

constexpr std::array<std::string_view, 4> kMigrations = {kMigration1, kMigration2, kMigration3,
                                                         kMigration4};

}  // namespace

std::span<const std::string_view> Migrations() {
  return kMigrations;
}

}  // namespace dragnet::store::sqlite
