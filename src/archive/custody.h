#pragma once
// The custody manifest: one JSON Lines file (custody.jsonl) beside the WARC files of an archive
// directory, one entry per archive file, each entry carrying the SHA-256 of the previous entry's
// line, so that editing, reordering or removing a file or an entry breaks the chain. Entries are
// signed with Ed25519 (libsodium) when the operator configured a key. Format:
// docs/formats/custody-manifest.md.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace dragnet::archive {

inline constexpr const char* kCustodyFileName = "custody.jsonl";

// What the writer (or the ingester) knows about a finished archive file.
struct CustodyFileFacts {
  std::string file;  // name relative to the manifest's directory, or an absolute path
                     // for WARC files indexed in place outside it
  uint64_t size = 0;
  std::string sha256;  // lower-case hex of the whole file
  uint64_t records = 0;
  std::string first_record_date;  // WARC-Date of the first and last record
  std::string last_record_date;
  // "closed": written by Dragnet and closed normally. "recovered": found unclosed after a crash;
  // `valid_length` says how many leading bytes hold complete records ("torn" when it is less
  // than `size`). "indexed": a third-party WARC file indexed in place.
  std::string status = "closed";
  std::optional<uint64_t> valid_length;
  std::string note;  // free text, e.g. what a recovery found
};

// Who and what wrote the entry.
struct CustodyContext {
  std::string tool_version;
  std::string host;
  std::string operator_name;
  std::string case_id;
};

// An Ed25519 key pair in libsodium's format. Secret keys are stored as a file holding the hex of
// the 64-byte secret key on one line (mode 0600), public keys as the hex of 32 bytes.
struct SigningKey {
  std::vector<uint8_t> secret_key;  // 64 bytes
  std::vector<uint8_t> public_key;  // 32 bytes
};
Result<SigningKey> GenerateSigningKey();
Status SaveSigningKey(const SigningKey& key, const std::filesystem::path& secret_path);
Result<SigningKey> LoadSigningKey(const std::filesystem::path& secret_path);

struct CustodyEntry {
  uint64_t seq = 0;
  std::string line;  // the exact JSON line as stored (without the newline)
  CustodyFileFacts facts;
  CustodyContext context;
  std::string created;     // W3C timestamp
  std::string prev;        // sha256 hex of the previous line, "" for the first entry
  std::string public_key;  // hex, empty when unsigned
  std::string signature;   // hex, empty when unsigned
};

// Appends entries. Each Append locks the manifest (flock), re-reads its tail to continue the
// chain, and writes the whole line with one write(2) followed by fdatasync, so several writers
// (threads with their own CustodyLog, or processes) keep one chain, and a crash leaves at most a
// torn last line, which Verify reports and the next Append refuses to extend (kDataLoss).
class CustodyLog {
 public:
  static Result<CustodyLog> Open(const std::filesystem::path& directory,
                                 std::optional<SigningKey> key);
  Result<CustodyEntry> Append(const CustodyFileFacts& facts, const CustodyContext& context,
                              const std::string& created);
  // Names (the `file` field) of every entry so far.
  std::vector<std::string> Files() const;
  const std::filesystem::path& path() const { return path_; }

 private:
  CustodyLog() = default;
  // Reads the manifest: next sequence number, hash of the last line, listed files, damage.
  Status LoadState();
  std::filesystem::path path_;
  std::optional<SigningKey> key_;
  uint64_t next_seq_ = 0;
  std::string last_line_hash_;
  std::vector<std::string> files_;
  std::string damage_;  // why appending is refused (torn or unparsable manifest), or empty
};

struct CustodyProblem {
  uint64_t line = 0;  // 1-based line in the manifest, 0 for problems not tied to a line
  std::string file;
  std::string message;
};

struct CustodyReport {
  uint64_t entries = 0;
  uint64_t signed_entries = 0;
  uint64_t files_checked = 0;
  std::vector<CustodyProblem> problems;
  bool ok() const { return problems.empty(); }
};

// Checks the manifest in `directory`: JSON of each line, the hash chain, sequence numbers, the
// signatures (against `trusted_public_key` when given, else against the key in each entry, and
// all entries must then use one key), and, when `check_files`, each listed file's size and
// SHA-256. Listed files that are missing and WARC files in the directory without an entry are
// problems too.
Result<CustodyReport> VerifyCustody(const std::filesystem::path& directory,
                                    const std::optional<std::string>& trusted_public_key_hex,
                                    bool check_files);

// Reads the manifest and returns the entry for `file_name`, if any.
Result<std::optional<CustodyEntry>> FindCustodyEntry(const std::filesystem::path& directory,
                                                     const std::string& file_name);

}  // namespace dragnet::archive
