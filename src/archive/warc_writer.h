#pragma once
// Writes WARC 1.1 files (ISO 28500:2017) into an archive directory: one gzip member per record
// (Annex D) or plain, SHA-256 block and payload digests, rotation by size, and a custody entry
// for every file it closes.
//
// Crash safety: each record is assembled in memory and handed to the kernel in one write(2), and
// a writer never appends to a file it did not create. After a kill -9 every complete record is
// readable; a torn tail is found by the next writer opening the directory, which records the
// file in the custody manifest as "recovered" (with the length of its complete prefix) instead of
// extending it.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive/custody.h"
#include "archive/warc_record.h"
#include "core/clock.h"
#include "core/result.h"

namespace dragnet::archive {

struct WarcWriterOptions {
  std::filesystem::path directory;
  std::string prefix = "DRAGNET";  // file names: PREFIX-YYYYMMDDhhmmssffffff-NNNNN-HOST.warc.gz
  bool gzip = true;
  int gzip_level = 5;  // libdeflate: within 2% of level 6's size at 1.6 times its speed
  uint64_t max_file_size = uint64_t{1} << 30;  // rotate once a file reaches this size
  CustodyContext context;                      // operator, case, host, tool version
  std::optional<SigningKey> signing_key;       // signs custody entries when set
  // Extra lines for each file's warcinfo record ("name: value").
  std::vector<std::pair<std::string, std::string>> warcinfo_fields;
  // fdatasync after every record (slow, for the paranoid); files are always synced on close.
  bool sync_every_record = false;
};

// One record to write. The writer adds WARC-Record-ID, WARC-Date (when `date` is unset),
// Content-Length, WARC-Block-Digest, WARC-Payload-Digest (response, request, resource, revisit
// with a payload, conversion) and WARC-Warcinfo-ID.
struct WarcRecordSpec {
  WarcType type = WarcType::kResource;
  std::string target_uri;
  std::optional<TimePoint> date;
  std::string content_type;  // "application/http; msgtype=response" for HTTP responses
  std::string_view block;
  std::string record_id;  // "<urn:uuid:...>"; generated when empty
  std::vector<std::pair<std::string, std::string>> extra_fields;  // e.g. WARC-Concurrent-To
};

struct WrittenRecord {
  std::string record_id;
  std::filesystem::path file;  // full path of the WARC file
  uint64_t offset = 0;         // where the record (its gzip member) starts
  uint64_t length = 0;         // bytes on disk, terminator included
  std::string block_digest;    // "sha256:BASE32"
  std::string payload_digest;  // "" when the record type has no payload
  std::string date;
};

class WarcWriter {
 public:
  // Opens the directory (creating it), recovers files left unclosed by a crash into the custody
  // manifest, and starts a new file lazily on the first record.
  static Result<std::unique_ptr<WarcWriter>> Open(WarcWriterOptions options, const Clock& clock);
  ~WarcWriter();
  WarcWriter(const WarcWriter&) = delete;
  WarcWriter& operator=(const WarcWriter&) = delete;

  Result<WrittenRecord> Write(const WarcRecordSpec& spec);
  // Closes the current file: fsync, custody entry. The next Write opens a new file.
  Status Close();
  // Files recovered at Open (unclosed after a crash), with what was found.
  const std::vector<CustodyFileFacts>& recovered() const { return recovered_; }
  const std::filesystem::path& directory() const { return options_.directory; }

 private:
  WarcWriter(WarcWriterOptions options, const Clock& clock, CustodyLog custody);
  Status OpenNewFile();
  Status RecoverUnclosedFiles();

  struct Impl;
  WarcWriterOptions options_;
  const Clock& clock_;
  CustodyLog custody_;
  std::unique_ptr<Impl> impl_;
  std::vector<CustodyFileFacts> recovered_;
};

// HTTP payload of a request or response block: the entity body after the header, with
// Transfer-Encoding: chunked removed (WARC 1.1 section 5.9; IIPC warc-specifications issue 22).
// Returns nullopt when `block` has no complete HTTP header.
std::optional<std::string> HttpPayload(std::string_view block);

}  // namespace dragnet::archive
