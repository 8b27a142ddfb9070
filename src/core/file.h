#pragma once
// File helpers that report failures as Results and never leave a half-written file behind.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace dragnet {

Result<std::string> ReadFile(const std::filesystem::path& path);
// Reads the file in 1 MiB pieces, handing each to `consume` (constant memory).
Status ReadFileChunks(const std::filesystem::path& path,
                      const std::function<void(std::string_view)>& consume);

// Every regular file of `dir` whose name ends in `extension` (".yaml"), in name order, as (path,
// content). A missing directory gives no files; one that cannot be listed or read, an error.
Result<std::vector<std::pair<std::string, std::string>>> ReadDirectoryFiles(
    const std::filesystem::path& dir, std::string_view extension);

// Writes `contents` to a temporary file beside `path`, fsyncs it, renames it over `path` and
// fsyncs the directory: readers see the old file or the new one, never a mix.
Status WriteFileAtomic(const std::filesystem::path& path, std::string_view contents);

// Cache housekeeping: of the regular files in the directory of `keep` whose names start with
// `prefix` and end with `suffix` (older versions of one cache, keyed by content), removes all
// but the `newest` most recently modified, never `keep` itself. Best effort: a file that cannot
// be listed or removed is left. Returns how many were removed.
size_t PruneCacheFiles(const std::filesystem::path& keep, std::string_view prefix,
                       std::string_view suffix, size_t newest);

// Streams the file through SHA-256; returns lower-case hex.
Result<std::string> Sha256File(const std::filesystem::path& path);

// An append-only file descriptor. Each Append writes all bytes or returns an error (a full
// disk is kIoError naming the file). Not thread-safe. Closes on destruction.
class AppendFile {
 public:
  static Result<AppendFile> Open(const std::filesystem::path& path, bool must_create);
  AppendFile(AppendFile&& other) noexcept;
  AppendFile& operator=(AppendFile&& other) noexcept;
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;
  ~AppendFile();

  Status Append(std::string_view bytes);
  // Flushes the file's data to stable storage (fdatasync).
  Status Sync();
  Status Close();
  uint64_t size() const { return size_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  AppendFile(int fd, std::filesystem::path path, uint64_t size)
      : fd_(fd), path_(std::move(path)), size_(size) {}
  int fd_ = -1;
  std::filesystem::path path_;
  uint64_t size_ = 0;
};

// Syncs a directory so that a new or renamed entry in it survives a crash.
Status SyncDirectory(const std::filesystem::path& dir);

std::string HostName();
// The login name of the user running Dragnet, for custody and audit records.
std::string UserName();

}  // namespace dragnet
