// Indexes WARC files written by other tools in place: the file is not copied, its SHA-256 is
// recorded so that a later change to it is detectable, and each record is reported with its
// (file, offset, length) so it can be read back by random access.

#include <algorithm>
#include <cctype>

#include "archive/warc_reader.h"
#include "capture/importer.h"
#include "core/file.h"

namespace dragnet::capture {
namespace {

int HttpStatus(std::string_view block_start) {
  // "HTTP/1.1 200 OK"
  if (block_start.rfind("HTTP/", 0) != 0)
    return 0;
  size_t space = block_start.find(' ');
  if (space == std::string_view::npos || space + 4 > block_start.size())
    return 0;
  int status = 0;
  for (size_t i = space + 1; i < space + 4; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(block_start[i])))
      return 0;
    status = status * 10 + (block_start[i] - '0');
  }
  return status;
}

// Content type of the payload: for HTTP responses the Content-Type header of the response.
std::string HttpContentType(std::string_view head) {
  size_t pos = 0;
  while (pos < head.size()) {
    size_t eol = head.find('\n', pos);
    std::string_view line =
        head.substr(pos, eol == std::string_view::npos ? head.size() - pos : eol - pos);
    if (line.size() > 13) {
      std::string name(line.substr(0, 13));
      for (char& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name == "content-type:") {
        std::string_view value = line.substr(13);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
          value.remove_prefix(1);
        }
        while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) {
          value.remove_suffix(1);
        }
        return std::string(value);
      }
    }
    if (eol == std::string_view::npos)
      break;
    pos = eol + 1;
  }
  return "";
}

std::string StripBrackets(std::string_view uri) {
  // WARC/1.0 writers (wget) put the target URI in angle brackets; store the URI itself.
  if (uri.size() >= 2 && uri.front() == '<' && uri.back() == '>') {
    uri = uri.substr(1, uri.size() - 2);
  }
  return std::string(uri);
}

}  // namespace

Status IndexWarcFile(const std::filesystem::path& input, ImportSink& sink, ImportStats& stats,
                     Progress& progress) {
  std::error_code ec;
  std::filesystem::path path = std::filesystem::canonical(input, ec);
  if (ec)
    return IoError("cannot resolve " + input.string() + ": " + ec.message());
  DRAGNET_ASSIGN_OR_RETURN(std::string sha256, Sha256File(path));
  std::string key = "warc:" + sha256;
  DRAGNET_ASSIGN_OR_RETURN(bool seen, sink.AlreadyImported(key));
  if (seen) {
    ++stats.duplicates;
    return Status::Ok();
  }
  model::AnomalyLog anomalies(1000);
  DRAGNET_ASSIGN_OR_RETURN(auto reader, archive::WarcReader::Open(path, anomalies));
  ImportedArchiveFile file;
  file.path = path;
  file.sha256 = sha256;
  file.size = reader->file_size();
  file.origin = "indexed";
  DRAGNET_RETURN_IF_ERROR(sink.OnArchiveFile(file));

  ImportSource source{"warc_import", path.string(), path.filename().string()};
  std::vector<ImportedRecord> batch;
  uint64_t records = 0;
  uint64_t bytes_done = 0;
  // Records are reported in batches so that the store writes them in few transactions; the
  // file's key is marked imported with the last batch only, so an interrupted run is redone.
  auto flush = [&](bool last) -> Status {
    if (batch.empty() && !last)
      return Status::Ok();
    DRAGNET_RETURN_IF_ERROR(
        sink.OnItem(source, batch, last ? key : "",
                    last ? "WARC file indexed in place: " + path.string() : ""));
    batch.clear();
    return Status::Ok();
  };
  for (;;) {
    DRAGNET_ASSIGN_OR_RETURN(bool more, reader->Next());
    if (!more)
      break;
    const auto& h = reader->header();
    ImportedRecord record;
    record.warc_file = path;
    record.record_id = std::string(h.fields.Get("WARC-Record-ID").value_or(""));
    record.record_type = std::string(h.fields.Get("WARC-Type").value_or(""));
    for (char& c : record.record_type) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    record.uri = StripBrackets(h.fields.Get("WARC-Target-URI").value_or(""));
    record.date = std::string(h.fields.Get("WARC-Date").value_or(""));
    if (file.first_record_date.empty())
      file.first_record_date = record.date;
    file.last_record_date = record.date;
    record.content_type = std::string(h.fields.Get("Content-Type").value_or(""));
    record.payload_digest = std::string(h.fields.Get("WARC-Payload-Digest").value_or(""));
    bool http = record.content_type.rfind("application/http", 0) == 0;
    if (http && (record.record_type == "response" || record.record_type == "revisit")) {
      // Only the HTTP head is needed; the first piece of the block holds it in practice.
      DRAGNET_ASSIGN_OR_RETURN(std::string_view first, reader->ReadBlock());
      record.http_status = HttpStatus(first);
      size_t end = first.find("\r\n\r\n");
      std::string type = HttpContentType(first.substr(0, end));
      if (!type.empty())
        record.content_type = type;
    }
    DRAGNET_ASSIGN_OR_RETURN(archive::WarcRecordExtent extent, reader->FinishRecord());
    record.offset = extent.offset;
    record.length = extent.length;
    bool is_page = record.record_type == "response" || record.record_type == "resource";
    if (is_page && record.content_type.find("html") != std::string::npos &&
        (record.http_status == 0 || (record.http_status >= 200 && record.http_status < 300))) {
      record.document_kind = "html";
    }
    if (record.record_type != "warcinfo")
      batch.push_back(std::move(record));
    ++records;
    bytes_done = extent.offset + extent.length;
    ++stats.items;
    progress.Update(stats.items, stats.bytes + bytes_done, path.filename().string());
    if (batch.size() >= 1000)
      DRAGNET_RETURN_IF_ERROR(flush(false));
  }
  DRAGNET_RETURN_IF_ERROR(flush(true));
  file.records = records;
  DRAGNET_RETURN_IF_ERROR(sink.OnArchiveFileIndexed(file));
  stats.bytes += file.size;
  for (const auto& a : anomalies.items()) {
    stats.AddAnomaly(path, a.severity, a.kind, a.detail, a.offset);
  }
  stats.anomaly_count += anomalies.errors() + anomalies.warnings() - anomalies.items().size();
  return Status::Ok();
}

}  // namespace dragnet::capture
