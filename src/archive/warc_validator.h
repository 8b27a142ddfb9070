#pragma once
// Checks WARC records against WARC 1.1 (ISO 28500:2017) clauses 4-6 and recomputes their block
// and payload digests while streaming. Each violated "shall" is an error, each "should" a
// warning, both recorded as anomalies; a file passes when it has no errors.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <unordered_map>

#include "archive/warc_reader.h"
#include "core/result.h"
#include "model/anomaly.h"

namespace dragnet::archive {

struct WarcVerdict {
  uint64_t records = 0;
  uint64_t digests_verified = 0;  // block and payload digests recomputed and equal
  uint64_t digests_failed = 0;
  std::map<std::string, uint64_t> types;  // WARC-Type as written -> count
  bool gzip = false;
  model::AnomalyLog anomalies{200};
  bool passed(bool strict) const {
    return anomalies.errors() == 0 && (!strict || anomalies.warnings() == 0);
  }
};

class WarcValidator {
 public:
  explicit WarcValidator(model::AnomalyLog& anomalies) : anomalies_(anomalies) {}

  // Checks the record the reader is positioned on (after Next()), reading its whole block.
  Status CheckRecord(WarcReader& reader);
  // File-level checks once every record was seen.
  void FinishFile(uint64_t file_offset_of_end);

  uint64_t records() const { return records_; }
  uint64_t digests_verified() const { return digests_verified_; }
  uint64_t digests_failed() const { return digests_failed_; }

 private:
  void Error(const WarcRecordHeader& h, std::string kind, std::string detail);
  void Warn(const WarcRecordHeader& h, std::string kind, std::string detail);
  void CheckFields(const WarcRecordHeader& h);

  model::AnomalyLog& anomalies_;
  std::unordered_map<std::string, uint64_t> record_ids_;  // id -> record number
  uint64_t records_ = 0;
  uint64_t digests_verified_ = 0;
  uint64_t digests_failed_ = 0;
  std::string first_type_;
};

// Reads and checks a whole file. Returns an Error only when the file cannot be read.
Result<WarcVerdict> VerifyWarcFile(const std::filesystem::path& path);

}  // namespace dragnet::archive
