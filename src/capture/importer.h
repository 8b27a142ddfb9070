#pragma once
// Importers bring in what others captured: WARC files from other tools (indexed in place),
// directories of saved web pages and Telegram Desktop exports (archived into new WARC records).
// They never touch the store: they report what they archived or indexed to an ImportSink, which
// app/ implements on top of the store. Hostile or broken input is reported as an anomaly with
// the file and offset, and everything readable is still imported.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "archive/warc_writer.h"
#include "core/progress.h"
#include "core/result.h"
#include "model/anomaly.h"

namespace dragnet::capture {

// Where the records of one import come from (a site, a channel, a directory...).
struct ImportSource {
  std::string kind;  // "warc_import", "html_directory", "telegram_channel"
  std::string key;   // unique within kind (absolute path, channel id)
  std::string name;  // human-readable
};

// A WARC file registered as part of the archive.
struct ImportedArchiveFile {
  std::filesystem::path path;  // absolute
  std::string sha256;
  uint64_t size = 0;
  std::string origin;  // "indexed" (third-party file, in place) or "written" (by Dragnet)
  uint64_t records = 0;
  std::string first_record_date;  // known once the file was read through
  std::string last_record_date;
};

// One archived or indexed record, and the document it holds (if any).
struct ImportedRecord {
  std::filesystem::path warc_file;  // absolute
  uint64_t offset = 0;
  uint64_t length = 0;
  std::string record_id;
  std::string record_type;  // "response", "resource"...
  std::string uri;
  std::string date;
  int http_status = 0;
  std::string content_type;
  std::string payload_digest;
  // Document facts; `document_kind` empty when the record is not a document (requests, media).
  std::string document_kind;  // "html", "telegram_message", "file"
  std::string title;
  std::string external_id;  // e.g. "<chat id>/<message id>"
  std::string document_date;
};

class ImportSink {
 public:
  virtual ~ImportSink() = default;
  // Inputs already imported, by a key the importer derives from content (so re-importing the
  // same input adds nothing).
  virtual Result<bool> AlreadyImported(const std::string& key) = 0;
  // Records one imported item atomically: its records, and its key as imported. An empty `key`
  // records the records only (a batch of a larger item whose key comes with its last batch).
  virtual Status OnItem(const ImportSource& source, const std::vector<ImportedRecord>& records,
                        const std::string& key, const std::string& description) = 0;
  // Registers a WARC file (before any OnItem that refers to it, for indexed files).
  virtual Status OnArchiveFile(const ImportedArchiveFile& file) = 0;
  // Called once a registered file was read to its end, with its record count and dates.
  virtual Status OnArchiveFileIndexed(const ImportedArchiveFile& file) = 0;
  virtual Result<bool> HasArchiveFile(const std::string& sha256) = 0;
};

struct ImportAnomaly {
  std::filesystem::path file;
  model::Anomaly anomaly;
};

struct ImportStats {
  uint64_t items = 0;       // pages, messages, WARC records imported
  uint64_t duplicates = 0;  // skipped because already imported
  uint64_t bytes = 0;
  uint64_t media = 0;                    // media files archived with messages
  std::vector<ImportAnomaly> anomalies;  // capped by the importer
  uint64_t anomaly_count = 0;
  void AddAnomaly(const std::filesystem::path& file, model::Severity severity, std::string kind,
                  std::string detail, uint64_t offset) {
    ++anomaly_count;
    if (anomalies.size() < 1000) {
      anomalies.push_back({file, {severity, std::move(kind), std::move(detail), offset}});
    }
  }
};

// Indexes a third-party (or Dragnet) WARC file in place: registers it with its SHA-256 and
// reports each response, resource, revisit, request, metadata and conversion record.
Status IndexWarcFile(const std::filesystem::path& path, ImportSink& sink, ImportStats& stats,
                     Progress& progress);

// Archives every file under `directory` as a resource record (HTML pages as documents), keeping
// the original path and modification time in the record header.
Status ImportHtmlDirectory(const std::filesystem::path& directory, archive::WarcWriter& writer,
                           ImportSink& sink, ImportStats& stats, Progress& progress);

// Archives a Telegram Desktop export (`result.json` or the directory holding it): each message
// as a resource record (channel, message id, date, author, text with its entities), and the
// media files it references.
Status ImportTelegramExport(const std::filesystem::path& path, archive::WarcWriter& writer,
                            ImportSink& sink, ImportStats& stats, Progress& progress);

// What kind of input `path` is: "warc", "telegram", "html_directory", or "" when unknown.
std::string DetectInputKind(const std::filesystem::path& path);

}  // namespace dragnet::capture
