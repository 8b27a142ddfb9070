// Saved web pages (a browser's "save page as", wget -r, a seized web root): every file becomes a
// resource record, with its original path and modification time kept in the record header.

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <sys/stat.h>

#include "capture/import_util.h"
#include "capture/importer.h"
#include "core/clock.h"
#include "core/file.h"
#include "core/hash.h"

namespace dragnet::capture {
namespace {

// Larger files are evidence too, but not pages: they are reported and left for a dedicated tool.
constexpr uint64_t kMaxFileBytes = uint64_t{256} << 20;

}  // namespace

Status ImportHtmlDirectory(const std::filesystem::path& input, archive::WarcWriter& writer,
                           ImportSink& sink, ImportStats& stats, Progress& progress) {
  std::error_code ec;
  if (!std::filesystem::is_directory(input, ec)) {
    return InvalidArgument(input.string() + " is not a directory");
  }
  std::filesystem::path root = std::filesystem::canonical(input, ec);
  if (ec)
    return IoError("cannot resolve " + input.string() + ": " + ec.message());
  std::filesystem::path archive_dir = std::filesystem::weakly_canonical(writer.directory(), ec);

  // Collect first and sort, so the archive's order does not depend on the file system's.
  std::vector<std::filesystem::path> files;
  auto options = std::filesystem::directory_options::skip_permission_denied;
  std::filesystem::recursive_directory_iterator it(root, options, ec);
  if (ec)
    return IoError("cannot list " + root.string() + ": " + ec.message());
  for (; it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      stats.AddAnomaly(root, model::Severity::kError, "import.unlistable",
                       "cannot list part of the directory: " + ec.message(), 0);
      ec.clear();
      continue;
    }
    const auto& entry = *it;
    if (entry.is_directory(ec) && entry.path() == archive_dir) {
      it.disable_recursion_pending();  // never archive the archive
      continue;
    }
    if (entry.is_symlink(ec))
      continue;  // links may point outside what the analyst chose
    if (entry.is_regular_file(ec))
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());

  ImportSource source{"html_directory", root.string(), root.filename().string()};
  for (const auto& path : files) {
    progress.Update(stats.items, stats.bytes, path.filename().string());
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      stats.AddAnomaly(path, model::Severity::kError, "import.unreadable",
                       std::string("cannot stat: ") + std::strerror(errno), 0);
      continue;
    }
    if (static_cast<uint64_t>(st.st_size) > kMaxFileBytes) {
      stats.AddAnomaly(path, model::Severity::kWarning, "import.too_large",
                       "larger than 256 MiB, not archived", 0);
      continue;
    }
    auto content = ReadFile(path);
    if (!content.has_value()) {
      stats.AddAnomaly(path, model::Severity::kError, "import.unreadable",
                       content.error().message(), 0);
      continue;
    }
    std::string key = "file:" + Sha256Hex(*content) + ":" + path.string();
    DRAGNET_ASSIGN_OR_RETURN(bool seen, sink.AlreadyImported(key));
    if (seen) {
      ++stats.duplicates;
      continue;
    }
    std::string content_type = GuessContentType(path);
    bool html = content_type == "text/html" || content_type == "application/xhtml+xml";
    archive::WarcRecordSpec spec;
    spec.type = archive::WarcType::kResource;
    spec.target_uri = FileUri(path);
    spec.content_type = content_type;
    spec.block = *content;
    spec.extra_fields.emplace_back("Dragnet-Source-Path", path.string());
    spec.extra_fields.emplace_back("Dragnet-Source-Modified",
                                   FormatW3c(FromUnixSeconds(st.st_mtim.tv_sec), 0));
    DRAGNET_ASSIGN_OR_RETURN(archive::WrittenRecord written, writer.Write(spec));

    ImportedRecord record = RecordFromWritten(spec, written);
    if (html) {
      record.document_kind = "html";
      record.title = HtmlTitle(*content);
    } else if (content_type.rfind("text/", 0) == 0 || content_type == "application/pdf") {
      record.document_kind = "file";
      record.title = path.filename().string();
    }
    record.document_date = FormatW3c(FromUnixSeconds(st.st_mtim.tv_sec), 0);
    DRAGNET_RETURN_IF_ERROR(sink.OnItem(source, {record}, key, "saved file " + path.string()));
    ++stats.items;
    stats.bytes += content->size();
  }
  return Status::Ok();
}

}  // namespace dragnet::capture
