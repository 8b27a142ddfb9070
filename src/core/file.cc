#include "core/file.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <functional>
#include <memory>

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/encoding.h"
#include "core/hash.h"
#include "core/uuid.h"

namespace dragnet {
namespace {

Status WriteAll(int fd, std::string_view bytes, const std::filesystem::path& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return ErrnoError("cannot write", path.string());
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

}  // namespace

Status ReadFileChunks(const std::filesystem::path& path,
                      const std::function<void(std::string_view)>& consume) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return ErrnoError("cannot open", path.string());
  }
  // A buffer the size of a small file (lexicon and profile files are a few KiB), at most 1 MiB,
  // left uninitialised: zeroing 1 MiB for every small file cost more than reading it.
  struct stat st {};
  size_t size = 1 << 20;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0)
    size = std::clamp<size_t>(static_cast<size_t>(st.st_size) + 1, 4096, size);
  std::unique_ptr<char[]> buf(new char[size]);
  for (;;) {
    ssize_t n = ::read(fd, buf.get(), size);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      Error error = ErrnoError("cannot read", path.string());
      ::close(fd);
      return error;
    }
    if (n == 0) {
      break;
    }
    consume(std::string_view(buf.get(), static_cast<size_t>(n)));
  }
  ::close(fd);
  return Status::Ok();
}

Result<std::string> ReadFile(const std::filesystem::path& path) {
  std::string out;
  DRAGNET_RETURN_IF_ERROR(ReadFileChunks(path, [&out](std::string_view piece) { out += piece; }));
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> ReadDirectoryFiles(
    const std::filesystem::path& dir, std::string_view extension) {
  std::vector<std::pair<std::string, std::string>> files;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    if (ec && ec != std::errc::no_such_file_or_directory)
      return IoError("cannot open " + dir.string() + ": " + ec.message());
    return files;
  }
  std::vector<std::filesystem::path> paths;
  for (auto it = std::filesystem::directory_iterator(dir, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (it->path().extension() != extension)
      continue;
    std::error_code entry_ec;
    bool regular = it->is_regular_file(entry_ec);
    if (entry_ec)  // a dangling link, a file gone since the listing
      return IoError("cannot read " + it->path().string() + ": " + entry_ec.message());
    if (regular)
      paths.push_back(it->path());
  }
  if (ec)
    return IoError("cannot list " + dir.string() + ": " + ec.message());
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) {
    DRAGNET_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
    files.emplace_back(path.string(), std::move(text));
  }
  return files;
}

Status WriteFileAtomic(const std::filesystem::path& path, std::string_view contents) {
  std::filesystem::path tmp = path;
  tmp += ".tmp-" + NewUuid().substr(0, 8);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    return ErrnoError("cannot create", tmp.string());
  Status written = WriteAll(fd, contents, tmp);
  if (written.ok() && ::fsync(fd) != 0)
    written = ErrnoError("cannot sync", tmp.string());
  ::close(fd);
  if (!written.ok()) {
    ::unlink(tmp.c_str());
    return written;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Error error = ErrnoError("cannot rename into place", path.string());
    ::unlink(tmp.c_str());
    return error;
  }
  return SyncDirectory(path.parent_path().empty() ? "." : path.parent_path());
}

size_t PruneCacheFiles(const std::filesystem::path& keep, std::string_view prefix,
                       std::string_view suffix, size_t newest) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::pair<fs::file_time_type, fs::path>> found;
  for (fs::directory_iterator it(keep.parent_path(), ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec) || name.size() < prefix.size() + suffix.size() ||
        !name.starts_with(prefix) || !name.ends_with(suffix) || it->path() == keep)
      continue;
    auto time = it->last_write_time(type_ec);
    if (!type_ec)
      found.emplace_back(time, it->path());
  }
  // `keep` is the newest of all; the others by age, newest first.
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  size_t removed = 0;
  for (size_t i = newest > 0 ? newest - 1 : 0; i < found.size(); ++i) {
    std::error_code remove_ec;
    if (fs::remove(found[i].second, remove_ec))
      ++removed;
  }
  return removed;
}

Result<std::string> Sha256File(const std::filesystem::path& path) {
  Hasher hasher(DigestAlgorithm::kSha256);
  DRAGNET_RETURN_IF_ERROR(
      ReadFileChunks(path, [&hasher](std::string_view piece) { hasher.Update(piece); }));
  return HexEncode(hasher.Finish());
}

Result<AppendFile> AppendFile::Open(const std::filesystem::path& path, bool must_create) {
  int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC;
  if (must_create)
    flags |= O_EXCL;
  int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0)
    return ErrnoError("cannot open for writing", path.string());
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    Error error = ErrnoError("cannot stat", path.string());
    ::close(fd);
    return error;
  }
  return AppendFile(fd, path, static_cast<uint64_t>(st.st_size));
}

AppendFile::AppendFile(AppendFile&& other) noexcept
    : fd_(other.fd_), path_(std::move(other.path_)), size_(other.size_) {
  other.fd_ = -1;
}

AppendFile& AppendFile::operator=(AppendFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    size_ = other.size_;
    other.fd_ = -1;
  }
  return *this;
}

AppendFile::~AppendFile() {
  if (fd_ >= 0)
    ::close(fd_);
}

Status AppendFile::Append(std::string_view bytes) {
  if (fd_ < 0)
    return FailedPrecondition("file is closed: " + path_.string());
  DRAGNET_RETURN_IF_ERROR(WriteAll(fd_, bytes, path_));
  size_ += bytes.size();
  return Status::Ok();
}

Status AppendFile::Sync() {
  if (fd_ >= 0 && ::fdatasync(fd_) != 0)
    return ErrnoError("cannot sync", path_.string());
  return Status::Ok();
}

Status AppendFile::Close() {
  if (fd_ < 0)
    return Status::Ok();
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0)
    return ErrnoError("cannot close", path_.string());
  return Status::Ok();
}

Status SyncDirectory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return ErrnoError("cannot open directory", dir.string());
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0)
    return ErrnoError("cannot sync directory", dir.string());
  return Status::Ok();
}

std::string HostName() {
  std::array<char, 256> buf{};
  if (::gethostname(buf.data(), buf.size() - 1) != 0)
    return "unknown-host";
  return buf.data();
}

std::string UserName() {
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0')
    return user;
  struct passwd pw {};
  struct passwd* result = nullptr;
  std::array<char, 4096> buf{};
  if (::getpwuid_r(::getuid(), &pw, buf.data(), buf.size(), &result) == 0 && result != nullptr) {
    return result->pw_name;
  }
  return "uid-" + std::to_string(::getuid());
}

}  // namespace dragnet
