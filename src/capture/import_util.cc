#include "capture/import_util.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace dragnet::capture {

std::string FileUri(const std::filesystem::path& absolute_path) {
  std::string out = "file://";
  for (unsigned char c : absolute_path.string()) {
    bool unreserved = std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/' ||
                      c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' ||
                      c == '*' || c == '+' || c == ',' || c == ';' || c == '=' || c == ':' ||
                      c == '@';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string GuessContentType(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html"},
      {".htm", "text/html"},
      {".xhtml", "application/xhtml+xml"},
      {".txt", "text/plain"},
      {".css", "text/css"},
      {".js", "application/javascript"},
      {".json", "application/json"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".png", "image/png"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".svg", "image/svg+xml"},
      {".pdf", "application/pdf"},
      {".mp4", "video/mp4"},
      {".ogg", "audio/ogg"},
      {".asc", "application/pgp-keys"},
      {".csv", "text/csv"},
  };
  for (const auto& [e, type] : kTypes) {
    if (ext == e)
      return type;
  }
  return "application/octet-stream";
}

std::string HtmlTitle(std::string_view html) {
  // A cheap scan, not a parser: the parse stage reads the page properly later; this only labels
  // the document in listings.
  std::string lower(html.substr(0, std::min<size_t>(html.size(), 64 * 1024)));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  size_t open = lower.find("<title");
  if (open == std::string::npos)
    return "";
  size_t start = lower.find('>', open);
  if (start == std::string::npos)
    return "";
  ++start;
  size_t end = lower.find("</title", start);
  if (end == std::string::npos)
    end = std::min(lower.size(), start + 300);
  std::string_view raw = html.substr(start, end - start);
  std::string out;
  bool space = false;
  for (size_t i = 0; i < raw.size() && out.size() < 300; ++i) {
    char c = raw[i];
    if (c == '&') {
      size_t semi = raw.find(';', i);
      if (semi != std::string_view::npos && semi - i <= 8) {
        std::string_view entity = raw.substr(i + 1, semi - i - 1);
        std::string decoded;
        if (entity == "amp")
          decoded = "&";
        if (entity == "lt")
          decoded = "<";
        if (entity == "gt")
          decoded = ">";
        if (entity == "quot")
          decoded = "\"";
        if (entity == "apos" || entity == "#39")
          decoded = "'";
        if (entity == "nbsp")
          decoded = " ";
        if (!decoded.empty()) {
          if (space)
            out += ' ';
          out += decoded;
          i = semi;
          space = false;
          continue;
        }
      }
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if (!out.empty())
        space = true;
      continue;
    }
    if (space)
      out += ' ';
    space = false;
    out += c;
  }
  return out;
}

ImportedRecord RecordFromWritten(const archive::WarcRecordSpec& spec,
                                 const archive::WrittenRecord& written) {
  ImportedRecord record;
  record.warc_file = written.file;
  record.offset = written.offset;
  record.length = written.length;
  record.record_id = written.record_id;
  record.record_type = std::string(archive::WarcTypeName(spec.type));
  record.uri = spec.target_uri;
  record.date = written.date;
  record.content_type = spec.content_type;
  record.payload_digest = written.payload_digest;
  return record;
}

}  // namespace dragnet::capture
