#include "archive/custody.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/check.h"
#include "core/encoding.h"
#include "core/file.h"
#include "core/hash.h"

namespace dragnet::archive {
namespace {

using Json = nlohmann::ordered_json;

void InitSodium() {
  static const bool ok = sodium_init() >= 0;
  DRAGNET_CHECK(ok, "libsodium failed to initialise");
}

// The signed part of an entry, in a fixed field order, so its bytes can be reproduced from the
// stored line by anyone (docs/formats/custody-manifest.md).
Json Body(uint64_t seq, const CustodyFileFacts& facts, const CustodyContext& context,
          const std::string& created, const std::string& prev) {
  Json j;
  j["seq"] = seq;
  j["file"] = facts.file;
  j["size"] = facts.size;
  j["sha256"] = facts.sha256;
  j["records"] = facts.records;
  j["first_record_date"] = facts.first_record_date;
  j["last_record_date"] = facts.last_record_date;
  j["status"] = facts.status;
  if (facts.valid_length)
    j["valid_length"] = *facts.valid_length;
  if (!facts.note.empty())
    j["note"] = facts.note;
  j["tool_version"] = context.tool_version;
  j["host"] = context.host;
  j["operator"] = context.operator_name;
  j["case_id"] = context.case_id;
  j["created"] = created;
  j["prev"] = prev;
  return j;
}

std::string Dump(const Json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Parses one manifest line into an entry; nullopt with `why` when it is not a valid entry.
std::optional<CustodyEntry> ParseLine(const std::string& line, std::string& why) {
  Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    why = "not a JSON object";
    return std::nullopt;
  }
  CustodyEntry e;
  e.line = line;
  try {
    e.seq = j.at("seq").get<uint64_t>();
    e.facts.file = j.at("file").get<std::string>();
    e.facts.size = j.at("size").get<uint64_t>();
    e.facts.sha256 = j.at("sha256").get<std::string>();
    e.facts.records = j.at("records").get<uint64_t>();
    e.facts.first_record_date = j.at("first_record_date").get<std::string>();
    e.facts.last_record_date = j.at("last_record_date").get<std::string>();
    e.facts.status = j.at("status").get<std::string>();
    if (j.contains("valid_length"))
      e.facts.valid_length = j.at("valid_length").get<uint64_t>();
    if (j.contains("note"))
      e.facts.note = j.at("note").get<std::string>();
    e.context.tool_version = j.at("tool_version").get<std::string>();
    e.context.host = j.at("host").get<std::string>();
    e.context.operator_name = j.at("operator").get<std::string>();
    e.context.case_id = j.at("case_id").get<std::string>();
    e.created = j.at("created").get<std::string>();
    e.prev = j.at("prev").get<std::string>();
    if (j.contains("public_key"))
      e.public_key = j.at("public_key").get<std::string>();
    if (j.contains("signature"))
      e.signature = j.at("signature").get<std::string>();
  } catch (const nlohmann::json::exception& ex) {
    why = std::string("missing or mistyped field: ") + ex.what();
    return std::nullopt;
  }
  return e;
}

// Reads the manifest's lines. `torn` is set when the file does not end in a newline.
Result<std::vector<std::string>> ReadLines(const std::filesystem::path& path, bool& torn) {
  torn = false;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return std::vector<std::string>();
  DRAGNET_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) {
      torn = true;
      lines.push_back(text.substr(pos));
      break;
    }
    lines.push_back(text.substr(pos, eol - pos));
    pos = eol + 1;
  }
  return lines;
}

bool VerifySignature(const CustodyEntry& e, std::string& why) {
  auto key = HexDecode(e.public_key);
  auto sig = HexDecode(e.signature);
  if (!key || key->size() != crypto_sign_PUBLICKEYBYTES) {
    why = "public_key is not 32 bytes of hex";
    return false;
  }
  if (!sig || sig->size() != crypto_sign_BYTES) {
    why = "signature is not 64 bytes of hex";
    return false;
  }
  std::string body = Dump(Body(e.seq, e.facts, e.context, e.created, e.prev));
  if (crypto_sign_verify_detached(sig->data(), reinterpret_cast<const uint8_t*>(body.data()),
                                  body.size(), key->data()) != 0) {
    why = "Ed25519 signature does not verify";
    return false;
  }
  return true;
}

}  // namespace

Result<SigningKey> GenerateSigningKey() {
  InitSodium();
  SigningKey key;
  key.public_key.resize(crypto_sign_PUBLICKEYBYTES);
  key.secret_key.resize(crypto_sign_SECRETKEYBYTES);
  if (crypto_sign_keypair(key.public_key.data(), key.secret_key.data()) != 0) {
    return Internal("crypto_sign_keypair failed");
  }
  return key;
}

Status SaveSigningKey(const SigningKey& key, const std::filesystem::path& secret_path) {
  // WriteFileAtomic creates files 0644; the secret key goes through a 0600 temporary instead.
  std::filesystem::path tmp = secret_path;
  tmp += ".tmp";
  {
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
      return ErrnoError("cannot create", tmp.string());
    std::string text = HexEncode(key.secret_key) + "\n";
    ssize_t n = ::write(fd, text.data(), text.size());
    bool ok = n == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
      ::unlink(tmp.c_str());
      return ErrnoError("cannot write", tmp.string());
    }
  }
  if (::rename(tmp.c_str(), secret_path.c_str()) != 0) {
    Error error = ErrnoError("cannot rename into place", secret_path.string());
    ::unlink(tmp.c_str());
    return error;
  }
  std::filesystem::path pub = secret_path;
  pub += ".pub";
  return WriteFileAtomic(pub, HexEncode(key.public_key) + "\n");
}

Result<SigningKey> LoadSigningKey(const std::filesystem::path& secret_path) {
  InitSodium();
  struct stat st {};
  if (::stat(secret_path.c_str(), &st) != 0)
    return ErrnoError("cannot read signing key", secret_path.string());
  if ((st.st_mode & 077) != 0) {
    return InvalidArgument("signing key " + secret_path.string() +
                           " is readable by others; run: chmod 600 " + secret_path.string());
  }
  DRAGNET_ASSIGN_OR_RETURN(std::string text, ReadFile(secret_path));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  auto secret = HexDecode(text);
  if (!secret || secret->size() != crypto_sign_SECRETKEYBYTES) {
    return InvalidArgument("signing key " + secret_path.string() + " is not " +
                           std::to_string(crypto_sign_SECRETKEYBYTES * 2) +
                           " hex digits (a file from `dragnet key generate`)");
  }
  SigningKey key;
  key.secret_key = std::move(*secret);
  key.public_key.resize(crypto_sign_PUBLICKEYBYTES);
  crypto_sign_ed25519_sk_to_pk(key.public_key.data(), key.secret_key.data());
  return key;
}

Status CustodyLog::LoadState() {
  bool torn = false;
  DRAGNET_ASSIGN_OR_RETURN(std::vector<std::string> lines, ReadLines(path_, torn));
  next_seq_ = 0;
  last_line_hash_.clear();
  files_.clear();
  damage_.clear();
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string why;
    auto entry = ParseLine(lines[i], why);
    if (!entry) {
      damage_ = path_.string() + " line " + std::to_string(i + 1) + ": " + why;
      continue;
    }
    files_.push_back(entry->facts.file);
    next_seq_ = entry->seq + 1;
  }
  if (torn) {
    damage_ = path_.string() + " line " + std::to_string(lines.size()) +
              " is torn (no newline): the manifest was cut while being written";
  }
  if (!lines.empty())
    last_line_hash_ = Sha256Hex(lines.back());
  return Status::Ok();
}

Result<CustodyLog> CustodyLog::Open(const std::filesystem::path& directory,
                                    std::optional<SigningKey> key) {
  InitSodium();
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec)
    return IoError("cannot create " + directory.string() + ": " + ec.message());
  CustodyLog log;
  log.path_ = directory / kCustodyFileName;
  log.key_ = std::move(key);
  DRAGNET_RETURN_IF_ERROR(log.LoadState());
  return log;
}

Result<CustodyEntry> CustodyLog::Append(const CustodyFileFacts& facts,
                                        const CustodyContext& context, const std::string& created) {
  // Several writers (a crawler and an ingest, or two processes) may share one archive
  // directory: an exclusive lock, and the chain's tail re-read under it, keep one chain.
  int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0)
    return ErrnoError("cannot open", path_.string());
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }  // also releases the lock
  } closer{fd};
  if (::flock(fd, LOCK_EX) != 0)
    return ErrnoError("cannot lock", path_.string());
  DRAGNET_RETURN_IF_ERROR(LoadState());
  if (!damage_.empty()) {
    return DataLoss("refusing to extend a damaged custody manifest (" + damage_ +
                    "); run `dragnet warc verify` on the directory and keep the manifest as "
                    "evidence");
  }
  CustodyEntry entry;
  entry.seq = next_seq_;
  entry.facts = facts;
  entry.context = context;
  entry.created = created;
  entry.prev = last_line_hash_;
  Json j = Body(entry.seq, facts, context, created, entry.prev);
  if (key_) {
    std::string body = Dump(j);
    std::vector<uint8_t> sig(crypto_sign_BYTES);
    crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const uint8_t*>(body.data()),
                         body.size(), key_->secret_key.data());
    entry.public_key = HexEncode(key_->public_key);
    entry.signature = HexEncode(sig);
    j["public_key"] = entry.public_key;
    j["signature"] = entry.signature;
  }
  entry.line = Dump(j);
  // One write of the whole line, then a sync: a crash leaves the line whole or torn, never mixed.
  std::string line = entry.line + "\n";
  ssize_t written = ::write(fd, line.data(), line.size());
  if (written != static_cast<ssize_t>(line.size())) {
    return ErrnoError("cannot append a custody entry to", path_.string());
  }
  if (::fdatasync(fd) != 0)
    return ErrnoError("cannot sync", path_.string());
  ++next_seq_;
  last_line_hash_ = Sha256Hex(entry.line);
  files_.push_back(facts.file);
  return entry;
}

std::vector<std::string> CustodyLog::Files() const {
  return files_;
}

Result<CustodyReport> VerifyCustody(const std::filesystem::path& directory,
                                    const std::optional<std::string>& trusted_public_key_hex,
                                    bool check_files) {
  InitSodium();
  CustodyReport report;
  auto path = directory / kCustodyFileName;
  bool torn = false;
  DRAGNET_ASSIGN_OR_RETURN(std::vector<std::string> lines, ReadLines(path, torn));
  auto problem = [&](uint64_t line, std::string file, std::string message) {
    report.problems.push_back({line, std::move(file), std::move(message)});
  };
  if (torn)
    problem(lines.size(), "", "last line is torn (no newline): the manifest was cut");
  std::string expected_prev;
  std::string first_key;
  bool any_signed = false;
  bool any_unsigned = false;
  std::set<std::string> listed;
  for (size_t i = 0; i < lines.size(); ++i) {
    uint64_t n = i + 1;
    std::string why;
    auto entry = ParseLine(lines[i], why);
    if (!entry) {
      problem(n, "", why);
      expected_prev = Sha256Hex(lines[i]);
      continue;
    }
    ++report.entries;
    if (entry->seq != i) {
      problem(n, entry->facts.file,
              "sequence number " + std::to_string(entry->seq) + " where " + std::to_string(i) +
                  " was expected (an entry was removed, inserted or reordered)");
    }
    if (entry->prev != expected_prev) {
      problem(n, entry->facts.file,
              i == 0 ? "first entry does not start the chain (prev is not empty)"
                     : "prev does not match the SHA-256 of line " + std::to_string(i) +
                           " (an earlier entry was changed, removed or reordered)");
    }
    expected_prev = Sha256Hex(lines[i]);
    if (!entry->signature.empty() || !entry->public_key.empty()) {
      any_signed = true;
      ++report.signed_entries;
      if (!VerifySignature(*entry, why))
        problem(n, entry->facts.file, why);
      if (trusted_public_key_hex && entry->public_key != *trusted_public_key_hex) {
        problem(n, entry->facts.file,
                "signed with key " + entry->public_key + ", not the trusted key");
      } else if (!trusted_public_key_hex) {
        if (first_key.empty())
          first_key = entry->public_key;
        if (entry->public_key != first_key) {
          problem(n, entry->facts.file, "signed with a different key than earlier entries");
        }
      }
    } else {
      any_unsigned = true;
      if (trusted_public_key_hex)
        problem(n, entry->facts.file, "entry is not signed");
    }
    if (any_signed && any_unsigned && entry->signature.empty()) {
      problem(n, entry->facts.file, "unsigned entry after signed ones");
    }
    listed.insert(entry->facts.file);
    if (check_files) {
      std::filesystem::path file = entry->facts.file;
      if (file.is_relative())
        file = directory / file;
      std::error_code ec;
      if (!std::filesystem::exists(file, ec)) {
        problem(n, entry->facts.file, "listed file is missing");
        continue;
      }
      ++report.files_checked;
      uint64_t size = std::filesystem::file_size(file, ec);
      if (size != entry->facts.size) {
        problem(n, entry->facts.file,
                "size is " + std::to_string(size) + ", custody says " +
                    std::to_string(entry->facts.size));
        continue;
      }
      DRAGNET_ASSIGN_OR_RETURN(std::string sha, Sha256File(file));
      if (sha != entry->facts.sha256) {
        problem(n, entry->facts.file,
                "SHA-256 is " + sha + ", custody says " + entry->facts.sha256);
      }
    }
  }
  std::error_code ec;
  std::vector<std::string> unlisted;
  for (const auto& e : std::filesystem::directory_iterator(directory, ec)) {
    std::string name = e.path().filename().string();
    bool warc = name.ends_with(".warc") || name.ends_with(".warc.gz");
    if (e.is_regular_file() && warc && !listed.count(name))
      unlisted.push_back(name);
  }
  std::sort(unlisted.begin(), unlisted.end());
  for (const auto& name : unlisted) {
    problem(0, name, "no custody entry (unclosed, or added by hand)");
  }
  return report;
}

Result<std::optional<CustodyEntry>> FindCustodyEntry(const std::filesystem::path& directory,
                                                     const std::string& file_name) {
  bool torn = false;
  DRAGNET_ASSIGN_OR_RETURN(std::vector<std::string> lines,
                           ReadLines(directory / kCustodyFileName, torn));
  for (const auto& line : lines) {
    std::string why;
    auto entry = ParseLine(line, why);
    if (entry && entry->facts.file == file_name)
      return std::optional<CustodyEntry>(*entry);
  }
  return std::optional<CustodyEntry>();
}

}  // namespace dragnet::archive
