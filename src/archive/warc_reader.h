#pragma once
// Streams the records of a WARC file (plain or gzip, any version from 0.17 to 1.1) with memory
// bounded by the largest header, not the largest record. Tolerant: malformed input is recorded
// as anomalies in the AnomalyLog and the reader resynchronises on the next "WARC/" line instead
// of failing. Errors (Result) are returned only when the file itself cannot be read.
//
// Record offsets are file offsets; in gzip files they are the offsets of the gzip members that
// hold the records (WARC 1.1 Annex D), which is what indexes (CDX) use for random access.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "archive/warc_record.h"
#include "core/result.h"
#include "model/anomaly.h"

namespace dragnet::archive {

struct WarcRecordHeader {
  uint64_t number = 0;  // 1-based position in this pass over the file
  uint64_t offset = 0;  // file offset of the record (of its gzip member when compressed)
  std::string version;  // as written, e.g. "WARC/1.1"
  WarcFields fields;
  std::optional<uint64_t> content_length;  // nullopt when missing or not 1*DIGIT
  WarcType type = WarcType::kUnknown;
  std::string_view label() const;  // "record #N @offset" for messages
  std::string label_storage;
};

// Where a finished record ended, known once its block and terminator were consumed.
struct WarcRecordExtent {
  uint64_t offset = 0;
  // Bytes on disk: compressed member length for gzip; for plain files, up to and including the
  // CRLF CRLF terminator.
  uint64_t length = 0;
  // Length without the CRLF CRLF terminator for plain files (warcio's index convention); equal to
  // `length` for gzip.
  uint64_t index_length = 0;
  bool complete = false;  // block fully present (not truncated by the end of the file)
};

class WarcReader {
 public:
  // Opens `path`; gzip is detected from the first two bytes. Anomalies go to `anomalies`, which
  // must outlive the reader.
  static Result<std::unique_ptr<WarcReader>> Open(const std::filesystem::path& path,
                                                  model::AnomalyLog& anomalies);
  ~WarcReader();
  WarcReader(const WarcReader&) = delete;
  WarcReader& operator=(const WarcReader&) = delete;

  // Repositions at a record start found earlier (random access by (file, offset)).
  Status Seek(uint64_t offset);

  // Finishes the current record (skipping what was not read of its block) and parses the next
  // record's header. Returns false at the end of the file.
  Result<bool> Next();
  const WarcRecordHeader& header() const { return header_; }

  // Returns the next piece of the current record's block, empty at its end. The view is valid
  // until the next call on the reader.
  Result<std::string_view> ReadBlock();
  // Reads the rest of the block into a string, at most `max_bytes` (kDataLoss when larger).
  Result<std::string> ReadBlockToString(uint64_t max_bytes);

  // Consumes the rest of the current record, including its terminator, and returns its extent.
  Result<WarcRecordExtent> FinishRecord();

  bool gzip() const;
  uint64_t file_size() const;
  const std::filesystem::path& path() const;

 private:
  struct Impl;
  explicit WarcReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  WarcRecordHeader header_;
};

// Quick facts about a file, for recovery and custody: complete records, where the complete
// prefix ends, dates of the first and last record.
struct WarcFileScan {
  uint64_t records = 0;
  uint64_t valid_length = 0;  // bytes from the start holding only complete, well-formed records
  uint64_t file_size = 0;
  std::string first_date;
  std::string last_date;
  bool torn = false;  // something after valid_length is not a complete record
  uint64_t errors = 0;
};
Result<WarcFileScan> ScanWarcFile(const std::filesystem::path& path);

}  // namespace dragnet::archive
