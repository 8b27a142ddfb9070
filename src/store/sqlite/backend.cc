// The embedded store: SQLite through its C API (Debian's libsqlite3). WAL journal so readers do
// not block the writer, foreign keys enforced, a busy timeout so several dragnet processes can
// share one database file, and every write inside a transaction.

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <thread>

#include <sqlite3.h>

#include "core/clock.h"
#include "store/sqlite/schema.h"
#include "store/store.h"

namespace dragnet::store {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

std::string Text(sqlite3_stmt* stmt, int column) {
  const unsigned char* text = sqlite3_column_text(stmt, column);
  return text == nullptr ? std::string() : reinterpret_cast<const char*>(text);
}

// Binds values to a statement by position (1-based), by overload.
void Bind(sqlite3_stmt* stmt, int index, int64_t value) {
  sqlite3_bind_int64(stmt, index, value);
}
void Bind(sqlite3_stmt* stmt, int index, uint64_t value) {
  sqlite3_bind_int64(stmt, index, static_cast<int64_t>(value));
}
void Bind(sqlite3_stmt* stmt, int index, int value) {
  sqlite3_bind_int(stmt, index, value);
}
void Bind(sqlite3_stmt* stmt, int index, const std::string& value) {
  sqlite3_bind_text(stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
}
void BindAll(sqlite3_stmt*, int) {}
template <typename T, typename... Rest>
void BindAll(sqlite3_stmt* stmt, int index, const T& value, const Rest&... rest) {
  Bind(stmt, index, value);
  BindAll(stmt, index + 1, rest...);
}

class SqliteStore final : public Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const std::filesystem::path& path);

  Status InTransaction(const std::function<Status()>& body) override;
  Result<int64_t> UpsertSource(const Source& source) override;
  Result<std::optional<Source>> FindSource(const std::string& kind,
                                           const std::string& key) override;
  Result<int64_t> AddArchiveFile(const ArchiveFile& file) override;
  Result<std::optional<ArchiveFile>> FindArchiveFileByPath(const std::string& path) override;
  Result<std::optional<ArchiveFile>> FindArchiveFileBySha256(const std::string& sha256) override;
  Status SetArchiveFileRecords(int64_t archive_file_id, uint64_t records) override;
  Result<int64_t> AddCapture(const Capture& capture) override;
  Result<std::optional<Capture>> FindCaptureByRecordId(const std::string& record_id) override;
  Result<std::vector<Capture>> CapturesForUri(const std::string& uri) override;
  Result<int64_t> AddDocument(const Document& document) override;
  Result<bool> HasIngested(const std::string& key) override;
  Status MarkIngested(const std::string& key, const std::string& description) override;
  Result<int64_t> AppendAudit(const AuditEntry& entry) override;
  Result<std::vector<AuditEntry>> AuditLog(int64_t after_id, int64_t limit) override;
  Result<StoreStats> Stats() override;
  Result<bool> EnsureCrawlJob(const CrawlJob& job) override;
  Result<uint64_t> AddFrontier(const std::vector<FrontierEntry>& entries) override;
  Result<uint64_t> RequeueInFlight(const std::string& job_id) override;
  Result<std::vector<std::string>> FrontierSites(const std::string& job_id,
                                                 const std::string& now) override;
  Result<std::vector<FrontierEntry>> PeekFrontier(const std::string& job_id,
                                                  const std::string& site, const std::string& now,
                                                  size_t limit) override;
  Status UpdateFrontier(const FrontierEntry& entry) override;
  Result<uint64_t> CountFrontierForSite(const std::string& job_id,
                                        const std::string& site) override;
  Result<std::vector<std::pair<std::string, int64_t>>> FrontierCounts(
      const std::string& job_id) override;
  Result<uint64_t> RequeueDone(const std::string& job_id, const std::string& site,
                               const std::string& before) override;
  Status AddFetchError(const std::string& job_id, const std::string& url, const std::string& kind,
                       const std::string& message) override;
  Result<std::vector<std::string>> FrontierAllSites(const std::string& job_id) override;
  Result<std::vector<CrawlJob>> CrawlJobs() override;
  Result<std::vector<DocumentToAnalyze>> DocumentsToAnalyze(const std::string& analyzer,
                                                            const std::string& analyzer_key,
                                                            int64_t after_document_id,
                                                            size_t limit) override;
  Status PutAnalysis(const Analysis& analysis, const std::string& analyzed_at) override;
  Result<std::vector<std::pair<std::string, int64_t>>> FindingCounts(const std::string& kind,
                                                                     size_t limit) override;
  Result<std::vector<std::pair<std::string, int64_t>>> CategoryCounts(
      const std::string& analyzer) override;
  Result<std::vector<AnalysedDocument>> AnalysedDocuments(const std::string& analyzer,
                                                          int64_t after_document_id,
                                                          size_t limit) override;
  Result<std::vector<std::pair<std::string, int64_t>>> FetchErrorCounts(
      const std::string& job_id) override;
  Status PutPageRecord(const PageRecord& record) override;
  Result<RecordCounts> CountRecords() override;
  Result<std::vector<ListingObservation>> ListingObservations(int64_t listing_id) override;
  Result<int64_t> ListingOfDocument(int64_t document_id) override;
  Result<std::vector<ListingRow>> Listings(int64_t after_id, size_t limit) override;
  Result<std::vector<VendorRow>> Vendors(int64_t after_id, size_t limit) override;
  Result<std::vector<PostRow>> Posts(int64_t after_document_id, size_t limit) override;
  Status PutProfileFills(int64_t document_id, const std::string& profile,
                         const std::string& page_type,
                         const std::vector<std::pair<std::string, bool>>& fields) override;
  Result<std::vector<ProfileFillRow>> ProfileFills() override;
  Result<bool> AddDriftAlert(const DriftAlertRow& alert) override;
  Result<std::vector<DriftAlertRow>> DriftAlerts() override;

 private:
  // Rows of (text, count) from a grouping query.
  template <typename... Args>
  Result<std::vector<std::pair<std::string, int64_t>>> Groups(const char* sql,
                                                              const Args&... args) {
    DRAGNET_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Query(sql, args...));
    std::vector<std::pair<std::string, int64_t>> out;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      out.emplace_back(Text(stmt, 0), sqlite3_column_int64(stmt, 1));
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
      return SqlError(rc, "grouping");
    }
    return out;
  }
  // Runs a write and returns the number of rows it changed.
  template <typename... Args>
  Result<uint64_t> RunCount(const char* sql, const Args&... args) {
    uint64_t changed = 0;
    DRAGNET_RETURN_IF_ERROR(Write([&]() -> Status {
      DRAGNET_RETURN_IF_ERROR(Run(sql, args...));
      changed = static_cast<uint64_t>(sqlite3_changes(db_.get()));
      return Status::Ok();
    }));
    return changed;
  }
  static FrontierEntry ReadFrontier(sqlite3_stmt* stmt);

  SqliteStore(DbPtr db, std::filesystem::path path) : db_(std::move(db)), path_(std::move(path)) {}

  Error SqlError(int rc, std::string_view what) const {
    ErrorCode code = ErrorCode::kIoError;
    int primary = rc & 0xff;
    if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
      code = ErrorCode::kDataLoss;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
      code = ErrorCode::kUnavailable;
    if (primary == SQLITE_CONSTRAINT)
      code = ErrorCode::kFailedPrecondition;
    return Error(code, std::string(what) + ": " + sqlite3_errmsg(db_.get()) + " (database " +
                           path_.string() + ")");
  }
  Status Exec(std::string_view sql) {
    char* message = nullptr;
    int rc = sqlite3_exec(db_.get(), std::string(sql).c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      std::string text = message != nullptr ? message : sqlite3_errstr(rc);
      sqlite3_free(message);
      int primary = rc & 0xff;
      return Error(primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB ? ErrorCode::kDataLoss
                   : primary == SQLITE_BUSY                              ? ErrorCode::kUnavailable
                                                                         : ErrorCode::kIoError,
                   text + " (database " + path_.string() + ")");
    }
    return Status::Ok();
  }
  // A cached prepared statement, reset and with bindings cleared.
  Result<sqlite3_stmt*> Prepare(const char* sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
      sqlite3_stmt* raw = nullptr;
      int rc = sqlite3_prepare_v3(db_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
      if (rc != SQLITE_OK)
        return SqlError(rc, "preparing a statement");
      it = statements_.emplace(sql, StmtPtr(raw)).first;
    }
    sqlite3_reset(it->second.get());
    sqlite3_clear_bindings(it->second.get());
    return it->second.get();
  }
  template <typename... Args>
  Result<sqlite3_stmt*> Query(const char* sql, const Args&... args) {
    DRAGNET_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    BindAll(stmt, 1, args...);
    return stmt;
  }
  // Runs a write statement to completion.
  template <typename... Args>
  Status Run(const char* sql, const Args&... args) {
    DRAGNET_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Query(sql, args...));
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
      return SqlError(rc, "writing");
    return Status::Ok();
  }
  // Runs a query expected to return at most one row and reads it with `read`.
  template <typename T, typename... Args>
  Result<std::optional<T>> QueryOne(const char* sql, T (*read)(sqlite3_stmt*),
                                    const Args&... args) {
    DRAGNET_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Query(sql, args...));
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) {
      return std::optional<T>();
    }
    if (rc != SQLITE_ROW) {
      return SqlError(rc, "reading");
    }
    T row = read(stmt);
    sqlite3_reset(stmt);
    return std::optional<T>(std::move(row));
  }
  // Runs a query and reads every row with `read`; `what` names it in an error.
  template <typename T, typename... Args>
  Result<std::vector<T>> QueryAll(const char* what, const char* sql, T (*read)(sqlite3_stmt*),
                                  const Args&... args) {
    DRAGNET_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Query(sql, args...));
    std::vector<T> out;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
      out.push_back(read(stmt));
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
      return SqlError(rc, what);
    return out;
  }
  // The first column of the single row a query returns; `absent` when it returns none.
  template <typename... Args>
  Result<int64_t> QueryInt(int64_t absent, const char* sql, const Args&... args) {
    DRAGNET_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Query(sql, args...));
    int rc = sqlite3_step(stmt);
    int64_t value = absent;
    if (rc == SQLITE_ROW) {
      value = sqlite3_column_type(stmt, 0) == SQLITE_NULL ? absent : sqlite3_column_int64(stmt, 0);
    } else if (rc != SQLITE_DONE) {
      return SqlError(rc, "reading");
    }
    sqlite3_reset(stmt);
    return value;
  }
  // One write outside an explicit transaction gets its own.
  Status Write(const std::function<Status()>& body) {
    if (in_transaction_)
      return body();
    return InTransaction(body);
  }
  Result<int> UserVersion();
  Status Migrate();

  static Capture ReadCapture(sqlite3_stmt* stmt);
  static Source ReadSource(sqlite3_stmt* stmt) {
    return {sqlite3_column_int64(stmt, 0), Text(stmt, 1), Text(stmt, 2), Text(stmt, 3)};
  }
  static ArchiveFile ReadArchiveFile(sqlite3_stmt* stmt);

  DbPtr db_;
  std::filesystem::path path_;
  std::map<const char*, StmtPtr> statements_;
  bool in_transaction_ = false;
};

Result<std::unique_ptr<Store>> SqliteStore::Open(const std::filesystem::path& path) {
  std::error_code ec;
  if (!path.parent_path().empty())
    std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) {
    return IoError("cannot create directory " + path.parent_path().string() + ": " + ec.message());
  }
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) {
    return IoError("cannot open database " + path.string() + ": " +
                   (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(db), path));
  // Processes opening a new database together race to switch it to WAL and migrate it. SQLite
  // answers SQLITE_BUSY at once, without waiting on the busy timeout, where waiting could
  // deadlock (a reader asking to become a writer), so the setup is retried as a whole.
  auto setup = [&store]() -> Status {
    DRAGNET_RETURN_IF_ERROR(store->Exec("PRAGMA journal_mode = WAL"));
    DRAGNET_RETURN_IF_ERROR(store->Exec("PRAGMA synchronous = NORMAL"));
    DRAGNET_RETURN_IF_ERROR(store->Exec("PRAGMA foreign_keys = ON"));
    return store->Migrate();
  };
  for (int attempt = 1;; ++attempt) {
    Status status = setup();
    if (status.ok())
      break;
    if (status.error().code() != ErrorCode::kUnavailable || attempt >= 100)
      return std::move(status).error();
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(10 * attempt, 100)));
  }
  return std::unique_ptr<Store>(std::move(store));
}

Result<int> SqliteStore::UserVersion() {
  DRAGNET_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare("PRAGMA user_version"));
  int rc = sqlite3_step(stmt);
  if (rc != SQLITE_ROW)
    return SqlError(rc, "reading the schema version");
  int version = sqlite3_column_int(stmt, 0);
  sqlite3_reset(stmt);
  return version;
}

Status SqliteStore::Migrate() {
  auto migrations = sqlite::Migrations();
  int target = static_cast<int>(migrations.size());
  DRAGNET_ASSIGN_OR_RETURN(int version, UserVersion());
  if (version > target) {
    return FailedPrecondition("database " + path_.string() + " has schema version " +
                              std::to_string(version) + ", newer than this dragnet knows (" +
                              std::to_string(target) + "): upgrade dragnet");
  }
  for (int next = version + 1; next <= target; ++next) {
    // Each migration and its version bump commit together or not at all.
    DRAGNET_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    // Another process may have migrated while we waited for the write lock.
    auto current = UserVersion();
    if (!current.has_value() || *current >= next) {
      (void)Exec("ROLLBACK");
      if (!current.has_value()) {
        return std::move(current).error();
      }
      continue;
    }
    Status applied = Exec(migrations[static_cast<size_t>(next - 1)]);
    if (applied.ok())
      applied = Exec("PRAGMA user_version = " + std::to_string(next));
    if (applied.ok())
      applied = Exec("COMMIT");
    if (!applied.ok()) {
      (void)Exec("ROLLBACK");
      return std::move(applied).error().WithContext("migrating to schema version " +
                                                    std::to_string(next));
    }
  }
  return Status::Ok();
}

Status SqliteStore::InTransaction(const std::function<Status()>& body) {
  if (in_transaction_)
    return FailedPrecondition("transactions do not nest");
  DRAGNET_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  in_transaction_ = true;
  Status status = Status::Ok();
  try {
    status = body();
  } catch (...) {
    // Roll back before the exception continues: a half-applied write must never commit.
    in_transaction_ = false;
    (void)Exec("ROLLBACK");
    throw;
  }
  in_transaction_ = false;
  if (!status.ok()) {
    (void)Exec("ROLLBACK");
    return status;
  }
  Status committed = Exec("COMMIT");
  if (!committed.ok()) {
    (void)Exec("ROLLBACK");
    return committed;
  }
  return Status::Ok();
}

Result<int64_t> SqliteStore::UpsertSource(const Source& source) {
  int64_t id = 0;
  DRAGNET_RETURN_IF_ERROR(Write([&]() -> Status {
    DRAGNET_RETURN_IF_ERROR(
        Run("INSERT INTO sources (kind, key, name) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO "
            "NOTHING",
            source.kind, source.key, source.name));
    DRAGNET_ASSIGN_OR_RETURN(auto found, FindSource(source.kind, source.key));
    if (!found)
      return Internal("source vanished after insert");
    id = found->id;
    return Status::Ok();
  }));
  return id;
}

Result<std::optional<Source>> SqliteStore::FindSource(const std::string& kind,
                                                      const std::string& key) {
  return QueryOne("SELECT id, kind, key, name FROM sources WHERE kind = ? AND key = ?", &ReadSource,
                  kind, key);
}

ArchiveFile SqliteStore::ReadArchiveFile(sqlite3_stmt* stmt) {
  ArchiveFile f;
  f.id = sqlite3_column_int64(stmt, 0);
  f.path = Text(stmt, 1);
  f.sha256 = Text(stmt, 2);
  f.size = static_cast<uint64_t>(sqlite3_column_int64(stmt, 3));
  f.origin = Text(stmt, 4);
  f.records = static_cast<uint64_t>(sqlite3_column_int64(stmt, 5));
  f.registered_at = Text(stmt, 6);
  return f;
}

Result<int64_t> SqliteStore::AddArchiveFile(const ArchiveFile& file) {
  DRAGNET_ASSIGN_OR_RETURN(auto existing, FindArchiveFileByPath(file.path));
  if (existing)
    return Error(ErrorCode::kAlreadyExists, "WARC file already registered: " + file.path);
  int64_t id = 0;
  DRAGNET_RETURN_IF_ERROR(Write([&]() -> Status {
    DRAGNET_RETURN_IF_ERROR(
        Run("INSERT INTO archive_files (path, sha256, size, origin, records, registered_at) VALUES "
            "(?, ?, ?, ?, ?, ?)",
            file.path, file.sha256, file.size, file.origin, file.records, file.registered_at));
    id = sqlite3_last_insert_rowid(db_.get());
    return Status::Ok();
  }));
  return id;
}

constexpr const char* kArchiveFileColumns =
    "SELECT id, path, sha256, size, origin, records, registered_at FROM archive_files ";

Result<std::optional<ArchiveFile>> SqliteStore::FindArchiveFileByPath(const std::string& path) {
  static const std::string sql = std::string(kArchiveFileColumns) + "WHERE path = ?";
  return QueryOne(sql.c_str(), &ReadArchiveFile, path);
}

Result<std::optional<ArchiveFile>> SqliteStore::FindArchiveFileBySha256(const std::string& sha256) {
  static const std::string sql = std::string(kArchiveFileColumns) + "WHERE sha256 = ? LIMIT 1";
  return QueryOne(sql.c_str(), &ReadArchiveFile, sha256);
}

Status SqliteStore::SetArchiveFileRecords(int64_t archive_file_id, uint64_t records) {
  return Write([&]() -> Status {
    return Run("UPDATE archive_files SET records = ? WHERE id = ?", records, archive_file_id);
  });
}

Result<int64_t> SqliteStore::AddCapture(const Capture& c) {
  int64_t id = 0;
  DRAGNET_RETURN_IF_ERROR(Write([&]() -> Status {
    DRAGNET_ASSIGN_OR_RETURN(
        sqlite3_stmt * stmt,
        Query("INSERT INTO captures (source_id, archive_file_id, offset, length, record_id, "
              "record_type, uri, date, http_status, content_type, payload_digest, case_id) "
              "VALUES (NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
              "ON CONFLICT (archive_file_id, offset) DO NOTHING RETURNING id",
              c.source_id, c.archive_file_id, c.offset, c.length, c.record_id, c.record_type, c.uri,
              c.date, c.http_status, c.content_type, c.payload_digest, c.case_id));
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      id = sqlite3_column_int64(stmt, 0);
      rc = sqlite3_step(stmt);
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
      return SqlError(rc, "adding a capture");
    if (id != 0)
      return Status::Ok();
    DRAGNET_ASSIGN_OR_RETURN(
        sqlite3_stmt * existing,
        Query("SELECT id FROM captures WHERE archive_file_id = ? AND offset = ?", c.archive_file_id,
              c.offset));
    rc = sqlite3_step(existing);
    if (rc != SQLITE_ROW)
      return SqlError(rc, "finding an existing capture");
    id = sqlite3_column_int64(existing, 0);
    sqlite3_reset(existing);
    return Status::Ok();
  }));
  return id;
}

constexpr const char* kCaptureColumns =
    "SELECT id, COALESCE(source_id, 0), archive_file_id, offset, length, record_id, record_type, "
    "uri, date, http_status, content_type, payload_digest, case_id FROM captures ";

Capture SqliteStore::ReadCapture(sqlite3_stmt* stmt) {
  Capture c;
  c.id = sqlite3_column_int64(stmt, 0);
  c.source_id = sqlite3_column_int64(stmt, 1);
  c.archive_file_id = sqlite3_column_int64(stmt, 2);
  c.offset = static_cast<uint64_t>(sqlite3_column_int64(stmt, 3));
  c.length = static_cast<uint64_t>(sqlite3_column_int64(stmt, 4));
  c.record_id = Text(stmt, 5);
  c.record_type = Text(stmt, 6);
  c.uri = Text(stmt, 7);
  c.date = Text(stmt, 8);
  c.http_status = sqlite3_column_int(stmt, 9);
  c.content_type = Text(stmt, 10);
  c.payload_digest = Text(stmt, 11);
  c.case_id = Text(stmt, 12);
  return c;
}

Result<std::optional<Capture>> SqliteStore::FindCaptureByRecordId(const std::string& record_id) {
  static const std::string sql = std::string(kCaptureColumns) + "WHERE record_id = ? LIMIT 1";
  return QueryOne(sql.c_str(), &ReadCapture, record_id);
}

Result<std::vector<Capture>> SqliteStore::CapturesForUri(const std::string& uri) {
  static const std::string sql = std::string(kCaptureColumns) + "WHERE uri = ? ORDER BY date, id";
  DRAGNET_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Query(sql.c_str(), uri));
  std::vector<Capture> out;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
    out.push_back(ReadCapture(stmt));
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE)
    return SqlError(rc, "reading captures");
  return out;
}

Result<int64_t> SqliteStore::AddDocument(const Document& d) {
  int64_t id = 0;
  DRAGNET_RETURN_IF_ERROR(Write([&]() -> Status {
    DRAGNET_ASSIGN_OR_RETURN(
        sqlite3_stmt * stmt,
        Query("INSERT INTO documents (capture_id, kind, title, language, external_id, date) "
              "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (capture_id, kind) DO UPDATE SET "
              "title = excluded.title RETURNING id",
              d.capture_id, d.kind, d.title, d.language, d.external_id, d.date));
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      id = sqlite3_column_int64(stmt, 0);
      rc = sqlite3_step(stmt);
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
      return SqlError(rc, "adding a document");
    return Status::Ok();
  }));
  return id;
}

Result<bool> SqliteStore::HasIngested(const std::string& key) {
  DRAGNET_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                           Query("SELECT 1 FROM ingested_inputs WHERE key = ?", key));
  int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (rc == SQLITE_ROW)
    return true;
  if (rc == SQLITE_DONE)
    return false;
  return SqlError(rc, "reading ingested inputs");
}

Status SqliteStore::MarkIngested(const std::string& key, const std::string& description) {
  std::string at = FormatW3c(SystemClock().Now(), 3);
  return Write([&]() -> Status {
    return Run(
        "INSERT INTO ingested_inputs (key, description, at) VALUES (?, ?, ?) ON CONFLICT (key) "
        "DO NOTHING",
        key, description, at);
  });
}

Result<int64_t> SqliteStore::AppendAudit(const AuditEntry& e) {
  int64_t id = 0;
  std::string at = e.at.empty() ? FormatW3c(SystemClock().Now(), 3) : e.at;
  DRAGNET_RETURN_IF_ERROR(Write([&]() -> Status {
    DRAGNET_RETURN_IF_ERROR(
        Run("INSERT INTO audit_log (at, actor, action, target, reason) VALUES (?, ?, ?, ?, ?)", at,
            e.actor, e.action, e.target, e.reason));
    id = sqlite3_last_insert_rowid(db_.get());
    return Status::Ok();
  }));
  return id;
}

Result<std::vector<AuditEntry>> SqliteStore::AuditLog(int64_t after_id, int64_t limit) {
  DRAGNET_ASSIGN_OR_RETURN(
      sqlite3_stmt * stmt,
      Query("SELECT id, at, actor, action, target, reason FROM audit_log WHERE id > ? ORDER BY "
            "id LIMIT ?",
            after_id, limit));
  std::vector<AuditEntry> out;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    out.push_back({sqlite3_column_int64(stmt, 0), Text(stmt, 1), Text(stmt, 2), Text(stmt, 3),
                   Text(stmt, 4), Text(stmt, 5)});
  }
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE)
    return SqlError(rc, "reading the audit log");
  return out;
}

Result<std::vector<DocumentToAnalyze>> SqliteStore::DocumentsToAnalyze(
    const std::string& analyzer, const std::string& analyzer_key, int64_t after_document_id,
    size_t limit) {
  DRAGNET_ASSIGN_OR_RETURN(
      sqlite3_stmt * stmt,
      Query("SELECT d.id, d.capture_id, d.kind, f.path, c.offset, c.record_type, c.content_type, "
            "c.uri, c.date, COALESCE(c.source_id, 0), c.archive_file_id, d.date, d.external_id "
            "FROM documents d JOIN "
            "captures c ON c.id = d.capture_id "
            "JOIN archive_files f ON f.id = c.archive_file_id "
            "LEFT JOIN analyses a ON a.document_id = d.id AND a.analyzer = ? "
            "WHERE d.id > ? AND (a.document_id IS NULL OR a.analyzer_key != ?) "
            "ORDER BY d.id LIMIT ?",
            analyzer, after_document_id, analyzer_key, static_cast<int64_t>(limit)));
  std::vector<DocumentToAnalyze> out;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    DocumentToAnalyze d;
    d.document_id = sqlite3_column_int64(stmt, 0);
    d.capture_id = sqlite3_column_int64(stmt, 1);
    d.kind = Text(stmt, 2);
    d.archive_path = Text(stmt, 3);
    d.offset = static_cast<uint64_t>(sqlite3_column_int64(stmt, 4));
    d.record_type = Text(stmt, 5);
    d.content_type = Text(stmt, 6);
    d.uri = Text(stmt, 7);
    d.date = Text(stmt, 8);
    d.source_id = sqlite3_column_int64(stmt, 9);
    d.archive_file_id = sqlite3_column_int64(stmt, 10);
    d.document_date = Text(stmt, 11);
    d.external_id = Text(stmt, 12);
    out.push_back(std::move(d));
  }
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE)
    return SqlError(rc, "listing documents to analyse");
  return out;
}

Status SqliteStore::PutAnalysis(const Analysis& a, const std::string& analyzed_at) {
  return Write([&]() -> Status {
    DRAGNET_RETURN_IF_ERROR(Run("DELETE FROM findings WHERE document_id = ? AND analyzer = ?",
                                a.document_id, a.analyzer));
    for (const Finding& f : a.findings) {
      DRAGNET_ASSIGN_OR_RETURN(
          sqlite3_stmt * stmt,
          Query("INSERT INTO findings (document_id, analyzer, kind, key, class_id, matched, "
                "begin_offset, end_offset, value, confidence, detail) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                a.document_id, a.analyzer, f.kind, f.key, f.class_id, f.matched,
                static_cast<int64_t>(f.begin), static_cast<int64_t>(f.end)));
      if (f.value.has_value()) {
        sqlite3_bind_double(stmt, 9, *f.value);
      } else {
        sqlite3_bind_null(stmt, 9);
      }
      sqlite3_bind_double(stmt, 10, f.confidence);
      sqlite3_bind_text(stmt, 11, f.detail.data(), static_cast<int>(f.detail.size()),
                        SQLITE_TRANSIENT);
      int rc = sqlite3_step(stmt);
      sqlite3_reset(stmt);
      if (rc != SQLITE_DONE)
        return SqlError(rc, "adding a finding");
    }
    return Run(
        "INSERT INTO analyses (document_id, analyzer, analyzer_key, category, classes, "
        "analyzed_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (document_id, analyzer) DO UPDATE SET "
        "analyzer_key = excluded.analyzer_key, category = excluded.category, "
        "classes = excluded.classes, analyzed_at = excluded.analyzed_at",
        a.document_id, a.analyzer, a.analyzer_key, a.category, a.classes, analyzed_at);
  });
}

Result<std::vector<std::pair<std::string, int64_t>>> SqliteStore::FindingCounts(
    const std::string& kind, size_t limit) {
  return Groups(
      "SELECT key, COUNT(DISTINCT document_id) FROM findings WHERE kind = ? GROUP BY key "
      "ORDER BY 2 DESC, 1 LIMIT ?",
      kind, static_cast<int64_t>(limit));
}

Result<std::vector<std::pair<std::string, int64_t>>> SqliteStore::CategoryCounts(
    const std::string& analyzer) {
  return Groups(
      "SELECT category, COUNT(*) FROM analyses WHERE analyzer = ? GROUP BY category "
      "ORDER BY 2 DESC, 1",
      analyzer);
}

Result<std::vector<AnalysedDocument>> SqliteStore::AnalysedDocuments(const std::string& analyzer,
                                                                     int64_t after_document_id,
                                                                     size_t limit) {
  std::vector<AnalysedDocument> out;
  {
    DRAGNET_ASSIGN_OR_RETURN(
        sqlite3_stmt * stmt,
        Query("SELECT d.id, c.uri, c.date, d.kind, a.category, a.classes FROM analyses a "
              "JOIN documents d ON d.id = a.document_id JOIN captures c ON c.id = d.capture_id "
              "WHERE a.analyzer = ? AND d.id > ? ORDER BY d.id LIMIT ?",
              analyzer, after_document_id, static_cast<int64_t>(limit)));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      AnalysedDocument d;
      d.document_id = sqlite3_column_int64(stmt, 0);
      d.uri = Text(stmt, 1);
      d.date = Text(stmt, 2);
      d.kind = Text(stmt, 3);
      d.category = Text(stmt, 4);
      d.classes = Text(stmt, 5);
      out.push_back(std::move(d));
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
      return SqlError(rc, "listing analysed documents");
  }
  if (out.empty())
    return out;
  DRAGNET_ASSIGN_OR_RETURN(
      sqlite3_stmt * stmt,
      Query("SELECT document_id, kind, key, class_id, value, confidence FROM findings "
            "WHERE analyzer = ? AND document_id BETWEEN ? AND ? ORDER BY document_id, id",
            analyzer, out.front().document_id, out.back().document_id));
  size_t at = 0;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(stmt, 0);
    while (at < out.size() && out[at].document_id < id)
      ++at;
    if (at == out.size())
      break;
    if (out[at].document_id != id)
      continue;
    Finding f;
    f.kind = Text(stmt, 1);
    f.key = Text(stmt, 2);
    f.class_id = Text(stmt, 3);
    if (sqlite3_column_type(stmt, 4) != SQLITE_NULL)
      f.value = sqlite3_column_double(stmt, 4);
    f.confidence = sqlite3_column_double(stmt, 5);
    out[at].findings.push_back(std::move(f));
  }
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return SqlError(rc, "reading findings");
  return out;
}

Result<StoreStats> SqliteStore::Stats() {
  StoreStats s;
  auto count = [this](const char* sql) -> Result<int64_t> {
    DRAGNET_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW)
      return SqlError(rc, "counting");
    int64_t n = sqlite3_column_int64(stmt, 0);
    sqlite3_reset(stmt);
    return n;
  };
  auto groups = [this](const char* sql) -> Result<std::vector<std::pair<std::string, int64_t>>> {
    DRAGNET_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    std::vector<std::pair<std::string, int64_t>> out;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      out.emplace_back(Text(stmt, 0), sqlite3_column_int64(stmt, 1));
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
      return SqlError(rc, "grouping");
    return out;
  };
  DRAGNET_ASSIGN_OR_RETURN(s.sources, count("SELECT COUNT(*) FROM sources"));
  DRAGNET_ASSIGN_OR_RETURN(s.archive_files, count("SELECT COUNT(*) FROM archive_files"));
  DRAGNET_ASSIGN_OR_RETURN(s.captures, count("SELECT COUNT(*) FROM captures"));
  DRAGNET_ASSIGN_OR_RETURN(s.documents, count("SELECT COUNT(*) FROM documents"));
  DRAGNET_ASSIGN_OR_RETURN(s.audit_entries, count("SELECT COUNT(*) FROM audit_log"));
  DRAGNET_ASSIGN_OR_RETURN(
      s.captures_by_type,
      groups("SELECT record_type, COUNT(*) FROM captures GROUP BY record_type ORDER BY 2 DESC, 1"));
  DRAGNET_ASSIGN_OR_RETURN(
      s.documents_by_kind,
      groups("SELECT kind, COUNT(*) FROM documents GROUP BY kind ORDER BY 2 DESC, 1"));
  DRAGNET_ASSIGN_OR_RETURN(
      s.sources_by_kind,
      groups("SELECT kind, COUNT(*) FROM sources GROUP BY kind ORDER BY 2 DESC, 1"));
  DRAGNET_ASSIGN_OR_RETURN(
      auto range, groups("SELECT COALESCE(MIN(date), ''), 0 FROM captures WHERE date <> '' UNION "
                         "ALL SELECT COALESCE(MAX(date), ''), 1 FROM captures WHERE date <> ''"));
  if (range.size() == 2) {
    s.first_capture_date = range[0].first;
    s.last_capture_date = range[1].first;
  }
  DRAGNET_ASSIGN_OR_RETURN(s.schema_version, UserVersion());
  return s;
}

Result<bool> SqliteStore::EnsureCrawlJob(const CrawlJob& job) {
  DRAGNET_ASSIGN_OR_RETURN(uint64_t added,
                           RunCount("INSERT INTO crawl_jobs (id, created, config) VALUES (?, ?, ?) "
                                    "ON CONFLICT (id) DO NOTHING",
                                    job.id, job.created, job.config));
  return added == 0;
}

Result<uint64_t> SqliteStore::AddFrontier(const std::vector<FrontierEntry>& entries) {
  uint64_t added = 0;
  DRAGNET_RETURN_IF_ERROR(Write([&]() -> Status {
    for (const auto& e : entries) {
      DRAGNET_RETURN_IF_ERROR(
          Run("INSERT INTO frontier (job_id, url, site, depth, redirects, next_at, "
              "discovered_from) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job_id, url) DO NOTHING",
              e.job_id, e.url, e.site, e.depth, e.redirects, e.next_at, e.discovered_from));
      added += static_cast<uint64_t>(sqlite3_changes(db_.get()));
    }
    return Status::Ok();
  }));
  return added;
}

Result<uint64_t> SqliteStore::RequeueInFlight(const std::string& job_id) {
  return RunCount("UPDATE frontier SET state = 'queued' WHERE job_id = ? AND state = 'in_flight'",
                  job_id);
}

Result<std::vector<std::string>> SqliteStore::FrontierSites(const std::string& job_id,
                                                            const std::string& now) {
  DRAGNET_ASSIGN_OR_RETURN(auto rows,
                           Groups("SELECT DISTINCT site, 0 FROM frontier WHERE job_id = ? "
                                  "AND state = 'queued' AND next_at <= ? ORDER BY site",
                                  job_id, now));
  std::vector<std::string> out;
  for (auto& row : rows)
    out.push_back(std::move(row.first));
  return out;
}

constexpr const char* kFrontierColumns =
    "SELECT id, job_id, url, site, depth, redirects, attempts, state, next_at, discovered_from, "
    "last_error, http_status, fetched_at FROM frontier ";

FrontierEntry SqliteStore::ReadFrontier(sqlite3_stmt* stmt) {
  FrontierEntry e;
  e.id = sqlite3_column_int64(stmt, 0);
  e.job_id = Text(stmt, 1);
  e.url = Text(stmt, 2);
  e.site = Text(stmt, 3);
  e.depth = sqlite3_column_int(stmt, 4);
  e.redirects = sqlite3_column_int(stmt, 5);
  e.attempts = sqlite3_column_int(stmt, 6);
  e.state = Text(stmt, 7);
  e.next_at = Text(stmt, 8);
  e.discovered_from = Text(stmt, 9);
  e.last_error = Text(stmt, 10);
  e.http_status = sqlite3_column_int(stmt, 11);
  e.fetched_at = Text(stmt, 12);
  return e;
}

Result<std::vector<FrontierEntry>> SqliteStore::PeekFrontier(const std::string& job_id,
                                                             const std::string& site,
                                                             const std::string& now, size_t limit) {
  static const std::string sql = std::string(kFrontierColumns) +
                                 "WHERE job_id = ? AND state = 'queued' AND site = ? AND next_at "
                                 "<= ? ORDER BY next_at, id LIMIT ?";
  DRAGNET_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                           Query(sql.c_str(), job_id, site, now, static_cast<int64_t>(limit)));
  std::vector<FrontierEntry> out;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
    out.push_back(ReadFrontier(stmt));
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE)
    return SqlError(rc, "reading the frontier");
  return out;
}

Status SqliteStore::UpdateFrontier(const FrontierEntry& e) {
  return Write([&]() -> Status {
    return Run(
        "UPDATE frontier SET state = ?, attempts = ?, next_at = ?, last_error = ?, http_status = "
        "?, fetched_at = ? WHERE id = ?",
        e.state, e.attempts, e.next_at, e.last_error, e.http_status, e.fetched_at, e.id);
  });
}

Result<uint64_t> SqliteStore::CountFrontierForSite(const std::string& job_id,
                                                   const std::string& site) {
  DRAGNET_ASSIGN_OR_RETURN(
      auto rows,
      Groups("SELECT '', COUNT(*) FROM frontier WHERE job_id = ? AND site = ?", job_id, site));
  return rows.empty() ? 0 : static_cast<uint64_t>(rows[0].second);
}

Result<std::vector<std::pair<std::string, int64_t>>> SqliteStore::FrontierCounts(
    const std::string& job_id) {
  return Groups(
      "SELECT state, COUNT(*) FROM frontier WHERE job_id = ? GROUP BY state ORDER BY state",
      job_id);
}

Result<uint64_t> SqliteStore::RequeueDone(const std::string& job_id, const std::string& site,
                                          const std::string& before) {
  return RunCount(
      "UPDATE frontier SET state = 'queued', attempts = 0, next_at = '' WHERE job_id = ? AND "
      "(site = ? OR ? = '') AND state = 'done' AND fetched_at < ?",
      job_id, site, site, before);
}

Status SqliteStore::AddFetchError(const std::string& job_id, const std::string& url,
                                  const std::string& kind, const std::string& message) {
  std::string at = FormatW3c(SystemClock().Now(), 3);
  return Write([&]() -> Status {
    return Run("INSERT INTO fetch_errors (job_id, url, kind, message, at) VALUES (?, ?, ?, ?, ?)",
               job_id, url, kind, message, at);
  });
}

Result<std::vector<std::string>> SqliteStore::FrontierAllSites(const std::string& job_id) {
  DRAGNET_ASSIGN_OR_RETURN(
      auto rows,
      Groups("SELECT DISTINCT site, 0 FROM frontier WHERE job_id = ? ORDER BY site", job_id));
  std::vector<std::string> out;
  for (auto& row : rows) {
    out.push_back(std::move(row.first));
  }
  return out;
}

Result<std::vector<CrawlJob>> SqliteStore::CrawlJobs() {
  DRAGNET_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                           Prepare("SELECT id, created, config FROM crawl_jobs ORDER BY created"));
  std::vector<CrawlJob> out;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    out.push_back({Text(stmt, 0), Text(stmt, 1), Text(stmt, 2)});
  }
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE) {
    return SqlError(rc, "reading crawl jobs");
  }
  return out;
}

Result<std::vector<std::pair<std::string, int64_t>>> SqliteStore::FetchErrorCounts(
    const std::string& job_id) {
  return Groups(
      "SELECT kind, COUNT(*) FROM fetch_errors WHERE job_id = ? GROUP BY kind ORDER BY 2 DESC, 1",
      job_id);
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::filesystem::path& path) {
  return SqliteStore::Open(path);
}

std::filesystem::path DefaultDatabasePath() {
  if (const char* env = std::getenv("DRAGNET_DB"); env != nullptr && *env != '\0')
    return env;
  if (const char* data = std::getenv("XDG_DATA_HOME"); data != nullptr && *data != '\0') {
    return std::filesystem::path(data) / "dragnet" / "dragnet.db";
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home != nullptr && *home != '\0' ? home : ".") / ".local" / "share" /
         "dragnet" / "dragnet.db";
}

}  // namespace dragnet::store

namespace dragnet::store {
namespace {

void BindIdOrNull(sqlite3_stmt* stmt, int index, int64_t id) {
  if (id > 0) {
    sqlite3_bind_int64(stmt, index, id);
  } else {
    sqlite3_bind_null(stmt, index);
  }
}

}  // namespace

Status SqliteStore::PutPageRecord(const PageRecord& r) {
  return Write([&]() -> Status {
    DRAGNET_RETURN_IF_ERROR(Run("DELETE FROM feedback WHERE document_id = ?", r.document_id));
    DRAGNET_RETURN_IF_ERROR(Run("DELETE FROM observations WHERE document_id = ?", r.document_id));
    DRAGNET_RETURN_IF_ERROR(Run("DELETE FROM posts WHERE document_id = ?", r.document_id));
    if (r.page_type == "messenger_post" || r.page_type == "forum_thread") {
      DRAGNET_ASSIGN_OR_RETURN(
          sqlite3_stmt * stmt,
          Query("INSERT INTO posts (document_id, kind, external_id, author, posted_at, source_id, "
                "duplicate_of_document) VALUES (?, ?, ?, ?, ?, ?, ?)",
                r.document_id, r.page_type, r.external_id, r.author, r.observed_at));
      BindIdOrNull(stmt, 6, r.source_id);
      BindIdOrNull(stmt, 7, r.duplicate_of_document);
      int rc = sqlite3_step(stmt);
      sqlite3_reset(stmt);
      if (rc != SQLITE_DONE)
        return SqlError(rc, "adding a post");
      return Status::Ok();
    }
    if (r.source_id <= 0 || (r.page_type != "listing" && r.page_type != "vendor"))
      return Status::Ok();
    int64_t vendor_id = 0;
    if (!r.vendor.empty()) {
      DRAGNET_ASSIGN_OR_RETURN(
          vendor_id,
          QueryInt(0,
                   "INSERT INTO vendors (source_id, name, profile_url, first_seen, last_seen) "
                   "VALUES (?, ?, ?, ?, ?) ON CONFLICT (source_id, name) DO UPDATE SET "
                   "profile_url = CASE WHEN excluded.profile_url != '' THEN excluded.profile_url "
                   "ELSE profile_url END, first_seen = MIN(first_seen, excluded.first_seen), "
                   "last_seen = MAX(last_seen, excluded.last_seen) RETURNING id",
                   r.source_id, r.vendor, r.vendor_url, r.observed_at, r.observed_at));
    }
    int64_t listing_id = 0;
    if (r.page_type == "listing" && !r.url_key.empty()) {
      DRAGNET_ASSIGN_OR_RETURN(
          sqlite3_stmt * stmt,
          Query("INSERT INTO listings (source_id, url_key, title, first_seen, last_seen, "
                "vendor_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source_id, url_key) DO UPDATE "
                "SET title = CASE WHEN excluded.last_seen >= last_seen AND excluded.title != '' "
                "THEN excluded.title ELSE title END, vendor_id = COALESCE(excluded.vendor_id, "
                "vendor_id), first_seen = MIN(first_seen, excluded.first_seen), "
                "last_seen = MAX(last_seen, excluded.last_seen) RETURNING id",
                r.source_id, r.url_key, r.title, r.observed_at, r.observed_at));
      BindIdOrNull(stmt, 6, vendor_id);
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_ROW)
        listing_id = sqlite3_column_int64(stmt, 0);
      sqlite3_reset(stmt);
      if (rc != SQLITE_ROW)
        return SqlError(rc, "adding a listing");
      if (r.duplicate_of_document > 0) {
        DRAGNET_ASSIGN_OR_RETURN(int64_t first, ListingOfDocument(r.duplicate_of_document));
        if (first > 0 && first != listing_id) {
          // Only a copy on another site (a mirror) is the same listing; two listings of one
          // site with near-identical pages are still two offers.
          DRAGNET_RETURN_IF_ERROR(
              Run("UPDATE listings SET same_as = ? WHERE id = ? AND same_as IS NULL AND "
                  "source_id != (SELECT source_id FROM listings WHERE id = ?)",
                  first, listing_id, first));
        }
      }
    }
    {
      DRAGNET_ASSIGN_OR_RETURN(
          sqlite3_stmt * stmt,
          Query("INSERT INTO observations (document_id, capture_id, page_type, observed_at, price, "
                "stock, rating, sales, fields, profile, listing_id, vendor_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                r.document_id, r.capture_id, r.page_type, r.observed_at, r.price, r.stock, r.rating,
                r.sales, r.fields_json, r.profile));
      BindIdOrNull(stmt, 11, listing_id);
      BindIdOrNull(stmt, 12, vendor_id);
      int rc = sqlite3_step(stmt);
      sqlite3_reset(stmt);
      if (rc != SQLITE_DONE)
        return SqlError(rc, "adding an observation");
    }
    for (size_t i = 0; i < r.feedback.size(); ++i) {
      DRAGNET_ASSIGN_OR_RETURN(
          sqlite3_stmt * stmt,
          Query("INSERT INTO feedback (document_id, position, rating, text, listing_id, "
                "vendor_id) VALUES (?, ?, ?, ?, ?, ?)",
                r.document_id, static_cast<int64_t>(i), r.feedback[i].rating, r.feedback[i].text));
      BindIdOrNull(stmt, 5, listing_id);
      BindIdOrNull(stmt, 6, vendor_id);
      int rc = sqlite3_step(stmt);
      sqlite3_reset(stmt);
      if (rc != SQLITE_DONE)
        return SqlError(rc, "adding feedback");
    }
    return Status::Ok();
  });
}

Result<RecordCounts> SqliteStore::CountRecords() {
  RecordCounts c;
  struct Item {
    int64_t* into;
    const char* sql;
  };
  const Item items[] = {
      {&c.sites,
       "SELECT COUNT(*) FROM (SELECT source_id FROM listings UNION SELECT source_id FROM vendors)"},
      {&c.channels, "SELECT COUNT(DISTINCT source_id) FROM posts WHERE kind = 'messenger_post'"},
      {&c.listings, "SELECT COUNT(*) FROM listings"},
      {&c.listings_on_mirrors, "SELECT COUNT(*) FROM listings WHERE same_as IS NOT NULL"},
      {&c.observations, "SELECT COUNT(*) FROM observations"},
      {&c.vendors, "SELECT COUNT(*) FROM vendors"},
      {&c.posts, "SELECT COUNT(*) FROM posts"},
      {&c.unique_posts, "SELECT COUNT(*) FROM posts WHERE duplicate_of_document IS NULL"},
      {&c.feedback, "SELECT COUNT(*) FROM feedback"},
      {&c.drift_alerts, "SELECT COUNT(*) FROM drift_alerts"},
  };
  for (const Item& item : items) {
    DRAGNET_ASSIGN_OR_RETURN(*item.into, QueryInt(0, item.sql));
  }
  return c;
}

// One row of the query below.
static ListingObservation ReadObservation(sqlite3_stmt* stmt) {
  return ListingObservation{sqlite3_column_int64(stmt, 0),
                            sqlite3_column_int64(stmt, 1),
                            sqlite3_column_int64(stmt, 2),
                            Text(stmt, 3),
                            Text(stmt, 4),
                            Text(stmt, 5)};
}

Result<std::vector<ListingObservation>> SqliteStore::ListingObservations(int64_t listing_id) {
  return QueryAll("reading observations",
                  "SELECT listing_id, document_id, capture_id, observed_at, price, stock FROM "
                  "observations WHERE listing_id = ? ORDER BY observed_at, document_id",
                  &ReadObservation, listing_id);
}

Result<int64_t> SqliteStore::ListingOfDocument(int64_t document_id) {
  return QueryInt(0, "SELECT listing_id FROM observations WHERE document_id = ?", document_id);
}

Status SqliteStore::PutProfileFills(int64_t document_id, const std::string& profile,
                                    const std::string& page_type,
                                    const std::vector<std::pair<std::string, bool>>& fields) {
  return Write([&]() -> Status {
    DRAGNET_RETURN_IF_ERROR(Run("DELETE FROM profile_fills WHERE document_id = ?", document_id));
    for (const auto& [field, filled] : fields) {
      DRAGNET_RETURN_IF_ERROR(
          Run("INSERT INTO profile_fills (document_id, profile, page_type, field, filled) VALUES "
              "(?, ?, ?, ?, ?) ON CONFLICT (document_id, field) DO NOTHING",
              document_id, profile, page_type, field, filled ? 1 : 0));
    }
    return Status::Ok();
  });
}

// One row of the query below.
static ProfileFillRow ReadProfileFill(sqlite3_stmt* stmt) {
  ProfileFillRow row;
  row.source_id = sqlite3_column_int64(stmt, 0);
  row.source_key = Text(stmt, 1);
  row.profile = Text(stmt, 2);
  row.batch = sqlite3_column_int64(stmt, 3);
  row.page_type = Text(stmt, 4);
  row.field = Text(stmt, 5);
  row.pages = sqlite3_column_int64(stmt, 6);
  row.filled = sqlite3_column_int64(stmt, 7);
  return row;
}

Result<std::vector<ProfileFillRow>> SqliteStore::ProfileFills() {
  return QueryAll(
      "reading profile fill rates",
      "SELECT c.source_id, s.key, p.profile, c.archive_file_id, p.page_type, p.field, "
      "COUNT(*), SUM(p.filled) FROM profile_fills p JOIN documents d ON d.id = "
      "p.document_id JOIN captures c ON c.id = d.capture_id JOIN sources s ON s.id = "
      "c.source_id GROUP BY c.source_id, p.profile, c.archive_file_id, p.page_type, p.field "
      "ORDER BY c.source_id, p.profile, p.page_type, p.field, c.archive_file_id",
      &ReadProfileFill);
}

Result<bool> SqliteStore::AddDriftAlert(const DriftAlertRow& a) {
  uint64_t added = 0;
  DRAGNET_RETURN_IF_ERROR(Write([&]() -> Status {
    DRAGNET_ASSIGN_OR_RETURN(
        sqlite3_stmt * stmt,
        Query("INSERT INTO drift_alerts (source_id, profile, page_type, field, batch, "
              "previous_fill, fill, pages, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
              "(source_id, profile, page_type, field, batch) DO NOTHING",
              a.source_id, a.profile, a.page_type, a.field, a.batch));
    sqlite3_bind_double(stmt, 6, a.previous_fill);
    sqlite3_bind_double(stmt, 7, a.fill);
    sqlite3_bind_int64(stmt, 8, a.pages);
    sqlite3_bind_text(stmt, 9, a.at.data(), static_cast<int>(a.at.size()), SQLITE_TRANSIENT);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
      return SqlError(rc, "adding a drift alert");
    added = static_cast<uint64_t>(sqlite3_changes(db_.get()));
    return Status::Ok();
  }));
  return added > 0;
}

// One row of the query below.
static DriftAlertRow ReadDriftAlert(sqlite3_stmt* stmt) {
  DriftAlertRow a;
  a.id = sqlite3_column_int64(stmt, 0);
  a.source_id = sqlite3_column_int64(stmt, 1);
  a.source_key = Text(stmt, 2);
  a.profile = Text(stmt, 3);
  a.page_type = Text(stmt, 4);
  a.field = Text(stmt, 5);
  a.batch = sqlite3_column_int64(stmt, 6);
  a.previous_fill = sqlite3_column_double(stmt, 7);
  a.fill = sqlite3_column_double(stmt, 8);
  a.pages = sqlite3_column_int64(stmt, 9);
  a.at = Text(stmt, 10);
  return a;
}

Result<std::vector<DriftAlertRow>> SqliteStore::DriftAlerts() {
  return QueryAll(
      "reading drift alerts",
      "SELECT a.id, a.source_id, s.key, a.profile, a.page_type, a.field, a.batch, "
      "a.previous_fill, a.fill, a.pages, a.at FROM drift_alerts a JOIN sources s ON s.id = "
      "a.source_id ORDER BY a.id",
      &ReadDriftAlert);
}

// One row of the query below.
static ListingRow ReadListing(sqlite3_stmt* stmt) {
  ListingRow r;
  r.id = sqlite3_column_int64(stmt, 0);
  r.site = Text(stmt, 1);
  r.url_key = Text(stmt, 2);
  r.title = Text(stmt, 3);
  r.vendor = Text(stmt, 4);
  r.first_seen = Text(stmt, 5);
  r.last_seen = Text(stmt, 6);
  r.observations = sqlite3_column_int64(stmt, 7);
  r.price = Text(stmt, 8);
  r.stock = Text(stmt, 9);
  r.same_as = sqlite3_column_int64(stmt, 10);
  return r;
}

Result<std::vector<ListingRow>> SqliteStore::Listings(int64_t after_id, size_t limit) {
  return QueryAll(
      "reading listings",
      "SELECT l.id, s.key, l.url_key, l.title, COALESCE(v.name, ''), l.first_seen, "
      "l.last_seen, (SELECT COUNT(*) FROM observations o WHERE o.listing_id = l.id), "
      "COALESCE((SELECT o.price FROM observations o WHERE o.listing_id = l.id ORDER BY "
      "o.observed_at DESC, o.document_id DESC LIMIT 1), ''), COALESCE((SELECT o.stock FROM "
      "observations o WHERE o.listing_id = l.id ORDER BY o.observed_at DESC, o.document_id "
      "DESC LIMIT 1), ''), COALESCE(l.same_as, 0) FROM listings l JOIN sources s ON s.id = "
      "l.source_id LEFT JOIN vendors v ON v.id = l.vendor_id WHERE l.id > ? ORDER BY l.id "
      "LIMIT ?",
      &ReadListing, after_id, static_cast<int64_t>(limit));
}

// One row of the query below.
static VendorRow ReadVendor(sqlite3_stmt* stmt) {
  VendorRow r;
  r.id = sqlite3_column_int64(stmt, 0);
  r.site = Text(stmt, 1);
  r.name = Text(stmt, 2);
  r.profile_url = Text(stmt, 3);
  r.first_seen = Text(stmt, 4);
  r.last_seen = Text(stmt, 5);
  r.listings = sqlite3_column_int64(stmt, 6);
  r.feedback = sqlite3_column_int64(stmt, 7);
  return r;
}

Result<std::vector<VendorRow>> SqliteStore::Vendors(int64_t after_id, size_t limit) {
  return QueryAll(
      "reading vendors",
      "SELECT v.id, s.key, v.name, v.profile_url, v.first_seen, v.last_seen, (SELECT "
      "COUNT(*) FROM listings l WHERE l.vendor_id = v.id), (SELECT COUNT(*) FROM feedback f "
      "WHERE f.vendor_id = v.id) FROM vendors v JOIN sources s ON s.id = v.source_id WHERE "
      "v.id > ? ORDER BY v.id LIMIT ?",
      &ReadVendor, after_id, static_cast<int64_t>(limit));
}

// One row of the query below.
static PostRow ReadPost(sqlite3_stmt* stmt) {
  PostRow r;
  r.document_id = sqlite3_column_int64(stmt, 0);
  r.source = Text(stmt, 1);
  r.kind = Text(stmt, 2);
  r.external_id = Text(stmt, 3);
  r.author = Text(stmt, 4);
  r.posted_at = Text(stmt, 5);
  r.duplicate_of_document = sqlite3_column_int64(stmt, 6);
  r.duplicate_of_external_id = Text(stmt, 7);
  return r;
}

Result<std::vector<PostRow>> SqliteStore::Posts(int64_t after_document_id, size_t limit) {
  return QueryAll(
      "reading posts",
      "SELECT p.document_id, COALESCE(s.key, ''), p.kind, p.external_id, p.author, "
      "p.posted_at, COALESCE(p.duplicate_of_document, 0), COALESCE(q.external_id, '') FROM "
      "posts p LEFT JOIN sources s ON s.id = p.source_id LEFT JOIN posts q ON q.document_id "
      "= p.duplicate_of_document WHERE p.document_id > ? ORDER BY p.document_id LIMIT ?",
      &ReadPost, after_document_id, static_cast<int64_t>(limit));
}

}  // namespace dragnet::store
