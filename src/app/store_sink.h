#pragma once
// The ImportSink that lands imported records in the store: one transaction per item, so an item
// is either fully recorded (with its key marked imported) or not at all.

#include <map>
#include <string>

#include "archive/custody.h"
#include "capture/importer.h"
#include "store/store.h"

namespace dragnet::app {

class StoreSink final : public capture::ImportSink {
 public:
  // `custody`, when given, receives an entry for every third-party WARC file indexed in place,
  // so the archive directory's manifest covers the files outside it too.
  StoreSink(store::Store& store, std::string case_id, archive::CustodyLog* custody,
            archive::CustodyContext context)
      : store_(store),
        case_id_(std::move(case_id)),
        custody_(custody),
        context_(std::move(context)) {}

  Result<bool> AlreadyImported(const std::string& key) override;
  Status OnItem(const capture::ImportSource& source,
                const std::vector<capture::ImportedRecord>& records, const std::string& key,
                const std::string& description) override;
  Status OnArchiveFile(const capture::ImportedArchiveFile& file) override;
  Status OnArchiveFileIndexed(const capture::ImportedArchiveFile& file) override;
  Result<bool> HasArchiveFile(const std::string& sha256) override;

  // Records `records` of `source` without a transaction of its own, for callers that make the
  // records part of a larger transaction (the crawler's completion of a frontier entry).
  Status RecordItem(const capture::ImportSource& source,
                    const std::vector<capture::ImportedRecord>& records);

  // After the transaction around RecordItem calls ended: counts what committed, or forgets
  // cached ids that a rollback made stale.
  void Committed(bool ok);

  uint64_t captures_added() const { return captures_added_; }
  uint64_t documents_added() const { return documents_added_; }

 private:
  Result<int64_t> ArchiveFileId(const std::filesystem::path& path);
  Result<int64_t> SourceId(const capture::ImportSource& source);

  store::Store& store_;
  std::string case_id_;
  archive::CustodyLog* custody_;
  archive::CustodyContext context_;
  std::map<std::string, int64_t> archive_ids_;
  std::map<std::string, int64_t> source_ids_;
  uint64_t pending_captures_ = 0;
  uint64_t pending_documents_ = 0;
  uint64_t captures_added_ = 0;
  uint64_t documents_added_ = 0;
};

}  // namespace dragnet::app
