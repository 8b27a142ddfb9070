#pragma once
// An ImportSink that keeps what importers report in memory, for tests.

#include <set>
#include <string>
#include <vector>

#include "capture/importer.h"

namespace dragnet::capture {

class MemorySink final : public ImportSink {
 public:
  Result<bool> AlreadyImported(const std::string& key) override { return keys.count(key) > 0; }
  Status OnItem(const ImportSource& source, const std::vector<ImportedRecord>& items,
                const std::string& key, const std::string& /*description*/) override {
    sources.insert(source.kind + ":" + source.key + ":" + source.name);
    records.insert(records.end(), items.begin(), items.end());
    if (!key.empty())
      keys.insert(key);
    return Status::Ok();
  }
  Status OnArchiveFile(const ImportedArchiveFile& file) override {
    files.push_back(file);
    return Status::Ok();
  }
  Status OnArchiveFileIndexed(const ImportedArchiveFile& file) override {
    indexed.push_back(file);
    return Status::Ok();
  }
  Result<bool> HasArchiveFile(const std::string& sha256) override {
    for (const auto& f : files) {
      if (f.sha256 == sha256)
        return true;
    }
    return false;
  }
  // Records holding a document of `kind`, in the order reported.
  std::vector<ImportedRecord> Documents(const std::string& kind) const {
    std::vector<ImportedRecord> out;
    for (const auto& r : records) {
      if (r.document_kind == kind)
        out.push_back(r);
    }
    return out;
  }

  std::set<std::string> keys;
  std::set<std::string> sources;  // "kind:key:name"
  std::vector<ImportedRecord> records;
  std::vector<ImportedArchiveFile> files;
  std::vector<ImportedArchiveFile> indexed;
};

}  // namespace dragnet::capture
